/**
 * The `guardrails` command as a user runs it: mostly in-process (core/cli/main.ts), and as a process where
 * the wiring is what is tested (from the sources, see test/helpers/guardrails-bin.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../core/cli/main.ts';
import { CORPUS_DIR } from '../helpers/corpus.ts';
import { sourceBin } from '../helpers/guardrails-bin.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RULES = join(root, 'test/fixtures/rules');

/** The command in-process (core/cli/main.ts), as the bin runs it; a few tests below spawn the real bin. */
async function cli(args: string[], cwd = root) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => new Writable({ write: (chunk, _encoding, done) => (append(String(chunk)), done()) });
  const status = await runCli(args, { out: sink((t) => (stdout += t)), err: sink((t) => (stderr += t)), env: { ...process.env, GUARDRAILS_CONFIG: '' }, cwd });
  return { status, stdout, stderr };
}

/** The command as a process (bin/guardrails.ts, what the package bin is built from). */
function guardrails(args: string[]) {
  const result = spawnSync(process.execPath, [...sourceBin(), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, GUARDRAILS_CONFIG: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('guardrails detect', () => {
  it('prints one NDJSON line per match with the event position in its file', async () => {
    const { status, stdout, stderr } = guardrails(['detect', join(CORPUS_DIR, 'aws'), '--rules', RULES, '--format', 'ndjson']);
    expect(status).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual({
      rule: 'test-trail-tampering',
      title: 'Test rule - CloudTrail stopped or deleted',
      level: 'critical',
      file: join(CORPUS_DIR, 'aws/trail_tampering.json'),
      index: 1,
    });
    expect(lines.filter((l) => l['rule'] === 'test-trail-tampering').map((l) => l['index'])).toEqual([0, 1, 2, 3, 5]);
    expect(stderr).toMatch(/\d+ events in 6 file\(s\); 12 match\(es\) of 2 rules/);
  });

  it('reads CloudTrail files, NDJSON and gzip, counts malformed lines, and fails on match only when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guardrails-detect-'));
    const events = JSON.parse(readFileSync(join(CORPUS_DIR, 'aws/trail_tampering.json'), 'utf8')) as unknown[];
    writeFileSync(join(dir, 'trail.json'), JSON.stringify({ Records: events }));
    const ndjson = events.map((e) => JSON.stringify(e));
    ndjson.splice(2, 0, '{"broken": ');
    writeFileSync(join(dir, 'trail.ndjson'), `${ndjson.join('\n')}\n`);
    writeFileSync(join(dir, 'trail.json.gz'), gzipSync(JSON.stringify(events, null, 2)));
    const { status, stdout, stderr } = await cli(['detect', dir, '--rules', RULES, '--format', 'ndjson', '--fail-on-match']);
    expect(status).toBe(1);
    const byFile = (name: string) =>
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { file: string; index: number })
        .filter((l) => l.file.endsWith(name))
        .map((l) => l.index);
    expect(byFile('trail.json')).toEqual([0, 1, 2, 3, 5]);
    expect(byFile('trail.json.gz')).toEqual([0, 1, 2, 3, 5]);
    // The malformed line keeps its place, so positions after it shift by one.
    expect(byFile('trail.ndjson')).toEqual([0, 1, 3, 4, 6]);
    expect(stderr).toMatch(/malformed: .*trail\.ndjson:3: /);
    expect(stderr).toMatch(/1 malformed line\(s\) skipped/);
    expect((await cli(['detect', dir, '--rules', RULES])).status).toBe(0);
  });

  it('works from another directory, with the shipped example config', async () => {
    const { status, stderr } = await cli(['detect', join(CORPUS_DIR, 'gcp'), '--rules', RULES], tmpdir());
    expect(stderr).toMatch(/using guardrails\.example\.yaml/);
    expect(status).toBe(0);
  });

  it('rejects bad usage and bad rules with one line', async () => {
    expect((await cli(['detect', CORPUS_DIR, '--rules', RULES, '--format', 'xml'])).stderr).toMatch(/^error: --format must be one of table, ndjson$/m);
    expect((await cli(['detect'])).stderr).toMatch(/^error: detect needs at least one file or directory$/m);
    expect((await cli(['frobnicate'])).status).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'guardrails-rules-'));
    writeFileSync(join(dir, 'x.yml'), 'id: x\n');
    // --rules is bulk mode: the file that does not load is reported and skipped; plan refuses to deploy.
    const bad = await cli(['rules', '--rules', dir]);
    expect(bad.status).toBe(0);
    expect(bad.stderr).toMatch(/^skipped: .*x\.yml: /m);
    const plan = await cli(['plan', '--rules', dir, '--out', join(dir, 'out')]);
    expect(plan.status).toBe(2);
    expect(plan.stderr.trim().split('\n').at(-1)).toMatch(/^error: .*x\.yml: plan: .*1 of the rules in --rules did not load/);
  });
});

describe('guardrails rules', () => {
  it('prints compiled queries and explains targets that cannot express a rule', async () => {
    const { status, stdout } = await cli(['rules', '--rules', RULES, '--cloud', 'aws']);
    expect(status).toBe(0);
    expect(stdout).toContain('# test-trail-tampering -> cloudwatch (deployed)');
    expect(stdout).toContain('{ ((($.eventSource = "cloudtrail.amazonaws.com")');
    expect(stdout).toMatch(/# rule test-cli-outside cannot compile to cloudwatch: filter patterns are case-sensitive/);
  });
});

describe('guardrails --help, --version and validate', () => {
  it('prints the commands and the exit codes, a page per command, and the version', async () => {
    const help = await cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: guardrails <command> \[options\]$/m);
    for (const command of ['plan', 'validate', 'detect', 'rules']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const page = await cli(['plan', '--cloud', 'gcp', '--help']);
    expect(page.status).toBe(0);
    expect(page.stdout).toMatch(/^usage: guardrails plan /);
    expect((await cli(['detect', '--help'])).stdout).toMatch(/^ {2}3 {2}incomplete: an input could not be read in full/m);
    const version = guardrails(['--version']);
    expect(version.stdout.trim()).toBe(`guardrails ${(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version}`);
    const none = await cli([]);
    expect(none.status).toBe(2);
    expect(none.stdout).toMatch(/^commands:$/m);
  });

  it('validates the example and refuses a bad config with one line and exit 2', async () => {
    const ok = await cli(['validate']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(
      /^valid: .*guardrails\.example\.yaml \(aws, azure, gcp; mode report; \d+ rules, \d+ correlations, \d+ deployments compile; 1 SCP\(s\) within 10240 characters; \d+ AWS alarm rules\)$/m,
    );
    const dir = mkdtempSync(join(tmpdir(), 'guardrails-validate-'));
    writeFileSync(join(dir, 'bad.yaml'), readFileSync(join(root, 'guardrails.example.yaml'), 'utf8').replace('- 192.0.2.0/24', '- 10.0.0.0/8'));
    const bad = await cli(['validate', '--config', join(dir, 'bad.yaml')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: bad\.yaml:\d+ trustedNetworks\.cidrs\[0\]: 10\.0\.0\.0\/8 is in 10\.0\.0\.0\/8, private/),
    ]);
    const missing = await cli(['validate', '--config', join(dir, 'nope.yaml')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^error: --config: .*nope\.yaml does not exist/m);
  });
});
