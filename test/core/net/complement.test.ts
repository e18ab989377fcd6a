/**
 * `{{trustedNetworks.cidrs|complement}}` (complementCidrs): the complement and the trusted ranges
 * together cover every IPv4 and every IPv6 address exactly once. Properties over random trusted ranges
 * check the tiling of each family and probe every range boundary (first and last address of each range,
 * and the addresses either side); one example per boundary kind names what an off-by-one breaks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { complementCidrs } from '../../../core/detection/placeholders.ts';
import { aggregate, isNetwork, parseNetwork, type Network } from '../../../core/net/cidr.ts';
import { addressText } from '../../helpers/event-generators.ts';

const net = (text: string): Network => {
  const parsed = parseNetwork(text);
  if (!isNetwork(parsed)) throw new Error(`${text}: ${parsed.problem}`);
  return parsed;
};
const BITS = { 4: 32, 6: 128 } as const;
const MAX = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n } as const;
const address = (text: string): bigint => net(text).start;
const family = (nets: readonly Network[], version: 4 | 6) => nets.filter((n) => n.version === version).sort((a, b) => (a.start < b.start ? -1 : 1));

/** How many of the networks hold the address. */
const holders = (nets: readonly Network[], version: 4 | 6, a: bigint) => nets.filter((n) => n.version === version && n.start <= a && a <= n.end).length;

/** A random network of a family, written as its canonical CIDR. */
const randomNetwork = (version: 4 | 6) =>
  fc.tuple(fc.bigInt({ min: 0n, max: MAX[version] }), fc.integer({ min: 0, max: BITS[version] })).map(([a, prefix]) => {
    const host = (1n << BigInt(BITS[version] - prefix)) - 1n;
    return `${addressText(a & ~host & MAX[version], version)}/${prefix}`;
  });
/** Any prefix length, /0 to the host route, overlaps and duplicates included. */
const trustedList = fc.array(fc.oneof(randomNetwork(4), randomNetwork(6)), { minLength: 0, maxLength: 5 });

function checkCover(trusted: readonly string[]): void {
  const complement = complementCidrs(trusted).map(net);
  const inside = aggregate(trusted).map(net);
  const given = trusted.map(net);
  for (const version of [4, 6] as const) {
    // The two lists tile the family: sorted together, each range starts one after the last one ends.
    const tiles = family([...inside, ...complement], version);
    expect(tiles[0]?.start, `IPv${version} starts at 0`).toBe(0n);
    expect(tiles[tiles.length - 1]?.end, `IPv${version} ends at the last address`).toBe(MAX[version]);
    // One expect per check over every tile and probe, listing each offender: an expect per element (hundreds
    // per run, with its message built eagerly) was most of this file's time.
    const gaps: string[] = [];
    for (let i = 1; i < tiles.length; i++) if (tiles[i]!.start !== tiles[i - 1]!.end + 1n) gaps.push(`${tiles[i - 1]!.cidr} then ${tiles[i]!.cidr}`);
    expect(gaps, `IPv${version}: each range starts one after the last one ends`).toEqual([]);
    // Every boundary of every range, and the addresses either side, is held exactly once, by the
    // complement exactly when it is not trusted.
    const probes = new Set<bigint>([0n, MAX[version]]);
    for (const n of tiles) for (const a of [n.start - 1n, n.start, n.end, n.end + 1n]) if (a >= 0n && a <= MAX[version]) probes.add(a);
    const wrong: string[] = [];
    for (const a of probes) {
      const trustedHere = holders(given, version, a) > 0;
      const inComplement = holders(complement, version, a);
      const inTrusted = holders(inside, version, a);
      if (inComplement !== (trustedHere ? 0 : 1) || inTrusted + inComplement !== 1)
        wrong.push(`${addressText(a, version)}: trusted ${trustedHere}, held by ${inComplement} complement and ${inTrusted} trusted ranges`);
    }
    expect(wrong, `IPv${version} with trusted ${JSON.stringify(trusted)}`).toEqual([]);
  }
}

describe('complementCidrs covers every address exactly once with the trusted ranges (property)', () => {
  it('for random IPv4 and IPv6 trusted ranges, overlapping, nested and adjacent included', () => {
    fc.assert(
      fc.property(trustedList, (trusted) => checkCover(trusted)),
      { numRuns: 120 },
    );
  });

  it('for ranges built to touch: a range and its neighbours one address either side', () => {
    const touching = fc.constantFrom(4 as const, 6 as const).chain((version) =>
      randomNetwork(version).map((cidr) => {
        const n = net(cidr);
        const host = (a: bigint) => `${addressText(a, version)}/${BITS[version]}`;
        return [cidr, ...(n.start > 0n ? [host(n.start - 1n)] : []), ...(n.end < MAX[version] ? [host(n.end + 1n)] : [])];
      }),
    );
    fc.assert(
      fc.property(touching, (trusted) => checkCover(trusted)),
      { numRuns: 60 },
    );
  });
});

describe('complementCidrs at each boundary kind', () => {
  const inComplement = (trusted: readonly string[], text: string) =>
    holders(complementCidrs(trusted).map(net), text.includes(':') ? 6 : 4, address(text)) === 1;

  it('leaves out the first address of a trusted range', () => expect(inComplement(['203.0.113.0/24'], '203.0.113.0')).toBe(false));
  it('leaves out the last address of a trusted range', () => expect(inComplement(['203.0.113.0/24'], '203.0.113.255')).toBe(false));
  it('holds the address one below a trusted range', () => expect(inComplement(['203.0.113.0/24'], '203.0.112.255')).toBe(true));
  it('holds the address one above a trusted range', () => expect(inComplement(['203.0.113.0/24'], '203.0.114.0')).toBe(true));
  it('leaves out a single trusted host (/32) and holds both its neighbours', () => {
    expect(inComplement(['198.51.100.7/32'], '198.51.100.7')).toBe(false);
    expect(inComplement(['198.51.100.7/32'], '198.51.100.6')).toBe(true);
    expect(inComplement(['198.51.100.7/32'], '198.51.100.8')).toBe(true);
  });
  it('leaves no gap between two adjacent trusted ranges, and holds nothing of either', () => {
    const trusted = ['203.0.113.0/25', '203.0.113.128/25'];
    for (const a of ['203.0.113.127', '203.0.113.128']) expect(inComplement(trusted, a), a).toBe(false);
    expect(inComplement(trusted, '203.0.114.0')).toBe(true);
  });
  it('holds the address between two ranges one apart', () => {
    const trusted = ['198.51.100.0/32', '198.51.100.2/32'];
    expect(inComplement(trusted, '198.51.100.1')).toBe(true);
    expect(inComplement(trusted, '198.51.100.0')).toBe(false);
    expect(inComplement(trusted, '198.51.100.2')).toBe(false);
  });
  it('handles a trusted range at the bottom of the address space (0.0.0.0)', () => {
    expect(inComplement(['0.0.0.0/8'], '0.0.0.0')).toBe(false);
    expect(inComplement(['0.0.0.0/8'], '0.255.255.255')).toBe(false);
    expect(inComplement(['0.0.0.0/8'], '1.0.0.0')).toBe(true);
  });
  it('handles a trusted range at the top of the address space (255.255.255.255)', () => {
    expect(inComplement(['255.255.255.0/24'], '255.255.255.255')).toBe(false);
    expect(inComplement(['255.255.255.0/24'], '255.255.255.0')).toBe(false);
    expect(inComplement(['255.255.255.0/24'], '255.255.254.255')).toBe(true);
  });
  it('IPv6: leaves out the first and last address of a trusted prefix, holds the neighbours', () => {
    const trusted = ['2001:db8::/32'];
    expect(inComplement(trusted, '2001:db8::')).toBe(false);
    expect(inComplement(trusted, '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(false);
    expect(inComplement(trusted, '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true);
    expect(inComplement(trusted, '2001:db9::')).toBe(true);
  });
  it('IPv6: the ends of the space (:: and ffff:...:ffff)', () => {
    expect(inComplement(['::/128'], '::')).toBe(false);
    expect(inComplement(['::/128'], '::1')).toBe(true);
    expect(inComplement(['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'], 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(false);
    expect(inComplement(['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'], 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe')).toBe(true);
  });
  it('keeps the families apart: IPv4 trust leaves all of IPv6 outside, and the reverse', () => {
    expect(complementCidrs(['203.0.113.0/24'])).toContain('::/0');
    expect(complementCidrs(['2001:db8::/32'])).toContain('0.0.0.0/0');
    expect(complementCidrs([])).toEqual(['0.0.0.0/0', '::/0']);
  });
  it('is empty for a family trusted whole (/0)', () => {
    expect(complementCidrs(['0.0.0.0/0', '::/0'])).toEqual([]);
  });
});
