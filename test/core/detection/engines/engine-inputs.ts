/**
 * What the engine tests that compare two ways of running detect share: corpus events, a temporary folder to
 * write inputs into (removed after the file's tests), and detect (or the whole CLI) run in-process with
 * captured streams.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { type DetectOptions, detectExitCode, runDetect } from '../../../../core/cli/detect.ts';
import { runCli } from '../../../../core/cli/main.ts';
import { loadCatalogWithCorrelations } from '../../../../core/detection/catalog.ts';
import { exampleModel } from '../../../helpers/config.ts';
import { CORPUS_DIR } from '../../../helpers/corpus.ts';
import { capture } from '../../cli/detect-inputs.ts';

/** The events of a corpus file (test/fixtures/corpus/<name>). */
export const corpus = (name: string): Record<string, unknown>[] => JSON.parse(readFileSync(join(CORPUS_DIR, name), 'utf8')) as Record<string, unknown>[];

/** A temporary folder for this test file's inputs, and a writer of files under it (folders made as needed). */
export function inputFolder(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string | Buffer): string => {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  return { dir, write };
}

/** The example configuration's catalog: its rules and correlations. */
export const { rules, correlations } = loadCatalogWithCorrelations(exampleModel());

/** runDetect over `paths` with the example catalog, NDJSON output and captured streams (options override). */
export async function detectRun(paths: string[], options: Partial<DetectOptions> = {}) {
  const out = capture();
  const err = capture();
  const summary = await runDetect({ paths, rules, correlations, format: 'ndjson', out: out.stream, err: err.stream, ...options });
  return { summary, out: out.text(), err: err.text(), exit: detectExitCode(summary, true) };
}

/** `guardrails <args>` in-process, without a config from the environment. */
export async function cli(args: string[]) {
  const out = capture();
  const err = capture();
  const status = await runCli(args, { out: out.stream, err: err.stream, env: { ...process.env, GUARDRAILS_CONFIG: '' }, cwd: process.cwd() });
  return { status, stdout: out.text(), stderr: err.text() };
}
