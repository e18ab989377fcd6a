/**
 * CIDR membership in plain SQL string and integer functions, for engines without an IP type at hand
 * (DuckDB's inet extension is not bundled with @duckdb/node-api and cannot be fetched at run time;
 * Trino's IPADDRESS and BigQuery's NET functions differ): the address text is checked against the
 * grammar the rule engine accepts (core/net/cidr.ts parseNetwork: dotted IPv4 without leading zeros,
 * IPv6 as ipaddr.js reads it, an embedded IPv4 tail included, surrounding whitespace trimmed), then
 * - IPv4 becomes the integer a*2^24 + b*2^16 + c*2^8 + d, compared with each range's bounds;
 * - IPv6 is expanded (`::` filled with zero groups, an IPv4 tail as two hex groups, each group padded
 *   to four digits) into 32 lower-case hex digits, compared as text with each range's bounds.
 * Text that is not an address (a service name such as cloudtrail.amazonaws.com) fails the grammar and
 * never reaches a cast, so it is a non-match, never an error.
 */
import { isNetwork, parseNetwork, type Network } from '../../net/cidr.ts';

/** The dialect's spelling of the functions used here. `group1` is how a replacement names capture group 1. */
export interface CidrFunctions {
  readonly literal: (text: string) => string;
  readonly fullMatch: (text: string, pattern: string) => string;
  /** Capture group 1 of the first match (the pattern has exactly one group). */
  readonly extract: (text: string, pattern: string) => string;
  readonly replaceAll: (text: string, pattern: string, replacement: string) => string;
  readonly group1: string;
  readonly matchCount: (text: string, pattern: string) => string;
  readonly toInt: (text: string) => string;
  /** Two integers as `%x:%x`. */
  readonly hexPair: (a: string, b: string) => string;
  /** `body` over a name bound to `value` once (the parsed address is used many times). */
  readonly bind: (value: string, body: (name: string) => string) => string;
}

const OCTET = String.raw`(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const OCTET_NC = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4 = String.raw`${OCTET_NC}(?:\.${OCTET_NC}){3}`;
const H = '[0-9A-Fa-f]{1,4}';
/** IPv6 text ipaddr.js accepts: eight groups, `::` standing for at least one, or six groups' worth and an IPv4 tail. */
const IPV6 = [
  `(?:${H}:){7}${H}`,
  `(?:${H}:){1,7}:`,
  `(?:${H}:){1,6}:${H}`,
  `(?:${H}:){1,5}(?::${H}){1,2}`,
  `(?:${H}:){1,4}(?::${H}){1,3}`,
  `(?:${H}:){1,3}(?::${H}){1,4}`,
  `(?:${H}:){1,2}(?::${H}){1,5}`,
  `${H}:(?::${H}){1,6}`,
  `:(?:(?::${H}){1,7}|:)`,
  `(?:${H}:){6}${IPV4}`,
  // `::a.b.c.d` alone is left out: ipaddr.js reads it as ::ffff:a.b.c.d, cidr-tools as ::a.b.c.d, so parseNetwork refuses it.
  `::(?:${H}:){1,5}${IPV4}`,
  ...[1, 2, 3, 4, 5].map((head) => `(?:${H}:){${head}}:(?:${H}:){0,${5 - head}}${IPV4}`),
].join('|');

const hex32 = (n: bigint): string => n.toString(16).padStart(32, '0');

/** The networks of a cidr match (values that are not networks match nothing, as in the rule engine). */
export function networksOf(values: readonly unknown[]): Network[] {
  return values.map((v) => parseNetwork(String(v))).filter(isNetwork);
}

/** SQL true when the text `t` is an address inside one of `networks`; false (never null) otherwise. */
export function cidrTest(t: string, networks: readonly Network[], f: CidrFunctions): string {
  const v4 = networks.filter((n) => n.version === 4);
  const v6 = networks.filter((n) => n.version === 6);
  if (v4.length + v6.length === 0) return 'FALSE';
  return `coalesce(${f.bind(f.replaceAll(t, String.raw`^\s+|\s+$`, "''"), (addr) => membership(addr, v4, v6, f))}, FALSE)`;
}

function membership(addr: string, v4: readonly Network[], v6: readonly Network[], f: CidrFunctions): string {
  const parts: string[] = [];
  if (v4.length) {
    const octet = (i: number) => f.toInt(f.extract(addr, i < 3 ? `^(?:\\d+\\.){${i}}(\\d+)` : String.raw`(\d+)$`));
    const value = `(${octet(0)} * 16777216 + ${octet(1)} * 65536 + ${octet(2)} * 256 + ${octet(3)})`;
    const ranges = (n: string) => v4.map((r) => `${n} BETWEEN ${r.start} AND ${r.end}`).join(' OR ');
    parts.push(`(${f.fullMatch(addr, `${OCTET}(?:\\.${OCTET}){3}`)} AND ${f.bind(value, (n) => `(${ranges(n)})`)})`);
  }
  if (v6.length) {
    // The IPv4 tail, when there is one, as two hex groups: a.b.c.d -> (a*256+b):(c*256+d).
    const tailOctet = (i: number) => f.toInt(f.extract(addr, `${String.raw`\d+\.`.repeat(i)}(\\d+)${String.raw`\.\d+`.repeat(3 - i)}$`));
    const grouped = `CASE WHEN ${f.fullMatch(addr, String.raw`.*\.\d+`)} THEN concat(${f.replaceAll(addr, '[0-9.]+$', "''")}, ${f.hexPair(
      `${tailOctet(0)} * 256 + ${tailOctet(1)}`,
      `${tailOctet(2)} * 256 + ${tailOctet(3)}`,
    )}) ELSE ${addr} END`;
    const hex = (g: string): string => {
      const filled = `CASE WHEN strpos(${g}, '::') > 0 THEN replace(${g}, '::', concat(':', lpad('', CAST((8 - ${f.matchCount(g, '[0-9A-Fa-f]+')}) * 2 AS INTEGER), '0:'))) ELSE ${g} END`;
      const padded = f.replaceAll(`concat(':', lower(${f.replaceAll(filled, '^:|:$', "''")}))`, ':', f.literal(':000'));
      return f.replaceAll(padded, ':0*([0-9a-f]{4})', f.literal(f.group1));
    };
    const ranges = (h: string) => v6.map((r) => `${h} BETWEEN ${f.literal(hex32(r.start))} AND ${f.literal(hex32(r.end))}`).join(' OR ');
    parts.push(`(${f.fullMatch(addr, IPV6)} AND ${f.bind(grouped, (g) => f.bind(hex(g), (h) => `(${ranges(h)})`))})`);
  }
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}
