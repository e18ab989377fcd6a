/**
 * CIDR matching in compiled KQL, judged by the KQL oracle (core/detection/targets/kql-evaluator.ts) against
 * the rule engine, on the two cases the oracle found the compiler got wrong:
 * - a negated CIDR on a value no IP function can read: the functions give null, not(null) is null, and
 *   `where` drops the row, while the engine (a CIDR on a non-address is a non-match) matches it;
 * - an IPv4 address against IPv6 ranges that include ::/3 (the complement of trusted IPv6 prefixes):
 *   whatever Kusto makes of it, a dotted address must not be judged by the IPv6 list.
 */
import { describe, expect, it } from 'vitest';
import { compileKql } from '../../../core/detection/compilers/kql.ts';
import { compileKqlQuery } from '../../../core/detection/targets/kql-evaluator.ts';
import { KQL_TABLES } from '../../../core/detection/targets/kql-tables.ts';
import { compileExpr } from '../../../core/detection/evaluator.ts';
import { kqlTableFor } from '../../../core/detection/logsources/kql-table-for.ts';
import { expand, inlineRule } from '../../helpers/rules.ts';

const SIGNIN = { product: 'azure', service: 'signinlogs' };

function both(detection: Record<string, unknown>) {
  const rule = inlineRule(detection, SIGNIN);
  const expr = expand(rule);
  const query = compileKql(rule, expr, kqlTableFor('signinlogs'));
  return { engine: compileExpr(expr), kql: compileKqlQuery(query, KQL_TABLES), query };
}

describe('CIDR in compiled KQL', () => {
  it('a negated CIDR matches a value that is not an address, as the engine does', () => {
    const { engine, kql, query } = both({ trusted: { 'IPAddress|cidr': ['203.0.113.0/24', '2001:db8::/32'] }, condition: 'not trusted' });
    for (const IPAddress of ['not-an-address', '', '999.1.1.1']) {
      const event = { IPAddress, AppId: 'x' };
      expect(engine(event), IPAddress).toBe(true);
      expect(kql(event), `${IPAddress}: ${query}`).toBe(true);
    }
    expect(kql({ IPAddress: '203.0.113.9' })).toBe(false);
    expect(kql({ IPAddress: '2001:db8::9' })).toBe(false);
  });

  it('an IPv4 address is never judged by IPv6 ranges, even ones covering ::ffff:0:0/96 (the oracle reads IPv4 there as null; the guard makes the query right under the other reading too)', () => {
    const { engine, kql } = both({ outside: { 'IPAddress|cidr': ['198.51.100.0/24', '::/3'] }, condition: 'outside' });
    expect(engine({ IPAddress: '203.0.113.9' })).toBe(false);
    expect(kql({ IPAddress: '203.0.113.9' })).toBe(false);
    expect(kql({ IPAddress: '198.51.100.7' })).toBe(true);
    expect(kql({ IPAddress: '::1' })).toBe(true);
  });
});
