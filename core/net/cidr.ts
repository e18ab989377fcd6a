/**
 * CIDR parsing, normalisation and aggregation. The maths is cidr-tools and ipaddr.js; this file only
 * decides what we accept and explains rejections in words a user can act on.
 */
import { containsCidr, mergeCidr, normalizeCidr, overlapCidr, parseCidr } from 'cidr-tools';
import ipaddr from 'ipaddr.js';
import { DOCUMENTATION_RANGES, IPV6_GLOBAL_UNICAST, NON_PUBLIC_IPV4, NON_PUBLIC_IPV6, type SpecialRange } from './special-ranges.ts';

export type IpVersion = 4 | 6;

export interface Network {
  /** Canonical text: network address, compressed IPv6, always with a prefix. */
  readonly cidr: string;
  readonly version: IpVersion;
  readonly prefix: number;
  readonly start: bigint;
  readonly end: bigint;
}

/** Why a string is not an acceptable network; `fix` is what to write instead. */
export interface CidrProblem {
  readonly problem: string;
  readonly fix: string;
}

const IPV4_DOTTED = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Parses `a.b.c.d/n`, an IPv6 CIDR, or a bare address (taken as /32 or /128). */
export function parseNetwork(text: string): Network | CidrProblem {
  const trimmed = text.trim();
  const [address = '', prefixText, ...rest] = trimmed.split('/');
  const version: IpVersion | undefined = IPV4_DOTTED.test(address)
    ? 4
    : address.includes(':') && ipaddr.IPv6.isValid(address) && !address.includes('%')
      ? 6
      : undefined;
  const example = '203.0.113.0/24 or 2001:db8::/32';
  if (rest.length > 0 || version === undefined) {
    return { problem: `"${text}" is not an IPv4 or IPv6 CIDR`, fix: `Write it as ${example}.` };
  }
  const maxPrefix = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) {
    return { problem: `"${text}" has prefix "/${prefixText}", not a number`, fix: `Use /0 to /${maxPrefix}, e.g. ${example}.` };
  }
  const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
  if (prefix > maxPrefix) {
    return { problem: `"${text}" has prefix /${prefix}, longer than IPv${version} allows`, fix: `Use /0 to /${maxPrefix}.` };
  }
  const cidr = normalizeCidr(`${address}/${prefix}`, { compress: true });
  const withPrefix = cidr.includes('/') ? cidr : `${cidr}/${prefix}`;
  const parsed = parseCidr(withPrefix);
  if (ipaddr.parse(address).toString() !== ipaddr.parse(parsed.ip).toString()) {
    return {
      problem: `"${text}" has host bits set (the network of ${address}/${prefix} is ${withPrefix})`,
      fix: `Write ${withPrefix}, or a longer prefix if you meant a smaller network.`,
    };
  }
  return { cidr: withPrefix, version, prefix, start: parsed.start, end: parsed.end };
}

export function isNetwork(value: Network | CidrProblem): value is Network {
  return 'cidr' in value;
}

/** The smallest prefix we accept as one organisation's egress range. */
export const SHORTEST_TRUSTED_PREFIX = 8;
/**
 * The smallest IPv6 prefix we accept: RIRs allocate a /32 to an ISP or LIR, and a site gets a /48
 * (RFC 6177), so a shorter prefix always spans several organisations.
 */
export const SHORTEST_TRUSTED_IPV6_PREFIX = 32;
/** IPv4 ranges shorter than this (down to the /8 floor) are accepted with a warning: real, but more often a carrier's block than one egress. */
export const BROAD_IPV4_PREFIX = 16;

/**
 * Checks a parsed network is plausible as a *public egress* range that a cloud sees as the caller's
 * source address. Returns the problem, or undefined when acceptable.
 */
export function publicEgressProblem(net: Network): CidrProblem | undefined {
  if (net.prefix === 0) {
    return {
      problem: `${net.cidr} trusts the whole Internet, which turns the perimeter off`,
      fix: "List only your organisation's egress ranges (NAT gateways, VPN, office proxies).",
    };
  }
  return net.version === 4 ? ipv4EgressProblem(net) : ipv6EgressProblem(net);
}

const NEVER_MATCHES =
  "the cloud only ever sees a caller's public address, so this range never matches (aws:SourceIp, named locations and access levels see the NAT or proxy address)";

function ipv4EgressProblem(net: Network): CidrProblem | undefined {
  if (net.prefix < SHORTEST_TRUSTED_PREFIX) {
    return {
      problem: `${net.cidr} is shorter than /${SHORTEST_TRUSTED_PREFIX}; no organisation egresses from a range that large`,
      fix: `List the actual egress ranges (prefix /${SHORTEST_TRUSTED_PREFIX} or longer).`,
    };
  }
  const special = specialRangeOf(net, NON_PUBLIC_IPV4);
  if (special) {
    return {
      problem: `${net.cidr} ${special.relation} ${special.range.cidr}, ${special.range.name}; ${NEVER_MATCHES}`,
      fix: 'Use the public egress range instead, and trust private networks through trustedNetworks.aws.vpcIds or vpcEndpointIds.',
    };
  }
  return undefined;
}

function ipv6EgressProblem(net: Network): CidrProblem | undefined {
  const special = specialRangeOf(net, NON_PUBLIC_IPV6);
  const namedProblem = (s: NonNullable<typeof special>): CidrProblem => ({
    problem: `${net.cidr} ${s.relation} ${s.range.cidr}, ${s.range.name}; ${NEVER_MATCHES}`,
    fix: s.range.fix ?? 'Use your public IPv6 egress prefix.',
  });
  // Named ranges first, even outside 2000::/3 (SRv6), so the message says what the range is.
  if (special?.relation === 'is in') return namedProblem(special);
  if (!overlapCidr(IPV6_GLOBAL_UNICAST, net.cidr)) {
    return {
      problem: `${net.cidr} is outside IPv6 global unicast space (${IPV6_GLOBAL_UNICAST}); ${NEVER_MATCHES}`,
      fix: 'Use your public IPv6 egress prefix.',
    };
  }
  if (net.prefix < SHORTEST_TRUSTED_IPV6_PREFIX) {
    return {
      problem: `${net.cidr} is shorter than /${SHORTEST_TRUSTED_IPV6_PREFIX}; one organisation's IPv6 allocation is a /32 (an ISP or LIR) to a /48 (one site), so this trusts other organisations too`,
      fix: `List your own IPv6 egress prefixes (/${SHORTEST_TRUSTED_IPV6_PREFIX} or longer).`,
    };
  }
  return special ? namedProblem(special) : undefined;
}

/** The special range containing `net` (the first listed, so the most specific), else the first it overlaps. */
function specialRangeOf(net: Network, ranges: readonly SpecialRange[]): { range: SpecialRange; relation: 'is in' | 'overlaps' } | undefined {
  const containing = ranges.find((range) => containsCidr(range.cidr, net.cidr));
  if (containing) return { range: containing, relation: 'is in' };
  const overlapping = ranges.find((range) => overlapCidr(range.cidr, net.cidr));
  return overlapping && { range: overlapping, relation: 'overlaps' };
}

/**
 * A warning for an acceptable but unusually large IPv4 range (shorter than /16), naming its size;
 * undefined otherwise. Call after publicEgressProblem.
 */
export function broadRangeWarning(net: Network): string | undefined {
  if (net.version !== 4 || net.prefix >= BROAD_IPV4_PREFIX) return undefined;
  const size = (2 ** (32 - net.prefix)).toLocaleString('en-US');
  const broad = (2 ** (32 - BROAD_IPV4_PREFIX)).toLocaleString('en-US');
  return `${net.cidr} covers ${size} addresses; an organisation's egress is rarely larger than a /${BROAD_IPV4_PREFIX} (${broad}), so check it is your own allocation and not your ISP's or a cloud provider's block`;
}

/** The documentation range a network lies in, if any (accepted with a warning). */
export function documentationRange(net: Network): string | undefined {
  return DOCUMENTATION_RANGES.find((range) => containsCidr(range.cidr, net.cidr))?.name;
}

export interface OverlapFinding {
  /** Indexes into the input of the two networks that overlap (or are equal). */
  readonly first: number;
  readonly second: number;
  readonly kind: 'duplicate' | 'overlap';
}

/** Pairs of input networks that overlap, found by one sweep over the networks sorted by start. */
export function findOverlaps(networks: readonly Network[]): OverlapFinding[] {
  const order = networks
    .map((net, index) => ({ net, index }))
    .sort((a, b) => a.net.version - b.net.version || (a.net.start < b.net.start ? -1 : a.net.start > b.net.start ? 1 : 0));
  const findings: OverlapFinding[] = [];
  let reach: { net: Network; index: number } | undefined;
  for (const current of order) {
    if (reach && reach.net.version === current.net.version && current.net.start <= reach.net.end) {
      const [first, second] = [reach.index, current.index].sort((a, b) => a - b) as [number, number];
      findings.push({ first, second, kind: reach.net.cidr === current.net.cidr ? 'duplicate' : 'overlap' });
    }
    if (!reach || reach.net.version !== current.net.version || current.net.end > reach.net.end) reach = current;
  }
  return findings.sort((a, b) => a.second - b.second);
}

/**
 * The minimal set of CIDRs covering exactly the same addresses (adjacent and overlapping networks are
 * merged), IPv4 first, each family in address order. This is what goes into a policy.
 */
export function aggregate(cidrs: readonly string[]): string[] {
  if (cidrs.length === 0) return [];
  const merged = mergeCidr([...cidrs]).map((cidr) => {
    const text = String(cidr);
    return text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`;
  });
  const parsed = merged.map((cidr) => ({ cidr, p: parseCidr(cidr) }));
  parsed.sort((a, b) => a.p.version - b.p.version || (a.p.start < b.p.start ? -1 : a.p.start > b.p.start ? 1 : 0));
  return parsed.map(({ cidr }) => normalizeCidr(cidr, { compress: true }));
}
