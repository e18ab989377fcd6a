/**
 * Loading Sigma correlation rules (core/detection/correlation.ts), after the Sigma correlation rules
 * specification v2.0.2 (SigmaHQ/sigma-specification specification/sigma-correlation-rules-specification.md)
 * and pySigma sigma/correlations.py: in the strict catalog (a correlation is a file of its own, its id the
 * file name, referring to catalog rule ids) and in bulk mode (a user's folder: correlations in files of
 * their own or beside their base rules in one multi-document file, SigmaHQ's way), with the reason for
 * each correlation that cannot load.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, loadCatalogWithCorrelations } from '../../../core/detection/catalog.ts';
import { parseCorrelationFile, parseTimespan } from '../../../core/detection/correlation.ts';
import { loadRuleFolder } from '../../../core/detection/rule-folder.ts';
import { loadRules } from '../../../core/detection/rule-loader.ts';
import { exampleModel } from '../../helpers/config.ts';
import { temporaryFolders } from '../../helpers/temporary-folders.ts';

const model = exampleModel();
const folder = temporaryFolders('correlations-');

const BASE = `id: failed-console-login
title: Failed console sign-in
description: A console sign-in that failed.
level: informational
tags: [attack.credential_access, attack.t1110]
logsource: { product: aws, service: cloudtrail }
detection:
  login:
    eventName|cased: ConsoleLogin
    errorMessage|exists: true
  condition: login
targets: []
`;

const correlation = (body: string, id = 'console-brute-force') => `id: ${id}
title: Many failed console sign-ins
description: Many failed console sign-ins for one user in a short time.
level: high
tags: [attack.credential_access, attack.t1110]
correlation:
${body}
targets: []
`;

const EVENT_COUNT = `  type: event_count
  rules: [failed-console-login]
  group-by: [userIdentity.arn]
  timespan: 5m
  condition: { gte: 5 }`;

/** The RuleError message a strict load throws. */
function catalogError(files: Record<string, string>): string {
  try {
    loadCatalogWithCorrelations(model, folder(files));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the catalog loaded');
}

describe('the strict catalog', () => {
  it('loads a correlation file beside its base rule; the base rule runs only inside it', () => {
    const dir = folder({ 'aws/failed-console-login.yml': BASE, 'aws/console-brute-force.yml': correlation(EVENT_COUNT) });
    const { rules, correlations } = loadCatalogWithCorrelations(model, dir);
    expect(rules).toEqual([]);
    expect(loadCatalog(model, dir)).toEqual([]);
    expect(loadRules(dir).map((r) => r.id)).toEqual(['failed-console-login']);
    expect(correlations).toHaveLength(1);
    const [c] = correlations;
    expect(c).toMatchObject({
      id: 'console-brute-force',
      type: 'event_count',
      groupBy: ['userIdentity.arn'],
      timespan: { text: '5m', ms: 300_000 },
      condition: { gte: 5 },
      generate: false,
      targets: [],
      ruleReferences: ['failed-console-login'],
    });
    expect(c!.bases.map((b) => [b.rule.rule.id, b.groupBy])).toEqual([['failed-console-login', ['userIdentity.arn']]]);
  });

  it('keeps a base rule on its own when the correlation generates it (Sigma `generate: true`)', () => {
    const dir = folder({
      'aws/failed-console-login.yml': BASE.replace('targets: []', 'targets: [eventbridge]'),
      'aws/console-brute-force.yml': correlation(`${EVENT_COUNT}\n  generate: true`),
    });
    const { rules, correlations } = loadCatalogWithCorrelations(model, dir);
    expect(rules.map((r) => r.rule.id)).toEqual(['failed-console-login']);
    expect(correlations[0]!.generate).toBe(true);
  });

  it('refuses a base rule that lists targets when it runs only inside its correlation', () => {
    expect(
      catalogError({
        'aws/failed-console-login.yml': BASE.replace('targets: []', 'targets: [eventbridge]'),
        'aws/console-brute-force.yml': correlation(EVENT_COUNT),
      }),
    ).toMatch(
      /failed-console-login\.yml: targets: rule failed-console-login is a base rule of correlation console-brute-force \(generate: false\): it runs only inside it and is never deployed alone/,
    );
  });

  it.each([
    [
      'a base rule the catalog does not have',
      EVENT_COUNT.replace('[failed-console-login]', '[no-such-rule]'),
      /correlation\.rules\[0\]: no catalog rule has the id no-such-rule/,
    ],
    ['a timespan in another unit', EVENT_COUNT.replace('5m', '1w'), /correlation\.timespan: "1w" is not a timespan: a number and s, m, h or d/],
    [
      'value_count without a field',
      EVENT_COUNT.replace('event_count', 'value_count'),
      /correlation\.condition\.field: value_count counts the distinct values of a field: name it/,
    ],
    [
      'a field on event_count',
      EVENT_COUNT.replace('{ gte: 5 }', '{ gte: 5, field: sourceIPAddress }'),
      /correlation\.condition\.field: only value_count counts a field; event_count counts matches/,
    ],
    ['a count that is no whole number', EVENT_COUNT.replace('{ gte: 5 }', '{ gte: 2.5 }'), /correlation\.condition\.gte \(line \d+\): must be a whole number/],
    ['no condition operator', EVENT_COUNT.replace('{ gte: 5 }', '{}'), /correlation\.condition: needs one of gt, gte, lt, lte, eq/],
    ['an unknown operator', EVENT_COUNT.replace('{ gte: 5 }', '{ neq: 5 }'), /correlation\.condition\.neq \(line \d+\): is not a correlation field/],
    ['temporal_ordered', EVENT_COUNT.replace('event_count', 'temporal_ordered'), /correlation\.type \(line \d+\): Invalid option/],
    [
      'a group-by field its log source does not have',
      EVENT_COUNT.replace('userIdentity.arn', 'userIdentity.arm'),
      /correlation\.group-by\[0\]: userIdentity\.arm is not a field of aws\/cloudtrail, the log source of base rule failed-console-login \(nearest: userIdentity\.arn\)/,
    ],
    [
      'a group-by field inside an array',
      EVENT_COUNT.replace('userIdentity.arn', 'resources.ARN'),
      /correlation\.group-by\[0\]: resources\.ARN is inside the array resources of aws\/cloudtrail/,
    ],
  ])('refuses %s, naming the file and the key', (_name, body, message) => {
    expect(catalogError({ 'aws/failed-console-login.yml': BASE, 'aws/console-brute-force.yml': correlation(body) })).toMatch(message);
  });

  it('refuses a correlation over a correlation, and an id used twice', () => {
    const chained = correlation(EVENT_COUNT.replace('[failed-console-login]', '[console-brute-force]'), 'brute-force-again');
    expect(
      catalogError({ 'aws/failed-console-login.yml': BASE, 'aws/console-brute-force.yml': correlation(EVENT_COUNT), 'aws/brute-force-again.yml': chained }),
    ).toMatch(/correlation\.rules\[0\]: console-brute-force is a correlation; correlations over correlations are not supported/);
    expect(catalogError({ 'aws/failed-console-login.yml': BASE, 'aws/x/failed-console-login.yml': correlation(EVENT_COUNT, 'failed-console-login') })).toMatch(
      /id: "failed-console-login" is also the id of .*aws\/failed-console-login\.yml/,
    );
  });

  it('names the file after the id, and refuses keys outside the format', () => {
    expect(() => parseCorrelationFile(correlation(EVENT_COUNT), 'aws/other-name.yml')).toThrow(
      /id: the file must be named after the id: console-brute-force\.yml/,
    );
    expect(() => parseCorrelationFile(`${correlation(EVENT_COUNT)}author: someone\n`, 'aws/console-brute-force.yml')).toThrow(
      /author \(line \d+\): is not a correlation field/,
    );
  });

  it('reads timespans as the specification writes them: a number and s, m, h or d', () => {
    expect(['30s', '5m', '90m', '1h', '1d'].map((t) => parseTimespan(t)?.ms)).toEqual([30_000, 300_000, 5_400_000, 3_600_000, 86_400_000]);
    expect(['0m', '5', 'm', '5M', '1.5h', '1w'].map((t) => parseTimespan(t))).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('the shipped catalog', () => {
  const { rules, correlations } = loadCatalogWithCorrelations(model);

  it('holds the AWS recon burst, the bulk secret retrievals and the Azure password spray, over base rules that run only inside them', () => {
    expect(correlations.map((c) => [c.id, c.type, c.bases.map((b) => b.rule.rule.id), c.targets])).toEqual([
      ['aws-bulk-secret-retrieval', 'event_count', ['aws-secret-value-read'], ['cloudwatch']],
      ['aws-recon-burst', 'value_count', ['aws-read-only-api-call'], []],
      ['azure-password-spray', 'value_count', ['azure-signin-bad-password'], ['kql']],
      ['gcp-bulk-secret-access', 'event_count', ['gcp-secret-version-accessed'], ['gcp']],
    ]);
    const bases = correlations.flatMap((c) => c.bases.map((b) => b.rule.rule));
    for (const base of bases) {
      expect(
        rules.some((r) => r.rule.id === base.id),
        base.id,
      ).toBe(false);
      expect(base.targets, base.id).toEqual([]);
      expect(base.level, base.id).toBe('informational');
    }
    expect(loadCatalog(model).map((r) => r.rule.id)).toEqual(rules.map((r) => r.rule.id));
  });

  it('says why the value_count AWS correlation is detect-only, and what the deployed event_count one misses', () => {
    const recon = correlations.find((c) => c.id === 'aws-recon-burst')!;
    expect(recon.targets).toEqual([]);
    expect(recon.description).toMatch(/Detect-only: a CloudWatch Logs filter pattern and an EventBridge pattern match one event at a time/);
    const bulk = correlations.find((c) => c.id === 'aws-bulk-secret-retrieval')!;
    expect(bulk.description).toMatch(/unlike guardrails detect's sliding window, a burst split by a\s+period boundary/);
    expect(bulk.description).toMatch(/disables a metric filter that publishes 1,000 different dimension values within an hour/);
  });
});

const SIGMA_BASE = `title: Failed Console Login
name: failed_console_login
id: 0f0f0f0f-0000-4000-8000-000000000001
logsource: { product: aws, service: cloudtrail }
detection:
  selection:
    eventName: ConsoleLogin
    errorMessage|exists: true
  condition: selection
level: informational
`;
const SIGMA_CORRELATION = `title: Console Brute Force
id: 0f0f0f0f-0000-4000-8000-000000000002
status: test
level: high
tags: [attack.credential-access, attack.t1110]
correlation:
  type: event_count
  rules: [failed_console_login]
  group-by: [userIdentity.arn]
  timespan: 5m
  condition:
    gte: 5
`;

describe('bulk mode (a folder of Sigma rules)', () => {
  it('loads a correlation beside its base rule in one multi-document file, referring to it by name', () => {
    const result = loadRuleFolder(folder({ 'aws/brute_force.yml': `${SIGMA_BASE}---\n${SIGMA_CORRELATION}` }), model);
    expect(result.skipped).toEqual([]);
    expect(result.rules).toEqual([]);
    expect(result.correlations.map((c) => [c.id, c.title, c.level, c.status, c.ruleReferences, c.bases.map((b) => b.rule.rule.id)])).toEqual([
      ['0f0f0f0f-0000-4000-8000-000000000002', 'Console Brute Force', 'high', 'test', ['failed_console_login'], ['0f0f0f0f-0000-4000-8000-000000000001']],
    ]);
    expect(result.correlations[0]!.tags).toEqual(['attack.credential-access', 'attack.t1110']);
  });

  it('loads a correlation in a file of its own, referring to the base rule by id', () => {
    const result = loadRuleFolder(
      folder({
        'aws/failed_console_login.yml': SIGMA_BASE,
        'aws/mr_console_brute_force.yml': SIGMA_CORRELATION.replace('failed_console_login', '0f0f0f0f-0000-4000-8000-000000000001'),
      }),
      model,
    );
    expect(result.skipped).toEqual([]);
    expect(result.correlations.map((c) => c.bases[0]!.rule.rule.title)).toEqual(['Failed Console Login']);
  });

  it("maps the group-by field through the base rule's pipelines, as the detection's fields are (pySigma maps a correlation's group-by too)", () => {
    const base = `title: Failed Sign-in
name: failed_signin
logsource: { product: azure, service: signinlogs }
detection:
  selection:
    properties.status.errorCode: 50126
  condition: selection
`;
    const spray = `title: Spray
correlation:
  type: value_count
  rules: [failed_signin]
  group-by: [properties.ipAddress]
  timespan: 30m
  condition: { gte: 10, field: properties.userPrincipalName }
`;
    const result = loadRuleFolder(folder({ 'azure/spray.yml': `${base}---\n${spray}` }), model);
    expect(result.skipped).toEqual([]);
    const [c] = result.correlations;
    expect(c!.groupBy).toEqual(['properties.ipAddress']);
    expect(c!.bases.map((b) => [b.groupBy, b.field])).toEqual([[['IPAddress'], 'UserPrincipalName']]);
  });

  it('skips, with the reason, a correlation whose base rule is missing, did not load, or is a correlation', () => {
    const broken = `title: Broken Base
name: broken_base
logsource: { product: aws, service: cloudtrail }
detection:
  selection:
    CommandLine|windash: x
  condition: selection
`;
    const result = loadRuleFolder(
      folder({
        'a/missing.yml': SIGMA_CORRELATION.replace('failed_console_login', 'nowhere'),
        'b/broken.yml': `${broken}---\n${SIGMA_CORRELATION.replace('failed_console_login', 'broken_base').replace('0002', '0003')}`,
        'c/chained.yml': `${SIGMA_BASE}---\n${SIGMA_CORRELATION.replace('0002', '0004')}name: first\n---\n${SIGMA_CORRELATION.replace('failed_console_login', 'first').replace('0002', '0005')}`,
      }),
      model,
    );
    const reasons = result.skipped.map((s) => [s.file.replace(/.*correlations-[^/]+\//, ''), s.reason]);
    expect(reasons).toEqual(
      [
        ['a/missing.yml', 'correlation.rules[0]: no rule in the folder has the id or name nowhere'],
        [
          'b/broken.yml',
          'document 1: detection.selection.CommandLine|windash: |windash has no meaning for cloud logs: it spells Windows command-line flags with -, / and dash look-alikes; cloud audit logs record API requests, not command lines',
        ],
        [
          'b/broken.yml',
          expect.stringMatching(/^correlation\.rules\[0\]: base rule broken_base did not load: document 1: detection\.selection\.CommandLine\|windash: /),
        ],
        ['c/chained.yml', 'correlation.rules[0]: first is a correlation; correlations over correlations are not supported'],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(result.correlations.map((c) => c.id)).toEqual(['0f0f0f0f-0000-4000-8000-000000000004']);
  });

  it('refuses what it does not run, with the reason: temporal_ordered, extended conditions, aliases', () => {
    const result = loadRuleFolder(
      folder({
        'ordered.yml': `${SIGMA_BASE}---\n${SIGMA_CORRELATION.replace('event_count', 'temporal_ordered')}`,
        // Each file's base rule has a name of its own: a second rule with a name already seen is skipped.
        'extended.yml':
          `${SIGMA_BASE.replace('0001', '0011')}---\ntitle: X\ncorrelation:\n  type: temporal\n  rules: [failed_console_login]\n  timespan: 5m\n  condition: failed_console_login and not other\n`.replaceAll(
            'failed_console_login',
            'failed_login_x',
          ),
        'aliases.yml':
          `${SIGMA_BASE.replace('0001', '0021')}---\ntitle: Y\ncorrelation:\n  type: temporal\n  rules: [failed_console_login]\n  timespan: 5m\n  aliases:\n    ip:\n      failed_console_login: sourceIPAddress\n`.replaceAll(
            'failed_console_login',
            'failed_login_y',
          ),
      }),
      model,
    );
    expect(result.skipped.map((s) => s.reason).sort()).toEqual([
      'document 2: correlation.aliases: field name aliases are not supported; give the base rules the same field names',
      'document 2: correlation.condition: an extended (boolean) correlation condition is not supported; give a map such as { gte: 10 }',
      'document 2: correlation.type: temporal_ordered is not supported: the order of the events is not checked (type temporal is, without order)',
    ]);
  });

  it("reads SigmaHQ's multi-document MFA fatigue file: its base rules and correlations load as far as they can, each refusal with its reason", () => {
    const dir = folder({});
    mkdirSync(join(dir, 'signin_logs'));
    const fixture = new URL('../../fixtures/sigmahq/rules/azure/signin_logs/azure_successful_mfa_fatigue_attack.yml', import.meta.url);
    writeFileSync(join(dir, 'signin_logs', 'azure_successful_mfa_fatigue_attack.yml'), readFixture(fixture));
    const result = loadRuleFolder(dir, model);
    // The two event_count correlations group by AccountUPN, which SigninLogs does not have (its column is
    // UserPrincipalName); the temporal one is over those correlations (chaining).
    expect(result.skipped.map((s) => [s.id, s.reason])).toEqual([
      [
        'f3efcd61-e3ae-4fa0-a52d-151e95f38400',
        'correlation.group-by[0]: AccountUPN is not a field of azure/signinlogs, the log source of base rule 7c4f56fe-aa96-4d60-9345-456dbb22b6ac',
      ],
      [
        '58c9738b-5a7c-4fbe-af50-953517b9dfed',
        'correlation.group-by[0]: AccountUPN is not a field of azure/signinlogs, the log source of base rule a8c28837-2291-4ede-8c9f-0e1782064347',
      ],
      [
        'c250e579-b241-48a0-8df6-2130a57ab92e',
        'correlation.rules[0]: f3efcd61-e3ae-4fa0-a52d-151e95f38400 is a correlation; correlations over correlations are not supported',
      ],
    ]);
    // Its base rules are written "for use by correlation rules": they do not run on their own, and say so.
    expect(result.rules).toEqual([]);
    expect(result.notes.map((n) => n.note)).toEqual([
      'rule 7c4f56fe-aa96-4d60-9345-456dbb22b6ac is a base rule of a correlation that did not load (generate: false): it does not run on its own',
      'rule a8c28837-2291-4ede-8c9f-0e1782064347 is a base rule of a correlation that did not load (generate: false): it does not run on its own',
    ]);
  });

  it('loads the same file once its correlations group by a SigninLogs column', () => {
    const dir = folder({});
    const text = readFixture(new URL('../../fixtures/sigmahq/rules/azure/signin_logs/azure_successful_mfa_fatigue_attack.yml', import.meta.url));
    writeFileSync(join(dir, 'mfa.yml'), text.replaceAll('AccountUPN', 'UserPrincipalName'));
    const result = loadRuleFolder(dir, model);
    expect(result.correlations.map((c) => [c.id, c.type, c.condition, c.timespan.text])).toEqual([
      ['f3efcd61-e3ae-4fa0-a52d-151e95f38400', 'event_count', { gte: 7 }, '10m'],
      ['58c9738b-5a7c-4fbe-af50-953517b9dfed', 'event_count', { gte: 1 }, '10m'],
    ]);
    expect(result.skipped.map((s) => s.id)).toEqual(['c250e579-b241-48a0-8df6-2130a57ab92e']);
  });
});

function readFixture(url: URL): string {
  return readFileSync(url, 'utf8');
}
