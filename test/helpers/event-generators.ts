/**
 * Events steered by a rule's own expression, so that conformance tests see every rule both fire and
 * not fire on every target. `witnesses(expr, true)` builds assignments (field -> value, or absent) meant
 * to satisfy the expression, `witnesses(expr, false)` assignments meant to falsify it, each leaf
 * contributing its own near misses: the CIDR boundaries (first and last address of each network, one
 * below and one above), case-swapped text for |cased, absent and null fields, prefixes and suffixes
 * one character off. The generator only steers: the rule evaluator decides whether an event matches,
 * so a wrong guess here costs coverage, never a wrong verdict.
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { hasWildcard, type Expr, type Match } from '../../core/detection/expr.ts';
import { compileExpr } from '../../core/detection/evaluator.ts';
import { isNetwork, parseNetwork } from '../../core/net/cidr.ts';

/** A field's generated value; undefined means the key is absent from the event. */
export type GeneratedValue = string | null | undefined;
export type Assignment = ReadonlyMap<string, GeneratedValue>;

/** At most this many assignments per node of the expression, so wide rules stay cheap. */
const PER_NODE = 16;

/** The address `n` of an IP family as text (IPv6 compressed). */
export function addressText(n: bigint, version: 4 | 6): string {
  const bytes: number[] = [];
  for (let i = version === 4 ? 3 : 15; i >= 0; i--) bytes.push(Number((n >> BigInt(8 * i)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

const swapCase = (s: string): string => [...s].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');

/** A concrete text for a Sigma wildcard value: each unescaped `*` becomes `fill`. */
function fillWildcards(value: string, fill: string): string {
  return value
    .replace(/(^|[^\\])\*/g, `$1${fill}`)
    .replace(/(^|[^\\])\*/g, `$1${fill}`)
    .replace(/\\\*/g, '*');
}

function cidrValues(match: Match, wanted: boolean): GeneratedValue[] {
  const networks = match.values.map((v) => parseNetwork(String(v))).filter(isNetwork);
  // A long list (a complement) is sampled at both ends and the middle; every boundary kind still appears.
  const picked = networks.length <= 6 ? networks : [...networks.slice(0, 3), networks[Math.floor(networks.length / 2)]!, ...networks.slice(-3)];
  const out: GeneratedValue[] = [];
  for (const n of picked) {
    const max = n.version === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
    if (wanted) out.push(addressText(n.start, n.version), addressText(n.end, n.version));
    else {
      if (n.start > 0n) out.push(addressText(n.start - 1n, n.version));
      if (n.end < max) out.push(addressText(n.end + 1n, n.version));
    }
  }
  // Values that are no IP at all never match a CIDR: a service name, garbage. Not a CIDR: an IP field
  // never holds one in real logs, and the target languages disagree on what matching one would mean.
  if (!wanted) out.push(undefined, 'ec2.amazonaws.com', 'not an ip');
  return out;
}

function textValues(match: Match, wanted: boolean): GeneratedValue[] {
  const values = match.values.map(String);
  const out: GeneratedValue[] = [];
  const variants = (s: string): string[] => (match.cased || s === swapCase(s) ? [s] : [s, swapCase(s), s.toUpperCase()]);
  if (match.all && values.length > 1) {
    // Every value in one string satisfies contains|all; each value alone misses the others.
    const joined = values.join('|');
    if (wanted) out.push(...variants(match.op === 'equals' ? values[0]! : joined));
    else out.push(...values, undefined);
    return out;
  }
  for (const v of values) {
    switch (match.op) {
      case 'equals':
        if (wanted) out.push(...variants(hasWildcard(v) ? fillWildcards(v, 'Zq') : v), ...(hasWildcard(v) ? [fillWildcards(v, '')] : []));
        else out.push(`x${v}`, `${v}x`, v.slice(0, -1), ...(match.cased && v !== swapCase(v) ? [swapCase(v)] : []));
        break;
      case 'contains':
        if (wanted) out.push(...variants(`pre-${v}-post`), v);
        else out.push(v.slice(0, -1), v.slice(1), ...(match.cased && v !== swapCase(v) ? [`pre-${swapCase(v)}`] : []));
        break;
      case 'startswith':
        if (wanted) out.push(...variants(`${v}tail`), v);
        else out.push(`x${v}`, v.slice(0, -1), ...(match.cased && v !== swapCase(v) ? [swapCase(v)] : []));
        break;
      case 'endswith':
        if (wanted) out.push(...variants(`head${v}`), v);
        else out.push(`${v}x`, v.slice(1), ...(match.cased && v !== swapCase(v) ? [swapCase(v)] : []));
        break;
      case 're': {
        if (wanted) {
          try {
            out.push(...fc.sample(fc.stringMatching(new RegExp(v)), { numRuns: 3, seed: 7 }));
          } catch {
            // A regex fast-check cannot invert: the other leaves and the random fill still run.
          }
        } else out.push('', '~~~');
        break;
      }
      default:
        break;
    }
  }
  if (!wanted) out.push(undefined, null);
  return out;
}

function leafValues(match: Match, wanted: boolean): GeneratedValue[] {
  switch (match.op) {
    case 'null':
      return wanted ? [undefined, null] : ['present'];
    case 'exists':
      return (match.values[0] === true) === wanted ? ['present', null] : [undefined];
    case 'cidr':
      return cidrValues(match, wanted);
    default:
      return textValues(match, wanted);
  }
}

/** Merges assignments; undefined when two of them give one field different values. */
function merge(parts: readonly Assignment[]): Assignment | undefined {
  const out = new Map<string, GeneratedValue>();
  for (const part of parts) {
    for (const [field, value] of part) {
      if (out.has(field) && out.get(field) !== value) return undefined;
      out.set(field, value);
    }
  }
  return out;
}

/**
 * Up to PER_NODE merged picks, one from each list, consistent with each other: a depth-first search
 * with backtracking from a different start offset each time, within a step budget.
 */
function combine(lists: readonly (readonly Assignment[])[]): Assignment[] {
  if (lists.some((l) => l.length === 0)) return [];
  const out: Assignment[] = [];
  const longest = Math.max(...lists.map((l) => l.length));
  for (let k = 0; k < longest && out.length < PER_NODE; k++) {
    let budget = 5000;
    const search = (i: number, merged: Assignment): Assignment | undefined => {
      if (i === lists.length) return merged;
      const l = lists[i]!;
      for (let j = 0; j < l.length && budget-- > 0; j++) {
        const next = merge([merged, l[(k * (i + 1) + j) % l.length]!]);
        const found = next && search(i + 1, next);
        if (found) return found;
      }
      return undefined;
    };
    const found = search(0, new Map());
    if (found) out.push(found);
  }
  return dedupe(out);
}

const key = (a: Assignment): string => JSON.stringify([...a].sort(([x], [y]) => (x < y ? -1 : 1)).map(([f, v]) => [f, v === undefined ? '<absent>' : v]));

function dedupe(list: readonly Assignment[]): Assignment[] {
  const seen = new Map<string, Assignment>();
  for (const a of list) seen.set(key(a), a);
  return [...seen.values()];
}

/** Round-robin over the lists, so every branch of an OR gets its turn within the limit. */
function interleave(lists: readonly (readonly Assignment[])[]): Assignment[] {
  const out: Assignment[] = [];
  for (let i = 0; out.length < PER_NODE && lists.some((l) => i < l.length); i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
  return dedupe(out).slice(0, PER_NODE);
}

/**
 * Assignments meant to make `expr` evaluate to `wanted`. A leaf's values are drawn from what every leaf
 * on its field proposes, kept when the leaf alone gives `wanted` on them, so leaves sharing a field
 * (`eventType: '*'` and `not eventType: AwsServiceEvent`) find a value that suits both.
 */
export function witnesses(expr: Expr, wanted: boolean): Assignment[] {
  const candidates = new Map<string, Set<GeneratedValue>>();
  const collect = (e: Expr): void => {
    if (e.kind === 'match') {
      const set = candidates.get(e.field) ?? new Set<GeneratedValue>([undefined, null]);
      for (const v of [...leafValues(e, true), ...leafValues(e, false)]) set.add(v);
      candidates.set(e.field, set);
    } else if (e.kind === 'not') collect(e.item);
    else e.items.forEach(collect);
  };
  collect(expr);
  const leaf = (m: Match, want: boolean): Assignment[] => {
    const test = compileExpr(m);
    const own = leafValues(m, want);
    const others = [...candidates.get(m.field)!].filter((v) => !own.includes(v));
    return dedupe([...own, ...others].filter((v) => test(eventFrom([[m.field, v]])) === want).map((v) => new Map([[m.field, v]])));
  };
  const walk = (e: Expr, want: boolean): Assignment[] => {
    switch (e.kind) {
      case 'match':
        return leaf(e, want);
      case 'not':
        return walk(e.item, !want);
      case 'and':
      case 'or': {
        // and-true / or-false need every child at once. and-false / or-true need one child; the others are
        // near misses where they can be (the rest of the AND still true), unconstrained where they cannot.
        const every = (e.kind === 'and') === want;
        if (every) return combine(e.items.map((item) => walk(item, want)));
        const free: Assignment = new Map();
        const nearMisses = e.items.map((item, i) =>
          combine([walk(item, want), ...e.items.filter((_, j) => j !== i).map((other) => [...walk(other, !want), free])]),
        );
        // The deciding child alone too, so an enclosing AND/OR can still combine it with its siblings.
        return interleave([...nearMisses, ...e.items.map((item) => walk(item, want))]);
      }
    }
  };
  return walk(expr, wanted);
}

/**
 * `witnesses` for steeredEvents and eventArbitrary, computed once per expression and kept: a test asks
 * both for the same rule (on each of its targets), and the search is the costly part of either. The two
 * only read the assignments; `witnesses` itself still hands every caller lists of its own.
 */
const witnessCache = new WeakMap<Expr, { true?: readonly Assignment[]; false?: readonly Assignment[] }>();
function sharedWitnesses(expr: Expr, wanted: boolean): readonly Assignment[] {
  let entry = witnessCache.get(expr);
  if (!entry) {
    entry = {};
    witnessCache.set(expr, entry);
  }
  const key = wanted ? 'true' : 'false';
  entry[key] ??= witnesses(expr, wanted);
  return entry[key];
}

/** Values that make a rule's own matches likely, per field: its values, near misses, and other types. */
export function vocabulary(expr: Expr, fields = new Map<string, Set<GeneratedValue>>()): Map<string, Set<GeneratedValue>> {
  if (expr.kind === 'match') {
    const set = fields.get(expr.field) ?? new Set<GeneratedValue>();
    for (const v of [...leafValues(expr, true), ...leafValues(expr, false)]) if (v !== undefined) set.add(v);
    set.add('203.0.113.7').add('8.8.8.8').add('not an ip').add(null);
    fields.set(expr.field, set);
  } else if (expr.kind === 'not') vocabulary(expr.item, fields);
  else for (const item of expr.items) vocabulary(item, fields);
  return fields;
}

/** Fields every record of a product carries, with ordinary values, so events look like real records. */
export const BACKGROUND: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  aws: {
    eventSource: ['s3.amazonaws.com', 'ec2.amazonaws.com', 'iam.amazonaws.com'],
    eventName: ['GetObject', 'DescribeInstances'],
    eventType: ['AwsApiCall', 'AwsConsoleSignIn'],
    awsRegion: ['us-east-1', 'eu-west-1'],
    sourceIPAddress: ['203.0.113.7', '8.8.8.8', 'ec2.amazonaws.com'],
    userAgent: ['aws-cli/2.15.0 Python/3.11.6', 'console.amazonaws.com'],
    'userIdentity.type': ['IAMUser', 'AssumedRole'],
    recipientAccountId: ['444455556666'],
  },
  gcp: {
    logName: ['organizations/123456789012/logs/cloudaudit.googleapis.com%2Factivity'],
    'protoPayload.serviceName': ['storage.googleapis.com', 'compute.googleapis.com'],
    'protoPayload.methodName': ['storage.objects.get', 'v1.compute.instances.list'],
    'protoPayload.requestMetadata.callerIp': ['203.0.113.7', '8.8.8.8'],
    'protoPayload.authenticationInfo.principalEmail': ['alice@example.com'],
  },
  azure: {
    OperationName: ['Sign-in activity'],
    ResultType: ['0', '50126'],
    IPAddress: ['203.0.113.7', '8.8.8.8'],
  },
};

/** Builds a nested event from dotted paths; an undefined value leaves the key out. */
export function eventFrom(entries: Iterable<readonly [string, GeneratedValue]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of entries) {
    if (value === undefined) continue;
    const keys = path.split('.');
    let node = root;
    for (const k of keys.slice(0, -1)) {
      if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]!] = value;
  }
  return root;
}

/**
 * The deterministic events for a rule: each witness (meant to match and meant not to) as it is, and
 * with the other fields of its vocabulary and the product's background filled in from a seeded sample.
 */
export function steeredEvents(expr: Expr, product: string, fills = 3): Record<string, unknown>[] {
  const fields = vocabulary(expr);
  const background = BACKGROUND[product] ?? {};
  const pool = new Map<string, readonly GeneratedValue[]>([...Object.entries(background), ...[...fields].map(([f, s]) => [f, [...s]] as const)]);
  const all = [...sharedWitnesses(expr, true), ...sharedWitnesses(expr, false)];
  const events = new Map<string, Record<string, unknown>>();
  const add = (a: Assignment) => {
    const event = eventFrom(a);
    events.set(JSON.stringify(event), event);
  };
  let seed = 1;
  for (const a of all) {
    add(a);
    for (let i = 0; i < fills; i++) {
      const free = [...pool].filter(([f]) => !a.has(f) && ![...a.keys()].some((g) => g.startsWith(`${f}.`) || f.startsWith(`${g}.`)));
      if (free.length === 0) break;
      const [fill] = fc.sample(fc.tuple(...free.map(([f, vs]) => fc.tuple(fc.constant(f), fc.option(fc.constantFrom(...vs), { nil: undefined })))), {
        numRuns: 1,
        seed: seed++,
      });
      add(new Map([...a, ...(fill as [string, GeneratedValue][])]));
    }
  }
  return [...events.values()];
}

/** An arbitrary event for property runs: a witness with random fill, or a purely random vocabulary event. */
export function eventArbitrary(expr: Expr, product: string): fc.Arbitrary<Record<string, unknown>> {
  const fields = vocabulary(expr);
  const pool = new Map<string, readonly GeneratedValue[]>([...Object.entries(BACKGROUND[product] ?? {}), ...[...fields].map(([f, s]) => [f, [...s]] as const)]);
  const random = fc.tuple(...[...pool].map(([f, vs]) => fc.tuple(fc.constant(f), fc.option(fc.constantFrom(...vs), { nil: undefined }))));
  const steered = [...sharedWitnesses(expr, true), ...sharedWitnesses(expr, false)];
  if (steered.length === 0) return random.map((entries) => eventFrom(entries as [string, GeneratedValue][]));
  return fc.oneof(
    random.map((entries) => eventFrom(entries as [string, GeneratedValue][])),
    fc
      .tuple(fc.constantFrom(...steered), random)
      .map(([a, entries]) =>
        eventFrom([
          ...(entries as [string, GeneratedValue][]).filter(([f]) => !a.has(f) && ![...a.keys()].some((g) => g.startsWith(`${f}.`) || f.startsWith(`${g}.`))),
          ...a,
        ]),
      ),
  );
}
