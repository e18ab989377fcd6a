/**
 * Address ranges that never appear as a caller's public source address (so never in aws:SourceIp,
 * Entra named locations or GCP access levels). Facts from the IANA special-purpose registries
 * (RFC 6890 and successors).
 */
export interface SpecialRange {
  readonly cidr: string;
  readonly name: string;
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

/** Accepted (the example config uses them) but never a real egress: a warning says so. */
export const DOCUMENTATION_RANGES: readonly SpecialRange[] = [
  { cidr: '192.0.2.0/24', name: 'documentation TEST-NET-1 (RFC 5737)' },
  { cidr: '198.51.100.0/24', name: 'documentation TEST-NET-2 (RFC 5737)' },
  { cidr: '203.0.113.0/24', name: 'documentation TEST-NET-3 (RFC 5737)' },
  { cidr: '2001:db8::/32', name: 'documentation (RFC 3849)' },
];
