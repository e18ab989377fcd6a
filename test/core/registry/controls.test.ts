/**
 * The controls registry against the code: every file, symbol, test and config key it names exists, every
 * construct class is in an entry, every catalog rule is deployed by a pipeline and read from a log source,
 * and CONTROLS.md and the README's layout section are what core/registry/docs.ts writes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorrelationFiles } from '../../../core/detection/rule-loader.ts';
import { coverageOf, coverageSection, renderCoverageSection } from '../../../core/report/technique-coverage.ts';
import { configSchema } from '../../../core/config/schema.ts';
import { SERVICES } from '../../../core/detection/rule.ts';
import { FOLDERS, REGISTRY, type SymbolRef } from '../../../core/registry/controls.ts';
import {
  CONTROLS_FILE,
  DOCS_COMMAND,
  layoutSection,
  loadRuleContext,
  README_FILE,
  renderControls,
  renderLayout,
  REPOSITORY_ROOT as root,
  resolveRules,
  ruleIds,
} from '../../../core/registry/docs.ts';

const read = (file: string) => readFileSync(join(root, file), 'utf8');
const context = loadRuleContext();

/** Whether `source` exports `symbol` by declaration (`export class|function|const|... X`) or in an export list. */
function exportsSymbol(source: string, symbol: string): boolean {
  const declared = new RegExp(
    `^export\\s+(?:declare\\s+)?(?:abstract\\s+)?(?:async\\s+)?(?:class|function\\*?|const|let|var|interface|type|enum)\\s+${symbol}\\b`,
    'm',
  );
  if (declared.test(source)) return true;
  return [...source.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)].some(([, names]) =>
    names!.split(',').some(
      (name) =>
        name
          .trim()
          .split(/\s+as\s+/)
          .pop() === symbol,
    ),
  );
}

/** What a symbol reference gets wrong, or undefined. */
function symbolProblem({ file, symbol }: SymbolRef): string | undefined {
  if (!existsSync(join(root, file))) return `${file} does not exist`;
  if (!exportsSymbol(read(file), symbol)) return `${file} does not export ${symbol}`;
  return undefined;
}

interface ZodNode {
  readonly _zod: { readonly def: { readonly type: string; readonly innerType?: ZodNode; readonly in?: ZodNode; readonly shape?: Record<string, ZodNode> } };
}

/** Whether a dotted path names a key of the config schema (through optional, default and pipe wrappers). */
function inSchema(path: string, schema: ZodNode = configSchema as unknown as ZodNode): boolean {
  let node: ZodNode | undefined = schema;
  for (const key of path.split('.')) {
    while (node) {
      const def: ZodNode['_zod']['def'] = node._zod.def;
      const inner: ZodNode | undefined = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
      if (!inner) break;
      node = inner;
    }
    node = node?._zod.def.type === 'object' ? node._zod.def.shape?.[key] : undefined;
    if (!node) return false;
  }
  return true;
}

/** Exported classes of constructs/**: the constructs and Pulumi components. */
function constructClasses(): SymbolRef[] {
  const files = readdirSync(join(root, 'constructs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return files.flatMap((f) => {
    const file = `constructs/${f.split('\\').join('/')}`;
    return [...read(file).matchAll(/^export\s+(?:abstract\s+)?class\s+(\w+)/gm)].map(([, symbol]) => ({ file, symbol: symbol! }));
  });
}

/**
 * Directories holding files a clone would have: the tree walked from the root, without .git and the folders
 * .gitignore names (node_modules/, dist/, ...). Not `git ls-files`: CI runs on a copy with no .git.
 */
function repositoryDirectories(): Set<string> {
  const ignored = new Set([
    '.git',
    ...read('.gitignore')
      .split('\n')
      .filter((line) => line.endsWith('/'))
      .map((line) => line.slice(0, -1)),
  ]);
  const dirs = new Set<string>();
  const walk = (dir: string): boolean => {
    let hasFile = false;
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (ignored.has(entry.name)) continue;
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) hasFile = walk(path) || hasFile;
      else hasFile = true;
    }
    if (dir && hasFile) dirs.add(`${dir}/`);
    return hasFile;
  };
  walk('');
  return dirs;
}

describe('the controls registry', () => {
  it('has unique ids, each starting with its cloud', () => {
    const ids = REGISTRY.map((e) => e.id);
    expect(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      'duplicate ids',
    ).toEqual([]);
    expect(REGISTRY.filter((e) => !e.id.startsWith(`${e.cloud}-`)).map((e) => e.id)).toEqual([]);
  });

  it('names only files that exist and symbols they export', () => {
    const refs = REGISTRY.flatMap((e) =>
      [...e.implementation, ...e.composedIn, ...(e.rules?.generated ?? []).map((g) => g.from)].map((ref) => ({ id: e.id, ref })),
    );
    const problems = refs.flatMap(({ id, ref }) => {
      const problem = symbolProblem(ref);
      return problem ? [`${id}: ${problem}`] : [];
    });
    expect(problems).toEqual([]);
    expect(REGISTRY.filter((e) => e.implementation.length === 0).map((e) => e.id)).toEqual([]);
  });

  it('names only test files that exist', () => {
    const missing = REGISTRY.flatMap((e) => e.tests.filter((t) => !t.endsWith('.test.ts') || !existsSync(join(root, t))).map((t) => `${e.id}: ${t}`));
    expect(missing).toEqual([]);
    expect(
      REGISTRY.filter((e) => e.tests.length === 0).map((e) => e.id),
      'entries without a test',
    ).toEqual([]);
  });

  it('names the test of its own of every construct it is implemented by', () => {
    // constructs/<cloud>/<name>.ts is tested alone in test/constructs/<cloud>/<name>.test.ts (through its public props).
    const missing = REGISTRY.flatMap((e) =>
      e.implementation
        .filter((r) => r.file.startsWith('constructs/'))
        .map((r) => `test/${r.file.replace(/\.ts$/, '.test.ts')}`)
        .filter((t) => existsSync(join(root, t)) && !e.tests.includes(t))
        .map((t) => `${e.id}: ${t}`),
    );
    expect(missing).toEqual([]);
  });

  it('names only config keys the schema has', () => {
    const unknown = REGISTRY.flatMap((e) => e.configKeys.filter((key) => !inSchema(key)).map((key) => `${e.id}: ${key}`));
    expect(unknown).toEqual([]);
  });

  it('lists every construct and component class of constructs/', () => {
    const listed = new Set(REGISTRY.flatMap((e) => e.implementation).map((r) => `${r.file}#${r.symbol}`));
    const classes = constructClasses();
    expect(classes.length).toBeGreaterThan(10);
    expect(
      classes.filter((c) => !listed.has(`${c.file}#${c.symbol}`)).map((c) => `${c.file} ${c.symbol}`),
      `add these to an entry of core/registry/controls.ts`,
    ).toEqual([]);
  });

  it('deploys every catalog rule through a pipeline and reads each from a log source', () => {
    const deployed = new Set(REGISTRY.filter((e) => e.kind === 'pipeline').flatMap((e) => ruleIds(e, context)));
    const read = new Set(REGISTRY.filter((e) => e.kind === 'logsource').flatMap((e) => ruleIds(e, context)));
    expect(context.catalog.length).toBeGreaterThan(50);
    expect(
      context.catalog.filter((r) => r.targets.length > 0 && !deployed.has(r.id)).map((r) => r.id),
      'rules no pipeline deploys',
    ).toEqual([]);
    expect(
      context.catalog.filter((r) => !read.has(r.id)).map((r) => r.id),
      'rules on no log source',
    ).toEqual([]);
    for (const e of REGISTRY.filter((e) => e.kind !== 'control')) expect(ruleIds(e, context).length, `${e.id} resolves to no rule`).toBeGreaterThan(0);
  });

  it('has a log source entry for every log source rules can name, collected by controls of its cloud', () => {
    const services = REGISTRY.filter((e) => e.kind === 'logsource').map((e) => `${e.cloud}/${e.rules?.catalog?.service}`);
    expect(services.sort()).toEqual(
      Object.entries(SERVICES)
        .flatMap(([product, list]) => list.map((s) => `${product}/${s}`))
        .sort(),
    );
    const controls = new Map(REGISTRY.filter((e) => e.kind === 'control').map((e) => [e.id, e.cloud]));
    const wrong = REGISTRY.flatMap((e) => (e.collectedBy ?? []).filter((id) => controls.get(id) !== e.cloud).map((id) => `${e.id}: ${id}`));
    expect(wrong).toEqual([]);
    expect(REGISTRY.filter((e) => e.kind === 'logsource' && !e.collectedBy?.length).map((e) => e.id)).toEqual([]);
  });

  it('names only watching rules that exist', () => {
    const known = new Set([...context.catalog.map((r) => r.id), ...[...context.generated.values()].flat()]);
    expect(REGISTRY.flatMap((e) => (e.watchedBy ?? []).filter((id) => !known.has(id)).map((id) => `${e.id}: ${id}`))).toEqual([]);
  });

  it('resolves pipeline rules from the catalog by target and log source', () => {
    const realtime = REGISTRY.find((e) => e.id === 'aws-realtime-rules')!;
    const { catalog, generated } = resolveRules(realtime, context);
    expect(catalog.every((r) => r.logsource.product === 'aws' && r.targets.includes('eventbridge'))).toBe(true);
    expect(generated.flatMap((g) => g.ids)).toEqual(expect.arrayContaining(['guardrails-trail-changed', 'aws-perimeter-shadow-network']));
  });
});

describe('the folder overview', () => {
  const dirs = repositoryDirectories();

  it('names only folders that exist, and only files in them that exist', () => {
    expect(FOLDERS.filter((f) => !existsSync(join(root, f.path))).map((f) => f.path)).toEqual([]);
    const stale = FOLDERS.flatMap(({ path, about }) => {
      const here = path.endsWith('/') ? readdirSync(join(root, path), { recursive: true, encoding: 'utf8' }).map((f) => f.split(/[\\/]/).pop()!) : [];
      // File names in backquotes (`parts.ts`) must exist in the folder (at any depth) or at the top.
      const named = [...about.matchAll(/`([\w.-]+\.(?:ts|js|json|md|ya?ml)|run)`/g)].map(([, name]) => name!);
      return named.filter((name) => !here.includes(name) && !existsSync(join(root, name))).map((name) => `${path}: ${name}`);
    });
    expect(stale).toEqual([]);
  });

  it('lists every top-level folder and every folder of core/, constructs/ and stacks/', () => {
    const listed = new Set(FOLDERS.map((f) => f.path));
    const needed = [...dirs].filter((d) => d.split('/').length === 2 || /^(core|constructs|stacks)\/[^/]+\/$/.test(d));
    // A top-level folder is covered by its subfolders when they are listed (core/ by core/config/, ...).
    const missing = needed.filter((d) => !listed.has(d) && ![...listed].some((l) => l.startsWith(d)));
    expect(missing, 'add them to FOLDERS in core/registry/controls.ts').toEqual([]);
  });
});

describe('generated documents', () => {
  it(`${CONTROLS_FILE} is what the registry gives (run ${DOCS_COMMAND})`, () => {
    const current = existsSync(join(root, CONTROLS_FILE)) ? read(CONTROLS_FILE) : '';
    expect(current, `${CONTROLS_FILE} is stale: run ${DOCS_COMMAND}`).toBe(renderControls(context));
  });

  it(`the layout section of ${README_FILE} is what the registry gives (run ${DOCS_COMMAND})`, () => {
    expect(layoutSection(read(README_FILE)), `the layout section of ${README_FILE} is stale: run ${DOCS_COMMAND}`).toBe(renderLayout());
    expect(coverageSection(read(README_FILE)), `the coverage section of ${README_FILE} is stale: run ${DOCS_COMMAND}`).toBe(
      renderCoverageSection(context.catalog, loadCorrelationFiles('detections').map(coverageOf)),
    );
  });
});
