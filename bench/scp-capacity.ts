/**
 * How many trusted networks fit in the network perimeter statement under the SCP size budget, after
 * aggregation, for random /24 and /32 networks (worst case: random networks rarely aggregate), and what
 * 1,000 networks cost. The baseline is the same statement with no CIDRs (the fixed overhead).
 */
import { perimeterStatements } from '../core/aws/perimeter-statements.ts';
import { documentSize } from '../core/aws/policy-document.ts';
import { planPerimeter } from '../core/aws/perimeter-plan.ts';
import { ConfigError } from '../core/config/config-error.ts';
import type { GuardrailsModel } from '../core/config/model.ts';
import { aggregate, isNetwork, parseNetwork, publicEgressProblem } from '../core/net/cidr.ts';
import { enforceModel } from '../test/helpers/config.ts';

/** Deterministic pseudo-random numbers (mulberry32) so runs are comparable. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct random public networks of one prefix length. */
export function randomNetworks(count: number, prefix: 24 | 32, seed = 1): string[] {
  const next = random(seed);
  const out = new Set<string>();
  while (out.size < count) {
    const n = Math.floor(next() * 2 ** 32) >>> 0;
    const masked = prefix === 32 ? n : (n >>> 8) << 8;
    const m = masked >>> 0;
    const cidr = `${m >>> 24}.${(m >>> 16) & 255}.${(m >>> 8) & 255}.${m & 255}/${prefix}`;
    const parsed = parseNetwork(cidr);
    if (isNetwork(parsed) && !publicEgressProblem(parsed)) out.add(cidr);
  }
  return [...out];
}

function modelWith(cidrs: string[]): GuardrailsModel {
  return enforceModel((c) => (c.trustedNetworks.cidrs = cidrs));
}

function perimeterSize(cidrs: string[]): number {
  const model = modelWith(cidrs);
  const statement = perimeterStatements(model.aws!, model.trusted).statements.find((s) => s.statement.Sid === 'DenyApiCallsFromOutsideTrustedNetworks')!;
  return documentSize([statement.statement]);
}

/** Largest n such that the first n random networks, aggregated, fit one policy (binary search). */
export function capacity(prefix: 24 | 32, budget = 10_240): { networks: number; aggregated: number; size: number } {
  const pool = randomNetworks(4000, prefix);
  let lo = 0;
  let hi = pool.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (perimeterSize(pool.slice(0, mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return { networks: lo, aggregated: aggregate(pool.slice(0, lo)).length, size: perimeterSize(pool.slice(0, lo)) };
}

/** Policies needed for 1,000 networks, or the one-line error that explains why they cannot fit. */
export async function thousandNetworks(kind: 'random /32' | 'contiguous /24'): Promise<string> {
  const cidrs = kind === 'random /32' ? randomNetworks(1000, 32) : Array.from({ length: 1000 }, (_, i) => `20.${i >> 8}.${i & 255}.0/24`);
  try {
    const plan = await planPerimeter(modelWith(cidrs));
    return `${plan.policies.length} policy(ies), ${aggregate(cidrs).length} CIDRs after aggregation, sizes ${plan.policies.map((p) => p.size).join(', ')}`;
  } catch (error) {
    if (error instanceof ConfigError) return `does not fit: ${error.message}`;
    throw error;
  }
}

export const baselineSize = () => perimeterSize(['203.0.113.0/24']);
