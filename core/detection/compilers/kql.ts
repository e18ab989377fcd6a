/**
 * Rule -> KQL over the Log Analytics table of its log source (`Table | where ...`). KQL has every
 * construct we need: case-insensitive operators by default (=~, in~, contains, startswith), _cs variants
 * for |cased, RE2 regex, ipv4/ipv6_is_in_any_range, isempty/isnotempty. Dynamic columns are read with
 * tostring(Column.path) so every comparison is on text, like the rule evaluator; an object or array value
 * compares as its compact JSON text, which is what tostring() gives a dynamic value (the rule engine reads
 * objects the same way).
 *
 * Sigma's newer modifiers, each from Microsoft's KQL reference:
 * - `*` and `?` wildcards and Sigma's `\*` `\?` `\\` escapes: plain text keeps the string operators; a
 *   wildcard becomes `matches regex` (https://learn.microsoft.com/kusto/query/matches-regex-operator) with
 *   `(?s)`, since a wildcard matches a line break too, and `(?i)` unless |cased (RE2 flags:
 *   https://learn.microsoft.com/kusto/query/re2).
 * - `|re`: case-sensitive, `|i` adds `(?i)`, `|m` `(?m)`, `|s` `(?s)`, as RE2's leading flag group.
 * - `|gt` `|gte` `|lt` `|lte`: `todouble(text) > n` (https://learn.microsoft.com/kusto/query/todouble-function,
 *   numerical operators: https://learn.microsoft.com/kusto/query/numerical-operators). todouble() gives null
 *   for text that is no number, and a comparison with null is null, which not() keeps null: the test is
 *   coalesced to false, so a negated comparison holds on such a value, as in the rule engine.
 * - `|fieldref`: a column-to-column comparison (`A =~ B`, `==` if |cased), as the where operator's
 *   `BeginLocation != EndLocation` example does (https://learn.microsoft.com/kusto/query/where-operator), only
 *   where the first field has a value (Log Analytics stores an absent value as empty, and "" =~ "" holds).
 * - keywords: `* contains "x"` (or `* matches regex` for a wildcard), the search operator's documented
 *   equivalents that test every column (https://learn.microsoft.com/kusto/query/search-operator, "Search
 *   predicate syntax examples"). `* has` is a term match ("KustoExplorerQueryRun" has "Explorer" is false:
 *   https://learn.microsoft.com/kusto/query/datatypes-string-operators), not the rule engine's substring.
 *   Where `*` and the rule engine part (the engine searches string values only, at any depth): `*` reads a
 *   dynamic column as its JSON text, so its keys, numbers and booleans are searched too, and a `"` or `\`
 *   inside it is escaped there; a number, bool or datetime column is searched as its text. A keyword made
 *   of letters and spaces that is no key of the table's dynamic columns means the same on both.
 *
 * Absent, null and empty inside a dynamic column. A string column cannot hold null, and Log Analytics
 * stores an absent string as "" (https://learn.microsoft.com/kusto/query/scalar-data-types/null-values,
 * "Null values and data ingestion"): there absent and empty are one value, and isempty/isnotempty test it.
 * A dynamic value keeps them apart (https://learn.microsoft.com/kusto/query/scalar-data-types/dynamic): a
 * key can be absent, hold JSON null or hold the string "". tostring() makes null "" (tostring-function),
 * so a test that holds on "" (`f: ''`, `|contains: ''`, a `*` wildcard, a regex matching the empty text)
 * would also hold where the key is absent. Such a test is guarded with isnotnull(), which is false for
 * null and true for "" ("Empty strings, arrays, property bags, and objects always return false":
 * https://learn.microsoft.com/kusto/query/isnull-function), so it needs a value, as in the rule engine:
 * `(isnotnull(D.k) and tostring(D.k) =~ "")`. null is isnull() (absent or JSON null, not ""); exists is
 * the key's presence, even holding null: `gettype(D) == "dictionary" and bag_has_key(D, "k")`
 * (https://learn.microsoft.com/kusto/query/bag-has-key-function; gettype() names a property bag
 * "dictionary": https://learn.microsoft.com/kusto/query/gettype-function). A top-level dynamic column is
 * null when absent and cannot hold a JSON null apart from that, so there exists is isnotnull().
 */
import type { Expr, Match, Scalar } from '../expr.ts';
import type { Rule } from '../rule.ts';
import { CompileError } from './compile-error.ts';
import { piecesRegex, re2Problem, regexFlags } from './regex-text.ts';
import { modifierPieces, plainText } from './sigma-value.ts';

export interface KqlTable {
  readonly name: string;
  /** A column's KQL type (string, dynamic, datetime, int, long, bool, real, guid); undefined if the table has none. */
  columnType(column: string): string | undefined;
  /** Dotted paths that hold arrays (e.g. TargetResources, TargetResources.modifiedProperties). */
  readonly arrays: readonly string[];
}

const literal = (value: Scalar): string => JSON.stringify(String(value));

const COMPARISON = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/**
 * What a leaf reads. `text` is what comparisons see. Inside a dynamic column, `value` is the dynamic value
 * itself (null when absent or JSON null) and `key` the bag and key it is read from (undefined for a whole
 * column or array element, which is there when not null).
 */
interface Operand {
  readonly text: string;
  readonly value?: string;
  readonly key?: { readonly bag: string; readonly name: string };
}

/** Whether a text test can hold on the empty text, which is what tostring() gives an absent value. */
function holdsOnEmpty(m: Match, value: Scalar): boolean {
  switch (m.op) {
    case 'equals':
    case 'contains':
    case 'startswith':
    case 'endswith':
      return typeof value === 'string' && modifierPieces(m.op, value).every((p) => p.kind === 'any' || (p.kind === 'text' && p.text === ''));
    case 're':
      // The rule engine's reading of the pattern; one that does not compile here is guarded all the same.
      try {
        return new RegExp(String(value)).test('');
      } catch {
        return true;
      }
    default:
      return false;
  }
}

export function compileKql(rule: Rule, expr: Expr, table: KqlTable): string {
  const fail = (reason: string) => new CompileError(rule.id, 'kql', reason, `Use a column of ${table.name} (see core/detection/targets/kql-tables.ts).`);

  const access = (base: string, keys: readonly string[]) =>
    `${base}${keys.map((k) => (/^[A-Za-z_]\w*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join('')}`;

  /** A value read at `keys` below `base` (a dynamic column or an array element). */
  const nested = (base: string, keys: readonly string[]): Operand => {
    if (keys.length === 0) return { text: `tostring(${base})`, value: base };
    const value = access(base, keys);
    return { text: `tostring(${value})`, value, key: { bag: access(base, keys.slice(0, -1)), name: keys[keys.length - 1]! } };
  };

  const column = (field: string): Operand => {
    const [head = '', ...rest] = field.split('.');
    const type = table.columnType(head);
    if (!type) throw fail(`${table.name} has no column "${head}"`);
    if (rest.length === 0) return type === 'string' ? { text: head } : type === 'dynamic' ? nested(head, []) : { text: `tostring(${head})` };
    if (type !== 'dynamic') throw fail(`${head} is a ${type} column; only dynamic columns have nested fields like ${field}`);
    return nested(head, rest);
  };

  /** The key is present (even holding null); outside dynamic columns, the value is not empty. Unparenthesised. */
  const present = (o: Operand): string => {
    if (o.value === undefined) return `isnotempty(${o.text})`;
    if (o.key === undefined) return `isnotnull(${o.value})`;
    // bag_has_key reads a key starting with $ as a JSONPath (bag-has-key-function page).
    if (o.key.name.startsWith('$')) throw fail(`exists on the key "${o.key.name}": bag_has_key() would read it as a JSONPath`);
    return `gettype(${o.key.bag}) == "dictionary" and bag_has_key(${o.key.bag}, ${JSON.stringify(o.key.name)})`;
  };
  /** Some value other than null (or, outside dynamic columns, other than empty). */
  const valued = (o: Operand): string => (o.value === undefined ? `isnotempty(${o.text})` : `isnotnull(${o.value})`);

  // A field inside an array ("any element matches", as in the rule engine) becomes a count computed
  // per row with mv-apply (one level per array), tested as `_mN > 0`. mv-apply over an empty array still
  // yields the row, with a count of 0, so negations stay exact.
  // exists: false and null are not "some element": the engine reads every element's value and asks that
  // there be none (exists: false) or none but null (null), so an element without the field cannot make
  // the rule match while another has it. They count the elements that do have the key (exists: false) or
  // a value other than null (null) and test `== 0`; an empty or absent array counts 0 and matches, as in
  // the engine. An element itself counts as present when it is not null (a JSON null element, which the
  // engine counts, does not).
  // mv-apply: https://learn.microsoft.com/kusto/query/mv-apply-operator
  // countif (rows where the predicate is true): https://learn.microsoft.com/kusto/query/countif-aggregation-function
  // summarize without keys gives one row, 0 for countif of no rows: https://learn.microsoft.com/kusto/query/summarize-operator
  const applies: string[] = [];
  const arrayLeaf = (m: Match, keys: readonly string[], depths: readonly number[]): string => {
    const n = applies.length + 1;
    const name = `_m${n}`;
    const vars = depths.map((_, i) => `_a${n}_${i}`);
    const lastDepth = depths[depths.length - 1]!;
    const rest = keys.slice(lastDepth + 1);
    const element = vars[vars.length - 1]!;
    const operand = nested(element, rest);
    const none = (m.op === 'exists' && m.values[0] !== true) || m.op === 'null';
    const counted = m.op === 'null' ? valued(operand) : m.op === 'exists' ? present(operand) : leafOn(m, operand);
    let sub = `summarize ${name} = countif(${counted})`;
    for (let i = vars.length - 1; i >= 0; i--) {
      const over = i === 0 ? access(keys[0]!, keys.slice(1, depths[0]! + 1)) : access(vars[i - 1]!, keys.slice(depths[i - 1]! + 1, depths[i]! + 1));
      // An inner level counts per outer element; the outer level adds those counts up.
      sub = `mv-apply ${vars[i]} = ${over} on (${sub})${i > 0 ? ` | summarize ${name} = sum(${name})` : ''}`;
    }
    applies.push(`| ${sub}`);
    return none ? `${name} == 0` : `${name} > 0`;
  };

  const isUnderArray = (field: string): boolean => {
    const keys = field.split('.');
    return keys.some((_, i) => table.arrays.includes(keys.slice(0, i + 1).join('.')));
  };

  const leaf = (m: Match): string => {
    if (m.op === 'keyword') return leafOn(m, { text: '*' });
    if (m.op === 'fieldref') {
      const other = m.values.map(String);
      const under = [m.field, ...other].find(isUnderArray);
      if (under !== undefined) throw fail(`|fieldref on ${under}, which is inside an array, would need one mv-apply per field with elements paired up`);
      if (m.values.length === 0) return 'false';
      const col = column(m.field);
      // Both sides need a value (the engine compares texts, and null or absent has none). A non-empty
      // first side leaves the second nothing to match but a value; a dynamic first side may be "", which
      // an absent second side (tostring: "") would equal, so that side is tested too.
      const parts = other.map((o) => {
        const ref = column(o);
        const guards = col.value === undefined ? [valued(col)] : [valued(col), valued(ref)];
        return `(${[...guards, `${col.text} ${m.cased ? '==' : '=~'} ${ref.text}`].join(' and ')})`;
      });
      return parts.length === 1 ? parts[0]! : `(${parts.join(m.all ? ' and ' : ' or ')})`;
    }
    const keys = m.field.split('.');
    const arrayDepths = keys.map((_, i) => i).filter((i) => table.arrays.includes(keys.slice(0, i + 1).join('.')));
    if (arrayDepths.length > 0) {
      if (table.columnType(keys[0]!) !== 'dynamic') throw fail(`${keys[0]} is not a dynamic column`);
      if (m.all && m.values.length > 1) return `(${m.values.map((v) => arrayLeaf({ ...m, values: [v], all: false }, keys, arrayDepths)).join(' and ')})`;
      return arrayLeaf(m, keys, arrayDepths);
    }
    return leafOn(m, column(m.field));
  };

  const leafOn = (m: Match, operand: Operand): string => {
    const col = operand.text;
    if (m.op === 'exists') {
      if (m.values[0] === true) return operand.key === undefined ? present(operand) : `(${present(operand)})`;
      if (operand.value === undefined) return `isempty(${col})`;
      return operand.key === undefined ? `isnull(${operand.value})` : `not(${present(operand)})`;
    }
    if (m.op === 'null') return operand.value === undefined ? `isempty(${col})` : `isnull(${operand.value})`;
    if (m.values.length === 0) return 'false';
    const test = textTest(m, col);
    // tostring() of an absent or null dynamic value is "": a test that holds on "" needs a value there.
    return operand.value !== undefined && m.values.some((v) => holdsOnEmpty(m, v)) ? `(isnotnull(${operand.value}) and ${test})` : test;
  };

  const textTest = (m: Match, col: string): string => {
    const cs = m.cased ? '_cs' : '';
    const number = (v: Scalar): string => {
      // KQL's real literals are written here as plain decimals (the oracle reads no exponent form).
      if (typeof v !== 'number' || !/^-?\d+(\.\d+)?$/.test(String(v))) throw fail(`|${m.op} takes a plain decimal number, not ${JSON.stringify(v)}`);
      return String(v);
    };
    const one = (v: Scalar): string => {
      switch (m.op) {
        case 'equals':
        case 'contains':
        case 'startswith':
        case 'endswith':
        case 'keyword': {
          const plain = typeof v === 'string' ? plainText(v) : String(v);
          if (plain === undefined) return `${col} matches regex ${literal(`${regexFlags(m, true)}${piecesRegex(modifierPieces(m.op, v as string))}`)}`;
          if (m.op === 'equals') return `${col} ${m.cased ? '==' : '=~'} ${literal(plain)}`;
          return `${col} ${m.op === 'keyword' ? 'contains' : m.op}${cs} ${literal(plain)}`;
        }
        case 're': {
          const problem = re2Problem(String(v));
          if (problem) throw fail(`regex ${String(v)}: ${problem}`);
          return `${col} matches regex ${literal(`${regexFlags(m, false)}${String(v)}`)}`;
        }
        case 'gt':
        case 'gte':
        case 'lt':
        case 'lte':
          return `coalesce(todouble(${col}) ${COMPARISON[m.op]} ${number(v)}, false)`;
        case 'cidr':
          throw new Error('cidr is compiled as a whole list');
        case 'exists':
        case 'null':
        case 'fieldref':
          throw new Error(`${m.op} is handled above`);
      }
    };
    if (m.op === 'cidr') {
      const v4 = m.values.map(String).filter((c) => !c.includes(':'));
      const v6 = m.values.map(String).filter((c) => c.includes(':'));
      // An address the function cannot read gives null, and not(null) is null, so a negated CIDR would drop
      // the row where the rule engine matches (a CIDR on a non-address is a non-match): coalesce to false.
      // ipv6_is_in_any_range is documented for IPv6 addresses only; whether Kusto reads an IPv4 address
      // as ::ffff:a.b.c.d is not, and the complement lists contain ::/3, so dotted addresses never reach it.
      const parts = [
        ...(v4.length ? [`coalesce(ipv4_is_in_any_range(${col}, dynamic(${JSON.stringify(v4)})), false)`] : []),
        ...(v6.length ? [`(${col} !contains "." and coalesce(ipv6_is_in_any_range(${col}, dynamic(${JSON.stringify(v6)})), false))`] : []),
      ];
      return parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`;
    }
    if (m.op === 'equals' && !m.all && m.values.length > 1 && m.values.every((v) => typeof v !== 'string' || plainText(v) !== undefined)) {
      const texts = m.values.map((v) => (typeof v === 'string' ? plainText(v)! : v));
      return `${col} ${m.cased ? 'in' : 'in~'} (${texts.map(literal).join(', ')})`;
    }
    const parts = m.values.map(one);
    return parts.length === 1 ? parts[0]! : `(${parts.join(m.all ? ' and ' : ' or ')})`;
  };

  const walk = (e: Expr, top = false): string => {
    switch (e.kind) {
      case 'match':
        return leaf(e);
      case 'not':
        return `not(${walk(e.item, true)})`;
      case 'and':
      case 'or': {
        const joined = e.items.map((item) => walk(item)).join(` ${e.kind} `);
        return top ? joined : `(${joined})`;
      }
    }
  };
  const where = walk(expr, true);
  return [table.name, ...applies, `| where ${where}`].join('\n');
}
