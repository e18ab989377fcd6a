import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDetect } from '../../../core/cli/detect.ts';
import { loadCatalog } from '../../../core/detection/catalog.ts';
import { exampleModel } from '../../helpers/config.ts';
import { CORPUS_DIR, corpusFiles } from '../../helpers/corpus.ts';

function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('runDetect', () => {
  const rules = loadCatalog(exampleModel());

  it('draws a progress bar on a TTY for large inputs only', async () => {
    const tty = capture(true);
    await runDetect({ paths: [CORPUS_DIR], rules, format: 'ndjson', out: new PassThrough(), err: tty.stream, progressMinBytes: 1 });
    expect(tty.text()).toMatch(/\r\[#+\s*\] 100% of 0 MB/);
    const pipe = capture(false);
    await runDetect({ paths: [CORPUS_DIR], rules, format: 'ndjson', out: new PassThrough(), err: pipe.stream, progressMinBytes: 1 });
    expect(pipe.text()).not.toContain('\r[');
  });

  it('counts events, matches and unrecognised events in the summary, and restricts to --cloud', async () => {
    const err = capture(false);
    const out = capture(false);
    const summary = await runDetect({ paths: [CORPUS_DIR], rules, cloud: 'gcp', format: 'table', out: out.stream, err: err.stream });
    const total = corpusFiles().reduce((n, f) => n + f.events.length, 0);
    expect(summary.events).toBe(total);
    expect([...summary.byRule.keys()].every((id) => id.startsWith('gcp-'))).toBe(true);
    expect(out.text().split('\n')[0]).toMatch(/^RULE\s+LEVEL\s+EVENT$/);
    expect(err.text()).toMatch(new RegExp(`^${total} events in 15 file\\(s\\); \\d+ match\\(es\\) of ${rules.length} rules`));
  });
});
