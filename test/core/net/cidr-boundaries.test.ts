/**
 * Tests written from the mutants StrykerJS left alive in core/net/cidr.ts (bench/mutation-results.md):
 * the overlap sweep against a brute-force model, parse errors that must be answers rather than crashes,
 * and the exact text of every refusal, which the config layer prints as the fix.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadRangeWarning, findOverlaps, isNetwork, parseNetwork, publicEgressProblem, type Network } from '../../../core/net/cidr.ts';

const net = (text: string): Network => {
  const parsed = parseNetwork(text);
  if (!isNetwork(parsed)) throw new Error(parsed.problem);
  return parsed;
};

// Small networks inside 10.0.0.0/22 and 2001:db8::/118, so random draws overlap, touch and nest often.
const v4 = fc.tuple(fc.integer({ min: 22, max: 32 }), fc.integer({ min: 0, max: 1023 })).map(([prefix, offset]) => {
  const size = 2 ** (32 - prefix);
  const start = Math.floor(offset / size) * size;
  return `10.0.${Math.floor(start / 256)}.${start % 256}/${prefix}`;
});
const v6 = fc.tuple(fc.integer({ min: 118, max: 128 }), fc.integer({ min: 0, max: 1023 })).map(([prefix, offset]) => {
  const size = 2 ** (128 - prefix);
  const start = Math.floor(offset / size) * size;
  return `2001:db8::${start.toString(16)}/${prefix}`;
});

/** Every pair of input indexes whose address ranges share an address, by brute force. */
function bruteForceOverlaps(nets: readonly Network[]) {
  const found: { first: number; second: number; kind: 'duplicate' | 'overlap' }[] = [];
  for (let j = 0; j < nets.length; j++) {
    for (let i = 0; i < j; i++) {
      const [a, b] = [nets[i]!, nets[j]!];
      if (a.version === b.version && a.start <= b.end && b.start <= a.end)
        found.push({ first: i, second: j, kind: a.cidr === b.cidr ? 'duplicate' : 'overlap' });
    }
  }
  return found;
}

describe('findOverlaps against brute force', () => {
  it('finds at least one overlap for every network that overlaps an earlier one, and no false pairs', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(v4, v6), { minLength: 1, maxLength: 12 }), (texts) => {
        const nets = texts.map(net);
        const truth = bruteForceOverlaps(nets);
        const found = findOverlaps(nets);
        // The sweep reports each overlapping network once, against the widest-reaching earlier range; every
        // pair it reports is a real overlap, and every network that overlaps another is reported.
        for (const f of found) expect(truth, JSON.stringify({ texts, f })).toContainEqual(f);
        const flagged = new Set(found.flatMap((f) => [f.first, f.second]));
        for (const t of truth) expect(flagged.has(t.first) || flagged.has(t.second), JSON.stringify({ texts, t })).toBe(true);
        expect(found.map((f) => f.second)).toEqual([...found.map((f) => f.second)].sort((a, b) => a - b));
      }),
      { numRuns: 400 },
    );
  });

  it('counts a single shared address at the end of a range as an overlap', () => {
    expect(findOverlaps(['10.0.0.0/24', '10.0.0.255/32'].map(net))).toEqual([{ first: 0, second: 1, kind: 'overlap' }]);
    expect(findOverlaps(['10.0.0.0/24', '10.0.1.0/32'].map(net))).toEqual([]);
  });

  it('does not report a later range against an earlier one that sorts before it', () => {
    expect(findOverlaps(['10.0.2.0/24', '10.0.0.0/24'].map(net))).toEqual([]);
  });

  it('restarts the sweep at the first IPv6 range after a wide IPv4 range', () => {
    expect(findOverlaps(['203.0.113.0/24', '::1/128', '::1/128'].map(net))).toEqual([{ first: 1, second: 2, kind: 'duplicate' }]);
  });
});

describe('parseNetwork refuses malformed text with an answer, not a crash', () => {
  it.each([
    ['12:34', '"12:34" is not an IPv4 or IPv6 CIDR'],
    ['1.2.3.4/8/9', '"1.2.3.4/8/9" is not an IPv4 or IPv6 CIDR'],
    ['10.0.0.0/x24', '"10.0.0.0/x24" has prefix "/x24", not a number'],
    ['203.0.113.0/33', '"203.0.113.0/33" has prefix /33, longer than IPv4 allows'],
  ])('%s', (text, problem) => {
    expect(parseNetwork(text)).toMatchObject({ problem });
  });

  it('names an example of each family in the fix', () => {
    expect(parseNetwork('nonsense')).toEqual({ problem: '"nonsense" is not an IPv4 or IPv6 CIDR', fix: 'Write it as 203.0.113.0/24 or 2001:db8::/32.' });
    expect(parseNetwork('10.0.0.0/2x')).toMatchObject({ fix: 'Use /0 to /32, e.g. 203.0.113.0/24 or 2001:db8::/32.' });
    expect(parseNetwork('2001:db8::/129')).toMatchObject({ fix: 'Use /0 to /128.' });
  });

  it('compresses IPv6 networks written in full', () => {
    expect(net('2001:0db8:0000:0000::/32').cidr).toBe('2001:db8::/32');
  });

  it('reports host bits with the network that was meant', () => {
    expect(parseNetwork('203.0.113.7/24')).toMatchObject({ problem: '"203.0.113.7/24" has host bits set (the network of 203.0.113.7/24 is 203.0.113.0/24)' });
  });
});

describe('publicEgressProblem fixes', () => {
  it.each([
    ['0.0.0.0/0', "List only your organisation's egress ranges (NAT gateways, VPN, office proxies)."],
    ['4.0.0.0/6', 'List the actual egress ranges (prefix /8 or longer).'],
    ['4000::/32', 'Use your public IPv6 egress prefix.'],
  ])('%s', (text, fix) => {
    expect(publicEgressProblem(net(text))?.fix).toBe(fix);
  });
});

describe('broadRangeWarning is for IPv4 only', () => {
  it.each(['2001:1000::/20', '2600::/12'])('says nothing for %s', (text) => {
    expect(broadRangeWarning(net(text))).toBeUndefined();
  });
  it('warns from /15, not at /16', () => {
    expect(broadRangeWarning(net('198.0.0.0/15'))).toMatch(/^198\.0\.0\.0\/15 covers 131,072 addresses/);
    expect(broadRangeWarning(net('198.0.0.0/16'))).toBeUndefined();
  });
});
