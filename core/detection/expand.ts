/**
 * From a rule's detection to its Expr: selections become ANDs of field matches (a list is an OR of its
 * items), `field|mod1|mod2` keys become Match nodes, keywords (field-less strings) become `keyword`
 * matches, placeholders expand from config, and the condition ties the selections together. Everything
 * that can be wrong with a rule's detection is reported here, as a RuleError naming the key.
 *
 * The modifiers follow the Sigma specification (specification/sigma-appendix-modifiers.md,
 * https://sigmahq.io/docs/basics/modifiers.html) as pySigma implements them (sigma/modifiers.py):
 * - `contains`, `startswith`, `endswith`: the value anywhere, at the start, at the end. Values keep Sigma's
 *   wildcards (`*`, `?`; `\*`, `\?`, `\\` escape them; expr.ts), as pySigma's SigmaContainsModifier and friends
 *   only add a `*` around the SigmaString.
 * - `re`: a regular expression, case-sensitive (SigmaRegularExpressionModifier); `|i`, `|m`, `|s` are its
 *   flags (SigmaRegularExpressionFlagModifier; pySigma also spells them ignorecase, multiline, dotall).
 *   `re|cased` is accepted and means what `re` alone means.
 * - `cased`: case-sensitive text comparison (the default is case-insensitive).
 * - `all`: every value must match instead of any (SigmaAllModifier sets the value linking to AND).
 * - `neq`: the match negated, whatever it is (pySigma's SigmaNegateModifier "turns the detection item into a
 *   NOT match"): `field|neq: [a, b]` is "not (a or b)". So a missing or null field matches `neq`, as NOT of a
 *   failed comparison does in pySigma; the Expr is `not(match)`, and targets negate it as they do `not`.
 * - `gt`, `gte`, `lt`, `lte`: numeric comparisons; the rule's values must be numbers (SigmaCompareModifier
 *   takes a SigmaNumber only).
 * - `fieldref`: the value names another field; equal to that field's value (SigmaFieldReferenceModifier,
 *   which refuses wildcards). Combined with contains/startswith/endswith pySigma has more; that is refused.
 * - `expand`: `%name%` placeholders from the config (placeholders.ts); an unknown name is an error.
 * - `cidr`, `exists`, and `field: null`: as before (a CIDR list; presence of the key; absent or null).
 * - `windash`, `base64`, `base64offset`, `wide`, `utf16`, `utf16le`, `utf16be`: refused, with the reason.
 */
import { and, formatWildcards, hasWildcard, not, or, parseWildcards, type Expr, type Match, type MatchKind, type Scalar } from './expr.ts';
import { ConditionError, parseCondition } from './condition.ts';
import { expandPlaceholder, expandSigmaPlaceholders, sigmaPlaceholderList, type PlaceholderValues } from './placeholders.ts';
import { RuleError } from './rule-error.ts';
import { MODIFIERS, type Detection } from './rule.ts';
import { isNetwork, parseNetwork } from '../net/cidr.ts';

type RawValue = string | number | boolean | null;

/** What expansion reads of a rule: a `Rule` (rule.ts) or a `SigmaRule` (sigma-rule.ts). */
export interface ExpandableRule {
  readonly file: string;
  readonly detection: Detection;
}

/**
 * Modifiers that transform text for encodings and shells found on Windows endpoints. Cloud API logs are
 * JSON written by the provider, so each would only ever match nothing (or the wrong thing); a rule using
 * one is refused rather than run with a meaning it does not have.
 */
const REFUSED: ReadonlyMap<string, string> = new Map(
  Object.entries({
    windash: 'it spells Windows command-line flags with -, / and dash look-alikes; cloud audit logs record API requests, not command lines',
    base64: 'it matches the base64 encoding of the value (encoded command lines); cloud audit logs record requests as plain JSON',
    base64offset: 'it matches the value inside base64-encoded text (encoded command lines); cloud audit logs record requests as plain JSON',
    wide: 'it matches the UTF-16 encoding of the value in binary data; cloud logs are JSON text',
    utf16: 'it matches the UTF-16 encoding of the value in binary data; cloud logs are JSON text',
    utf16le: 'it matches the UTF-16 encoding of the value in binary data; cloud logs are JSON text',
    utf16be: 'it matches the UTF-16 encoding of the value in binary data; cloud logs are JSON text',
  }),
);

/** Sigma's time-part modifiers (specification v2.1 "Time Modifiers"), not implemented. */
const TIME_PARTS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);

/** pySigma's long names for the regex flags (sigma/modifiers.py modifier_mapping). */
const ALIASES: ReadonlyMap<string, string> = new Map(Object.entries({ ignorecase: 'i', multiline: 'm', dotall: 's' }));

/** The modifiers that choose the comparison; at most one per key. */
const OPERATORS = ['gt', 'gte', 'lt', 'lte', 'fieldref', 'contains', 'startswith', 'endswith', 're', 'cidr', 'exists'] as const;
const TEXT = new Set<MatchKind>(['equals', 'contains', 'startswith', 'endswith']);

/** Detection keys that are not selections: the condition, and Sigma 1's `timeframe` (only meaningful with aggregations, which the condition parser refuses). */
const NOT_SELECTIONS = new Set(['condition', 'timeframe']);

const FIELD_PATH = /^[A-Za-z_@$][\w@$-]*(\.[\w@$-]+)*$/;

export function expandRule(rule: ExpandableRule, placeholders: PlaceholderValues): Expr {
  const selections = new Map<string, Expr>();
  for (const [name, body] of Object.entries(rule.detection)) {
    if (NOT_SELECTIONS.has(name)) continue;
    const where = `detection.${name}`;
    if (typeof body === 'string') {
      selections.set(name, keywordMatch(rule, where, [body], []));
      continue;
    }
    if (!Array.isArray(body)) {
      selections.set(name, mapExpr(rule, where, body, placeholders));
      continue;
    }
    const keywords = body.filter((item): item is string | number => typeof item !== 'object');
    const items = body.flatMap((item, i) => (typeof item === 'object' ? [mapExpr(rule, `${where}[${i}]`, item, placeholders)] : []));
    selections.set(name, or([...items, ...(keywords.length ? [keywordMatch(rule, where, keywords, [])] : [])]));
  }
  const condition = rule.detection['condition'];
  const conditions = Array.isArray(condition) ? condition : [condition];
  try {
    return or(conditions.map((c) => parseCondition(String(c), selections)));
  } catch (error) {
    if (error instanceof ConditionError) throw new RuleError(rule.file, 'detection.condition', error.message);
    throw error;
  }
}

function mapExpr(rule: ExpandableRule, where: string, map: Record<string, RawValue | RawValue[]>, placeholders: PlaceholderValues): Expr {
  const entries = Object.entries(map);
  if (entries.length === 0) throw new RuleError(rule.file, where, 'a selection needs at least one field');
  return and(entries.map(([key, value]) => fieldMatch(rule, `${where}.${key}`, key, value, placeholders)));
}

/**
 * Field-less values (Sigma "keywords"): any of them appearing anywhere in the event, case-insensitive, with
 * wildcards. pySigma's matcher searches the raw event text (sigma/matching/compiler.py `_compile_keyword`);
 * here it is every string value of the event at any depth (evaluator.ts).
 */
function keywordMatch(rule: ExpandableRule, where: string, raw: readonly RawValue[], modifiers: readonly string[]): Match {
  const values = raw.map((v) => {
    if (typeof v !== 'string' && typeof v !== 'number') throw new RuleError(rule.file, where, 'a keyword (a value without a field) must be text');
    return canonical(String(v));
  });
  return { kind: 'match', field: '', op: 'keyword', values, all: modifiers.includes('all'), cased: modifiers.includes('cased') };
}

/** Sigma escapes written canonically, so a value without wildcards reads as its literal text (expr.ts). */
const canonical = (value: string): string => formatWildcards(parseWildcards(value));

function fieldMatch(rule: ExpandableRule, where: string, key: string, raw: RawValue | RawValue[], placeholders: PlaceholderValues): Expr {
  const [field = '', ...written] = key.split('|');
  const fail = (problem: string) => new RuleError(rule.file, where, problem);
  const modifiers = written.map((m) => ALIASES.get(m) ?? m);
  for (const m of modifiers) {
    const refused = REFUSED.get(m);
    if (refused) throw fail(`|${m} has no meaning for cloud logs: ${refused}`);
    if (TIME_PARTS.has(m)) throw fail(`|${m} (a Sigma time-part modifier) is not supported`);
    if (!(MODIFIERS as readonly string[]).includes(m)) throw fail(`unknown modifier "${m}" (known: ${MODIFIERS.join(', ')})`);
  }
  const rawValues = Array.isArray(raw) ? raw : [raw];
  if (field === '') {
    // `'|all': [a, b]`: keywords with modifiers (pySigma SigmaDetectionItem with field None).
    const extra = modifiers.filter((m) => m !== 'all' && m !== 'cased' && m !== 'contains');
    if (extra.length) throw fail(`a keyword (no field before the |) takes only |all and |cased (got |${extra.join('|')})`);
    return keywordMatch(rule, where, rawValues, modifiers);
  }
  if (!FIELD_PATH.test(field)) throw fail(`"${field}" is not a dotted field path`);

  const ops = modifiers.filter((m) => (OPERATORS as readonly string[]).includes(m));
  if (ops.length > 1) throw fail(`combine at most one of ${OPERATORS.join('/')} (got ${ops.join(', ')})`);
  const op = (ops[0] ?? 'equals') as MatchKind;
  const has = (m: string) => modifiers.includes(m);
  const flags = modifiers.filter((m) => m === 'i' || m === 'm' || m === 's');
  if (flags.length && op !== 're') throw fail(`|${flags[0]} is a flag of |re (regular expressions)`);
  if (has('i') && has('cased')) throw fail('|cased and |i contradict each other');
  if (has('cased') && !TEXT.has(op) && op !== 're' && op !== 'fieldref') throw fail(`|cased applies to text comparisons, not |${op}`);
  if (has('expand') && !TEXT.has(op) && op !== 'cidr') throw fail(`|expand fills in text values; it does not combine with |${op}`);

  const negate = (match: Expr): Expr => (has('neq') ? not(match) : match);

  if (op === 'equals' && rawValues.length === 1 && rawValues[0] === null) {
    // Sigma: `field: null` means the field is absent or null.
    return negate({ kind: 'match', field, op: 'null', values: [], all: false, cased: false });
  }
  const values: Scalar[] = [];
  for (const value of rawValues) {
    if (value === null) throw fail('null can only stand alone (it means "field absent")');
    if (typeof value !== 'string') {
      values.push(value);
      continue;
    }
    if (has('expand')) {
      const expanded = expandSigmaPlaceholders(value, placeholders);
      if ('unknown' in expanded) throw fail(`unknown placeholder %${expanded.unknown}% (known: ${sigmaPlaceholderList(placeholders)})`);
      values.push(...expanded.values);
      continue;
    }
    const expanded = expandPlaceholder(value, placeholders);
    if (!expanded)
      throw fail(
        `unknown placeholder ${value} (known: ${Object.keys(placeholders)
          .map((k) => `{{${k}}}`)
          .join(', ')})`,
      );
    values.push(...expanded);
  }

  const match = (final: readonly Scalar[], extra: Partial<Match> = {}): Expr =>
    negate({ kind: 'match', field, op, values: final, all: has('all'), cased: has('cased'), ...extra });

  switch (op) {
    case 'exists':
      if (values.length !== 1 || typeof values[0] !== 'boolean') throw fail('|exists takes true or false');
      return match(values);
    case 'cidr':
      for (const v of values) {
        const parsed = parseNetwork(String(v));
        if (!isNetwork(parsed)) throw fail(`|cidr value ${String(v)}: ${parsed.problem}`);
      }
      return match(values);
    case 're': {
      const multiline = has('m');
      const dotAll = has('s');
      const regexFlags = `${has('i') ? 'i' : ''}${multiline ? 'm' : ''}${dotAll ? 's' : ''}`;
      for (const v of values) {
        if (typeof v !== 'string') throw fail('|re takes strings');
        try {
          new RegExp(v, regexFlags);
        } catch (error) {
          throw fail(`|re value is not a valid regular expression: ${(error as Error).message}`);
        }
      }
      // Sigma: case-sensitive unless |i (cased = !i).
      return match(values, { cased: !has('i'), ...(multiline ? { multiline } : {}), ...(dotAll ? { dotAll } : {}) });
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      for (const v of values) if (typeof v !== 'number') throw fail(`|${op} takes numbers (got ${JSON.stringify(v)})`);
      return match(values);
    case 'fieldref':
      for (const v of values) {
        if (typeof v === 'string' && hasWildcard(v)) throw fail(`|fieldref takes field names without wildcards (got ${JSON.stringify(v)})`);
        if (typeof v !== 'string' || !FIELD_PATH.test(v)) throw fail(`|fieldref takes field names (got ${JSON.stringify(v)})`);
      }
      return match(values);
    case 'contains':
    case 'startswith':
    case 'endswith':
      if (values.some((v) => typeof v !== 'string')) throw fail(`|${op} takes strings`);
      return match(values.map((v) => canonical(String(v))));
    default:
      return match(values.map((v) => (typeof v === 'string' ? canonical(v) : v)));
  }
}
