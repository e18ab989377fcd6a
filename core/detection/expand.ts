/**
 * From a rule document to its Expr: selections become ANDs of field matches (a list of maps is an OR),
 * `field|mod1|mod2` keys become Match nodes, placeholders expand from config, and the condition ties
 * the selections together. Everything that can be wrong with a rule's detection is reported here.
 */
import { and, or, type Expr, type MatchKind, type Scalar } from './expr.ts';
import { ConditionError, parseCondition } from './condition.ts';
import { expandPlaceholder, type PlaceholderValues } from './placeholders.ts';
import { RuleError } from './rule-error.ts';
import { MODIFIERS, type Rule } from './rule.ts';
import { isNetwork, parseNetwork } from '../net/cidr.ts';

type RawValue = string | number | boolean | null;

export function expandRule(rule: Rule, placeholders: PlaceholderValues): Expr {
  const selections = new Map<string, Expr>();
  for (const [name, body] of Object.entries(rule.detection)) {
    if (name === 'condition') continue;
    if (typeof body === 'string')
      throw new RuleError(rule.file, `detection.${name}`, 'a selection must be a map of fields or a list of maps (keyword lists are not supported)');
    const maps = Array.isArray(body) ? body : [body];
    selections.set(
      name,
      or(
        maps.map((map, i) =>
          and(
            Object.entries(map).map(([key, value]) =>
              fieldMatch(rule, `detection.${name}${Array.isArray(body) ? `[${i}]` : ''}.${key}`, key, value, placeholders),
            ),
          ),
        ),
      ),
    );
  }
  try {
    return parseCondition(rule.detection['condition'] as string, selections);
  } catch (error) {
    if (error instanceof ConditionError) throw new RuleError(rule.file, 'detection.condition', error.message);
    throw error;
  }
}

function fieldMatch(rule: Rule, where: string, key: string, raw: RawValue | RawValue[], placeholders: PlaceholderValues): Expr {
  const [field = '', ...modifiers] = key.split('|');
  const fail = (problem: string) => new RuleError(rule.file, where, problem);
  if (!/^[A-Za-z_@$][\w@$-]*(\.[\w@$-]+)*$/.test(field)) throw fail(`"${field}" is not a dotted field path`);
  for (const m of modifiers) {
    if (!(MODIFIERS as readonly string[]).includes(m)) throw fail(`unknown modifier "${m}" (known: ${MODIFIERS.join(', ')})`);
  }
  const ops = modifiers.filter((m) => m !== 'all' && m !== 'cased');
  if (ops.length > 1) throw fail(`combine at most one of contains/startswith/endswith/re/cidr/exists (got ${ops.join(', ')})`);
  const op = (ops[0] ?? 'equals') as MatchKind;
  const rawValues = Array.isArray(raw) ? raw : [raw];

  if (op === 'equals' && rawValues.length === 1 && rawValues[0] === null) {
    // Sigma: `field: null` means the field is absent or null.
    return { kind: 'match', field, op: 'null', values: [], all: false, cased: false };
  }
  const values: Scalar[] = [];
  for (const value of rawValues) {
    if (value === null) throw fail('null can only stand alone (it means "field absent")');
    if (typeof value === 'string') {
      const expanded = expandPlaceholder(value, placeholders);
      if (!expanded)
        throw fail(
          `unknown placeholder ${value} (known: ${Object.keys(placeholders)
            .map((k) => `{{${k}}}`)
            .join(', ')})`,
        );
      values.push(...expanded);
    } else values.push(value);
  }
  if (op === 'exists') {
    if (values.length !== 1 || typeof values[0] !== 'boolean') throw fail('|exists takes true or false');
  } else if (op === 'cidr') {
    for (const v of values) {
      const parsed = parseNetwork(String(v));
      if (!isNetwork(parsed)) throw fail(`|cidr value ${String(v)}: ${parsed.problem}`);
    }
  } else if (op === 're') {
    for (const v of values) {
      try {
        new RegExp(String(v));
      } catch (error) {
        throw fail(`|re value is not a valid regular expression: ${(error as Error).message}`);
      }
    }
  } else if (op !== 'equals' && values.some((v) => typeof v !== 'string')) {
    throw fail(`|${op} takes strings`);
  }
  return { kind: 'match', field, op, values, all: modifiers.includes('all'), cased: modifiers.includes('cased') };
}
