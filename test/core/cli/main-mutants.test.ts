/**
 * `guardrails` in-process (core/cli/main.ts's runCli): what each command prints and its exit code, the
 * one line a user sees for a bad command, flag, value, config or rule folder, how --config and --rules
 * are found, and which errors become that one line. Written against the surviving mutants of main.ts
 * (bench/mutation-results.md); the commands' own output is tested in detect/rules/plan's tests.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_HELP, overview } from '../../../core/cli/help.ts';
import { runCli, type CliIo } from '../../../core/cli/main.ts';
import { MATCH_TABLE_HEADER } from '../../../core/cli/match-table.ts';
import { ConfigError } from '../../../core/config/config-error.ts';
import { CORPUS_DIR } from '../../helpers/corpus.ts';
import { editedExample } from '../../helpers/config.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const FIXTURE_RULES = join(root, 'test/fixtures/rules');
const VERSION = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const AWS_LOGS = join(CORPUS_DIR, 'aws');

/** The usage line runCli prints under a usage error of `command`. */
const usage = (command: keyof typeof COMMAND_HELP) => `usage: ${COMMAND_HELP[command].split('\n')[0]!.replace(/^usage: /, '')}`;
const DOC_RANGES_WARNING =
  'warning: trustedNetworks.cidrs: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/25, 203.0.113.128/25, 2001:db8::/32 are documentation ranges (RFC 5737/3849/9637): fine for trying the kit, but replace with your real egress ranges before enforce';
const EXAMPLE_NOTICE =
  'notice: no guardrails.yaml here and no $GUARDRAILS_CONFIG; using guardrails.example.yaml (documentation IP ranges, report mode). Copy it to guardrails.yaml and edit it for your organization.';

function sink(append: (text: string) => void): Writable {
  return new Writable({ write: (chunk, _encoding, done) => (append(String(chunk)), done()) });
}

let dir = '';
/** An empty directory: no guardrails.yaml in it, so the shipped example is used (with the notice). */
let emptyCwd = '';

async function cli(args: string[], { env = {}, cwd = emptyCwd }: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { out: sink((t) => (stdout += t)), err: sink((t) => (stderr += t)), env, cwd });
  return { status, stdout, stderr, lines: stderr.split('\n').filter(Boolean) };
}

let gcpConfig = '';
let badConfig = '';
/** The two fixture rules and x.yml, which does not load (no title). */
let mixedRules = '';
/** A gcp base rule, its correlation, and x.yml. */
let correlationRules = '';
/** test-cli-outside deployed to cloudwatch, where it cannot compile (case-insensitive userAgent). */
let uncompilableRules = '';
/** test-trail-tampering with a lookahead regex, which RE2 (DuckDB) refuses and the js engine runs. */
let lookaheadRules = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'guardrails-main-'));
  emptyCwd = join(dir, 'cwd');
  mkdirSync(emptyCwd);
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  gcpConfig = write(
    'gcp.yaml',
    editedExample((c) => {
      delete c.aws;
      delete c.azure;
    }),
  );
  badConfig = write(
    'bad.yaml',
    editedExample((c) => {
      c.mode = 'bogus';
    }),
  );
  const fixture = (name: string) => readFileSync(join(FIXTURE_RULES, 'aws', name), 'utf8');
  mixedRules = join(dir, 'mixed');
  write('mixed/test-cli-outside.yml', fixture('test-cli-outside.yml'));
  write('mixed/test-trail-tampering.yml', fixture('test-trail-tampering.yml'));
  write('mixed/x.yml', 'id: x\n');
  correlationRules = join(dir, 'correlation');
  mkdirSync(correlationRules);
  for (const f of ['gcp-secret-version-accessed.yml', 'gcp-bulk-secret-access.yml']) copyFileSync(join(root, 'detections/gcp', f), join(correlationRules, f));
  write('correlation/x.yml', 'id: x\n');
  uncompilableRules = join(dir, 'uncompilable');
  write('uncompilable/test-cli-outside.yml', fixture('test-cli-outside.yml').replace('targets: [eventbridge]', 'targets: [cloudwatch]'));
  lookaheadRules = join(dir, 'lookahead');
  write(
    'lookahead/test-trail-tampering.yml',
    fixture('test-trail-tampering.yml').replace(
      'eventName|cased: [StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors]',
      "eventName|re: '^Stop(?=Logging)'",
    ),
  );
});

describe('guardrails, --help, help <command> and --version', () => {
  it('with no command prints the overview on stdout and exits 2', async () => {
    const run = await cli([]);
    expect(run).toMatchObject({ status: 2, stdout: `${overview(VERSION)}\n`, stderr: '' });
  });

  it('--help, -h and help print the overview and exit 0', async () => {
    for (const flag of ['--help', '-h', 'help']) expect(await cli([flag])).toMatchObject({ status: 0, stdout: `${overview(VERSION)}\n`, stderr: '' });
  });

  it('help <command> prints that command page; help <not a command> prints the overview', async () => {
    expect(await cli(['help', 'detect'])).toMatchObject({ status: 0, stdout: `${COMMAND_HELP.detect}\n` });
    expect(await cli(['help', 'frobnicate'])).toMatchObject({ status: 0, stdout: `${overview(VERSION)}\n` });
    // Only `help` takes a topic: --help and -h before a command name still print the overview.
    expect(await cli(['--help', 'detect'])).toMatchObject({ status: 0, stdout: `${overview(VERSION)}\n` });
  });

  it('--version and -v print "guardrails <version>" and exit 0', async () => {
    for (const flag of ['--version', '-v']) expect(await cli([flag])).toMatchObject({ status: 0, stdout: `guardrails ${VERSION}\n`, stderr: '' });
  });

  it('<command> --help and <command> -h print the command page and exit 0, whatever else is on the line', async () => {
    expect(await cli(['validate', '-h'])).toMatchObject({ status: 0, stdout: `${COMMAND_HELP.validate}\n`, stderr: '' });
    expect(await cli(['plan', '--cloud', 'mars', '--help'])).toMatchObject({ status: 0, stdout: `${COMMAND_HELP.plan}\n`, stderr: '' });
  });

  it('an unknown command is one error line naming the commands, then where to look, exit 2', async () => {
    expect(await cli(['frobnicate'])).toMatchObject({
      status: 2,
      stdout: '',
      stderr: 'error: unknown command frobnicate (commands: plan, validate, detect, hunt, rules)\nrun guardrails --help for the commands\n',
    });
  });
});

describe('usage errors: one line, then the command usage line, exit 2', () => {
  it('an unknown option names the options the command knows', async () => {
    const known: Record<string, string> = {
      detect: '--config, --rules, --help, --cloud, --format, --engine, --workers, --fail-on-match',
      rules: '--config, --rules, --help, --cloud, --target, --format',
      validate: '--config, --rules, --help',
      plan: '--config, --rules, --help, --cloud, --out',
    };
    for (const command of ['detect', 'rules', 'validate', 'plan'] as const)
      expect(await cli([command, '--frob'])).toMatchObject({
        status: 2,
        stdout: '',
        stderr: `error: unknown option --frob (known: ${known[command]})\n${usage(command)}\n`,
      });
  });

  it('rules, validate, plan and hunt take no arguments, and say which they got', async () => {
    for (const command of ['rules', 'validate', 'plan', 'hunt'] as const)
      expect(await cli([command, 'one', 'two'])).toMatchObject({
        status: 2,
        stderr: `error: ${command} takes no arguments (got one two)\n${usage(command)}\n`,
      });
  });

  it('detect without a file is refused', async () => {
    expect(await cli(['detect', '--rules', FIXTURE_RULES])).toMatchObject({
      status: 2,
      stderr: `error: detect needs at least one file or directory\n${usage('detect')}\n`,
    });
  });

  it('a value outside the allowed ones names them', async () => {
    const cases: [string[], string][] = [
      [['detect', AWS_LOGS, '--cloud', 'mars'], '--cloud must be one of aws, azure, gcp'],
      [['detect', AWS_LOGS, '--format', 'xml'], '--format must be one of table, ndjson'],
      [['detect', AWS_LOGS, '--engine', 'sql'], '--engine must be one of auto, js, duckdb'],
      [['rules', '--cloud', 'mars'], '--cloud must be one of aws, azure, gcp'],
      [['rules', '--target', 'splunk'], '--target must be one of cloudwatch, eventbridge, kql, gcp, duckdb, athena, bigquery'],
      [['rules', '--format', 'xml'], '--format must be one of text, json'],
      [['plan', '--cloud', 'mars'], '--cloud must be one of aws, azure, gcp, all'],
    ];
    for (const [args, message] of cases) {
      const command = args[0] as keyof typeof COMMAND_HELP;
      expect(await cli(args)).toMatchObject({ status: 2, stdout: '', stderr: `error: ${message}\n${usage(command)}\n` });
    }
  });
});

describe('errors that are one line without a usage line', () => {
  it('a config error is the loader line alone, exit 2', async () => {
    expect(await cli(['validate', '--config', badConfig])).toEqual(
      expect.objectContaining({
        status: 2,
        stdout: '',
        stderr: 'error: bad.yaml:1 mode: must be "report" or "enforce" (got "bogus"). See guardrails.example.yaml and guardrails.schema.json.\n',
      }),
    );
  });

  it('--config naming a missing file says so with the flag, exit 2', async () => {
    const missing = join(dir, 'missing.yaml');
    expect(await cli(['validate', '--config', missing])).toMatchObject({
      status: 2,
      stderr: `error: --config: ${missing} does not exist. Point it at a guardrails YAML file.\n`,
    });
  });

  it('a rule error (plan refusing a folder with a rule that did not load) is one line, exit 2', async () => {
    const run = await cli(['plan', '--config', gcpConfig, '--rules', mixedRules, '--out', join(dir, 'never')]);
    expect(run.status).toBe(2);
    expect(run.lines.at(-1)).toMatch(
      /^error: \S*x\.yml: plan: title: Invalid input \(1 of the rules in --rules did not load; plan deploys all of them or none: fix or remove them, or check them with guardrails validate\)$/,
    );
    expect(run.stderr).not.toContain('plan: config and rules loaded');
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  /** A run whose stdout write throws `error` (the first write of --version), stderr captured. */
  async function throwingOut(error: Error) {
    let stderr = '';
    const out = {
      write: () => {
        throw error;
      },
    } as unknown as NodeJS.WritableStream;
    const io: CliIo = { out, err: sink((t) => (stderr += t)), env: {}, cwd: emptyCwd };
    return { status: await runCli(['--version'], io), stderr };
  }

  it("an error named ValidationFailed (cdk-nag's failed synth) is its message on one line, exit 2", async () => {
    const error = new Error('Validation failed with the following errors: [GuardrailsAws] AwsSolutions-S1');
    error.name = 'ValidationFailed';
    expect(await throwingOut(error)).toEqual({ status: 2, stderr: 'error: Validation failed with the following errors: [GuardrailsAws] AwsSolutions-S1\n' });
    expect(await throwingOut(new ConfigError('mode', 'is wrong', 'Fix it.'))).toEqual({ status: 2, stderr: 'error: mode: is wrong. Fix it.\n' });
  });

  it('any other error is not turned into a line: it propagates with its stack', async () => {
    const bug = new TypeError('a bug');
    await expect(throwingOut(bug)).rejects.toBe(bug);
    const named = new Error('not from the synth');
    named.name = 'OtherFailure';
    await expect(throwingOut(named)).rejects.toBe(named);
  });

  it('plan --out naming a file propagates the file-system error', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    await expect(cli(['plan', '--config', gcpConfig, '--rules', FIXTURE_RULES, '--out', file])).rejects.toMatchObject({ code: 'EEXIST' });
  });
});

describe('option parsing as the commands see it', () => {
  it('--config FILE, --config=FILE and $GUARDRAILS_CONFIG choose the config; no notice then', async () => {
    for (const run of [
      await cli(['validate', '--config', gcpConfig, '--rules', FIXTURE_RULES]),
      await cli(['validate', `--config=${gcpConfig}`, '--rules', FIXTURE_RULES]),
      await cli(['validate', '--rules', FIXTURE_RULES], { env: { GUARDRAILS_CONFIG: gcpConfig } }),
    ]) {
      expect(run.status).toBe(0);
      expect(run.stdout).toBe('valid: gcp.yaml (gcp; mode report; 2 rules, 0 deployments compile)\n');
      expect(run.lines[0]).toBe(DOC_RANGES_WARNING);
      expect(run.stderr).not.toMatch(/notice|undefined/);
    }
  });

  it('--config without a value is refused, also when the next word is an option', async () => {
    for (const args of [
      ['validate', '--config'],
      ['validate', '--config', '--rules', FIXTURE_RULES],
    ])
      expect(await cli(args)).toMatchObject({ status: 2, stderr: `error: --config needs a value\n${usage('validate')}\n` });
  });

  it('without --config, the shipped example is used with a notice, then its warning', async () => {
    const run = await cli(['validate', '--rules', FIXTURE_RULES]);
    expect(run.status).toBe(0);
    expect(run.lines.slice(0, 2)).toEqual([EXAMPLE_NOTICE, DOC_RANGES_WARNING]);
    expect(run.stdout).toMatch(/^valid: guardrails\.example\.yaml \(aws, azure, gcp; mode report; 2 rules, 1 deployments compile; /);
  });
});

describe('--rules DIR and the shipped catalog', () => {
  it('without --rules, validate checks the shipped catalog and passes (exit 0)', async () => {
    const run = await cli(['validate', '--config', gcpConfig]);
    expect(run.status).toBe(0);
    const rules = Number(/; (\d+) rules, /.exec(run.stdout)?.[1]);
    expect(rules).toBeGreaterThan(50);
    expect(run.stdout).toMatch(/^valid: gcp\.yaml \(gcp; mode report; \d+ rules, \d+ correlations, \d+ deployments compile\)\n$/);
    expect(run.stderr).toBe(`${DOC_RANGES_WARNING}\n`);
  });

  it('with --rules, each note and each skipped file is a line, then the count; validate then exits 1', async () => {
    const run = await cli(['validate', '--config', gcpConfig, '--rules', mixedRules]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('valid: gcp.yaml (gcp; mode report; 2 rules, 0 deployments compile)\n');
    expect(run.lines[0]).toBe(DOC_RANGES_WARNING);
    expect(run.lines[1]).toMatch(/^note: \S*test-trail-tampering\.yml: attack\.t1562\.008 is ATT&CK v18; mapped to attack\.t1685\.002 \(v19\)$/);
    expect(run.lines.at(-2)).toMatch(/^skipped: \S*x\.yml: title: Invalid input$/);
    expect(run.lines.at(-1)).toBe(`rules: 2 loaded, 1 skipped from ${mixedRules}`);
  });

  it('the count names the correlations when some loaded', async () => {
    const run = await cli(['validate', '--config', gcpConfig, '--rules', correlationRules]);
    expect(run.status).toBe(1);
    expect(run.lines.at(-1)).toBe(`rules: 0 loaded (and 1 correlations), 1 skipped from ${correlationRules}`);
  });

  it('a folder where everything loads prints no count and passes', async () => {
    const run = await cli(['validate', '--config', gcpConfig, '--rules', FIXTURE_RULES]);
    expect(run.status).toBe(0);
    expect(run.stderr).not.toMatch(/^(rules|skipped):/m);
  });
});

describe('guardrails detect', () => {
  it('prints the table (header first) and exits 0 on matches without --fail-on-match', async () => {
    const run = await cli(['detect', AWS_LOGS, '--rules', FIXTURE_RULES]);
    expect(run.status).toBe(0);
    expect(run.stdout.startsWith(MATCH_TABLE_HEADER)).toBe(true);
    expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(13);
    expect(run.lines).toContain('42 events in 6 file(s); 12 match(es) of 2 rules');
  });

  it('--format ndjson, --cloud, --engine js and --fail-on-match: one JSON line per match, exit 1', async () => {
    const run = await cli(['detect', AWS_LOGS, '--rules', FIXTURE_RULES, '--format', 'ndjson', '--cloud', 'aws', '--engine', 'js', '--fail-on-match']);
    expect(run.status).toBe(1);
    const lines = run.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(12);
    expect(JSON.parse(lines[0]!)).toMatchObject({ rule: 'test-cli-outside', index: 0 });
  });

  it('--cloud keeps only that cloud rules: none match the AWS logs for gcp', async () => {
    const run = await cli(['detect', AWS_LOGS, '--rules', FIXTURE_RULES, '--cloud', 'gcp', '--fail-on-match']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(MATCH_TABLE_HEADER);
    expect(run.lines.at(-1)).toBe('42 events in 6 file(s); 0 match(es) of 2 rules');
  });

  it('--engine duckdb refuses a rule RE2 cannot run, which --engine js runs', async () => {
    const duckdb = await cli(['detect', AWS_LOGS, '--rules', lookaheadRules, '--engine', 'duckdb']);
    expect(duckdb.status).toBe(2);
    expect(duckdb.lines.at(-1)).toBe(
      'error: test-trail-tampering: --engine duckdb: regex ^Stop(?=Logging): lookaround assertions are not in RE2; run it with --engine js',
    );
    const js = await cli(['detect', AWS_LOGS, '--rules', lookaheadRules]);
    expect(js.status).toBe(0);
    expect(js.lines).toContain('42 events in 6 file(s); 2 match(es) of 1 rules');
  });
});

describe('guardrails hunt', () => {
  it('loads the config and rules before checking the engine settings they default', async () => {
    const run = await cli(['hunt', '--engine', 'athena', '--since', '30d', '--config', gcpConfig, '--rules', FIXTURE_RULES]);
    expect(run.status).toBe(2);
    expect(run.lines[0]).toBe(DOC_RANGES_WARNING);
    expect(run.lines.slice(-2)).toEqual([
      'error: --engine athena needs --workgroup (or aws.hunting in the config, whose workgroupName is the default)',
      usage('hunt'),
    ]);
  });
});

describe('guardrails rules', () => {
  it('--cloud and --target select what is printed; exit 0 when every deployed target compiles', async () => {
    const run = await cli(['rules', '--rules', FIXTURE_RULES, '--cloud', 'aws', '--target', 'cloudwatch']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('# test-trail-tampering -> cloudwatch (deployed)');
    expect(run.stdout).not.toContain('-> eventbridge');
    const sql = await cli(['rules', '--rules', FIXTURE_RULES, '--target', 'duckdb']);
    expect(sql.status).toBe(0);
    expect(sql.stdout).toContain('# test-trail-tampering -> duckdb');
    const gcp = await cli(['rules', '--rules', FIXTURE_RULES, '--cloud', 'gcp']);
    expect(gcp.stdout).not.toContain('test-trail-tampering');
  });

  it('exits 1 when a rule does not compile for a target it is deployed to, in text and in JSON', async () => {
    expect((await cli(['rules', '--rules', uncompilableRules])).status).toBe(1);
    expect((await cli(['rules', '--rules', uncompilableRules, '--format', 'json'])).status).toBe(1);
    const json = await cli(['rules', '--rules', FIXTURE_RULES, '--format', 'json']);
    expect(json.status).toBe(0);
    expect(
      json.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { id: string }).id),
    ).toEqual(['test-cli-outside', 'test-trail-tampering']);
  });

  it('text lists notes and skipped files on stderr; JSON reports them on stdout only', async () => {
    const text = await cli(['rules', '--rules', mixedRules]);
    expect(text.status).toBe(0);
    expect(text.stderr).toMatch(/^skipped: \S*x\.yml: title: Invalid input$/m);
    expect(text.stderr).toMatch(/^note: /m);
    const json = await cli(['rules', '--rules', mixedRules, '--format', 'json']);
    expect(json.status).toBe(0);
    expect(json.stderr).toBe(`${EXAMPLE_NOTICE}\n${DOC_RANGES_WARNING}\n`);
    const x = json.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { file: string; loaded: boolean; error?: string })
      .find((r) => r.file.endsWith('x.yml'));
    expect(x).toMatchObject({ loaded: false, error: 'title: Invalid input' });
  });
});

describe('guardrails plan', () => {
  it('plans the clouds the config has into --out, after timing the loading', async () => {
    const out = join(dir, 'plan-out');
    const started = performance.now();
    const run = await cli(['plan', '--config', gcpConfig, '--rules', FIXTURE_RULES, '--out', out]);
    const elapsed = (performance.now() - started) / 1000;
    expect(run.status).toBe(0);
    const loaded = run.lines.find((l) => l.startsWith('plan: config and rules loaded in '));
    const seconds = Number(/^plan: config and rules loaded in (\d+\.\d) s$/.exec(loaded ?? '')?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(0);
    expect(seconds).toBeLessThanOrEqual(elapsed + 0.05);
    expect(run.lines).toContain('plan: gcp (Pulumi program under mocks)...');
    expect(run.lines.at(-1)).toBe(`wrote ${join(out, 'gcp.plan.json')}, ${join(out, 'report.md')}, ${join(out, 'attack-navigator-layer.json')}`);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('gcp.yaml');
  });

  it('--cloud naming a cloud the config has no section for is a config error', async () => {
    const run = await cli(['plan', '--config', gcpConfig, '--rules', FIXTURE_RULES, '--cloud', 'azure', '--out', join(dir, 'azure-out')]);
    expect(run.status).toBe(2);
    expect(run.lines.at(-1)).toBe(
      'error: azure: has no section in gcp.yaml, so there is nothing to plan. Add a "azure:" section (see guardrails.example.yaml), or plan another cloud.',
    );
  });
});
