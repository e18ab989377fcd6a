/**
 * The engine against hand-written expectations with provenance: test/fixtures/corpus-labels.json gives,
 * for every event of test/fixtures/corpus (see its SOURCES.md), the catalog rules that fire with the example
 * config (`fires`) and the near misses a reader would expect to fire but that do not (`quiet`), each with a
 * one-line reason written from the event and the rule's stated intent (title and description), not from
 * the engine's output. The format and the rules for changing a label are in test/fixtures/corpus-labels.md.
 *
 * A change to a label needs its own reason: adding a rule to `fires` needs its reason (and a line in
 * EVER_FIRED below); removing one moves it to `quiet` with the reason it no longer fires. EVER_FIRED is
 * append-only, so a rule narrowed in the same commit as its labels cannot silently drop them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../core/detection/catalog.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { exampleModel } from '../../helpers/config.ts';
import { corpusFiles } from '../../helpers/corpus.ts';

interface Label {
  /** Short human summary: operation, who, from where. */
  readonly event: string;
  /** Rule id -> why it fires: which event values meet which part of the rule's stated intent. */
  readonly fires: Readonly<Record<string, string>>;
  /** Rule id -> why a rule one might expect does not fire. */
  readonly quiet: Readonly<Record<string, string>>;
}

const labels = JSON.parse(readFileSync(new URL('../../fixtures/corpus-labels.json', import.meta.url), 'utf8')) as Record<string, Label[]>;
const rules = loadCatalog(exampleModel());
const ruleById = new Map(rules.map((r) => [r.rule.id, r]));

/**
 * Every (file#index, rule) pair labelled `fires` since labels carry reasons. Append-only: add a line when
 * a rule starts to fire on an event; never remove one. A pair listed here must stay in that event's
 * `fires`, or be in its `quiet` with the reason it no longer fires.
 */
const EVER_FIRED: readonly string[] = [
  'aws/aws_cli_calls.json#0 aws-cli-outside-trusted-networks',
  'aws/aws_cli_calls.json#1 aws-cis-unauthorized-api-calls',
  'aws/aws_cli_calls.json#1 aws-cli-outside-trusted-networks',
  'aws/aws_cli_calls.json#2 aws-sts-session-token-minted',
  'aws/aws_cli_calls.json#3 aws-cli-outside-trusted-networks',
  'aws/aws_cli_calls.json#4 aws-lambda-function-code-updated',
  'aws/aws_cli_calls.json#5 aws-cli-outside-trusted-networks',
  'aws/aws_cli_calls.json#6 aws-cli-outside-trusted-networks',
  'aws/aws_cli_calls.json#7 aws-cli-outside-trusted-networks',
  'aws/cloudshell_exec_env.json#0 aws-cli-in-cloudshell',
  'aws/cloudshell_exec_env.json#1 aws-cli-in-cloudshell',
  'aws/cloudshell_exec_env.json#2 aws-cli-in-cloudshell',
  'aws/console_login.json#0 aws-cis-console-signin-without-mfa',
  'aws/console_login.json#0 aws-console-login-without-mfa',
  'aws/console_login.json#1 aws-cis-root-account-usage',
  'aws/console_login.json#1 aws-console-login-without-mfa',
  'aws/console_login.json#1 aws-root-account-activity',
  'aws/console_login.json#5 aws-cis-console-signin-without-mfa',
  'aws/console_login.json#6 aws-cis-console-signin-without-mfa',
  'aws/console_login.json#6 aws-console-login-without-mfa',
  'aws/root_usage.json#0 aws-cis-root-account-usage',
  'aws/root_usage.json#0 aws-root-account-activity',
  'aws/root_usage.json#1 aws-cis-root-account-usage',
  'aws/root_usage.json#1 aws-root-account-activity',
  'aws/root_usage.json#2 aws-cis-root-account-usage',
  'aws/root_usage.json#2 aws-console-login-without-mfa',
  'aws/root_usage.json#2 aws-root-account-activity',
  'aws/root_usage.json#3 aws-cis-root-account-usage',
  'aws/root_usage.json#3 aws-root-account-activity',
  'aws/root_usage.json#4 aws-cis-root-account-usage',
  'aws/root_usage.json#4 aws-root-account-activity',
  'aws/service_originated_and_sdk_benign.json#1 aws-cis-unauthorized-api-calls',
  'aws/service_originated_and_sdk_benign.json#5 aws-cli-outside-trusted-networks',
  'aws/service_originated_and_sdk_benign.json#6 aws-cis-unauthorized-api-calls',
  'aws/service_originated_and_sdk_benign.json#6 aws-cli-outside-trusted-networks',
  'aws/service_originated_and_sdk_benign.json#7 aws-cis-unauthorized-api-calls',
  'aws/trail_tampering.json#0 aws-cis-cloudtrail-config-changes',
  'aws/trail_tampering.json#0 aws-cloudtrail-tampering',
  'aws/trail_tampering.json#1 aws-cis-cloudtrail-config-changes',
  'aws/trail_tampering.json#1 aws-cloudtrail-tampering',
  'aws/trail_tampering.json#2 aws-cloudtrail-tampering',
  'aws/trail_tampering.json#3 aws-cis-cloudtrail-config-changes',
  'aws/trail_tampering.json#3 aws-cloudtrail-tampering',
  'aws/trail_tampering.json#4 aws-cis-cloudtrail-config-changes',
  'aws/trail_tampering.json#5 aws-cis-cloudtrail-config-changes',
  'aws/trail_tampering.json#5 aws-cloudtrail-tampering',
  'aws/trail_tampering.json#6 aws-cis-cloudtrail-config-changes',
  'azure/activity_diagnostic_format_panther.json#0 azure-storage-account-keys-listed',
  'azure/activity_diagnostic_format_panther.json#1 azure-diagnostic-setting-deleted',
  'azure/activity_diagnostic_format_panther.json#2 azure-privileged-role-assigned',
  'azure/activity_diagnostic_format_panther.json#3 azure-vm-command-execution',
  'azure/activity_diagnostic_format_panther.json#4 azure-vm-command-execution',
  'azure/auditlogs_diagnostic_format_panther.json#0 azure-entra-role-member-added',
  'azure/auditlogs_diagnostic_format_panther.json#1 azure-conditional-access-changed',
  'azure/auditlogs_diagnostic_format_panther.json#2 azure-service-principal-credentials-added',
  'azure/auditlogs_diagnostic_format_panther.json#3 azure-elevate-access',
  'azure/signin_diagnostic_format_panther.json#0 azure-device-code-signin',
  'azure/signin_diagnostic_format_panther.json#1 azure-device-code-signin',
  'azure/signin_diagnostic_format_panther.json#3 azure-ropc-signin-to-management',
  'azure/signinlogs_la_sentinel_training_lab.json#0 azure-management-single-factor-signin',
  'gcp/gcloud_gsutil_cli.json#0 gcp-cloud-sdk-outside-trusted-networks',
  'gcp/gcloud_gsutil_cli.json#1 gcp-cloud-sdk-outside-trusted-networks',
  'gcp/gcloud_gsutil_cli.json#1 gcp-kms-key-version-disabled-or-destroyed',
  'gcp/gcloud_gsutil_cli.json#2 gcp-cloud-sdk-outside-trusted-networks',
  'gcp/gcloud_gsutil_cli.json#4 gcp-cloud-sdk-outside-trusted-networks',
  'gcp/gcloud_gsutil_cli.json#5 gcp-cloud-sdk-outside-trusted-networks',
  'gcp/gcloud_in_cloudshell_devshell.json#0 gcp-cloud-sdk-outside-trusted-networks',
  'gcp/gcloud_in_cloudshell_devshell.json#0 gcp-gcloud-in-cloud-shell',
  'gcp/gcloud_in_cloudshell_devshell.json#1 gcp-cloud-sdk-outside-trusted-networks',
  'gcp/gcloud_in_cloudshell_devshell.json#1 gcp-gcloud-in-cloud-shell',
  'gcp/gcloud_in_cloudshell_devshell.json#2 gcp-cloud-sdk-outside-trusted-networks',
  'gcp/gcloud_in_cloudshell_devshell.json#2 gcp-cloud-sdk-permission-denied',
  'gcp/gcloud_in_cloudshell_devshell.json#2 gcp-gcloud-in-cloud-shell',
  'gcp/gcloud_in_cloudshell_devshell.json#2 gcp-service-account-key-used-outside-trusted-networks',
  'gcp/other_clients_benign.json#0 gcp-owner-role-changed',
  'gcp/other_clients_benign.json#0 gcp-service-account-key-used-outside-trusted-networks',
  'gcp/other_clients_benign.json#2 gcp-log-exclusion-created',
  'gcp/other_clients_benign.json#2 gcp-logging-sink-or-bucket-tampering',
  'gcp/raw_logentry_google_cloudevents.json#0 gcp-cloud-sdk-outside-trusted-networks',
  'gcp/raw_logentry_google_cloudevents.json#0 gcp-service-account-key-used-outside-trusted-networks',
  'gcp/raw_logentry_google_cloudevents.json#1 gcp-cloud-sdk-outside-trusted-networks',
  'aws/aws_cli_calls.json#5 aws-instance-credentials-used-outside',
  'aws/aws_cli_calls.json#6 aws-instance-credentials-used-outside',
  'aws/aws_cli_calls.json#7 aws-instance-credentials-used-outside',
];

const files = corpusFiles();
const pair = (file: string, index: number, rule: string) => `${file}#${index} ${rule}`;

/** What the engine fires on one raw event, sorted. */
function fired(raw: unknown): string[] {
  const sourced = detectSource(raw);
  if (!sourced) return [];
  return rules
    .filter((r) => r.rule.logsource.product === sourced.product && r.rule.logsource.service === sourced.service && r.matches(sourced.event))
    .map((r) => r.rule.id)
    .sort();
}

/** The values a dotted path reaches in the raw event; arrays fan out on the way and at the end. */
function valuesAt(root: unknown, path: string): unknown[] {
  let nodes: unknown[] = [root];
  for (const key of path.split('.')) {
    nodes = nodes
      .flatMap((n) => (Array.isArray(n) ? n : [n]))
      .flatMap((n) => (n !== null && typeof n === 'object' && Object.hasOwn(n, key) ? [(n as Record<string, unknown>)[key]] : []));
  }
  return nodes.flatMap((n) => (Array.isArray(n) ? [n, ...n] : [n]));
}

const asText = (v: unknown): string => (v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Every scalar of the event as text (string values unescaped, unlike in JSON text). */
function leaves(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const n of node) leaves(n, out);
  } else if (node !== null && typeof node === 'object') {
    for (const n of Object.values(node)) leaves(n, out);
  } else out.push(asText(node));
  return out;
}

const ELLIPSIS = /^(\.\.\.|…)|(\.\.\.|…)$/g;

/** `value`, `...value`, `value...` or `...value...` against a text: equal, ends with, starts with, contains. */
function quotes(quoted: string, actual: string): boolean {
  const leading = /^(\.\.\.|…)/.test(quoted);
  const trailing = /(\.\.\.|…)$/.test(quoted);
  let core = quoted.replace(ELLIPSIS, '');
  if (core === '""') core = '';
  if (leading && trailing) return actual.includes(core);
  if (leading) return actual.endsWith(core);
  if (trailing) return actual.startsWith(core);
  return actual === core;
}

const PATH_TOKEN = /^([A-Za-z_@$][\w@$.-]*): (.*)$/s;

/**
 * Problems with one reason: it must be one line, quote at least one event value as `path: value` (the
 * path must reach a value in the raw event that the quoted value is, or starts/ends/contains around a
 * `...`), and every other backticked text must appear in the event (its JSON text or one of its values).
 */
function reasonProblems(reason: unknown, raw: unknown): string[] {
  if (typeof reason !== 'string' || reason.trim().length < 20) return ['a reason is a sentence of at least 20 characters'];
  const problems: string[] = [];
  if (/[\r\n]/.test(reason)) problems.push('a reason is one line');
  const tokens = [...reason.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  const json = JSON.stringify(raw);
  const values = leaves(raw);
  let pathTokens = 0;
  for (const token of tokens) {
    const m = PATH_TOKEN.exec(token);
    if (m) {
      pathTokens++;
      const [, path, value] = m as unknown as [string, string, string];
      const found = valuesAt(raw, path);
      if (found.length === 0) problems.push(`\`${token}\`: ${path} is not in the event`);
      else if (!found.some((v) => quotes(value, asText(v)))) problems.push(`\`${token}\`: ${path} is ${found.map(asText).join(' | ').slice(0, 200)}`);
    } else {
      const core = token.replace(ELLIPSIS, '');
      if (core === '' || !(json.includes(core) || values.some((v) => v.includes(core)))) problems.push(`\`${token}\` is not in the event`);
    }
  }
  if (pathTokens === 0) problems.push('quote at least one event value as `path: value`');
  return problems;
}

const normalised = (reason: string) => reason.toLowerCase().replace(/\s+/g, ' ').trim();

describe('corpus labels', () => {
  it('label every event of every corpus file, in the {event, fires, quiet} form', () => {
    expect(Object.keys(labels).sort()).toEqual(files.map((f) => f.name).sort());
    for (const file of files) {
      expect(labels[file.name], file.name).toHaveLength(file.events.length);
      labels[file.name]!.forEach((label, i) => {
        expect(Object.keys(label).sort(), `${file.name}#${i}`).toEqual(['event', 'fires', 'quiet']);
        expect(typeof label.event === 'string' && label.event.trim().length >= 10 && !/[\r\n]/.test(label.event), `${file.name}#${i} event summary`).toBe(true);
      });
    }
  });

  it.each(files.map((f) => [f.name, f] as const))('%s: fires is what the engine fires', (name, file) => {
    expect(file.events.map(fired)).toEqual(labels[name]!.map((l) => Object.keys(l.fires).sort()));
  });

  it.each(files.map((f) => [f.name, f] as const))("%s: quiet rules stay quiet and are near misses on the event's own log source", (name, file) => {
    const ledger = new Set(EVER_FIRED);
    file.events.forEach((raw, i) => {
      const label = labels[name]![i]!;
      const engine = new Set(fired(raw));
      const sourced = detectSource(raw);
      for (const id of Object.keys(label.quiet)) {
        expect(engine.has(id), `${name}#${i} ${id} is labelled quiet but fires`).toBe(false);
        expect(Object.hasOwn(label.fires, id), `${name}#${i} ${id} is in fires and quiet`).toBe(false);
        // A former `fires` label may name a rule that has since left the catalog or its log source.
        if (ledger.has(pair(name, i, id))) continue;
        const rule = ruleById.get(id);
        expect(rule, `${name}#${i} quiet names unknown rule ${id}`).toBeDefined();
        expect(
          sourced && rule!.rule.logsource.product === sourced.product && rule!.rule.logsource.service === sourced.service,
          `${name}#${i} ${id} does not read this event's log source`,
        ).toBe(true);
      }
    });
  });

  it.each(files.map((f) => [f.name, f] as const))('%s: every label has its own reason, quoting the event', (name, file) => {
    const problems: string[] = [];
    file.events.forEach((raw, i) => {
      const label = labels[name]![i]!;
      const reasons = [...Object.entries(label.fires), ...Object.entries(label.quiet)];
      for (const [id, reason] of reasons) {
        if (!ruleById.has(id) && !EVER_FIRED.includes(pair(name, i, id))) problems.push(`${name}#${i} ${id}: unknown rule`);
        for (const p of reasonProblems(reason, raw)) problems.push(`${name}#${i} ${id}: ${p}`);
      }
      const seen = new Map<string, string>();
      for (const [id, reason] of reasons) {
        if (typeof reason !== 'string') continue;
        const other = seen.get(normalised(reason));
        if (other !== undefined) problems.push(`${name}#${i} ${id}: same reason as ${other}`);
        seen.set(normalised(reason), id);
      }
    });
    expect(problems).toEqual([]);
  });

  it('a label removed from fires moves to quiet with its reason; a new fires label joins EVER_FIRED', () => {
    const current = new Set(Object.entries(labels).flatMap(([name, list]) => list.flatMap((l, i) => Object.keys(l.fires).map((id) => pair(name, i, id)))));
    const quietNow = new Set(Object.entries(labels).flatMap(([name, list]) => list.flatMap((l, i) => Object.keys(l.quiet).map((id) => pair(name, i, id)))));
    expect(new Set(EVER_FIRED).size, 'EVER_FIRED has duplicates').toBe(EVER_FIRED.length);
    expect(
      EVER_FIRED.filter((p) => !current.has(p) && !quietNow.has(p)),
      'left fires without a reason in quiet',
    ).toEqual([]);
    expect(
      [...current].filter((p) => !EVER_FIRED.includes(p)),
      'fires but not in EVER_FIRED (append it)',
    ).toEqual([]);
  });

  it('exercises most of the catalog, with near misses', () => {
    const labelled = new Set(Object.values(labels).flatMap((list) => list.flatMap((l) => Object.keys(l.fires))));
    expect(labelled.size).toBeGreaterThanOrEqual(25);
    expect(EVER_FIRED.length).toBeGreaterThanOrEqual(75);
    expect(
      Object.values(labels)
        .flat()
        .reduce((n, l) => n + Object.keys(l.quiet).length, 0),
    ).toBeGreaterThanOrEqual(50);
  });
});
