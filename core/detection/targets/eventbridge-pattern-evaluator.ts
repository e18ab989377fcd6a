/**
 * An independent evaluator of Amazon EventBridge event patterns, used to check that what our detection
 * compiler emits matches the same events as our rule engine. It is written from the AWS docs, not from
 * the compiler: the EventBridge User Guide pages "Amazon EventBridge event patterns", "Content filtering
 * in Amazon EventBridge event patterns", "Comparison operators for use in event patterns in Amazon
 * EventBridge", "Arrays in ..." and "Matching null values and empty strings in ..." and "Amazon
 * EventBridge quotas"; where those are silent, the README of aws/event-ruler, the open-source matcher
 * behind EventBridge (wildcard escapes, $or, array consistency, the ±5e9 numeric range).
 *
 * Supported: exact strings, numbers, true, false and null; `prefix` and `suffix` (plain or with
 * `equals-ignore-case`); `equals-ignore-case`; `wildcard`; `anything-but` with a value, a list of all
 * strings or all numbers, `prefix`, `suffix`, `equals-ignore-case` or `wildcard`; `numeric` with one
 * comparison or a lower and an upper bound; `cidr` (IPv4 and IPv6); `exists`; `$or`; nested objects.
 *
 * Rejected with an Error naming the JSON path: anything the docs do not list (e.g. `contains`), wrong
 * operand types, empty objects or arrays, operator names used as field names (almost always an
 * operator outside its array), keys containing "." (event-ruler cannot tell them from nesting), a field
 * constrained both inside and outside `$or`, CIDRs with host bits set or of /32 and /128 (event-ruler
 * refuses those), and patterns longer than the size quota.
 *
 * Matching: fields are ANDed, the values in a field's array are ORed, and every string comparison is
 * case sensitive unless `equals-ignore-case` says otherwise. The event is flattened into leaf fields
 * (strings, numbers, booleans, null); arrays are crushed, so a pattern value matches if any element
 * matches, but two fields may not be matched from different elements of the same array. A field that
 * holds an object or an empty array is not present (`exists` "only works on leaf nodes"). Operators
 * need the field to be present, `anything-but` included; `anything-but` accepts any leaf that is not
 * excluded, a number or null against a string exclusion too. Numbers compare by value: JSON.parse has
 * already made 300 and 3.0e2 the same number, so the docs' "300 and 3.0e2 are not equal" cannot be
 * reproduced here.
 */
import ipaddr from 'ipaddr.js';

/** "Event pattern size: 2,048 ... Maximum size, in characters" by default (Amazon EventBridge quotas). */
export const EVENT_PATTERN_DEFAULT_MAX_LENGTH = 2048;

/** The quota can be raised, but PutRule's EventPattern is at most 4096 characters. */
export const EVENT_PATTERN_MAX_LENGTH_CEILING = 4096;

/** "Numeric matching ... is limited to values between -5.0e9 and +5.0e9 inclusive". */
const NUMERIC_LIMIT = 5e9;

/** $or multiplies out into alternatives; this bounds the work a pathological pattern can cause. */
const MAX_ALTERNATIVES = 1000;

const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'cidr', 'exists'] as const;

type Leaf = string | number | boolean | null;

/** One field's list of match values; it holds if any of them does. */
interface Condition {
  readonly path: readonly string[];
  readonly jsonPath: string;
  readonly tests: readonly ((value: Leaf) => boolean)[];
  /** `{ "exists": true }` is in the list. */
  readonly orPresent: boolean;
  /** `{ "exists": false }` is in the list. */
  readonly orAbsent: boolean;
}

/** A conjunction of conditions; a pattern is a disjunction of these once $or is multiplied out. */
type Alternative = readonly Condition[];

/**
 * Throws an Error naming the JSON path and the problem if EventBridge would not accept `pattern` or
 * this evaluator does not support it. `maxLength` is the account's event pattern size quota.
 */
export function validateEventPattern(pattern: unknown, maxLength: number = EVENT_PATTERN_DEFAULT_MAX_LENGTH): void {
  compile(pattern, maxLength);
}

/** Whether `event` (a parsed JSON event) matches `pattern`; throws if the pattern is invalid. */
export function matchesEventPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  return eventPatternMatcher(pattern)(event);
}

/**
 * `matchesEventPattern` for one pattern and many events: the pattern is checked (it throws if invalid)
 * and compiled once, and the function returned tells whether an event matches it.
 */
export function eventPatternMatcher(pattern: Record<string, unknown>): (event: unknown) => boolean {
  const alternatives = compile(pattern, EVENT_PATTERN_MAX_LENGTH_CEILING);
  return (event) => {
    const fields = flatten(event);
    return alternatives.some((alternative) => satisfies(alternative, fields));
  };
}

function compile(pattern: unknown, maxLength: number): Alternative[] {
  if (maxLength > EVENT_PATTERN_MAX_LENGTH_CEILING) {
    throw new Error(`An event pattern size quota of ${maxLength} is impossible: EventBridge allows at most ${EVENT_PATTERN_MAX_LENGTH_CEILING} characters`);
  }
  if (!isJsonObject(pattern)) fail('$', 'an event pattern must be a JSON object');
  const length = JSON.stringify(pattern).length;
  if (length > maxLength) fail('$', `the pattern is ${length} characters long; the quota allows ${maxLength}`);
  return compileObject(pattern, [], '$');
}

function compileObject(object: unknown, path: readonly string[], jsonPath: string): Alternative[] {
  if (!isJsonObject(object)) fail(jsonPath, 'must be an object');
  const keys = Object.keys(object);
  if (keys.length === 0) fail(jsonPath, 'empty objects are not allowed');
  let alternatives: Alternative[] = [[]];
  for (const key of keys) {
    const value = object[key];
    const childPath = `${jsonPath}${pathStep(key)}`;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) fail(childPath, '"$or" must be an array of at least two objects');
      const choices = value.flatMap((branch: unknown, i) => compileObject(branch, path, `${childPath}[${i}]`));
      alternatives = multiply(alternatives, choices, childPath);
      continue;
    }
    if ((OPERATORS as readonly string[]).includes(key)) {
      fail(childPath, `"${key}" is an operator, so it must be inside a field's array, as in "field": [ { "${key}": ... } ]`);
    }
    if (key.includes('.')) fail(childPath, 'keys containing "." are not supported: EventBridge does not distinguish them from nesting');
    if (Array.isArray(value)) {
      const condition = compileCondition(value, [...path, key], childPath);
      alternatives = multiply(alternatives, [[condition]], childPath);
    } else if (isJsonObject(value)) {
      alternatives = multiply(alternatives, compileObject(value, [...path, key], childPath), childPath);
    } else {
      fail(childPath, 'must be an object or an array of match values');
    }
  }
  return alternatives;
}

/** Every way of picking one alternative from each side, refusing to constrain a field twice. */
function multiply(left: readonly Alternative[], right: readonly Alternative[], jsonPath: string): Alternative[] {
  if (left.length * right.length > MAX_ALTERNATIVES) fail(jsonPath, `"$or" expands to more than ${MAX_ALTERNATIVES} alternatives`);
  return left.flatMap((a) =>
    right.map((b) => {
      for (const condition of b) {
        const clash = a.find((other) => samePath(other.path, condition.path));
        if (clash !== undefined) {
          fail(condition.jsonPath, `this field is also constrained at ${clash.jsonPath}; how EventBridge combines the two is not documented`);
        }
      }
      return [...a, ...b];
    }),
  );
}

function compileCondition(values: readonly unknown[], path: readonly string[], jsonPath: string): Condition {
  if (values.length === 0) fail(jsonPath, 'empty arrays are not allowed');
  const tests: ((value: Leaf) => boolean)[] = [];
  let orPresent = false;
  let orAbsent = false;
  values.forEach((value, i) => {
    const at = `${jsonPath}[${i}]`;
    if (isJsonObject(value) && Object.keys(value).length === 1 && 'exists' in value) {
      if (typeof value.exists !== 'boolean') fail(`${at}.exists`, 'must be true or false');
      if (value.exists) orPresent = true;
      else orAbsent = true;
    } else {
      tests.push(compileMatchValue(value, at));
    }
  });
  return { path, jsonPath, tests, orPresent, orAbsent };
}

function compileMatchValue(value: unknown, jsonPath: string): (leaf: Leaf) => boolean {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return (leaf) => leaf === value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(jsonPath, 'numbers must be finite');
    return (leaf) => leaf === value;
  }
  if (!isJsonObject(value)) fail(jsonPath, 'a match value must be a string, number, true, false, null or an operator object');
  const keys = Object.keys(value);
  const operator = keys[0];
  if (operator === undefined || keys.length > 1) fail(jsonPath, 'an operator object must have exactly one key');
  const operand = value[operator];
  const at = `${jsonPath}${pathStep(operator)}`;
  switch (operator) {
    case 'prefix':
      return stringTest(affixTest(operand, at, 'prefix'));
    case 'suffix':
      return stringTest(affixTest(operand, at, 'suffix'));
    case 'equals-ignore-case':
      return stringTest(equalsIgnoreCaseTest(operand, at));
    case 'wildcard':
      return stringTest(wildcardTest(operand, at));
    case 'anything-but': {
      const excluded = anythingButTest(operand, at);
      return (leaf) => !excluded(leaf);
    }
    case 'numeric':
      return numericTest(operand, at);
    case 'cidr':
      return cidrTest(operand, at);
    default:
      fail(jsonPath, `unknown operator "${operator}"; EventBridge documents ${OPERATORS.join(', ')}`);
  }
}

function stringTest(test: (value: string) => boolean): (leaf: Leaf) => boolean {
  return (leaf) => typeof leaf === 'string' && test(leaf);
}

/** `"prefix": "x"` or `"prefix": { "equals-ignore-case": "x" }`, and the same for suffix. */
function affixTest(operand: unknown, jsonPath: string, end: 'prefix' | 'suffix'): (value: string) => boolean {
  if (typeof operand === 'string') return end === 'prefix' ? (value) => value.startsWith(operand) : (value) => value.endsWith(operand);
  if (isJsonObject(operand) && Object.keys(operand).length === 1 && typeof operand['equals-ignore-case'] === 'string') {
    const wanted = codePoints(operand['equals-ignore-case']);
    return (value) => {
      const points = codePoints(value);
      if (points.length < wanted.length) return false;
      const part = end === 'prefix' ? points.slice(0, wanted.length) : points.slice(points.length - wanted.length);
      return sameIgnoringCase(part, wanted);
    };
  }
  return fail(jsonPath, `must be a string or { "equals-ignore-case": "<string>" }`);
}

function equalsIgnoreCaseTest(operand: unknown, jsonPath: string): (value: string) => boolean {
  if (typeof operand !== 'string') fail(jsonPath, 'must be a string');
  const wanted = codePoints(operand);
  return (value) => sameIgnoringCase(codePoints(value), wanted);
}

/** Compared code point by code point, so a case mapping that changes length (ß → SS) never matches. */
function sameIgnoringCase(a: readonly string[], b: readonly string[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i] ?? '';
      return x === y || x.toLowerCase() === y.toLowerCase() || x.toUpperCase() === y.toUpperCase();
    })
  );
}

function codePoints(text: string): string[] {
  return Array.from(text);
}

/**
 * `*` matches any run of characters, `\*` is a literal asterisk and `\\` a literal backslash; any other
 * escape and two wildcards in a row are refused, as event-ruler documents.
 */
function wildcardTest(operand: unknown, jsonPath: string): (value: string) => boolean {
  if (typeof operand !== 'string') fail(jsonPath, 'must be a string');
  let source = '';
  let previousWasWildcard = false;
  for (let i = 0; i < operand.length; i++) {
    const ch = operand[i] ?? '';
    if (ch === '*') {
      if (previousWasWildcard) fail(jsonPath, 'consecutive wildcard characters are not allowed');
      source += '[\\s\\S]*';
      previousWasWildcard = true;
      continue;
    }
    previousWasWildcard = false;
    if (ch === '\\') {
      const next = operand[i + 1];
      if (next !== '*' && next !== '\\') fail(jsonPath, 'a backslash may only escape "*" or "\\"');
      source += `\\${next}`;
      i++;
    } else {
      source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  const regex = new RegExp(`^${source}$`);
  return (value) => regex.test(value);
}

/** The leaves `anything-but` excludes; the caller negates. */
function anythingButTest(operand: unknown, jsonPath: string): (leaf: Leaf) => boolean {
  if (typeof operand === 'string' || typeof operand === 'number') return anythingButTest([operand], jsonPath);
  if (Array.isArray(operand)) {
    if (operand.length === 0) fail(jsonPath, 'the list must not be empty');
    if (operand.every((item) => typeof item === 'string')) {
      const excluded = new Set<unknown>(operand);
      return (leaf) => typeof leaf === 'string' && excluded.has(leaf);
    }
    if (operand.every((item) => typeof item === 'number' && Number.isFinite(item))) {
      const excluded = new Set<unknown>(operand);
      return (leaf) => typeof leaf === 'number' && excluded.has(leaf);
    }
    return fail(jsonPath, 'the list must hold only strings or only numbers');
  }
  if (!isJsonObject(operand) || Object.keys(operand).length !== 1) {
    return fail(jsonPath, 'must be a string, a number, a list of either, or one of prefix, suffix, equals-ignore-case, wildcard');
  }
  const [inner = '', innerOperand] = Object.entries(operand)[0] ?? [];
  const at = `${jsonPath}${pathStep(inner)}`;
  switch (inner) {
    case 'prefix':
    case 'suffix':
      if (typeof innerOperand !== 'string' || innerOperand === '') fail(at, 'must be a non-empty string');
      return stringTest(affixTest(innerOperand, at, inner));
    case 'equals-ignore-case': {
      const list = Array.isArray(innerOperand) ? innerOperand : [innerOperand];
      if (list.length === 0) fail(at, 'the list must not be empty');
      const tests = list.map((item: unknown, i) => equalsIgnoreCaseTest(item, Array.isArray(innerOperand) ? `${at}[${i}]` : at));
      return stringTest((value) => tests.some((test) => test(value)));
    }
    case 'wildcard': {
      // A list excludes any of its patterns. The user guide shows only the single form; the list form is
      // what the rule engine behind EventBridge (aws/event-ruler) accepts, and what rule authors use to
      // exempt several principals at once.
      const list = Array.isArray(innerOperand) ? innerOperand : [innerOperand];
      if (list.length === 0) fail(at, 'the list must not be empty');
      const tests = list.map((item: unknown, i) => wildcardTest(item, Array.isArray(innerOperand) ? `${at}[${i}]` : at));
      return stringTest((value) => tests.some((test) => test(value)));
    }
    default:
      return fail(at, `"anything-but" cannot take "${inner}"; it takes prefix, suffix, equals-ignore-case or wildcard`);
  }
}

/** `[op, n]` with op one of = < <= > >=, or `[> or >=, low, < or <=, high]`. */
function numericTest(operand: unknown, jsonPath: string): (leaf: Leaf) => boolean {
  if (!Array.isArray(operand)) fail(jsonPath, 'must be an array such as [">", 0, "<=", 5]');
  const bound = (i: number): number => {
    const n: unknown = operand[i];
    if (typeof n !== 'number' || !Number.isFinite(n)) fail(`${jsonPath}[${i}]`, 'must be a number');
    if (Math.abs(n) > NUMERIC_LIMIT) fail(`${jsonPath}[${i}]`, `must be between -5.0e9 and +5.0e9`);
    return n;
  };
  const inRange = (test: (n: number) => boolean) => (leaf: Leaf) => typeof leaf === 'number' && Math.abs(leaf) <= NUMERIC_LIMIT && test(leaf);
  const [first, , second] = operand;
  if (operand.length === 2) {
    const n = bound(1);
    if (first === '=') return inRange((v) => v === n);
    if (first === '<') return inRange((v) => v < n);
    if (first === '<=') return inRange((v) => v <= n);
    if (first === '>') return inRange((v) => v > n);
    if (first === '>=') return inRange((v) => v >= n);
    return fail(`${jsonPath}[0]`, 'must be one of "=", "<", "<=", ">", ">="');
  }
  if (operand.length === 4) {
    if (first !== '>' && first !== '>=') fail(`${jsonPath}[0]`, 'a range must start with ">" or ">="');
    if (second !== '<' && second !== '<=') fail(`${jsonPath}[2]`, 'a range must end with "<" or "<="');
    const low = bound(1);
    const high = bound(3);
    if (low >= high) fail(jsonPath, 'the lower bound must be below the upper bound');
    return inRange((v) => (first === '>' ? v > low : v >= low) && (second === '<' ? v < high : v <= high));
  }
  return fail(jsonPath, 'must hold one comparison and number, or a lower and an upper bound');
}

interface IpNumber {
  readonly version: 4 | 6;
  readonly value: bigint;
}

/** Matches strings that are IP address literals inside the block; any other leaf, invalid IPs included, is no match. */
function cidrTest(operand: unknown, jsonPath: string): (leaf: Leaf) => boolean {
  if (typeof operand !== 'string') fail(jsonPath, 'must be a string such as "10.0.0.0/24"');
  const [addressText = '', bitsText, ...rest] = operand.split('/');
  const address = parseIp(addressText);
  if (address === undefined || bitsText === undefined || rest.length > 0 || !/^(0|[1-9]\d{0,2})$/.test(bitsText)) {
    fail(jsonPath, `"${operand}" is not an IPv4 or IPv6 CIDR such as 10.0.0.0/24 or 2001:db8::/32`);
  }
  const width = address.version === 4 ? 32 : 128;
  const bits = Number(bitsText);
  if (bits > width) fail(jsonPath, `/${bits} is longer than an IPv${address.version} address`);
  if (bits === width) {
    fail(jsonPath, `a /${bits} is refused by event-ruler (mask bits must be below ${width}); match the address as a plain string`);
  }
  const hostMask = (1n << BigInt(width - bits)) - 1n;
  if ((address.value & hostMask) !== 0n) fail(jsonPath, `"${operand}" has host bits set; write the network address`);
  return (leaf) => {
    if (typeof leaf !== 'string') return false;
    const ip = parseIp(leaf);
    return ip !== undefined && ip.version === address.version && (ip.value & ~hostMask) === address.value;
  };
}

const IPV4 = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

/** Strict: dotted-quad IPv4 without leading zeros, or IPv6 in hex and colons (no zone, no embedded IPv4). */
function parseIp(text: string): IpNumber | undefined {
  const v4 = IPV4.exec(text);
  if (v4 !== null) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((octet) => octet > 255)) return undefined;
    return { version: 4, value: octets.reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n) };
  }
  if (/^[0-9A-Fa-f:]+$/.test(text) && text.includes(':') && ipaddr.IPv6.isValid(text)) {
    const parts = ipaddr.IPv6.parse(text).parts;
    return { version: 6, value: parts.reduce((acc, part) => (acc << 16n) | BigInt(part), 0n) };
  }
  return undefined;
}

interface Field {
  readonly path: readonly string[];
  readonly value: Leaf;
  /** Which element of which array (numbered in document order) this leaf sits in. */
  readonly elements: ReadonlyMap<number, number>;
}

/** The event's leaves with their paths; arrays add no path step but record the element taken. */
function flatten(event: unknown): Field[] {
  const fields: Field[] = [];
  let arrays = 0;
  const visit = (node: unknown, path: readonly string[], elements: ReadonlyMap<number, number>): void => {
    if (Array.isArray(node)) {
      const id = arrays++;
      for (const [i, element] of (node as unknown[]).entries()) visit(element, path, new Map([...elements, [id, i]]));
    } else if (isJsonObject(node)) {
      for (const [key, child] of Object.entries(node)) visit(child, [...path, key], elements);
    } else if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean' || node === null) {
      if (path.length > 0) fields.push({ path, value: node, elements });
    }
  };
  if (isJsonObject(event)) visit(event, [], new Map());
  return fields;
}

/**
 * Searches for one leaf per condition such that all the chosen leaves agree on every array they share.
 * Conditions that may be met by absence go last, so absence is judged against the elements already
 * chosen: "no such field in this element", as event-ruler does.
 */
function satisfies(alternative: Alternative, fields: readonly Field[]): boolean {
  const ordered = [...alternative].sort((a, b) => Number(a.orAbsent) - Number(b.orAbsent));
  const search = (index: number, chosen: ReadonlyMap<number, number>): boolean => {
    const condition = ordered[index];
    if (condition === undefined) return true;
    const candidates = fields.filter((field) => samePath(field.path, condition.path) && consistent(chosen, field.elements));
    for (const field of candidates) {
      if ((condition.orPresent || condition.tests.some((test) => test(field.value))) && search(index + 1, new Map([...chosen, ...field.elements]))) {
        return true;
      }
    }
    return condition.orAbsent && candidates.length === 0 && search(index + 1, chosen);
  };
  return search(0, new Map());
}

function consistent(chosen: ReadonlyMap<number, number>, elements: ReadonlyMap<number, number>): boolean {
  for (const [array, element] of elements) {
    const taken = chosen.get(array);
    if (taken !== undefined && taken !== element) return false;
  }
  return true;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

function pathStep(key: string): string {
  return /^[A-Za-z0-9_$-]+$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(jsonPath: string, problem: string): never {
  throw new Error(`Invalid EventBridge event pattern at ${jsonPath}: ${problem}`);
}
