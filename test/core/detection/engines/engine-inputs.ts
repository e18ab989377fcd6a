/**
 * What the engine tests that compare two ways of running detect share: corpus events, a temporary folder to
 * write inputs into (removed after the file's tests), and the CLI run in-process with captured streams.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { runCli } from '../../../../core/cli/main.ts';
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

/** `guardrails <args>` in-process, without a config from the environment. */
export async function cli(args: string[]) {
  const out = capture();
  const err = capture();
  const status = await runCli(args, { out: out.stream, err: err.stream, env: { ...process.env, GUARDRAILS_CONFIG: '' }, cwd: process.cwd() });
  return { status, stdout: out.text(), stderr: err.text() };
}
