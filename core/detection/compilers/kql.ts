/**
 * Rule -> KQL over the Log Analytics table of its log source (`Table | where ...`). KQL has every
 * construct we need: case-insensitive operators by default (=~, in~, contains, startswith), _cs variants
 * for |cased, RE2 regex, ipv4/ipv6_is_in_any_range, isempty/isnotempty. Dynamic columns are read with
 * tostring(Column.path) so every comparison is on text, like the rule evaluator.
 */
import { hasWildcard, type Expr, type Match, type Scalar } from '../expr.ts';
import type { Rule } from '../rule.ts';
import { CompileError } from './compile-error.ts';
import { re2Problem, wildcardRegex } from './regex-text.ts';

export interface KqlTable {
  readonly name: string;
  /** Column name -> KQL type (string, dynamic, datetime, int, long, bool, real, guid). */
  readonly columns: Readonly<Record<string, string>>;
}

const literal = (value: Scalar): string => JSON.stringify(String(value));

export function compileKql(rule: Rule, expr: Expr, table: KqlTable): string {
  const fail = (reason: string) => new CompileError(rule.id, 'kql', reason, `Use a column of ${table.name} (see core/detection/targets/kql-tables.ts).`);

  const column = (field: string): string => {
    const [head = '', ...rest] = field.split('.');
    const type = table.columns[head];
    if (!type) throw fail(`${table.name} has no column "${head}"`);
    if (rest.length === 0) return type === 'string' ? head : `tostring(${head})`;
    if (type !== 'dynamic') throw fail(`${head} is a ${type} column; only dynamic columns have nested fields like ${field}`);
    return `tostring(${head}${rest.map((k) => (/^[A-Za-z_]\w*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join('')})`;
  };

  const leaf = (m: Match): string => {
    const col = column(m.field);
    if (m.op === 'exists') return m.values[0] === true ? `isnotempty(${col})` : `isempty(${col})`;
    if (m.values.length === 0) return 'false';
    const cs = m.cased ? '_cs' : '';
    const one = (v: Scalar): string => {
      switch (m.op) {
        case 'equals':
          if (typeof v === 'string' && hasWildcard(v)) return `${col} matches regex ${literal(`${m.cased ? '' : '(?i)'}${wildcardRegex(v)}`)}`;
          return `${col} ${m.cased ? '==' : '=~'} ${literal(v)}`;
        case 'contains':
        case 'startswith':
        case 'endswith':
          return `${col} ${m.op}${cs} ${literal(v)}`;
        case 're': {
          const problem = re2Problem(String(v));
          if (problem) throw fail(`regex ${String(v)}: ${problem}`);
          return `${col} matches regex ${literal(`${m.cased ? '' : '(?i)'}${String(v)}`)}`;
        }
        case 'cidr':
          throw new Error('cidr is compiled as a whole list');
        case 'exists':
          throw new Error('exists is handled above');
      }
    };
    if (m.op === 'cidr') {
      const v4 = m.values.map(String).filter((c) => !c.includes(':'));
      const v6 = m.values.map(String).filter((c) => c.includes(':'));
      const parts = [
        ...(v4.length ? [`ipv4_is_in_any_range(${col}, dynamic(${JSON.stringify(v4)}))`] : []),
        ...(v6.length ? [`ipv6_is_in_any_range(${col}, dynamic(${JSON.stringify(v6)}))`] : []),
      ];
      return parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`;
    }
    if (m.op === 'equals' && !m.all && m.values.length > 1 && m.values.every((v) => typeof v !== 'string' || !hasWildcard(v))) {
      return `${col} ${m.cased ? 'in' : 'in~'} (${m.values.map(literal).join(', ')})`;
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
  return `${table.name}\n| where ${walk(expr, true)}`;
}
