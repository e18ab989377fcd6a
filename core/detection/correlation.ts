/**
 * Sigma correlation rules: a document that counts the matches of other rules (its base rules) per group
 * within a time span, after the Sigma correlation rules specification v2.0.2 (SigmaHQ/sigma-specification
 * specification/sigma-correlation-rules-specification.md) as pySigma reads it (SigmaHQ/pySigma
 * sigma/correlations.py, `SigmaCorrelationRule.from_dict`):
 *
 *   title: AWS reconnaissance burst
 *   id: aws-recon-burst                  # catalog: the file name; Sigma: a UUID, or `name` to refer to it
 *   correlation:
 *     type: value_count                  # event_count | value_count | temporal
 *     rules: [aws-read-only-api-call]    # base rules, by id or name
 *     group-by: [userIdentity.arn]       # counted separately per value (AND of the fields)
 *     timespan: 10m                      # number + s | m | h | d
 *     condition: { gte: 30, field: eventName }   # gt | gte | lt | lte | eq (several are ANDed); field: value_count
 *     generate: false                    # default: the base rules do not run on their own
 *
 * - event_count: the matches of the base rules in the window; value_count: the distinct values of
 *   `condition.field` among them (absent, null and empty values are not values); temporal: how many of
 *   the base rules matched (default condition: all of them, pySigma's `gte: len(rules)`).
 * - group-by: a match whose group-by field is absent, null or empty belongs to no group and is not
 *   counted (pySigma's backends group with `stats ... by`, which leaves such events out). Values are
 *   compared as text, case-sensitively, as KQL's `summarize ... by` groups them.
 * - `generate` (spec "Generate", pySigma `rule.disable_output()` unless generate): a base rule referenced
 *   by a correlation whose generate is false runs only inside it: it is neither deployed nor reported
 *   alone. This is how a catalog base rule that matches every read-only call stays quiet.
 * - Not supported, refused with the reason: temporal_ordered, the extended (string) condition, `aliases`,
 *   correlations over correlations (chaining), and timespans in units other than the specification's.
 *
 * Windows. The specification wants the time frame free of fixed boundaries "if this is not required by
 * the given backend", and calls fixed boundaries a restriction that "could cause false negatives"
 * (sections "Temporal Proximity" and "Compatibility"). pySigma's query backends bin time instead
 * (pySigma-backend-splunk tests/test_backend_splunk_correlations.py: `| bin _time span=15m | stats count
 * ... by _time ...`). So the reference has both, named:
 * - `sliding` (the default, what `guardrails detect` runs): at each base-rule match, its group's matches
 *   in the timespan ending at it, (t - timespan, t], are counted; the condition met there emits a match.
 *   For gt/gte this finds every group that has enough matches within any timespan, wherever it starts.
 *   After a match, its group emits again only from one timespan later (one match per burst and timespan).
 * - `tumbling`: fixed bins [k * timespan, (k + 1) * timespan) counted from 1970-01-01T00:00:00Z, as KQL's
 *   `summarize ... by bin(TimeGenerated, timespan)` cuts them (compilers/kql-correlation.ts, which refuses
 *   a timespan that does not divide a day, so the boundaries do not depend on bin()'s origin): what the
 *   `kql` target deploys. A burst that straddles a boundary can be missed by it and found by `sliding`.
 *
 * Memory per group is bounded by the condition, not by the input: a group keeps at most (largest
 * threshold + 1) matches or distinct values, enough to decide every condition (counts above it
 * saturate), and a group idle for a whole timespan is dropped. Matches are put in time order through a
 * reorder buffer: the reference (`evaluateCorrelations`) sorts everything; `guardrails detect` holds
 * matches for `lateness` behind the newest one and counts any that arrive later than that as late
 * (reported, not correlated).
 */
import { type Document, LineCounter, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { formatPath } from '../config/load.ts';
import type { CatalogRule } from './catalog.ts';
import { compilePath } from './field-path.ts';
import { logSource, lookupField } from './logsources/registry.ts';
import { RuleError } from './rule-error.ts';
import { LEVELS, TARGETS, type Product, type Target } from './rule.ts';

export const CORRELATION_TYPES = ['event_count', 'value_count', 'temporal'] as const;
export type CorrelationType = (typeof CORRELATION_TYPES)[number];

/** The condition operators of the specification ("Condition"); several in one map are ANDed. */
export const COUNT_OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq'] as const;
export type CountOperator = (typeof COUNT_OPERATORS)[number];
export type CountCondition = Readonly<Partial<Record<CountOperator, number>>>;

/** Units of a timespan (specification "Time Selection": number + lowercase letter). */
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export interface Timespan {
  /** As written: `10m`. */
  readonly text: string;
  readonly ms: number;
}

/** A base rule of a correlation, with the correlation's fields as this rule's log source names them. */
export interface CorrelationBase {
  readonly rule: CatalogRule;
  /** `group-by`, as the base rule's log source names the fields (a processing pipeline may rename them). */
  readonly groupBy: readonly string[];
  /** value_count: the counted field, named as the base rule's log source names it. */
  readonly field?: string;
}

/** A correlation as written, before its base rules are looked up. */
export interface CorrelationDocument {
  readonly id: string;
  /** Sigma `name`: how other documents may refer to it. */
  readonly name?: string;
  readonly title: string;
  readonly description: string;
  readonly level: (typeof LEVELS)[number];
  readonly status: 'stable' | 'test' | 'experimental';
  readonly tags: readonly string[];
  readonly falsepositives: readonly string[];
  readonly references: readonly string[];
  /** Where the alarm pipelines deploy it (this package's key; a Sigma correlation has none). */
  readonly targets: readonly Target[];
  /** The file (and document, `file#3`, in a multi-document file), for messages. */
  readonly file: string;
  readonly type: CorrelationType;
  /** Ids or names of the base rules. */
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  readonly timespan: Timespan;
  readonly condition: CountCondition;
  /** value_count: the field whose distinct values are counted, as written. */
  readonly field?: string;
  readonly generate: boolean;
  /** A Sigma correlation: every key of the document, as written. */
  readonly sigma?: Readonly<Record<string, unknown>>;
}

/** A correlation with its base rules bound to the config, ready to evaluate and compile. */
export interface Correlation extends Omit<CorrelationDocument, 'rules'> {
  /** `correlation.rules` as written (ids or names), in the order of `bases`. */
  readonly ruleReferences: readonly string[];
  readonly bases: readonly CorrelationBase[];
}

// ---------------------------------------------------------------------------------------------------
// Reading documents

/** The document is a correlation (a top-level `correlation` key), not a detection rule. */
export function isCorrelationDocument(raw: unknown): boolean {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'correlation' in raw;
}

/** A catalog file (this package's format) that holds a correlation: a `correlation:` key at the top level. */
export function isCorrelationFileText(text: string): boolean {
  return /^correlation\s*:/m.test(text);
}

/** `10m` -> 600000; undefined when it is not a number and one of s, m, h, d. */
export function parseTimespan(text: string): Timespan | undefined {
  const m = /^([1-9]\d*)([smhd])$/.exec(text);
  if (!m) return undefined;
  return { text, ms: Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] };
}

const count = z.number().int({ error: 'must be a whole number (a count)' }).nonnegative({ error: 'must not be negative' });
const conditionSchema = z.strictObject({
  gt: count.optional(),
  gte: count.optional(),
  lt: count.optional(),
  lte: count.optional(),
  eq: count.optional(),
  field: z.string().min(1).optional(),
});

/** The catalog's correlation: strict, as rule.ts is for rules; the id is the file name. */
const catalogCorrelationSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,80}$/, { error: 'must be a lowercase slug (letters, digits, hyphens)' }),
  title: z.string().min(5),
  description: z.string().min(10),
  level: z.enum(LEVELS),
  status: z.enum(['stable', 'test', 'experimental']).default('stable'),
  tags: z.array(z.string().regex(/^attack\.[a-z0-9_.-]+$/, { error: 'must be an ATT&CK tag such as attack.t1580 or attack.discovery' })).min(1),
  correlation: z.strictObject({
    type: z.enum(CORRELATION_TYPES),
    rules: z.array(z.string().min(1)).min(1),
    'group-by': z.array(z.string().min(1)).default([]),
    timespan: z.string(),
    condition: conditionSchema.optional(),
    generate: z.boolean().default(false),
  }),
  falsepositives: z.array(z.string()).default([]),
  targets: z.array(z.enum(TARGETS)).default([]),
  references: z.array(z.string()).default([]),
});

const text = z.union([z.string(), z.number()]).transform(String);
const strings = z.union([z.array(text), text.transform((s) => [s])]);

/** A Sigma correlation as SigmaHQ writes it: every key kept; what pySigma refuses is refused here too. */
const sigmaCorrelationSchema = z.looseObject({
  title: text.pipe(z.string().min(1)),
  id: text.pipe(z.string().min(1)).optional(),
  name: text.optional(),
  status: z.enum(['stable', 'test', 'experimental', 'deprecated', 'unsupported']).optional(),
  description: text.optional(),
  references: strings.optional(),
  falsepositives: strings.optional(),
  level: z.enum(LEVELS).optional(),
  tags: strings.optional(),
  generate: z.boolean().optional(),
  targets: z.array(z.enum(TARGETS)).optional(),
  correlation: z.looseObject({
    type: z.string(),
    rules: strings,
    'group-by': strings.optional(),
    timespan: text,
    condition: z.unknown().optional(),
    generate: z.boolean({ error: 'must be true or false' }).optional(),
    aliases: z.unknown().optional(),
  }),
});

/** Parses a catalog correlation file (one YAML document, this package's strict format). */
export function parseCorrelationFile(source: string, file: string): CorrelationDocument {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(source, { lineCounter, uniqueKeys: true });
  if (docs.length !== 1) throw new RuleError(file, '(top level)', `holds ${docs.length} YAML documents; a catalog correlation file holds one correlation`);
  const doc = docs[0]!;
  const syntax = doc.errors[0];
  if (syntax) throw new RuleError(file, `line ${lineCounter.linePos(syntax.pos[0]).line}`, syntax.message.split('\n')[0]!);
  const parsed = catalogCorrelationSchema.safeParse(doc.toJS());
  if (!parsed.success) throw schemaError(parsed.error, doc, lineCounter, file, 'is not a correlation field');
  const d = parsed.data;
  const expected = `${d.id}.yml`;
  if (!file.endsWith(expected)) throw new RuleError(file, 'id', `the file must be named after the id: ${expected}`);
  return {
    id: d.id,
    title: d.title,
    description: d.description,
    level: d.level,
    status: d.status,
    tags: d.tags,
    falsepositives: d.falsepositives,
    references: d.references,
    targets: d.targets,
    file,
    ...section(
      file,
      d.correlation.type,
      d.correlation.rules,
      d.correlation['group-by'],
      d.correlation.timespan,
      d.correlation.condition,
      d.correlation.generate,
    ),
  };
}

/**
 * A Sigma correlation document (already read from YAML). `fallbackId` names it when it has no id.
 * Throws RuleError for what cannot be run, with the reason.
 */
export function parseSigmaCorrelation(raw: unknown, file: string, fallbackId: string, at?: { doc: Document; lineCounter: LineCounter }): CorrelationDocument {
  const parsed = sigmaCorrelationSchema.safeParse(raw);
  if (!parsed.success) {
    if (at) throw schemaError(parsed.error, at.doc, at.lineCounter, file, 'is not a correlation field');
    const issue = parsed.error.issues[0]!;
    throw new RuleError(file, formatPath(issue.path as PropertyKey[]), issue.message);
  }
  const d = parsed.data;
  const c = d.correlation;
  if (c.aliases !== undefined)
    throw new RuleError(file, 'correlation.aliases', 'field name aliases are not supported; give the base rules the same field names');
  if (c.type === 'temporal_ordered')
    throw new RuleError(
      file,
      'correlation.type',
      'temporal_ordered is not supported: the order of the events is not checked (type temporal is, without order)',
    );
  if (!(CORRELATION_TYPES as readonly string[]).includes(c.type))
    throw new RuleError(file, 'correlation.type', `"${c.type}" is not a correlation type this engine runs (supported: ${CORRELATION_TYPES.join(', ')})`);
  if (typeof c.condition === 'string')
    throw new RuleError(file, 'correlation.condition', 'an extended (boolean) correlation condition is not supported; give a map such as { gte: 10 }');
  const condition = c.condition === undefined ? undefined : conditionSchema.safeParse(c.condition);
  if (condition && !condition.success) {
    const issue = condition.error.issues[0]!;
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    throw new RuleError(
      file,
      formatPath(['correlation', 'condition', ...(path as PropertyKey[])]),
      issue.code === 'unrecognized_keys' ? 'is not a condition operator (gt, gte, lt, lte, eq, field)' : issue.message,
    );
  }
  const status = d.status === 'stable' || d.status === 'test' ? d.status : 'experimental';
  return {
    id: d.id ?? fallbackId,
    ...(d.name === undefined ? {} : { name: d.name }),
    title: d.title,
    description: d.description ?? '',
    level: d.level ?? 'informational',
    status,
    tags: (d.tags ?? []).filter((tag) => tag.toLowerCase().startsWith('attack.')),
    falsepositives: d.falsepositives ?? [],
    references: d.references ?? [],
    targets: d.targets ?? [],
    file,
    ...section(file, c.type as CorrelationType, c.rules, c['group-by'] ?? [], c.timespan, condition?.data, c.generate ?? d.generate ?? false),
    sigma: raw as Record<string, unknown>,
  };
}

/** The `correlation:` section, checked beyond the schema: the timespan, the condition and its field. */
function section(
  file: string,
  type: CorrelationType,
  rules: readonly string[],
  groupBy: readonly string[],
  timespanText: string,
  written: z.output<typeof conditionSchema> | undefined,
  generate: boolean,
): Pick<CorrelationDocument, 'type' | 'rules' | 'groupBy' | 'timespan' | 'condition' | 'field' | 'generate'> {
  const timespan = parseTimespan(timespanText);
  if (!timespan) throw new RuleError(file, 'correlation.timespan', `"${timespanText}" is not a timespan: a number and s, m, h or d, e.g. 10m (90m for 1h30)`);
  const { field, ...ops } = written ?? {};
  const condition: CountCondition = Object.fromEntries(Object.entries(ops).filter(([, v]) => v !== undefined));
  if (written === undefined && type !== 'temporal') throw new RuleError(file, 'correlation.condition', `${type} needs a condition, e.g. { gte: 10 }`);
  if (written !== undefined && Object.keys(condition).length === 0) throw new RuleError(file, 'correlation.condition', 'needs one of gt, gte, lt, lte, eq');
  if (type === 'value_count' && field === undefined)
    throw new RuleError(file, 'correlation.condition.field', 'value_count counts the distinct values of a field: name it');
  if (type !== 'value_count' && field !== undefined)
    throw new RuleError(file, 'correlation.condition.field', `only value_count counts a field; ${type} counts ${type === 'event_count' ? 'matches' : 'rules'}`);
  const unique = [...new Set(rules)];
  return {
    type,
    rules: unique,
    groupBy: [...groupBy],
    timespan,
    // temporal without a condition: every base rule must have matched (pySigma: gte the number of rules).
    condition: type === 'temporal' && written === undefined ? { gte: unique.length } : condition,
    ...(field === undefined ? {} : { field }),
    generate,
  };
}

function schemaError(error: z.ZodError, doc: Document, lineCounter: LineCounter, file: string, unknownKey: string): RuleError {
  const issue = error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const node = doc.getIn(path as unknown[], true) as { range?: [number, number, number] } | undefined;
  const line = node?.range ? ` (line ${lineCounter.linePos(node.range[0]).line})` : '';
  return new RuleError(file, `${formatPath(path as PropertyKey[])}${line}`, issue.code === 'unrecognized_keys' ? unknownKey : issue.message);
}

// ---------------------------------------------------------------------------------------------------
// Binding a document to its base rules

/** A base rule as a loader found it: the bound rule, and how its log source names a correlation field. */
export interface BaseRuleFound {
  readonly rule: CatalogRule;
  /** The field name as this rule's log source spells it (a pipeline's mapping); identity by default. */
  readonly mapField?: (field: string) => string;
}

/**
 * The correlation with its base rules, looked up by `find` (which throws RuleError, or returns a reason,
 * for a reference it cannot satisfy). Each group-by and counted field must be a field of every base
 * rule's log source, outside any array (a field inside an array has several values per event).
 */
export function bindCorrelation(document: CorrelationDocument, find: (reference: string) => BaseRuleFound | string): Correlation {
  const { rules, ...rest } = document;
  const bases = rules.map((reference, i): CorrelationBase => {
    const found = find(reference);
    if (typeof found === 'string') throw new RuleError(document.file, `correlation.rules[${i}]`, found);
    const map = found.mapField ?? ((f: string) => f);
    const { product, service } = found.rule.rule.logsource;
    const source = logSource(product, service);
    const check = (written: string, where: string): string => {
      let field: string;
      try {
        field = map(written);
      } catch (error) {
        if (error instanceof RuleError) throw new RuleError(document.file, where, `${written}, as base rule ${found.rule.rule.id} names it: ${error.problem}`);
        throw error;
      }
      const shown = field === written ? written : `${written} (${field} in ${product}/${service})`;
      const lookup = source ? lookupField(source, field) : undefined;
      if (!source || !lookup?.known) {
        const hint = lookup && !lookup.known && (lookup.detail ?? (lookup.nearest ? `nearest: ${lookup.nearest}` : undefined));
        throw new RuleError(
          document.file,
          where,
          `${shown} is not a field of ${product}/${service}, the log source of base rule ${found.rule.rule.id}${hint ? ` (${hint})` : ''}`,
        );
      }
      const keys = lookup.path.split('.');
      const array = keys.map((_, k) => keys.slice(0, k + 1).join('.')).find((p) => source.arrays.includes(p));
      if (array)
        throw new RuleError(
          document.file,
          where,
          `${shown} is inside the array ${array} of ${product}/${service}: an event has several values there, so it cannot be counted or grouped by`,
        );
      return lookup.path;
    };
    const groupBy = document.groupBy.map((g, k) => check(g, `correlation.group-by[${k}]`));
    const field = document.field === undefined ? undefined : check(document.field, 'correlation.condition.field');
    return { rule: found.rule, groupBy, ...(field === undefined ? {} : { field }) };
  });
  return { ...rest, ruleReferences: rules, bases };
}

// ---------------------------------------------------------------------------------------------------
// Event time

/**
 * Where each product's events carry their time: CloudTrail `eventTime`
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html),
 * LogEntry `timestamp`, else `receiveTimestamp` (https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry),
 * Log Analytics `TimeGenerated` (https://learn.microsoft.com/en-us/azure/azure-monitor/logs/log-standard-columns),
 * which a diagnostic-setting record's `time` becomes (logsources/azure-diagnostic.ts).
 */
export const EVENT_TIME_FIELDS: Readonly<Record<Product, readonly string[]>> = {
  aws: ['eventTime'],
  gcp: ['timestamp', 'receiveTimestamp'],
  azure: ['TimeGenerated'],
};

/** Milliseconds since 1970 of an event, from its product's time field; undefined when it has none readable. */
export function eventTime(product: Product, event: Record<string, unknown>): number | undefined {
  for (const field of EVENT_TIME_FIELDS[product]) {
    const t = parseTimestamp(event[field]);
    if (t !== undefined) return t;
  }
  return undefined;
}

const TIMESTAMP = /^\s*(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s*(?:([Zz])|([+-])(\d{2}):?(\d{2}))?\s*$/;

/**
 * An ISO 8601 / RFC 3339 date-time (`2024-06-02T20:16:22Z`, `2024-06-02 20:16:22.000000000`,
 * `...+02:00`); without a zone it is UTC, as the clouds write them. Fractions beyond milliseconds are
 * dropped (a window edge is therefore exact to the millisecond).
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = TIMESTAMP.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = m[7] === undefined ? 0 : Number(m[7].length >= 3 ? m[7].slice(0, 3) : m[7].padEnd(3, '0'));
  const offset = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) * 60_000 : 0;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (year: number, month: number): number => (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : DAYS[month - 1]!);

// ---------------------------------------------------------------------------------------------------
// Evaluation

export type WindowKind = 'sliding' | 'tumbling';

/** A base rule's match, placed in time. */
export interface TimedMatch<R = unknown> {
  /** The base rule's id. */
  readonly rule: string;
  /** Milliseconds since 1970 (eventTime). */
  readonly time: number;
  /** The event as rules see it (group-by and counted values are read from it). */
  readonly event: Record<string, unknown>;
  /** Where it came from (file and index, say): carried to the correlation match it triggers. */
  readonly ref?: R;
}

export interface CorrelationMatch<R = unknown> {
  readonly correlation: Correlation;
  /** Each group-by field, as the correlation writes it, with the group's value. */
  readonly group: Readonly<Record<string, string>>;
  /** The count the condition was met with: matches, distinct values or rules. At most (largest threshold + 1). */
  readonly count: number;
  readonly window: WindowKind;
  /** sliding: (end - timespan, end]; tumbling: the bin [start, start + timespan). */
  readonly windowStart: number;
  readonly windowEnd: number;
  /**
   * The oldest time still held for the count (a value is held at its latest sighting, so a value seen twice
   * counts from its second), and the time of the latest match.
   */
  readonly first: number;
  readonly last: number;
  /** The ref of the match it fired at (sliding) or of the bin's latest match (tumbling). */
  readonly ref?: R;
}

export interface CorrelationOptions {
  /** Default sliding (the specification's); tumbling is what the kql target deploys. */
  readonly window?: WindowKind;
  /**
   * How far behind the newest match a match may arrive and still be put in order (ms). Default: no
   * limit, everything is sorted (the reference). `guardrails detect` sets one to bound memory.
   */
  readonly lateness?: number;
}

/** Does `n` meet the condition (every operator of it)? */
export function meetsCondition(condition: CountCondition, n: number): boolean {
  const holds = (op: CountOperator, v: number): boolean => {
    switch (op) {
      case 'gt':
        return n > v;
      case 'gte':
        return n >= v;
      case 'lt':
        return n < v;
      case 'lte':
        return n <= v;
      case 'eq':
        return n === v;
    }
  };
  return Object.entries(condition).every(([op, v]) => holds(op as CountOperator, v));
}

/** Text of a group-by or counted value, as Log Analytics holds it: absent, null and '' are no value. */
function valueText(values: readonly unknown[]): string | undefined {
  const v = values[0];
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s === '' ? undefined : s;
}

interface Route {
  readonly correlation: number;
  readonly groupBy: readonly ((event: unknown) => readonly unknown[])[];
  /** value_count: the counted field; temporal: undefined (the rule id is the value). */
  readonly field?: (event: unknown) => readonly unknown[];
}

/** One group's state: the last matches (event_count) or the last distinct values, newest last, capped. */
interface GroupState<R> {
  /** The time of its latest match: a group idle for a timespan holds nothing that can count again. */
  latest: number;
  /** event_count: times; value_count/temporal: value -> its latest time (a Map keeps insertion order). */
  times: number[];
  values: Map<string, number>;
  lastEmitted?: number;
  /** tumbling: the open bin. */
  bin?: number;
  binFirst?: number;
  binLast?: number;
  binRef?: R;
}

/** Releases between two sweeps of idle groups. */
const SWEEP_EVERY = 4096;

/** A match waiting in the reorder buffer, reduced to what each correlation reads of it (the event is not kept). */
interface Pending<R> {
  readonly time: number;
  readonly seq: number;
  readonly ref?: R;
  readonly into: readonly { readonly correlation: number; readonly key: string; readonly value: string | undefined }[];
}

/**
 * The correlations run over a stream of base-rule matches. `push` each match, then `flush` once; both
 * return the correlation matches they complete. `late` counts matches that arrived more than `lateness`
 * behind the newest one, after their time was passed (they are not correlated).
 */
export class CorrelationStream<R = unknown> {
  late = 0;
  private readonly routes = new Map<string, Route[]>();
  private readonly caps: number[];
  private readonly groups: Map<string, GroupState<R>>[];
  /** Matches not yet released, in (time, arrival) order from `head` on (unsorted while lateness is unlimited). */
  private pending: Pending<R>[] = [];
  private head = 0;
  private seq = 0;
  private newest = -Infinity;
  private released = -Infinity;
  private sinceSweep = 0;
  private readonly window: WindowKind;
  private readonly lateness: number;

  constructor(
    private readonly correlations: readonly Correlation[],
    options: CorrelationOptions = {},
  ) {
    this.window = options.window ?? 'sliding';
    this.lateness = options.lateness ?? Infinity;
    this.caps = correlations.map((c) => Math.max(0, ...Object.values(c.condition)) + 1);
    this.groups = correlations.map(() => new Map());
    correlations.forEach((c, i) => {
      for (const base of c.bases) {
        const route: Route = {
          correlation: i,
          groupBy: base.groupBy.map(compilePath),
          ...(c.type === 'value_count' && base.field ? { field: compilePath(base.field) } : {}),
        };
        const list = this.routes.get(base.rule.rule.id) ?? [];
        list.push(route);
        this.routes.set(base.rule.rule.id, list);
      }
    });
  }

  /** The ids of the base rules the correlations read. */
  baseRuleIds(): string[] {
    return [...this.routes.keys()];
  }

  push(match: TimedMatch<R>): CorrelationMatch<R>[] {
    const routes = this.routes.get(match.rule);
    if (!routes) return [];
    if (match.time < this.released) {
      this.late++;
      return [];
    }
    const into: { correlation: number; key: string; value: string | undefined }[] = [];
    for (const route of routes) {
      const group: string[] = [];
      for (const read of route.groupBy) {
        const v = valueText(read(match.event));
        if (v === undefined) break;
        group.push(v);
      }
      // A match without every group-by value belongs to no group.
      if (group.length < route.groupBy.length) continue;
      const type = this.correlations[route.correlation]!.type;
      const value = type === 'temporal' ? match.rule : route.field ? valueText(route.field(match.event)) : undefined;
      into.push({ correlation: route.correlation, key: groupKey(group), value });
    }
    if (into.length === 0) return [];
    const item: Pending<R> = { time: match.time, seq: this.seq++, into, ref: match.ref };
    // Input in time order (the common case) appends; an earlier match is inserted after its equals.
    const last = this.pending[this.pending.length - 1];
    if (this.lateness === Infinity || !last || last.time <= item.time) this.pending.push(item);
    else {
      let lo = this.head;
      let hi = this.pending.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.pending[mid]!.time <= item.time) lo = mid + 1;
        else hi = mid;
      }
      this.pending.splice(lo, 0, item);
    }
    if (match.time > this.newest) this.newest = match.time;
    const out: CorrelationMatch<R>[] = [];
    if (this.lateness === Infinity) return out;
    const until = this.newest - this.lateness;
    while (this.head < this.pending.length && this.pending[this.head]!.time <= until) this.release(this.pending[this.head++]!, out);
    if (this.head > 4096 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  flush(): CorrelationMatch<R>[] {
    const out: CorrelationMatch<R>[] = [];
    const rest = this.pending.slice(this.head);
    if (this.lateness === Infinity) rest.sort((a, b) => a.time - b.time || a.seq - b.seq);
    this.pending = [];
    this.head = 0;
    for (const item of rest) this.release(item, out);
    if (this.window === 'tumbling') {
      this.groups.forEach((groups, i) => {
        for (const [key, state] of groups) this.closeBin(i, key, state, out);
      });
    }
    return out;
  }

  /** A match, in time order, into every correlation that reads its rule. */
  private release(pending: Pending<R>, out: CorrelationMatch<R>[]): void {
    this.released = pending.time;
    for (const { correlation, key, value } of pending.into) {
      const groups = this.groups[correlation]!;
      let state = groups.get(key);
      if (!state) {
        state = { latest: pending.time, times: [], values: new Map() };
        groups.set(key, state);
      }
      state.latest = pending.time;
      if (this.window === 'tumbling') this.addToBin(correlation, key, state, pending, value, out);
      else this.slide(correlation, key, state, pending, value, out);
    }
    if (++this.sinceSweep >= SWEEP_EVERY) this.sweep(out);
  }

  /**
   * Drops the groups idle for a whole timespan (a tumbling one closes its bin first), so memory follows the
   * groups active within a timespan, not every group ever seen.
   */
  private sweep(out: CorrelationMatch<R>[]): void {
    this.sinceSweep = 0;
    this.groups.forEach((groups, i) => {
      const span = this.correlations[i]!.timespan.ms;
      for (const [key, state] of groups) {
        if (state.latest > this.released - span) continue;
        if (this.window === 'tumbling') {
          if (state.bin !== undefined && state.bin + span > this.released) continue;
          this.closeBin(i, key, state, out);
        }
        groups.delete(key);
      }
    });
  }

  /** How many groups are held (for tests of the memory bound). */
  heldGroups(): number {
    return this.groups.reduce((n, g) => n + g.size, 0);
  }

  private counted(type: CorrelationType, state: GroupState<R>): number {
    return type === 'event_count' ? state.times.length : state.values.size;
  }

  /** Adds the match, keeping at most `cap` matches or values; the oldest go first. */
  private add(i: number, state: GroupState<R>, time: number, value: string | undefined): void {
    const cap = this.caps[i]!;
    if (this.correlations[i]!.type === 'event_count') {
      state.times.push(time);
      if (state.times.length > cap) state.times.shift();
      return;
    }
    if (value === undefined) return;
    state.values.delete(value);
    state.values.set(value, time);
    if (state.values.size > cap) state.values.delete(state.values.keys().next().value!);
  }

  private slide(i: number, key: string, state: GroupState<R>, match: Pending<R>, value: string | undefined, out: CorrelationMatch<R>[]): void {
    const c = this.correlations[i]!;
    const start = match.time - c.timespan.ms;
    // The window is (t - timespan, t]: what is at or before its start has left it.
    while (state.times.length && state.times[0]! <= start) state.times.shift();
    for (const [v, t] of state.values) {
      if (t > start) break;
      state.values.delete(v);
    }
    this.add(i, state, match.time, value);
    const n = this.counted(c.type, state);
    if (!meetsCondition(c.condition, n)) return;
    if (state.lastEmitted !== undefined && match.time - state.lastEmitted < c.timespan.ms) return;
    state.lastEmitted = match.time;
    const times = c.type === 'event_count' ? state.times : [...state.values.values()];
    out.push(this.emit(c, key, n, 'sliding', start, match.time, Math.min(...times, match.time), match.time, match.ref));
  }

  private addToBin(i: number, key: string, state: GroupState<R>, match: Pending<R>, value: string | undefined, out: CorrelationMatch<R>[]): void {
    const span = this.correlations[i]!.timespan.ms;
    const bin = Math.floor(match.time / span) * span;
    if (state.bin !== undefined && state.bin !== bin) this.closeBin(i, key, state, out);
    if (state.bin === undefined) {
      state.bin = bin;
      state.binFirst = match.time;
    }
    state.binLast = match.time;
    state.binRef = match.ref;
    // Within a bin everything counts: the cap only saturates the count.
    const cap = this.caps[i]!;
    if (this.correlations[i]!.type === 'event_count') {
      if (state.times.length < cap) state.times.push(match.time);
    } else if (value !== undefined && (state.values.has(value) || state.values.size < cap)) state.values.set(value, match.time);
  }

  private closeBin(i: number, key: string, state: GroupState<R>, out: CorrelationMatch<R>[]): void {
    if (state.bin === undefined) return;
    const c = this.correlations[i]!;
    const n = this.counted(c.type, state);
    if (meetsCondition(c.condition, n))
      out.push(this.emit(c, key, n, 'tumbling', state.bin, state.bin + c.timespan.ms, state.binFirst!, state.binLast!, state.binRef));
    state.times = [];
    state.values = new Map();
    state.bin = undefined;
  }

  private emit(
    c: Correlation,
    key: string,
    n: number,
    window: WindowKind,
    windowStart: number,
    windowEnd: number,
    first: number,
    last: number,
    ref: R | undefined,
  ): CorrelationMatch<R> {
    const values = groupValues(key, c.groupBy.length);
    const group = Object.fromEntries(c.groupBy.map((field, k) => [field, values[k]!]));
    return { correlation: c, group, count: n, window, windowStart, windowEnd, first, last, ...(ref === undefined ? {} : { ref }) };
  }
}

/** A group's key: its one value as is, or the values as JSON when there are several (or none). */
const groupKey = (values: readonly string[]): string => (values.length === 1 ? values[0]! : JSON.stringify(values));
const groupValues = (key: string, n: number): string[] => (n === 1 ? [key] : (JSON.parse(key) as string[]));

/**
 * The reference: every correlation over base-rule matches given in any order (they are sorted by time,
 * ties kept in the order given). Returns the correlation matches ordered by the time they fired, then
 * correlation id.
 */
export function evaluateCorrelations<R = unknown>(
  correlations: readonly Correlation[],
  matches: Iterable<TimedMatch<R>>,
  options: Pick<CorrelationOptions, 'window'> = {},
): CorrelationMatch<R>[] {
  const stream = new CorrelationStream<R>(correlations, { window: options.window ?? 'sliding' });
  const out: CorrelationMatch<R>[] = [];
  for (const m of matches) out.push(...stream.push(m));
  out.push(...stream.flush());
  return sortMatches(out);
}

/** By the time each fired (sliding: its match; tumbling: its bin's end), then correlation id, then group. */
export function sortMatches<R>(matches: CorrelationMatch<R>[]): CorrelationMatch<R>[] {
  const at = (m: CorrelationMatch<R>) => (m.window === 'sliding' ? m.last : m.windowEnd);
  return matches.sort(
    (a, b) => at(a) - at(b) || a.correlation.id.localeCompare(b.correlation.id) || JSON.stringify(a.group).localeCompare(JSON.stringify(b.group)),
  );
}
