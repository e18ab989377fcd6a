import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DetectOptions } from '../../../../core/cli/detect.ts';
import { runDuckdb } from '../../../../core/detection/engines/duckdb-engine.ts';
import { planDetect } from '../../../../core/detection/engines/duckdb-plan.ts';
import { CORPUS_DIR, corpusFiles } from '../../../helpers/corpus.ts';
import { cli, corpus, detectRun, inputFolder, rules } from './engine-inputs.ts';

const { dir, write } = inputFolder('guardrails-duckdb-engine-');

async function both(paths: string[], options: Partial<DetectOptions> = {}) {
  return { js: await detectRun(paths, { engine: 'js', ...options }), duckdb: await detectRun(paths, { engine: 'duckdb', ...options }) };
}

describe('detect --engine duckdb gives the js engine results', () => {
  it('on the corpus (JSON documents: read by Node, evaluated as SQL), correlations included', { timeout: 60_000 }, async () => {
    const { js, duckdb } = await both([CORPUS_DIR]);
    expect(js.summary.events).toBe(corpusFiles().reduce((n, f) => n + f.events.length, 0));
    expect(js.summary.matched).toBeGreaterThan(10);
    expect(new Set([...js.summary.byRule.keys()].map((id) => id.split('-')[0]))).toEqual(new Set(['aws', 'azure', 'gcp']));
    expect(duckdb).toEqual(js);
  });

  it('on NDJSON read by DuckDB: gzip, CloudTrail-file lines, blank lines, Azure and GCP records mixed in, table format', { timeout: 60_000 }, async () => {
    const trail = corpus('aws/trail_tampering.json');
    const azure = corpus('azure/activity_diagnostic_format_panther.json');
    const gcp = corpus('gcp/gcloud_gsutil_cli.json');
    const lines = [
      ...trail.slice(0, 3).map((e) => JSON.stringify(e)),
      '',
      JSON.stringify({ Records: trail.slice(3) }),
      '   ',
      ...azure.map((e) => JSON.stringify(e)),
      JSON.stringify({ Records: [] }),
      ...gcp.map((e) => JSON.stringify(e)),
      '{"not":"a log"}',
      ...trail.map((e) => JSON.stringify(e)),
    ];
    const plain = write('mixed.ndjson', `${lines.join('\n')}\n`);
    const gz = write('mixed.ndjson.gz', gzipSync(`${lines.join('\r\n')}\n`));
    const { js, duckdb } = await both([plain, gz], { format: 'table' });
    expect(js.summary.unrecognised).toBe(2);
    expect(js.summary.matched).toBeGreaterThan(trail.length);
    expect(duckdb).toEqual(js);
    // Both files were read by DuckDB, not handed to Node.
    const readers: string[] = [];
    await runDuckdb({ ...engineRun([plain, gz]), onReader: (_file, reader) => readers.push(reader) });
    expect(readers).toEqual(['duckdb', 'duckdb']);
  });

  it('on a directory with a malformed line, a corrupt gzip, an empty file and a missing path: same stderr lines and exit code', {
    timeout: 60_000,
  }, async () => {
    const trail = corpus('aws/trail_tampering.json').map((e) => JSON.stringify(e));
    write('problems/a-good.ndjson', `${trail.join('\n')}\n`);
    write('problems/b-malformed.ndjson', `${trail[0]}\n{"eventName": oops\n${trail[1]}\n`);
    write('problems/c-cut.ndjson.gz', gzipSync(`${trail.join('\n')}\n`).subarray(0, 200));
    write('problems/d-empty.json', '');
    const missing = join(dir, 'missing.json');
    const { js, duckdb } = await both([join(dir, 'problems'), missing]);
    expect(js.err).toContain(`skipped: ${missing}: no such file or directory (ENOENT)`);
    expect(js.err).toMatch(/skipped: .*c-cut\.ndjson\.gz: gzip data ends early/);
    expect(js.err).toMatch(/malformed: .*b-malformed\.ndjson:2: /);
    expect(js.exit).toBe(3);
    expect(duckdb).toEqual(js);
  });

  it('through the CLI: --engine duckdb prints what --engine js prints, and an unknown engine is a usage error', { timeout: 60_000 }, async () => {
    const file = write(
      'cli/trail.ndjson',
      `${corpus('aws/trail_tampering.json')
        .map((e) => JSON.stringify(e))
        .join('\n')}\n`,
    );
    const js = await cli(['detect', file, '--format', 'ndjson', '--engine', 'js']);
    expect(js.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(3);
    expect(await cli(['detect', file, '--format', 'ndjson', '--engine', 'duckdb'])).toEqual(js);
    const bad = await cli(['detect', file, '--engine', 'sql']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: --engine must be one of auto, js, duckdb$/m);
  });

  it('on an empty input: no event, exit 3', async () => {
    const empty = write('empty.ndjson', '\n');
    const { js, duckdb } = await both([empty]);
    expect(js.summary.events).toBe(0);
    expect(js.exit).toBe(3);
    expect(duckdb).toEqual(js);
  });
});

/** A direct run of the engine over `files` with the example rules, discarding what it reports. */
function engineRun(files: string[]) {
  const none = () => {};
  return {
    files,
    plan: planDetect(rules.slice(0, 1), []),
    ruleIndex: new Map(),
    baseIndex: new Map(),
    limits: {},
    sink: { onEvents: none, onMatch: none, onBase: none, onMalformed: none, onFile: none },
  };
}
