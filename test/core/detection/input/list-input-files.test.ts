/**
 * listInputFiles, from its contract: named paths are taken as they are, directories are walked in name
 * order for *.json, *.jsonl, *.ndjson, *.log and *.gz regular files, each directory (by real path) is
 * listed once, and problems are reported (with detect's wording), never thrown.
 */
import { mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type InputProblem, listInputFiles } from '../../../../core/detection/input/read-events.ts';
import { scratch } from './read-helpers.ts';

const tmp = scratch('list-input-files-');
afterAll(tmp.remove);

function list(paths: string[], withRepeated = true): { files: string[]; problems: InputProblem[]; repeated: [string, string][] } {
  const problems: InputProblem[] = [];
  const repeated: [string, string][] = [];
  const files = listInputFiles(paths, {
    onProblem: (p) => problems.push(p),
    ...(withRepeated ? { onRepeated: (path, first) => repeated.push([path, first]) } : {}),
  });
  return { files, problems, repeated };
}

function tree(files: string[]): string {
  const root = tmp.path('tree');
  for (const file of files) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '{}\n');
  }
  return root;
}

describe('listInputFiles walks directories', () => {
  it('takes log files in name order, depth first, and leaves other names out', () => {
    // Created out of order, so the order comes from the sort, not from the directory.
    const root = tree(['d.ndjson', 'sub/z.log', 'b.json', 'notes.txt', 'A.json', 'e.jsonl', 'c.gz', 'a.json', 'sub/y.txt', 'f.json.bak']);
    expect(list([root])).toEqual({
      files: ['A.json', 'a.json', 'b.json', 'c.gz', 'd.ndjson', 'e.jsonl', 'sub/z.log'].map((f) => join(root, f)),
      problems: [],
      repeated: [],
    });
  });

  it('keeps the order of the paths given, a directory being expanded in place', () => {
    const root = tree(['dir/b.json', 'dir/a.json', 'x.json']);
    expect(list([join(root, 'x.json'), join(root, 'dir')]).files).toEqual(['x.json', 'dir/a.json', 'dir/b.json'].map((f) => join(root, f)));
  });

  it.skipIf(process.platform !== 'linux')('leaves out a non-regular file under a log name in a directory (a link to /dev/null)', () => {
    const root = tree(['a.json']);
    symlinkSync('/dev/null', join(root, 'null.json'));
    expect(list([root]).files).toEqual([join(root, 'a.json')]);
  });
});

describe('listInputFiles takes a path named as it is', () => {
  it('takes a named file whatever its name', () => {
    const root = tree(['events.txt', 'trail']);
    expect(list([join(root, 'events.txt'), join(root, 'trail')])).toEqual({
      files: [join(root, 'events.txt'), join(root, 'trail')],
      problems: [],
      repeated: [],
    });
  });

  it.skipIf(process.platform !== 'linux')('takes a named character device (like a FIFO from <(zcat x))', () => {
    expect(list(['/dev/null']).files).toEqual(['/dev/null']);
  });

  it('lists a named directory, never the directory itself', () => {
    const root = tree(['a.json']);
    expect(list([root]).files).toEqual([join(root, 'a.json')]);
    expect(list([join(root, '..')]).files).not.toContain(root);
  });
});

describe('listInputFiles lists each directory once', () => {
  it('notes a symlink back up the tree as the directory already listed, and ends', () => {
    const root = tree(['a.json', 'sub/b.json']);
    symlinkSync('..', join(root, 'sub', 'up'));
    expect(list([root])).toEqual({ files: [join(root, 'a.json'), join(root, 'sub/b.json')], problems: [], repeated: [[join(root, 'sub', 'up'), root]] });
  });

  it('notes a directory given twice', () => {
    const root = tree(['a.json']);
    expect(list([root, root])).toEqual({ files: [join(root, 'a.json')], problems: [], repeated: [[root, root]] });
  });

  it('needs no onRepeated callback', () => {
    const root = tree(['a.json']);
    symlinkSync('.', join(root, 'self'));
    expect(list([root, root], false)).toEqual({ files: [join(root, 'a.json')], problems: [], repeated: [] });
  });
});

describe('listInputFiles reports problems and goes on', () => {
  it('reports a missing path by its name and lists the rest', () => {
    const root = tree(['a.json']);
    const missing = join(root, 'missing.json');
    expect(list([missing, root])).toEqual({
      files: [join(root, 'a.json')],
      problems: [{ file: missing, problem: 'no such file or directory (ENOENT)', eventsRead: 0 }],
      repeated: [],
    });
  });

  it('reports a self-referencing symlink (ELOOP) in a directory', () => {
    const root = tree(['a.json']);
    const loop = join(root, 'loop.json');
    symlinkSync('loop.json', loop);
    expect(list([root])).toEqual({
      files: [join(root, 'a.json')],
      problems: [{ file: loop, problem: 'too many symbolic links encountered (ELOOP)', eventsRead: 0 }],
      repeated: [],
    });
  });

  it('reports a path the file system refuses (a NUL byte) with the error as it is', () => {
    const bad = 'a\0b.json';
    let expected = '';
    try {
      statSync(bad);
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(expected).toContain('null bytes');
    expect(list([bad]).problems).toEqual([{ file: bad, problem: expected, eventsRead: 0 }]);
  });

  // Root reads any chmod 000 directory; /proc/1/map_files is one that root without CAP_SYS_ADMIN cannot list.
  const unlistable = '/proc/1/map_files';
  const cannotList = (() => {
    try {
      readdirSync(unlistable);
      return false;
    } catch {
      return statSync(unlistable, { throwIfNoEntry: false })?.isDirectory() === true;
    }
  })();
  it.skipIf(!cannotList)('reports a directory it cannot list, as detect words it', () => {
    const root = tree(['a.json']);
    expect(list([unlistable, root])).toEqual({
      files: [join(root, 'a.json')],
      problems: [{ file: unlistable, problem: 'cannot list directory: permission denied (EACCES)', eventsRead: 0 }],
      repeated: [],
    });
  });
});
