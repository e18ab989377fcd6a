/**
 * Every compiled query is checked by something other than its compiler: for every rule and every corpus
 * event of its log source, the target language's own evaluator (written from the AWS and Google docs)
 * must agree with the rule evaluator; every KQL query must parse and bind against the table schemas.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindRules, compileRule, TARGETS_FOR_PRODUCT, type CatalogRule } from '../../../core/detection/catalog.ts';
import { CompileError } from '../../../core/detection/compilers/compile-error.ts';
import { parseWildcards, type Expr, type Match, type Scalar } from '../../../core/detection/expr.ts';
import { compilePath } from '../../../core/detection/field-path.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { loadRules } from '../../../core/detection/rule-loader.ts';
import type { Target } from '../../../core/detection/rule.ts';
import { compileCloudWatchPattern } from '../../../core/detection/targets/cloudwatch-pattern-evaluator.ts';
import { eventPatternMatcher } from '../../../core/detection/targets/eventbridge-pattern-evaluator.ts';
import { compileGcpQuery } from '../../../core/detection/targets/gcp-query-evaluator.ts';
import { checkKql } from '../../../core/detection/targets/kql-check.ts';
import { compileKqlQuery } from '../../../core/detection/targets/kql-evaluator.ts';
import { KQL_TABLES } from '../../../core/detection/targets/kql-tables.ts';
import { kqlTableFor } from '../../../core/detection/logsources/kql-table-for.ts';
import { generatedRule } from '../../../core/detection/rule.ts';
import { planAlarms } from '../../../core/aws/alarm-plan.ts';
import { catalogRules } from '../../helpers/catalog.ts';
import { exampleModel } from '../../helpers/config.ts';
import { eventArbitrary, eventFrom, steeredEvents } from '../../helpers/event-generators.ts';
import { laCanonical } from '../../helpers/log-analytics-row.ts';
import { corpusFiles, eventBridgeEnvelope } from '../../helpers/corpus.ts';
import { deepFreeze } from '../../helpers/model-key.ts';

const model = exampleModel();
/** loadCatalog(model), loaded once for the file (and shared, frozen, with the worker's other files). */
const catalog = catalogRules(model);
const rules: CatalogRule[] = [...catalog, ...bindRules(loadRules('test/fixtures/rules'), model)];
const corpus = corpusFiles().flatMap((file) => file.events.map((raw, index) => ({ where: `${file.name}#${index}`, raw, sourced: detectSource(raw) })));

type TargetMatcher = (raw: unknown, normalised: Record<string, unknown>) => boolean;

/** The target language's evaluator over the event as that target receives it. */
function targetMatcher(target: Target, query: string | Record<string, unknown>): TargetMatcher | undefined {
  switch (target) {
    case 'cloudwatch': {
      const predicate = compileCloudWatchPattern(query as string);
      return (raw) => predicate(raw);
    }
    case 'eventbridge': {
      // Compiled once for all the events (matchesEventPattern compiles the pattern on every call).
      const matches = eventPatternMatcher(query as Record<string, unknown>);
      return (raw) => matches(eventBridgeEnvelope(raw as Record<string, unknown>));
    }
    case 'gcp': {
      const predicate = compileGcpQuery(query as string);
      return (raw) => predicate(raw);
    }
    case 'kql':
      return undefined;
  }
}

/**
 * Rules in SigmaHQ style that use Sigma's newer modifiers (|gt |gte |lt |lte, |fieldref, keywords, the `?`
 * wildcard and escapes, |re with |i |m |s, string tests on object-valued fields), each listing the targets
 * that must compile it; the other targets of its cloud must refuse it (checked below). They run through
 * every check the catalog rules do, plus `sigmaEvents`: the cross product of each field's own values.
 *
 * What the targets that refuse part of these do with object-valued fields: KQL compares an object's
 * compact JSON text (tostring), as the rule engine does, and sigma-kql-objects holds it to that. CloudWatch
 * compares only text and numbers, EventBridge only leaves, Cloud Logging fails a comparison on a struct: a
 * string test on an object-valued field is refused for them before compiling, by the log-source registry
 * (logsources/field-check.ts), which knows which fields hold objects; the compilers cannot tell from the
 * rule alone.
 */
const SIGMA_PROBES: readonly {
  readonly id: string;
  readonly logsource: { readonly product: 'aws' | 'azure' | 'gcp'; readonly service: string };
  readonly detection: Record<string, unknown>;
  readonly targets: readonly Target[];
  /** Values to add for a field, beyond those its matches suggest (objects, for instance). */
  readonly extra?: Readonly<Record<string, readonly unknown[]>>;
  /** Fields a keyword's text is planted in. */
  readonly hosts?: readonly string[];
  /** Why the corpus check is left out (generated events only). */
  readonly noCorpus?: string;
}[] = [
  {
    id: 'sigma-aws-gt',
    logsource: { product: 'aws', service: 'cloudtrail' },
    detection: { selection: { eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', 'requestParameters.maxCount|gt': 10 }, condition: 'selection' },
    targets: ['cloudwatch', 'eventbridge'],
  },
  {
    id: 'sigma-aws-range',
    logsource: { product: 'aws', service: 'cloudtrail' },
    detection: {
      selection: { eventSource: 'ec2.amazonaws.com', 'requestParameters.maxCount|gte': 2 },
      few: { 'requestParameters.minCount|lt': 5 },
      condition: 'selection and few',
    },
    targets: ['cloudwatch', 'eventbridge'],
  },
  {
    id: 'sigma-aws-not-lte',
    logsource: { product: 'aws', service: 'cloudtrail' },
    detection: {
      selection: { eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances' },
      single: { 'requestParameters.maxCount|lte': 1 },
      condition: 'selection and not single',
    },
    // CloudWatch refuses: "not at most 1" also holds on text and objects, which a pattern cannot tell from numbers.
    targets: ['eventbridge'],
  },
  {
    id: 'sigma-aws-wildcards',
    logsource: { product: 'aws', service: 'cloudtrail' },
    detection: {
      selection: { 'userAgent|cased|startswith': 'aws-cli/2.*Python/3', 'eventSource|endswith': '*.amazonaws.com' },
      filter: { 'eventName|cased': String.raw`Describe\*` },
      condition: 'selection and not filter',
    },
    // CloudWatch refuses the * inside the userAgent prefix.
    targets: ['eventbridge'],
  },
  {
    id: 'sigma-gcp-numeric',
    logsource: { product: 'gcp', service: 'gcp.audit' },
    detection: { selection: { 'protoPayload.status.code|gt': 0 }, filter: { 'protoPayload.status.code|gte': 7 }, condition: 'selection and not filter' },
    targets: ['gcp'],
  },
  {
    id: 'sigma-gcp-wildcards',
    logsource: { product: 'gcp', service: 'gcp.audit' },
    detection: {
      selection: [{ 'protoPayload.methodName': 'google.iam.admin.v?.Create*Key' }, { 'protoPayload.serviceName|endswith': '.googleapis.c?m' }],
      condition: 'selection',
    },
    targets: ['gcp'],
  },
  {
    id: 'sigma-gcp-regex',
    logsource: { product: 'gcp', service: 'gcp.audit' },
    detection: {
      plain: { 'protoPayload.methodName|re': String.raw`^google\.iam\.` },
      ignorecase: { 'protoPayload.authenticationInfo.principalEmail|re|i': '^ALICE@' },
      lines: { 'protoPayload.status.message|re|m|s': '^denied.+$' },
      condition: 'plain or ignorecase or lines',
    },
    targets: ['gcp'],
  },
  {
    id: 'sigma-kql-numeric',
    logsource: { product: 'azure', service: 'signinlogs' },
    detection: { failed: { 'ResultType|gte': 50000 }, quick: { 'DurationMs|lt': 100 }, condition: 'failed and not quick' },
    targets: ['kql'],
  },
  {
    id: 'sigma-kql-fieldref',
    logsource: { product: 'azure', service: 'signinlogs' },
    detection: {
      selection: { 'UserPrincipalName|fieldref': 'UserDisplayName' },
      location: { 'LocationDetails.city|fieldref|cased': 'LocationDetails.state' },
      condition: 'selection or location',
    },
    targets: ['kql'],
  },
  {
    id: 'sigma-kql-keywords',
    logsource: { product: 'azure', service: 'signinlogs' },
    detection: { keywords: ['adele', 'evilcorp'], condition: 'keywords' },
    targets: ['kql'],
    hosts: ['UserAgent', 'LocationDetails.city'],
  },
  {
    id: 'sigma-kql-keyword-wildcards',
    logsource: { product: 'azure', service: 'signinlogs' },
    detection: { keywords: ['ev?l*corp'], filter: { AppDisplayName: 'Azure Portal' }, condition: 'keywords and not filter' },
    targets: ['kql'],
    hosts: ['UserAgent', 'LocationDetails.city'],
    noCorpus: 'a regex over every column meets the corpus datetime columns, whose text KQL does not document',
  },
  {
    id: 'sigma-kql-wildcards',
    logsource: { product: 'azure', service: 'signinlogs' },
    detection: {
      selection: [{ AppDisplayName: 'Azure?Portal' }, { 'UserAgent|contains': 'Windows NT*Chrome' }, { 'UserPrincipalName|endswith': '@contoso.c?m' }],
      condition: 'selection',
    },
    targets: ['kql'],
  },
  {
    id: 'sigma-kql-regex',
    logsource: { product: 'azure', service: 'signinlogs' },
    detection: {
      plain: { 'UserAgent|re': '^mozilla' },
      ignorecase: { 'AppDisplayName|re|i': '^AZURE' },
      lines: { 'UserPrincipalName|re|m|s': '^adele.+$' },
      condition: 'plain or ignorecase or lines',
    },
    targets: ['kql'],
  },
  {
    id: 'sigma-kql-objects',
    logsource: { product: 'azure', service: 'signinlogs' },
    detection: {
      city: { 'LocationDetails|contains': '"city":"Redmond"' },
      device: { 'DeviceDetail|contains|cased': '"operatingSystem":"Windows' },
      condition: 'city or device',
    },
    targets: ['kql'],
    extra: {
      LocationDetails: [{ city: 'Redmond', state: 'Washington' }, { city: 'REDMOND' }, { city: 'Paris' }, { countryOrRegion: 'US', city: 'Redmond' }, []],
      DeviceDetail: [{ operatingSystem: 'Windows 10', browser: 'Edge' }, { operatingSystem: 'windows' }, { browser: 'Windows' }],
    },
  },
];

const sigmaProbes = bindRules(
  SIGMA_PROBES.map((p) =>
    generatedRule(
      {
        id: p.id,
        title: `Sigma probe ${p.id}`,
        description: "Exercises Sigma's newer modifiers on every target in the conformance suite.",
        level: 'low',
        tags: ['attack.t1078'],
        logsource: p.logsource,
        detection: p.detection as unknown as Record<string, string>,
        targets: [...p.targets],
      },
      'conformance.test.ts',
    ),
  ),
  model,
);
const probeOf = (id: string) => SIGMA_PROBES.find((p) => p.id === id);

/** Each rule with every target of its cloud it compiles to (listed targets must compile). */
const compiled = [...rules, ...sigmaProbes].flatMap((r) =>
  TARGETS_FOR_PRODUCT[r.rule.logsource.product].flatMap((target) => {
    try {
      return [{ r, target, query: compileRule(r, target) }];
    } catch (error) {
      if (error instanceof CompileError && !r.rule.targets.includes(target)) return [];
      throw error;
    }
  }),
);

const NUMERIC_OPS: ReadonlySet<Match['op']> = new Set(['gt', 'gte', 'lt', 'lte']);
const DECIMAL_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Events a non-KQL target cannot be held to: a field the rule compares numerically holds text. The rule
 * engine reads decimal text ("42") as a number; EventBridge's numeric matching and Cloud Logging's
 * comparisons (with the compiler's string guard) see JSON numbers only, and CloudWatch's documentation
 * says nothing of a number compared with text (its oracle refuses to guess). Whether a field is logged as
 * text is the log-source registry's to know, as it knows which fields hold objects.
 */
function numericTextExcluded(target: Target, expr: Expr, event: unknown): boolean {
  if (target === 'kql') return false;
  const walk = (e: Expr): boolean => {
    if (e.kind === 'match') {
      if (!NUMERIC_OPS.has(e.op)) return false;
      return compilePath(e.field)(event).some((v) => typeof v === 'string' && (target === 'cloudwatch' || DECIMAL_TEXT.test(v)));
    }
    return e.kind === 'not' ? walk(e.item) : e.items.some(walk);
  };
  return walk(expr);
}

const swapCase = (text: string): string => [...text].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');

/** A value's text with its wildcards filled: every `*` as `many`, every `?` as `one`. */
function filled(value: string, many: string, one: string): string {
  return parseWildcards(value)
    .map((p) => (p.kind === 'text' ? p.text : p.kind === 'any' ? many : one))
    .join('');
}

/** Values that make one match hold, and near misses that make it fail, by its op. */
function sigmaValues(m: Match): unknown[] {
  const out: unknown[] = [];
  for (const v of m.values) {
    if (NUMERIC_OPS.has(m.op) && typeof v === 'number') {
      out.push(v - 100, v - 1, v - 0.5, v, v + 0.5, v + 1, v + 100, String(v + 1), String(v - 1), `${v}x`, true, { n: v + 1 });
      continue;
    }
    const text = String(v);
    switch (m.op) {
      case 'equals':
      case 'contains':
      case 'startswith':
      case 'endswith':
      case 'keyword': {
        const hit = filled(text, 'Zq', 'Q');
        const wrap = (x: string) =>
          m.op === 'contains' || m.op === 'keyword'
            ? [x, `pre-${x}-post`]
            : m.op === 'startswith'
              ? [x, `${x}tail`]
              : m.op === 'endswith'
                ? [x, `head${x}`]
                : [x];
        out.push(...wrap(hit), ...wrap(swapCase(hit)), ...wrap(filled(text, '', '\u00e9')));
        // Near misses: a ? left empty or doubled, one character short at either end, one more at an anchored end.
        out.push(filled(text, 'Zq', ''), filled(text, 'Zq', 'QQ'), hit.slice(1), hit.slice(0, -1));
        if (m.op === 'equals' || m.op === 'startswith') out.push(`x${hit}`);
        if (m.op === 'equals' || m.op === 'endswith') out.push(`${hit}x`);
        break;
      }
      case 're': {
        // fast-check inverts a regex without flags only; a sample of the case-sensitive, single-line reading
        // also matches under |i |m |s, and the case swaps and line breaks below probe the flags.
        const samples = fc.sample(fc.stringMatching(new RegExp(text)), { numRuns: 4, seed: 11 });
        for (const x of samples) out.push(x, swapCase(x), `line\n${x}`, `${x}\nline`, x.replace(/\n/g, ' '));
        out.push('', '~~~');
        break;
      }
      case 'fieldref':
        out.push('Same', 'same', 'other', 5, '5');
        break;
      default:
        break;
    }
  }
  return out;
}

/** Deterministic choice of `count` from `total` indices (mulberry32), for when the cross product is too large. */
function sampleIndices(total: number, count: number, seed: number): number[] {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => Math.floor(next() * total));
}

/** Sets a dotted path in a nested event (undefined leaves the key out). */
function setPath(event: Record<string, unknown>, path: string, value: unknown): void {
  if (value === undefined) return;
  const keys = path.split('.');
  let node = event;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null || Array.isArray(node[k])) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/**
 * The events a Sigma probe is held to beyond the shared generators (which know the older ops only): for
 * each field, its matches' values and near misses, a keyword's text planted in the probe's host fields, the
 * probe's extra values, absence and null; then their cross product (up to 3,000 events, sampled beyond).
 */
function sigmaEvents(r: CatalogRule): Record<string, unknown>[] {
  const probe = probeOf(r.rule.id);
  if (!probe) return [];
  const fields = new Map<string, unknown[]>();
  const add = (field: string, values: readonly unknown[]) => fields.set(field, [...(fields.get(field) ?? [undefined, null]), ...values]);
  const walk = (e: Expr): void => {
    if (e.kind === 'match') {
      const values = sigmaValues(e);
      if (e.op === 'keyword') for (const host of probe.hosts ?? []) add(host, values);
      else add(e.field, values);
      if (e.op === 'fieldref') for (const other of e.values) add(String(other), values);
    } else if (e.kind === 'not') walk(e.item);
    else e.items.forEach(walk);
  };
  walk(r.expr);
  for (const [field, values] of Object.entries(probe.extra ?? {})) add(field, values);
  const lists = [...fields].map(([field, values]) => [field, [...new Map(values.map((v) => [JSON.stringify(v) ?? 'absent', v])).values()]] as const);
  const total = lists.reduce((n, [, values]) => n * values.length, 1);
  const indices = total <= 3000 ? Array.from({ length: total }, (_, i) => i) : sampleIndices(total, 3000, 7);
  return indices.map((index) => {
    const event: Record<string, unknown> = {};
    let rest = index;
    for (const [field, values] of lists) {
      setPath(event, field, values[rest % values.length]);
      rest = Math.floor(rest / values.length);
    }
    return event;
  });
}

describe('catalog', () => {
  it('has at least 30 rules, T1059.009 first', () => {
    expect(catalog.length).toBeGreaterThanOrEqual(30);
    expect(catalog.filter((r) => r.rule.tags.includes('attack.t1059.009')).length).toBeGreaterThanOrEqual(10);
    for (const product of ['aws', 'azure', 'gcp'])
      expect(
        catalog.some((r) => r.rule.logsource.product === product),
        product,
      ).toBe(true);
  });

  it.each(rules.map((r) => [r.rule.id, r] as const))('%s compiles to every target it lists', (_id, r) => {
    expect(r.rule.targets.length, 'a rule must be deployed somewhere').toBeGreaterThan(0);
    for (const target of r.rule.targets) expect(() => compileRule(r, target)).not.toThrow();
  });
});

describe('KQL parses and binds', () => {
  it.each(compiled.filter((c) => c.target === 'kql').map((c) => [c.r.rule.id, c.query] as const))('%s', (_id, query) => {
    expect(checkKql(query as string)).toEqual([]);
  });
});

describe('target evaluators agree with the rule evaluator on the corpus', () => {
  const cases = compiled.filter((c) => c.target !== 'kql');
  it.each(cases.map((c) => [`${c.r.rule.id} -> ${c.target}`, c] as const))('%s', (_name, { r, target, query }) => {
    const matches = targetMatcher(target, query)!;
    const { product, service } = r.rule.logsource;
    const events = corpus.filter((e) => e.sourced?.product === product && e.sourced.service === service);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      if (numericTextExcluded(target, r.expr, e.sourced!.event)) continue;
      expect(matches(e.raw, e.sourced!.event), `${e.where}`).toBe(r.matches(e.sourced!.event));
    }
  });
});

/** Values that make a rule's own matches likely: its values, near misses, and other types. */
function vocabulary(expr: Expr, fields: Map<string, Set<Scalar | null>>): void {
  if (expr.kind === 'match') {
    const set = fields.get(expr.field) ?? new Set<Scalar | null>();
    for (const v of expr.values) {
      const text = String(v);
      // An IP field never holds a CIDR in real logs (and the languages disagree on what that would mean).
      if (expr.op !== 'cidr') set.add(v);
      if (expr.op === 'cidr') {
        const base = text.split('/')[0]!;
        set.add(base);
        set.add(base.replace(/\d+$/, '7'));
      } else {
        set.add(text.toUpperCase());
        set.add(`x${text}`);
        set.add(`${text}x`);
        set.add(text.slice(0, -1));
      }
    }
    set.add('203.0.113.7').add('8.8.8.8').add('not an ip').add(null);
    fields.set(expr.field, set);
  } else if (expr.kind === 'not') vocabulary(expr.item, fields);
  else for (const item of expr.items) vocabulary(item, fields);
}

/**
 * The CloudWatch pattern each metric filter deploys: the verbatim CIS text (cisPattern) where the rule has
 * one, the compiled pattern otherwise. Security Hub recognises a CIS filter by its text, so that text is
 * what runs, and it is what must agree with the rule.
 */
const deployedMetric = new Map(planAlarms(model, rules).metric.map((m) => [m.id, m]));
const deployedCases = compiled.flatMap((c) => {
  const deployed = c.target === 'cloudwatch' ? deployedMetric.get(c.r.rule.id) : undefined;
  return deployed?.patternSource === 'cis'
    ? [{ ...c, name: `${c.r.rule.id} -> cloudwatch (deployed CIS text)`, query: deployed.pattern as string | Record<string, unknown> }]
    : [];
});
/** Every non-KQL pair: each compiled query, plus the deployed CIS text of the rules that carry one. */
const evaluatedCases = [...compiled.filter((c) => c.target !== 'kql').map((c) => ({ ...c, name: `${c.r.rule.id} -> ${c.target}` })), ...deployedCases];

describe('the deployed CIS text agrees with its rule on the corpus', () => {
  it('covers every rule with a cisPattern', () => {
    expect(deployedCases.map((c) => c.r.rule.id).sort()).toEqual(
      rules
        .filter((r) => r.rule.cisPattern && r.rule.targets.includes('cloudwatch'))
        .map((r) => r.rule.id)
        .sort(),
    );
    expect(deployedCases.length).toBeGreaterThanOrEqual(15);
  });

  it.each(deployedCases.map((c) => [c.name, c] as const))('%s', (_name, { r, target, query }) => {
    const matches = targetMatcher(target, query)!;
    const events = corpus.filter((e) => e.sourced?.product === 'aws' && e.sourced.service === r.rule.logsource.service);
    for (const e of events) expect(matches(e.raw, e.sourced!.event), `${e.where}`).toBe(r.matches(e.sourced!.event));
  });
});

describe('the deployed CIS text and its rule on the cases where they used to differ', () => {
  const rule = (id: string) => rules.find((r) => r.rule.id === id)!;
  const deployed = (id: string) => compileCloudWatchPattern(deployedMetric.get(id)!.pattern);
  const both = (id: string, event: Record<string, unknown>) => [rule(id).matches(event), deployed(id)(event)];
  const denied = { eventVersion: '1.09', eventSource: 's3.amazonaws.com', eventType: 'AwsApiCall', errorCode: 'AccessDenied', errorMessage: 'Access Denied' };

  it("aws-cis-unauthorized-api-calls counts a denied HeadBucket and a denied S3 log delivery, as Security Hub's text does", () => {
    expect(both('aws-cis-unauthorized-api-calls', { ...denied, eventName: 'HeadBucket', sourceIPAddress: '203.0.113.7' })).toEqual([true, true]);
    expect(both('aws-cis-unauthorized-api-calls', { ...denied, eventName: 'PutObject', sourceIPAddress: 'delivery.logs.amazonaws.com' })).toEqual([true, true]);
    expect(both('aws-cis-unauthorized-api-calls', { ...denied, eventName: 'HeadBucket', errorCode: 'NoSuchBucket' })).toEqual([false, false]);
    expect(both('aws-cis-unauthorized-api-calls', { ...denied, eventName: 'RunInstances', errorCode: 'Client.UnauthorizedOperation' })).toEqual([true, true]);
  });

  it('aws-cis-root-account-usage: invokedBy absent counts, invokedBy null or set does not, and eventType must be a string other than AwsServiceEvent', () => {
    const root = { eventName: 'GetAccountSummary', eventType: 'AwsApiCall', userIdentity: { type: 'Root', arn: 'arn:aws:iam::444455556666:root' } };
    expect(both('aws-cis-root-account-usage', root)).toEqual([true, true]);
    expect(both('aws-cis-root-account-usage', { ...root, userIdentity: { ...root.userIdentity, invokedBy: null } })).toEqual([false, false]);
    expect(both('aws-cis-root-account-usage', { ...root, userIdentity: { ...root.userIdentity, invokedBy: 'support.amazonaws.com' } })).toEqual([false, false]);
    expect(both('aws-cis-root-account-usage', { ...root, eventType: 'AwsServiceEvent' })).toEqual([false, false]);
    const { eventType: _dropped, ...noType } = root;
    expect(both('aws-cis-root-account-usage', noType)).toEqual([false, false]);
    expect(both('aws-cis-root-account-usage', { ...root, eventType: null })).toEqual([false, false]);
  });

  it('aws-cis-console-signin-without-mfa: MFAUsed absent or null is not counted, any string but "Yes" is, as Security Hub\'s text does', () => {
    const id = 'aws-cis-console-signin-without-mfa';
    const signin = {
      eventVersion: '1.08',
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      eventType: 'AwsConsoleSignIn',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::444455556666:user/alice', userName: 'alice' },
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' },
    };
    const { MFAUsed: _mfa, ...withoutMfaUsed } = signin.additionalEventData;
    const { additionalEventData: _data, ...withoutData } = signin;
    expect(both(id, signin)).toEqual([true, true]);
    expect(both(id, { ...signin, additionalEventData: { ...signin.additionalEventData, MFAUsed: 'Yes' } })).toEqual([false, false]);
    // Case-sensitive, as CloudWatch compares: "yes" is a string other than "Yes".
    expect(both(id, { ...signin, additionalEventData: { ...signin.additionalEventData, MFAUsed: 'yes' } })).toEqual([true, true]);
    // Absent (the key or the whole additionalEventData) and null: CloudWatch's != compares nothing, so neither counts.
    expect(both(id, { ...signin, additionalEventData: withoutMfaUsed })).toEqual([false, false]);
    expect(both(id, withoutData)).toEqual([false, false]);
    expect(both(id, { ...signin, additionalEventData: { ...signin.additionalEventData, MFAUsed: null } })).toEqual([false, false]);
    // The real-time variant still counts the sign-ins the CIS text leaves out, as the rule's description says.
    const realtime = rule('aws-console-login-without-mfa');
    expect([
      realtime.matches({ ...signin, additionalEventData: withoutMfaUsed }),
      realtime.matches(withoutData),
      realtime.matches({ ...signin, additionalEventData: { ...signin.additionalEventData, MFAUsed: null } }),
    ]).toEqual([true, true, true]);
  });

  it('aws-cis-route-table-changes matches on the event name whatever the eventSource, case-sensitively', () => {
    expect(both('aws-cis-route-table-changes', { eventSource: 'ec2.amazonaws.com', eventName: 'CreateRoute' })).toEqual([true, true]);
    expect(both('aws-cis-route-table-changes', { eventSource: 'networkmanager.amazonaws.com', eventName: 'CreateRoute' })).toEqual([true, true]);
    expect(both('aws-cis-route-table-changes', { eventName: 'DeleteRouteTable' })).toEqual([true, true]);
    expect(both('aws-cis-route-table-changes', { eventSource: 'ec2.amazonaws.com', eventName: 'createroute' })).toEqual([false, false]);
  });
});

describe('target evaluators agree with the rule evaluator on generated events (property)', () => {
  // One arbitrary per rule for all its targets: it depends on the rule only (fast-check seeds each run anew).
  const arbitraries = new Map<CatalogRule, fc.Arbitrary<Record<string, unknown>>>();
  const arbitraryOf = (r: CatalogRule) => {
    let arbitrary = arbitraries.get(r);
    if (!arbitrary) {
      arbitrary = eventArbitrary(r.expr, r.rule.logsource.product);
      arbitraries.set(r, arbitrary);
    }
    return arbitrary;
  };
  it.each(evaluatedCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { r, target, query } = c;
    const matches = targetMatcher(target, query)!;
    // Only strings and null: CloudTrail and LogEntry text fields are strings, and CloudWatch has no defined
    // behaviour for a text operand on a number (its evaluator throws rather than guess).
    fc.assert(
      fc.property(arbitraryOf(r), (event) => {
        fc.pre(!numericTextExcluded(target, r.expr, event));
        expect(matches(event, event)).toBe(r.matches(event));
      }),
      { numRuns: 150 },
    );
  });
});

/** Each rule/target pair must see at least this many distinct generated events that match, and that do not. */
const MIN_MATCHING = 3;
const MIN_NOT_MATCHING = 3;
/**
 * Rule/target pairs (compiled non-KQL queries and deployed CIS texts) proven to fire and to stay quiet on
 * steered events (68 compiled + 15 deployed CIS texts); the suite must not shrink. Before steering, 52 of
 * the 70 compiled pairs ever saw a matching generated event. 83, not 84, since
 * aws-cis-console-signin-without-mfa follows its CIS text: like aws-cis-root-account-usage, its two tests
 * on one field (a string, not "Yes") have no EventBridge form, a target it never listed or deployed to.
 * 92 since the Sigma probes (SIGMA_PROBES) added 9: 4 EventBridge, 2 CloudWatch and 3 Cloud Logging pairs
 * of numeric comparisons, wildcards with `?` and escapes, and |re flags.
 * +3 for issue 14's GCP rules (SSH keys in metadata, IAP SSH tunnels and service account keys from outside
 * the trusted networks), one Cloud Logging pair each.
 * +38 for issue 14's 19 AWS rules (security services impaired, log sinks removed, credentials minted, data
 * shared out), each a CloudWatch and an EventBridge pair: deployed to CloudWatch, compiled and held to
 * EventBridge too.
 * +8 for the AWS rules added after it (EC2 Instance Connect keys and serial console, offensive tool user
 * agents, Lambda code replaced, EC2 user data modified), a CloudWatch and an EventBridge pair each.
 */
const STEERED_PAIRS = 141;

/**
 * The steered and Sigma events of a rule, built once per rule for all its targets (they depend on the rule
 * only), frozen so that no target's evaluator can change what the next one reads.
 */
const steeredOf = new Map<CatalogRule, readonly Record<string, unknown>[]>();
function steeredAndSigmaEvents(r: CatalogRule): readonly Record<string, unknown>[] {
  let events = steeredOf.get(r);
  if (!events) {
    events = deepFreeze([...steeredEvents(r.expr, r.rule.logsource.product), ...sigmaEvents(r)]);
    steeredOf.set(r, events);
  }
  return events;
}

describe('every rule fires, and stays quiet, on every target (steered events)', () => {
  it(`checks at least ${STEERED_PAIRS} rule/target pairs`, () => {
    expect(evaluatedCases.length).toBeGreaterThanOrEqual(STEERED_PAIRS);
  });

  it.each(evaluatedCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { r, target, query } = c;
    const matches = targetMatcher(target, query)!;
    let matching = 0;
    let notMatching = 0;
    for (const event of steeredAndSigmaEvents(r)) {
      if (numericTextExcluded(target, r.expr, event)) continue;
      const expected = r.matches(event);
      expect(matches(event, event), JSON.stringify(event)).toBe(expected);
      if (expected) matching++;
      else notMatching++;
    }
    expect(matching, 'matching events').toBeGreaterThanOrEqual(MIN_MATCHING);
    expect(notMatching, 'non-matching events').toBeGreaterThanOrEqual(MIN_NOT_MATCHING);
  });
});

// KQL: the compiled query, run by the KQL evaluator (written from Microsoft's KQL reference) over the
// event as a one-row Log Analytics table, must agree with the rule engine, which judges the event as Log
// Analytics can tell it (laCanonical, test/helpers/log-analytics-row.ts).

/** Azure rules built here so every operator the KQL compiler emits is exercised (the catalog has no exists/null/cased/re). */
const KQL_PROBE_RULES = bindRules(
  (
    [
      ['signinlogs', { a: { 'UserAgent|exists': true, 'AppDisplayName|cased': 'Azure Portal' }, b: { UserPrincipalName: null }, condition: 'a or b' }],
      ['signinlogs', { a: { 'UserAgent|exists': false }, b: { 'LocationDetails.countryOrRegion|exists': true }, condition: 'a or b' }],
      [
        'signinlogs',
        {
          a: { 'UserAgent|contains|cased': 'Mozilla', 'UserAgent|endswith': 'SAFARI/537.36' },
          f: { 'IPAddress|cidr': ['175.45.176.0/24', '2001:db8::/32'] },
          condition: 'a or f',
        },
      ],
      ['signinlogs', { a: { 'UserPrincipalName|re': '^adele', 'AppId|startswith|cased': 'c44b', 'Status.errorCode': '0' }, condition: 'a' }],
      ['signinlogs', { a: { AppDisplayName: 'Azure*Portal', 'DeviceDetail.browser|contains|all': ['chrome', '90'] }, condition: 'a' }],
      [
        'auditlogs',
        { a: { 'TargetResources.modifiedProperties.newValue|exists': true }, b: { 'TargetResources.displayName|cased': 'Policy' }, condition: 'a or b' },
      ],
      [
        'auditlogs',
        {
          a: { 'TargetResources.modifiedProperties.displayName|cased': ['ConditionalAccessPolicy', 'State'] },
          b: { 'InitiatedBy.user.userPrincipalName|endswith': '.onmicrosoft.com' },
          condition: 'a and not b',
        },
      ],
      ['azureactivity', { a: { 'Properties_d.requestbody|exists': true, 'Caller|exists': false }, b: { 'Claims_d.appid|exists': true }, condition: 'a or b' }],
      // exists: false and null under arrays mean "no element has it" (an absent or empty array included),
      // plain and negated; the generated arrays [it, {}] have one element with the field and one without.
      [
        'auditlogs',
        {
          a: { 'TargetResources.modifiedProperties.newValue|exists': false },
          b: { 'TargetResources.displayName': null, 'OperationName|startswith': 'Update' },
          condition: 'a or b',
        },
      ],
      ['signinlogs', { a: { 'ConditionalAccessPolicies.result|exists': false }, b: { 'AppliedEventListeners.eventType': null }, condition: 'not a or not b' }],
    ] as const satisfies readonly (readonly [string, Record<string, unknown>])[]
  ).map(([service, detection], i) =>
    generatedRule(
      {
        id: `kql-probe-${i}`,
        title: `KQL probe ${i}`,
        description: 'Exercises the KQL compiler operators in the conformance suite.',
        level: 'low',
        tags: ['attack.t1078'],
        logsource: { product: 'azure', service },
        detection: detection as unknown as Record<string, string>,
        targets: ['kql'],
      },
      'conformance.test.ts',
    ),
  ),
  model,
);

const kqlCases = [...compiled.filter((c) => c.target === 'kql'), ...KQL_PROBE_RULES.map((r) => ({ r, target: 'kql' as const, query: compileRule(r, 'kql') }))];

/**
 * Rule/kql pairs checked; the suite must not shrink (19 catalog rules + 10 probe rules + 7 Sigma probes;
 * +6 for issue 14's Azure rules).
 */
const KQL_PAIRS = 42;

describe('the KQL evaluator agrees with the rule evaluator', () => {
  it('checks at least the known number of rule/kql pairs', () => {
    expect(kqlCases.length).toBeGreaterThanOrEqual(KQL_PAIRS);
  });

  it.each(kqlCases.filter((c) => !probeOf(c.r.rule.id)?.noCorpus).map((c) => [c.r.rule.id, c] as const))('%s -> kql on the corpus', (_id, { r, query }) => {
    const matches = compileKqlQuery(query as string, KQL_TABLES);
    const { service } = r.rule.logsource;
    // The corpus has no MicrosoftGraphActivityLogs records; those rules are checked on generated events only.
    const events = corpus.filter((e) => e.sourced?.product === 'azure' && e.sourced.service === service);
    if (service !== 'graphactivity') expect(events.length).toBeGreaterThan(0);
    const table = kqlTableFor(service);
    for (const e of events) {
      expect(matches(e.sourced!.event), `${e.where}`).toBe(r.matches(laCanonical(e.sourced!.event, table)));
    }
  });

  it.each(kqlCases.map((c) => [c.r.rule.id, c] as const))('%s -> kql on generated events (property)', (_id, { r, query }) => {
    const matches = compileKqlQuery(query as string, KQL_TABLES);
    const table = kqlTableFor(r.rule.logsource.service);
    const arrays = [...table.arrays].sort((a, b) => a.split('.').length - b.split('.').length);
    const fields = new Map<string, Set<Scalar | null>>();
    vocabulary(r.expr, fields);
    // A keyword has no field: its text is planted in real columns by sigmaEvents instead.
    fields.delete('');
    const arbitraries = [...fields].map(([field, values]) =>
      fc.tuple(fc.constant(field), fc.option(fc.constantFrom(...[...values].filter((v) => v === null || typeof v === 'string')), { nil: undefined })),
    );
    // Where the table's documented shape has an array, the generated object becomes [], [it] or [it, {}].
    const shapes = fc.array(fc.constantFrom(0, 1, 2), { minLength: arrays.length, maxLength: arrays.length });
    fc.assert(
      fc.property(fc.tuple(...arbitraries), shapes, (entries, shape) => {
        const event = eventFrom(entries as [string, string | null | undefined][]);
        for (const [i, path] of arrays.entries()) arrayAt(event, path.split('.'), shape[i]!);
        expect(matches(event)).toBe(r.matches(laCanonical(event, table)));
      }),
      { numRuns: 150 },
    );
  });
});

describe("Sigma's newer modifiers on every target", () => {
  it.each(sigmaProbes.map((r) => [r.rule.id, r] as const))('%s compiles to the targets it lists and is refused by the others', (_id, r) => {
    const listed = r.rule.targets;
    expect(compiled.filter((c) => c.r === r).map((c) => c.target)).toEqual([...listed]);
    for (const target of TARGETS_FOR_PRODUCT[r.rule.logsource.product].filter((t) => !listed.includes(t))) {
      expect(() => compileRule(r, target), target).toThrow(CompileError);
    }
  });

  const kqlSigma = kqlCases.filter((c) => probeOf(c.r.rule.id));
  it.each(kqlSigma.map((c) => [c.r.rule.id, c] as const))('%s -> kql agrees on its own values, firing and staying quiet', (_id, { r, query }) => {
    const matches = compileKqlQuery(query as string, KQL_TABLES);
    const table = kqlTableFor(r.rule.logsource.service);
    let matching = 0;
    let notMatching = 0;
    for (const event of sigmaEvents(r)) {
      const expected = r.matches(laCanonical(event, table));
      expect(matches(event), JSON.stringify(event)).toBe(expected);
      if (expected) matching++;
      else notMatching++;
    }
    expect(matching, 'matching events').toBeGreaterThanOrEqual(MIN_MATCHING);
    expect(notMatching, 'non-matching events').toBeGreaterThanOrEqual(MIN_NOT_MATCHING);
  });

  it('leaves the corpus out only where it says why', () => {
    expect(SIGMA_PROBES.filter((p) => p.noCorpus).map((p) => `${p.id}: ${p.noCorpus}`)).toEqual([
      'sigma-kql-keyword-wildcards: a regex over every column meets the corpus datetime columns, whose text KQL does not document',
    ]);
  });
});

/** Turns the object at `keys` (looked up through arrays already made) into an array of shape 0, 1 or 2. */
function arrayAt(node: unknown, keys: readonly string[], shape: number): void {
  if (Array.isArray(node)) {
    for (const n of node) arrayAt(n, keys, shape);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  const [key, ...rest] = keys;
  if (rest.length > 0) {
    arrayAt(obj[key!], rest, shape);
    return;
  }
  const value = obj[key!];
  if (value === undefined || Array.isArray(value)) return;
  obj[key!] = shape === 0 ? [] : shape === 1 ? [value] : [value, {}];
}
