/**
 * Address ranges that never appear as a caller's public source address (so never in aws:SourceIp,
 * Entra named locations or GCP access levels). Facts from the IANA special-purpose registries
 * (RFC 6890 and successors).
 */
export interface SpecialRange {
  readonly cidr: string;
  readonly name: string;
  /** What to trust instead, when it differs from "use your public egress range". */
  readonly fix?: string;
}

export const NON_PUBLIC_IPV4: readonly SpecialRange[] = [
  { cidr: '0.0.0.0/8', name: '"this network" (RFC 791)' },
  { cidr: '10.0.0.0/8', name: 'private (RFC 1918)' },
  { cidr: '100.64.0.0/10', name: 'carrier-grade NAT shared space (RFC 6598)' },
  { cidr: '127.0.0.0/8', name: 'loopback (RFC 1122)' },
  { cidr: '169.254.0.0/16', name: 'link-local (RFC 3927)' },
  { cidr: '172.16.0.0/12', name: 'private (RFC 1918)' },
  { cidr: '192.0.0.0/24', name: 'IETF protocol assignments (RFC 6890)' },
  { cidr: '192.168.0.0/16', name: 'private (RFC 1918)' },
  { cidr: '198.18.0.0/15', name: 'benchmarking (RFC 2544)' },
  { cidr: '224.0.0.0/4', name: 'multicast (RFC 5771)' },
  { cidr: '240.0.0.0/4', name: 'reserved and broadcast (RFC 1112, RFC 919)' },
];

/** IPv6 callers come from global unicast space; everything outside 2000::/3 is not a public source. */
export const IPV6_GLOBAL_UNICAST = '2000::/3';

const TUNNEL_FIX = 'Trust the public IPv4 egress address the tunnel runs over instead.';

/**
 * IPv6 ranges from the IANA IPv6 Special-Purpose Address Registry that are never an organisation's
 * egress. Most specific first: a network is named by the first range that contains it. 5f00::/16 is
 * outside 2000::/3 but listed so the message names it.
 */
export const NON_PUBLIC_IPV6: readonly SpecialRange[] = [
  // An address derived from an IPv4 address and a NAT mapping, which changes with them.
  { cidr: '2001::/32', name: 'Teredo (RFC 4380)', fix: TUNNEL_FIX },
  { cidr: '2001:2::/48', name: 'benchmarking (RFC 5180)' },
  // Cryptographic host identifiers, not routable locators.
  { cidr: '2001:10::/28', name: 'ORCHID, deprecated (RFC 4843)' },
  { cidr: '2001:20::/28', name: 'ORCHIDv2 (RFC 7343)' },
  // The rest of the block (AMT, AS112, anycast service addresses) is not an organisation's allocation either.
  { cidr: '2001::/23', name: 'IETF protocol assignments (RFC 2928)' },
  // Embeds an IPv4 address; its anycast relays are deprecated (RFC 7526).
  { cidr: '2002::/16', name: '6to4 (RFC 3056)', fix: TUNNEL_FIX },
  // Segment identifiers live inside one SR domain and are never a packet's source on the Internet.
  { cidr: '5f00::/16', name: 'SRv6 segment identifiers (RFC 9602)' },
];

/** Accepted (the example config uses them) but never a real egress: a warning says so. */
export const DOCUMENTATION_RANGES: readonly SpecialRange[] = [
  { cidr: '192.0.2.0/24', name: 'documentation TEST-NET-1 (RFC 5737)' },
  { cidr: '198.51.100.0/24', name: 'documentation TEST-NET-2 (RFC 5737)' },
  { cidr: '203.0.113.0/24', name: 'documentation TEST-NET-3 (RFC 5737)' },
  { cidr: '2001:db8::/32', name: 'documentation (RFC 3849)' },
  { cidr: '3fff::/20', name: 'documentation (RFC 9637)' },
];
