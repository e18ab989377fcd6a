import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsCidr } from 'cidr-tools';
import {
  aggregate,
  broadRangeWarning,
  documentationRange,
  findOverlaps,
  isNetwork,
  parseNetwork,
  publicEgressProblem,
  type Network,
} from '../../../core/net/cidr.ts';
import { DOCUMENTATION_RANGES, NON_PUBLIC_IPV4, NON_PUBLIC_IPV6 } from '../../../core/net/special-ranges.ts';

const net = (text: string): Network => {
  const parsed = parseNetwork(text);
  if (!isNetwork(parsed)) throw new Error(parsed.problem);
  return parsed;
};

describe('parseNetwork', () => {
  it('normalises IPv4, IPv6 and bare addresses', () => {
    expect(net('203.0.113.0/24').cidr).toBe('203.0.113.0/24');
    expect(net(' 2001:DB8:0:0::/48 ').cidr).toBe('2001:db8::/48');
    expect(net('198.51.100.7').cidr).toBe('198.51.100.7/32');
    expect(net('2001:db8::1').cidr).toBe('2001:db8::1/128');
  });

  it.each([
    ['abc', /not an IPv4 or IPv6 CIDR/],
    ['1.2.3.4/33', /longer than IPv4 allows/],
    ['1.2.3/24', /not an IPv4 or IPv6 CIDR/],
    ['01.2.3.4/32', /not an IPv4 or IPv6 CIDR/],
    ['1.2.3.4/2x', /not a number/],
    ['2001:db8::/129', /longer than IPv6 allows/],
    ['fe80::1%eth0/128', /not an IPv4 or IPv6 CIDR/],
  ])('rejects %s', (text, message) => {
    const parsed = parseNetwork(text);
    expect(isNetwork(parsed)).toBe(false);
    expect((parsed as { problem: string }).problem).toMatch(message);
  });

  it('rejects host bits and suggests the network', () => {
    const parsed = parseNetwork('203.0.113.5/24') as { problem: string; fix: string };
    expect(parsed.problem).toContain('host bits set');
    expect(parsed.fix).toContain('203.0.113.0/24');
    expect((parseNetwork('2001:db8::1/32') as { fix: string }).fix).toContain('2001:db8::/32');
  });
});

describe('publicEgressProblem', () => {
  it.each([
    ['0.0.0.0/0', /whole Internet/],
    ['::/0', /whole Internet/],
    ['64.0.0.0/2', /shorter than \/8/],
    ['10.1.0.0/16', /is in 10\.0\.0\.0\/8, private/],
    ['172.16.0.0/12', /private/],
    ['100.64.0.0/16', /carrier-grade NAT/],
    ['172.0.0.0/8', /overlaps 172\.16\.0\.0\/12/],
    ['fd00::/8', /outside IPv6 global unicast/],
    ['fe80::/10', /outside IPv6 global unicast/],
  ])('rejects %s as a trusted egress range', (text, message) => {
    expect(publicEgressProblem(net(text))?.problem).toMatch(message);
  });

  it.each([
    ['2001:db8::/31', /^2001:db8::\/31 is shorter than \/32; one organisation's IPv6 allocation is a \/32/],
    ['2000::/3', /shorter than \/32/],
    ['::/1', /shorter than \/32/],
    ['2002::/16', /^2002::\/16 is in 2002::\/16, 6to4 \(RFC 3056\)/],
    ['2001::/32', /^2001::\/32 is in 2001::\/32, Teredo \(RFC 4380\)/],
    ['2001:0:4136:e378::/64', /is in 2001::\/32, Teredo/],
    ['2001:1ff::/32', /is in 2001::\/23, IETF protocol assignments \(RFC 2928\)/],
    ['2001:2::/48', /is in 2001:2::\/48, benchmarking \(RFC 5180\)/],
    ['2001:2::/32', /is in 2001::\/23/],
    ['2001:10::/32', /is in 2001:10::\/28, ORCHID, deprecated \(RFC 4843\)/],
    ['2001:2f::/32', /is in 2001:20::\/28, ORCHIDv2 \(RFC 7343\)/],
    ['5f00::/16', /is in 5f00::\/16, SRv6 segment identifiers \(RFC 9602\)/],
    ['5f00::/12', /outside IPv6 global unicast/],
  ])('rejects IPv6 %s', (text, message) => {
    expect(publicEgressProblem(net(text))?.problem).toMatch(message);
  });

  it('suggests the IPv4 egress for tunnelled IPv6 ranges', () => {
    expect(publicEgressProblem(net('2002:cb00:7100::/40'))?.fix).toBe('Trust the public IPv4 egress address the tunnel runs over instead.');
    expect(publicEgressProblem(net('2001:2::/48'))?.fix).toBe('Use your public IPv6 egress prefix.');
  });

  it.each(['8.8.8.0/24', '198.51.100.0/24', '2600:1f18::/32', '2001:200::/32', '2001:db8::/32', '3fff:100::/32', '2a00:1450:4000::/37', '2001:db8:1::/48'])(
    'accepts %s',
    (text) => {
      expect(publicEgressProblem(net(text))).toBeUndefined();
    },
  );
});

describe('special-purpose range data', () => {
  it('parses every range and lists the IPv6 ones most specific first', () => {
    for (const range of [...NON_PUBLIC_IPV4, ...NON_PUBLIC_IPV6, ...DOCUMENTATION_RANGES]) {
      expect(net(range.cidr).cidr, range.name).toBe(range.cidr);
      expect(range.name, range.cidr).toMatch(/\(RFC \d+(, RFC \d+)*\)$/);
    }
    // A range listed earlier never contains a later one, so the first containing range is the most specific.
    NON_PUBLIC_IPV6.forEach((later, j) => {
      for (const earlier of NON_PUBLIC_IPV6.slice(0, j)) expect(containsCidr(earlier.cidr, later.cidr), `${earlier.cidr} before ${later.cidr}`).toBe(false);
    });
  });

  it('keeps the documentation prefixes clear of the refused ranges (2001:db8::/32 is not in 2001::/23)', () => {
    for (const doc of DOCUMENTATION_RANGES.filter((r) => r.cidr.includes(':'))) {
      for (const refused of NON_PUBLIC_IPV6) expect(containsCidr(refused.cidr, doc.cidr), `${doc.cidr} in ${refused.cidr}`).toBe(false);
    }
    expect(documentationRange(net('3fff:fff::/32'))).toBe('documentation (RFC 9637)');
    expect(documentationRange(net('2001:db8:ffff::/48'))).toBe('documentation (RFC 3849)');
  });
});

describe('broadRangeWarning', () => {
  it('names the size of IPv4 ranges shorter than /16', () => {
    expect(broadRangeWarning(net('198.0.0.0/12'))).toBe(
      "198.0.0.0/12 covers 1,048,576 addresses; an organisation's egress is rarely larger than a /16 (65,536), so check it is your own allocation and not your ISP's or a cloud provider's block",
    );
    expect(broadRangeWarning(net('11.0.0.0/8'))).toMatch(/^11\.0\.0\.0\/8 covers 16,777,216 addresses;/);
  });

  it.each(['198.1.0.0/16', '203.0.113.0/24', '2001:db8::/32'])('says nothing for %s', (text) => {
    expect(broadRangeWarning(net(text))).toBeUndefined();
  });
});

describe('findOverlaps', () => {
  it('reports duplicates and containment by input index', () => {
    const nets = ['203.0.113.0/24', '198.51.100.0/24', '203.0.113.128/25', '203.0.113.0/24', '2001:db8::/32'].map(net);
    expect(findOverlaps(nets)).toEqual([
      { first: 0, second: 2, kind: 'overlap' },
      { first: 0, second: 3, kind: 'duplicate' },
    ]);
  });

  it('does not confuse IPv4 and IPv6 ranges with equal numbers', () => {
    expect(findOverlaps(['0.0.0.1/32', '::1/128'].map(net))).toEqual([]);
  });
});

describe('aggregate', () => {
  it('merges adjacent and overlapping networks, IPv4 before IPv6', () => {
    expect(aggregate(['2001:db8:8000::/33', '203.0.113.128/25', '203.0.113.0/25', '2001:db8::/33', '198.51.100.7/32', '198.51.100.7/32'])).toEqual([
      '198.51.100.7/32',
      '203.0.113.0/24',
      '2001:db8::/32',
    ]);
  });

  it('does not merge adjacent networks that are not siblings', () => {
    expect(aggregate(['203.0.113.128/25', '203.0.114.0/25'])).toEqual(['203.0.113.128/25', '203.0.114.0/25']);
  });
});

// Reference model, independent of cidr-tools: address intervals merged by sorting.
const v4Interval = (cidr: string): [bigint, bigint] => {
  const n = net(cidr);
  return [n.start, n.end];
};
const union = (intervals: [bigint, bigint][]): [bigint, bigint][] => {
  const sorted = [...intervals].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1n) {
      if (e > last[1]) last[1] = e;
    } else out.push([s, e]);
  }
  return out;
};

const ipv4Cidr = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 16, max: 32 })).map(([address, prefix]) => {
  // Clustered in one /16 so that overlaps and adjacency are common.
  const inCluster = (0xcb007100 & 0xffff0000) | (address & 0xffff);
  const network = prefix === 0 ? 0 : (inCluster >>> (32 - prefix)) << (32 - prefix);
  const n = network >>> 0;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${prefix}`;
});

const ipv6Cidr = fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 32, max: 48 })).map(([word, prefix]) => {
  const masked = prefix >= 48 ? word : word & ~((1 << (48 - prefix)) - 1) & 0xffff;
  return `2001:db8:${masked.toString(16)}::/${prefix}`;
});

describe('aggregate (properties)', () => {
  it('covers exactly the same IPv4 addresses, with disjoint, non-mergeable networks', () => {
    fc.assert(
      fc.property(fc.array(ipv4Cidr, { minLength: 1, maxLength: 40 }), (cidrs) => {
        const result = aggregate(cidrs);
        expect(union(result.map(v4Interval))).toEqual(union(cidrs.map(v4Interval)));
        // Disjoint: the union of the result has as many addresses as the sum of its parts.
        const size = (xs: [bigint, bigint][]) => xs.reduce((sum, [s, e]) => sum + e - s + 1n, 0n);
        expect(size(result.map(v4Interval))).toBe(size(union(result.map(v4Interval))));
        // Minimal: no two results are sibling halves of one larger network.
        const set = new Set(result);
        for (const cidr of result) {
          const n = net(cidr);
          if (n.prefix === 0) continue;
          const siblingStart = n.start ^ (1n << BigInt(32 - n.prefix));
          const sibling = result.find((c) => {
            const m = net(c);
            return m.prefix === n.prefix && m.start === siblingStart;
          });
          expect(sibling, `${cidr} and its sibling should have merged`).toBeUndefined();
        }
        expect(set.size).toBe(result.length);
      }),
      { numRuns: 300 },
    );
  });

  it('covers exactly the same IPv6 addresses', () => {
    fc.assert(
      fc.property(fc.array(ipv6Cidr, { minLength: 1, maxLength: 30 }), (cidrs) => {
        const interval = (c: string): [bigint, bigint] => [net(c).start, net(c).end];
        expect(union(aggregate(cidrs).map(interval))).toEqual(union(cidrs.map(interval)));
      }),
      { numRuns: 200 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.array(ipv4Cidr, { maxLength: 30 }), (cidrs) => {
        expect(aggregate(aggregate(cidrs))).toEqual(aggregate(cidrs));
      }),
    );
  });
});
