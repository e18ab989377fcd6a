/**
 * An independent evaluator of the Google Cloud Logging query language, used to check that the Logging
 * queries our detection compiler emits (log-based metrics, log-match alert policies) select the same
 * LogEntry JSON objects as our rule engine. It is written from Google's reference page "Logging query
 * language" (and, for precedence, "Build and save queries by using the Logging query language"), not
 * from the compiler.
 *
 * Supported: comparisons `[FIELD] [OP] [VALUE]` with `= != < <= > >= : =~ !~`, `[FIELD]:*`, `AND`, `OR`,
 * `NOT`, `-`, implicit AND (juxtaposition, newlines), parentheses; parenthesized values
 * (`resource.type = ("a" OR "b")`, the field and operator apply to each element); field paths with
 * quoted segments (`labels."compute.googleapis.com/resource_name"`); double-quoted strings with the
 * escapes `\" \\ \n \t \r`; unquoted text and numbers; `NULL_VALUE`; `-- comments`; the functions
 * `ip_in_net(FIELD, "cidr")` and `log_id("id")`; RE2 patterns in the subset that maps exactly onto a
 * JavaScript `u` regex (see {@link translateRe2}); a query of at most {@link GCP_QUERY_MAX_LENGTH}.
 *
 * Rejected with an Error naming the offset: global restrictions (a bare value such as `"error"` or a
 * lowercase `and`, which searches every field), `SEARCH`, `sample` (its hash is unpublished), `source`,
 * `cast`, `regexp_extract`, single quotes, other string escapes, fields the LogEntry type does not
 * define (`thud`, `operation.thud`, `textPayload.thud`), and RE2 syntax outside the mapped subset.
 *
 * Semantics, as the reference states them:
 * - Precedence is NOT, then OR, then AND: `a AND b OR c` is `a AND (b OR c)`.
 * - String `=`, `!=`, `<`... and `:` ignore letter case (both sides NFKC_Casefold-normalized); `:` is a
 *   substring test. Regular expressions are case sensitive, unanchored and see the raw string.
 * - A payload (`jsonPayload`, `protoPayload`) or label field that is absent is *missing*: every
 *   comparison on it fails, `!=` included, so `NOT f=x` holds but `f!=x` does not. A field the LogEntry
 *   type defines (`logName`, `severity`, `httpRequest.status`...) is *defaulted*: it compares as its
 *   default value. `:*` holds only for a field explicitly present.
 * - An array field fans out: the comparison holds if it holds for any element (arrays met along the
 *   path fan out too, as in `protoPayload.authorizationInfo.permission`).
 * - The query value is converted to the field's type first; if conversion fails the comparison fails.
 *   Payload field types come from the JSON value (number: double, true/false: bool, string: string).
 * - `:` applies to strings only and `=~`/`!~` to string fields only; elsewhere they fail, as does any
 *   comparison with an object.
 *
 * Where the reference is silent, the choice made here: LogEntry and protoPayload field names match
 * case-insensitively (the reference says protoPayload names need not preserve case), map and struct
 * keys (`labels`, `resource.labels`, `jsonPayload`) exactly; `ip_in_net` compares IPv4 with IPv4 and
 * IPv6 with IPv6 only and reads dotted quads strictly (no leading zeros); `log_id` compares the
 * URL-decoded log ID with the same case-insensitive string equality as `=`.
 */

/** "The length of a query can't exceed 20,000 characters" (comments count towards it). */
export const GCP_QUERY_MAX_LENGTH = 20_000;

/** RE2 refuses repetition counts above 1000. */
const RE2_MAX_REPEAT = 1000;

type Predicate = (entry: unknown) => boolean;

type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | ':' | '=~' | '!~';

/** Longest first, so that `<=` is not read as `<`. */
const OPERATORS: readonly ComparisonOperator[] = ['<=', '>=', '!=', '=~', '!~', '=', '<', '>', ':'];

/** The scalar types a comparison can convert to: the LogEntry's protocol buffer types and JSON's. */
type ScalarType = 'string' | 'double' | 'int32' | 'int64' | 'bool' | 'severity' | 'timestamp' | 'duration';

type Comparable = string | number | bigint | boolean;

type SchemaNode =
  | { readonly kind: 'scalar'; readonly type: ScalarType }
  | { readonly kind: 'message'; readonly fields: Readonly<Record<string, SchemaNode>> }
  /** A map or Struct (keys kept exactly) or protoPayload (names need not preserve case). */
  | { readonly kind: 'dynamic'; readonly keys: 'exact' | 'anyCase' };

const scalar = (type: ScalarType): SchemaNode => ({ kind: 'scalar', type });
const message = (fields: Record<string, SchemaNode>): SchemaNode => ({ kind: 'message', fields });
const MAP: SchemaNode = { kind: 'dynamic', keys: 'exact' };

/** The LogEntry fields of the reference's list, with their protocol buffer types. */
const LOG_ENTRY: SchemaNode = message({
  httpRequest: message({
    cacheFillBytes: scalar('int64'),
    cacheHit: scalar('bool'),
    cacheLookup: scalar('bool'),
    cacheValidatedWithOriginServer: scalar('bool'),
    latency: scalar('duration'),
    protocol: scalar('string'),
    referer: scalar('string'),
    remoteIp: scalar('string'),
    requestMethod: scalar('string'),
    requestSize: scalar('int64'),
    requestUrl: scalar('string'),
    responseSize: scalar('int64'),
    serverIp: scalar('string'),
    status: scalar('int32'),
    userAgent: scalar('string'),
  }),
  insertId: scalar('string'),
  jsonPayload: MAP,
  labels: MAP,
  logName: scalar('string'),
  metadata: message({ systemLabels: MAP, userLabels: MAP }),
  operation: message({ id: scalar('string'), producer: scalar('string'), first: scalar('bool'), last: scalar('bool') }),
  protoPayload: { kind: 'dynamic', keys: 'anyCase' },
  receiveTimestamp: scalar('timestamp'),
  resource: message({ type: scalar('string'), labels: MAP }),
  severity: scalar('severity'),
  sourceLocation: message({ file: scalar('string'), line: scalar('int64'), function: scalar('string') }),
  spanId: scalar('string'),
  split: message({ uid: scalar('string'), index: scalar('int32'), totalSplits: scalar('int32') }),
  textPayload: scalar('string'),
  timestamp: scalar('timestamp'),
  trace: scalar('string'),
  traceSampled: scalar('bool'),
});

/** LogSeverity: inequality uses these underlying numbers. */
const SEVERITIES: Readonly<Record<string, number>> = {
  DEFAULT: 0,
  DEBUG: 100,
  INFO: 200,
  NOTICE: 300,
  WARNING: 400,
  ERROR: 500,
  CRITICAL: 600,
  ALERT: 700,
  EMERGENCY: 800,
};

/** Default values in their JSON form, so that they go through the same conversion as present ones. */
const DEFAULTS: Readonly<Record<ScalarType, unknown>> = {
  string: '',
  double: 0,
  int32: 0,
  int64: '0',
  bool: false,
  severity: 'DEFAULT',
  timestamp: '1970-01-01T00:00:00Z',
  duration: '0s',
};

const INT_RANGES: Readonly<Record<'int32' | 'int64', readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** Documented functions this evaluator refuses, with the reason. */
const UNSUPPORTED_FUNCTIONS: Readonly<Record<string, string>> = {
  search: 'its tokenizer (BigQuery text analysis rules) is not reproduced here',
  sample: 'its hash is not published, so which entries it keeps cannot be known',
  source: 'it needs the resource hierarchy, which a LogEntry does not carry',
  cast: 'type casts are not implemented',
  regexp_extract: 'it only makes sense with cast, which is not implemented',
};

/** The comparisons that order the two operands, by the sign of the ordering. */
const ORDER_TESTS: Readonly<Record<'=' | '!=' | '<' | '<=' | '>' | '>=', (order: number) => boolean>> = {
  '=': (order) => order === 0,
  '!=': (order) => order !== 0,
  '<': (order) => order < 0,
  '<=': (order) => order <= 0,
  '>': (order) => order > 0,
  '>=': (order) => order >= 0,
};

interface PathStep {
  readonly key: string;
  readonly anyCase: boolean;
}

interface FieldPath {
  readonly steps: readonly PathStep[];
  /** The static type when the path ends on a LogEntry scalar; payload and label types come from the JSON. */
  readonly type: ScalarType | undefined;
  /** True when an absent value reads as the type's default rather than as missing. */
  readonly defaulted: boolean;
}

type Literal = { readonly kind: 'text'; readonly text: string; readonly quoted: boolean; readonly at: number } | { readonly kind: 'null'; readonly at: number };

/** A parenthesized value: a Boolean combination of literals, each compared with the same field and operator. */
type ValueTree =
  | { readonly kind: 'literal'; readonly literal: Literal }
  | { readonly kind: 'and' | 'or'; readonly items: readonly ValueTree[] }
  | { readonly kind: 'not'; readonly item: ValueTree };

interface BooleanAlgebra<T> {
  and(items: T[]): T;
  or(items: T[]): T;
  not(item: T): T;
}

const PREDICATES: BooleanAlgebra<Predicate> = {
  and: (items) => (entry) => items.every((p) => p(entry)),
  or: (items) => (entry) => items.some((p) => p(entry)),
  not: (item) => (entry) => !item(entry),
};

const VALUE_TREES: BooleanAlgebra<ValueTree> = {
  and: (items) => ({ kind: 'and', items }),
  or: (items) => ({ kind: 'or', items }),
  not: (item) => ({ kind: 'not', item }),
};

/** Parses `query` once and returns a predicate over a parsed LogEntry JSON object. */
export function compileGcpQuery(query: string): (entry: unknown) => boolean {
  const length = [...query].length;
  if (length > GCP_QUERY_MAX_LENGTH) {
    throw new Error(`Invalid GCP Logging query: it is ${length} characters long; Cloud Logging allows at most ${GCP_QUERY_MAX_LENGTH}`);
  }
  return new QueryParser(query).parse();
}

/** A recursive-descent parser that builds the predicate as it reads. */
class QueryParser {
  private pos = 0;

  constructor(private readonly src: string) {}

  parse(): Predicate {
    this.skipSpace();
    if (this.atEnd()) this.fail('the query is empty');
    const predicate = this.parseConjunction(() => this.parseRestriction(), PREDICATES);
    this.skipSpace();
    if (!this.atEnd()) this.fail(`unexpected "${this.src[this.pos]}"`);
    return predicate;
  }

  /** AND, explicit or by juxtaposition, binds loosest. */
  private parseConjunction<T>(atom: () => T, algebra: BooleanAlgebra<T>): T {
    const items = [this.parseDisjunction(atom, algebra)];
    for (;;) {
      this.skipSpace();
      if (this.atKeyword('AND')) {
        this.pos += 3;
      } else if (this.atEnd() || this.src[this.pos] === ')') {
        break;
      }
      items.push(this.parseDisjunction(atom, algebra));
    }
    return items.length === 1 ? items[0]! : algebra.and(items);
  }

  private parseDisjunction<T>(atom: () => T, algebra: BooleanAlgebra<T>): T {
    const items = [this.parseUnary(atom, algebra)];
    for (;;) {
      this.skipSpace();
      if (!this.atKeyword('OR')) break;
      this.pos += 2;
      items.push(this.parseUnary(atom, algebra));
    }
    return items.length === 1 ? items[0]! : algebra.or(items);
  }

  /** NOT (or its synonym `-`) binds tightest. A `-` before a digit is a negative number, not NOT. */
  private parseUnary<T>(atom: () => T, algebra: BooleanAlgebra<T>): T {
    this.skipSpace();
    if (this.atEnd()) this.fail('expected a comparison');
    if (this.atKeyword('NOT')) {
      this.pos += 3;
      return algebra.not(this.parseUnary(atom, algebra));
    }
    if (this.src[this.pos] === '-' && !isDigit(this.src[this.pos + 1])) {
      this.pos++;
      return algebra.not(this.parseUnary(atom, algebra));
    }
    if (this.src[this.pos] === '(') {
      this.pos++;
      const inner = this.parseConjunction(atom, algebra);
      this.skipSpace();
      this.expect(')');
      return inner;
    }
    if (this.atKeyword('AND') || this.atKeyword('OR')) this.fail('expected a comparison before this operator');
    return atom();
  }

  /** A comparison `FIELD OP VALUE`, a `FIELD:*` test or a function call. */
  private parseRestriction(): Predicate {
    const start = this.pos;
    if (this.src[start] === "'") this.fail('single-quoted strings are not described by the reference; use double quotes');
    const segments = this.parseSegments();
    if (segments.length === 1 && !segments[0]!.quoted && this.src[this.pos] === '(') {
      return this.parseFunction(segments[0]!.text, start);
    }
    this.skipSpace();
    const operator = OPERATORS.find((op) => this.src.startsWith(op, this.pos));
    if (operator === undefined) {
      if (segments.length === 1) {
        const word = segments[0]!.text;
        const hint = ['and', 'or', 'not'].includes(word) ? `; lowercase "${word}" is a search term, write ${word.toUpperCase()}` : '';
        this.fail(`"${word}" is a global restriction (a search of every field), which is not supported${hint}`, start);
      }
      this.fail('expected a comparison operator (= != < <= > >= : =~ !~)');
    }
    this.pos += operator.length;
    const field = compilePath(
      segments.map((s) => s.text),
      (message) => this.fail(message, start),
    );
    this.skipSpace();
    if (operator === ':' && this.src[this.pos] === '*') {
      this.pos++;
      if (isUnquotedChar(this.src[this.pos])) this.fail('expected nothing after ":*"');
      return (entry) => isPresent(entry, field);
    }
    if (this.src[this.pos] === '(') {
      this.pos++;
      const tree = this.parseConjunction((): ValueTree => ({ kind: 'literal', literal: this.parseLiteral() }), VALUE_TREES);
      this.skipSpace();
      this.expect(')');
      return this.distribute(field, operator, tree);
    }
    if (this.src[this.pos] === '-' && !isDigit(this.src[this.pos + 1])) this.fail('NOT is only allowed inside a parenthesized value');
    return this.comparison(field, operator, this.parseLiteral());
  }

  /** Applies the field and operator to each literal of a parenthesized value. */
  private distribute(field: FieldPath, operator: ComparisonOperator, tree: ValueTree): Predicate {
    switch (tree.kind) {
      case 'literal':
        return this.comparison(field, operator, tree.literal);
      case 'not':
        return PREDICATES.not(this.distribute(field, operator, tree.item));
      default:
        return PREDICATES[tree.kind](tree.items.map((item) => this.distribute(field, operator, item)));
    }
  }

  private comparison(field: FieldPath, operator: ComparisonOperator, literal: Literal): Predicate {
    if (literal.kind === 'null') {
      if (operator !== '=') this.fail('NULL_VALUE is only documented with "=" (negate with NOT)', literal.at);
      return (entry) => resolve(entry, field).includes(null);
    }
    if (operator === '=~' || operator === '!~') {
      if (!literal.quoted) this.fail('a regular expression must be double-quoted', literal.at);
      const regex = translateRe2(literal.text, (message) => this.fail(message, literal.at));
      const wanted = operator === '=~';
      // Only string fields match, and the pattern sees the raw, unnormalized value.
      if (field.type !== undefined && field.type !== 'string') return () => false;
      return (entry) => resolve(entry, field).some((value) => typeof value === 'string' && regex.test(value) === wanted);
    }
    if (operator === ':') {
      const operand = normalize(literal.text);
      return (entry) => typedValues(entry, field).some(([type, value]) => type === 'string' && (value as string).includes(operand));
    }
    // Payload values bring their own type, so the literal is converted on demand, once per type.
    const converted = new Map<ScalarType, Comparable | undefined>();
    const convert = (type: ScalarType): Comparable | undefined => {
      if (!converted.has(type)) converted.set(type, fromLiteral(type, literal.text));
      return converted.get(type);
    };
    const test = ORDER_TESTS[operator];
    return (entry) =>
      typedValues(entry, field).some(([type, value]) => {
        const operand = convert(type);
        return operand !== undefined && test(compare(value, operand));
      });
  }

  /** `ip_in_net(FIELD, "range")` or `log_id("id")`; the other documented functions are refused. */
  private parseFunction(name: string, start: number): Predicate {
    const lower = name.toLowerCase();
    if (Object.hasOwn(UNSUPPORTED_FUNCTIONS, lower)) this.fail(`${name}() is not supported: ${UNSUPPORTED_FUNCTIONS[lower]}`, start);
    if (lower !== 'ip_in_net' && lower !== 'log_id') this.fail(`unknown function ${name}()`, start);
    this.pos++;
    this.skipSpace();
    if (lower === 'log_id') {
      const id = this.parseQuotedArgument('log_id() takes one double-quoted log ID');
      this.skipSpace();
      this.expect(')');
      const logName = compilePath(['logName'], (message) => this.fail(message, start));
      const wanted = normalize(id);
      return (entry) => resolve(entry, logName).some((value) => typeof value === 'string' && logIdOf(value) === wanted);
    }
    const fieldAt = this.pos;
    const field = compilePath(
      this.parseSegments().map((s) => s.text),
      (message) => this.fail(message, fieldAt),
    );
    this.skipSpace();
    this.expect(',');
    this.skipSpace();
    const subnetAt = this.pos;
    const subnetText = this.parseQuotedArgument('the second argument of ip_in_net() must be a double-quoted IP address or range');
    const subnet = parseIpRange(subnetText);
    if (subnet === undefined) this.fail(`"${subnetText}" is not a legal IP address or range`, subnetAt);
    this.skipSpace();
    this.expect(')');
    return (entry) =>
      resolve(entry, field).some((value) => {
        const range = typeof value === 'string' ? parseIpRange(value) : undefined;
        return range !== undefined && rangeContains(subnet, range);
      });
  }

  private parseQuotedArgument(problem: string): string {
    if (this.src[this.pos] !== '"') this.fail(problem);
    return this.parseString();
  }

  /** A field path: segments separated by dots, each a name or a double-quoted string. */
  private parseSegments(): { text: string; quoted: boolean }[] {
    const segments: { text: string; quoted: boolean }[] = [];
    for (;;) {
      if (this.src[this.pos] === '"') {
        segments.push({ text: this.parseString(), quoted: true });
      } else {
        const match = /[A-Za-z0-9_@][A-Za-z0-9_@-]*/y;
        match.lastIndex = this.pos;
        const found = match.exec(this.src);
        if (found === null) this.fail(segments.length === 0 ? 'expected a field name' : 'expected a field name after "."');
        segments.push({ text: found[0], quoted: false });
        this.pos = match.lastIndex;
      }
      if (this.src[this.pos] !== '.') return segments;
      this.pos++;
    }
  }

  /** A value: a double-quoted string, NULL_VALUE, a number, or unquoted text free of special characters. */
  private parseLiteral(): Literal {
    this.skipSpace();
    const at = this.pos;
    const c = this.src[at];
    if (c === '"') return { kind: 'text', text: this.parseString(), quoted: true, at };
    if (c === "'") this.fail('single-quoted strings are not described by the reference; use double quotes');
    let end = at;
    while (isUnquotedChar(this.src[end]) && !this.src.startsWith('--', end)) end++;
    const text = this.src.slice(at, end);
    if (text === '') this.fail('expected a value');
    this.pos = end;
    const next = this.src[end];
    if (next !== undefined && /[~=:<>*!']/.test(next)) this.fail(`a value containing "${next}" must be double-quoted`, at);
    if (text === 'AND' || text === 'OR' || text === 'NOT') this.fail(`expected a value, found the operator ${text}`, at);
    if (text === 'NULL_VALUE') return { kind: 'null', at };
    if (!UNQUOTED_NUMBER.test(text) && (/^[+\-.]/.test(text) || text.includes('.'))) {
      this.fail(`the value "${text}" must be double-quoted: unquoted text may not start with + - . or contain "."`, at);
    }
    return { kind: 'text', text, quoted: false, at };
  }

  /** A double-quoted string; only the escapes the reference's examples use are accepted. */
  private parseString(): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) this.fail('unterminated string', start);
      this.pos++;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const escaped = this.src[this.pos];
      const replacement = escaped === undefined ? undefined : STRING_ESCAPES[escaped];
      if (replacement === undefined) {
        this.fail(`unsupported escape "\\${escaped ?? ''}" in a string; write "\\\\" for a backslash`, this.pos - 1);
      }
      out += replacement;
      this.pos++;
    }
  }

  /** Skips whitespace and `--` comments, which run to the end of the line. */
  private skipSpace(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c !== undefined && /\s/.test(c)) {
        this.pos++;
      } else if (this.src.startsWith('--', this.pos)) {
        const newline = this.src.indexOf('\n', this.pos);
        this.pos = newline < 0 ? this.src.length : newline + 1;
      } else {
        return;
      }
    }
  }

  /** Boolean operators are recognised only in capitals and as whole words. */
  private atKeyword(keyword: 'AND' | 'OR' | 'NOT'): boolean {
    return this.src.startsWith(keyword, this.pos) && !/[A-Za-z0-9_@.]/.test(this.src[this.pos + keyword.length] ?? ' ');
  }

  private atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  private expect(c: string): void {
    if (this.src[this.pos] !== c) this.fail(`expected "${c}"`);
    this.pos++;
  }

  private fail(problem: string, at: number = this.pos): never {
    const before = this.src.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new Error(`Invalid GCP Logging query at offset ${at} (line ${line}, column ${column}): ${problem}`);
  }
}

const STRING_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r' };

/** A number written without quotes; other text starting with + - . or holding a . needs quotes. */
const UNQUOTED_NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** "Any number, with or without a sign and an exponent part", as a double field accepts it. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Characters allowed in unquoted text: the reference requires quotes around ~ = ( ) : > < , * and spaces. */
const isUnquotedChar = (c: string | undefined): boolean => c !== undefined && !/[\s"'()~=:<>,*!\\]/.test(c);

/** Resolves a path against the LogEntry type; a field the type does not define is an error. */
function compilePath(segments: readonly string[], fail: (message: string) => never): FieldPath {
  let node = LOG_ENTRY;
  let defaulted = true;
  const steps: PathStep[] = [];
  for (const [i, segment] of segments.entries()) {
    const prefix = segments.slice(0, i + 1).join('.');
    if (node.kind === 'scalar') fail(`"${prefix}" is not a LogEntry field: ${segments.slice(0, i).join('.')} has no subfields`);
    if (node.kind === 'dynamic') {
      steps.push({ key: segment, anyCase: node.keys === 'anyCase' });
      defaulted = false;
      continue;
    }
    const name = Object.keys(node.fields).find((key) => key.toLowerCase() === segment.toLowerCase());
    if (name === undefined) fail(`"${prefix}" is not a LogEntry field`);
    steps.push({ key: name, anyCase: true });
    node = node.fields[name]!;
  }
  const type = node.kind === 'scalar' ? node.type : undefined;
  return { steps, type, defaulted: defaulted && type !== undefined };
}

/** The values at the end of a path, arrays flattened; a defaulted field that is absent reads as its default. */
function resolve(entry: unknown, field: FieldPath): unknown[] {
  const values = collect(entry, field.steps);
  return values.length === 0 && field.defaulted && field.type !== undefined ? [DEFAULTS[field.type]] : values;
}

function collect(entry: unknown, steps: readonly PathStep[]): unknown[] {
  let current: unknown[] = [entry];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const node of current) {
      if (!isObject(node)) continue;
      const value = lookup(node, step);
      if (value !== undefined) next.push(...flatten(value));
    }
    current = next;
  }
  return current;
}

function lookup(node: Record<string, unknown>, step: PathStep): unknown {
  if (Object.hasOwn(node, step.key)) return node[step.key];
  if (!step.anyCase) return undefined;
  const lower = step.key.toLowerCase();
  const keys = Object.keys(node).filter((key) => key.toLowerCase() === lower);
  return keys.length === 1 ? node[keys[0]!] : undefined;
}

function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

/** `:*` — explicitly present; a LogEntry scalar holding its default is indistinguishable from absent. */
function isPresent(entry: unknown, field: FieldPath): boolean {
  const values = collect(entry, field.steps);
  if (!field.defaulted || field.type === undefined) return values.length > 0;
  const type = field.type;
  const absent = fromField(type, DEFAULTS[type])!;
  return values.some((value) => {
    const converted = fromField(type, value);
    return converted === undefined || compare(converted, absent) !== 0;
  });
}

/** Each value with the type it is compared as; values that cannot be compared (objects, null) drop out. */
function typedValues(entry: unknown, field: FieldPath): [ScalarType, Comparable][] {
  const out: [ScalarType, Comparable][] = [];
  for (const value of resolve(entry, field)) {
    const type = field.type ?? jsonType(value);
    if (type === undefined) continue;
    const converted = fromField(type, value);
    if (converted !== undefined) out.push([type, converted]);
  }
  return out;
}

function jsonType(value: unknown): ScalarType | undefined {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'double';
  if (typeof value === 'boolean') return 'bool';
  return undefined;
}

/** Converts a JSON value of a field of `type` (proto3 JSON mapping) to its comparable form. */
function fromField(type: ScalarType, value: unknown): Comparable | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? normalize(value) : undefined;
    case 'double':
      return typeof value === 'number' ? value : undefined;
    case 'bool':
      return typeof value === 'boolean' ? value : undefined;
    case 'int32':
    case 'int64':
      return typeof value === 'number' || typeof value === 'string' ? toInteger(type, String(value)) : undefined;
    case 'severity':
      if (typeof value === 'number') return Object.values(SEVERITIES).includes(value) ? value : undefined;
      return typeof value === 'string' ? SEVERITIES[value.toUpperCase()] : undefined;
    case 'timestamp':
      return typeof value === 'string' ? parseTimestamp(value) : undefined;
    case 'duration':
      return typeof value === 'string' && /^-?\d+(\.\d+)?s$/.test(value) ? parseDuration(value) : undefined;
  }
}

/** Converts a query value to `type`, per the reference's "Values and conversions" table. */
function fromLiteral(type: ScalarType, text: string): Comparable | undefined {
  switch (type) {
    case 'string':
      return normalize(text);
    case 'double':
      if (DECIMAL.test(text)) return Number(text);
      if (/^nan$/i.test(text)) return Number.NaN;
      return /^-?infinity$/i.test(text) ? (text.startsWith('-') ? -Infinity : Infinity) : undefined;
    case 'bool':
      return /^(true|false)$/i.test(text) ? text.toLowerCase() === 'true' : undefined;
    case 'int32':
    case 'int64':
      return toInteger(type, text);
    case 'severity':
      return SEVERITIES[text.toUpperCase()];
    case 'timestamp':
      return parseTimestamp(text);
    case 'duration':
      return parseDuration(text);
  }
}

function toInteger(type: 'int32' | 'int64', text: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  const [min, max] = INT_RANGES[type];
  return value >= min && value <= max ? value : undefined;
}

/** Orders two values of one type; NaN (unordered) makes every test but `!=` false. */
function compare(a: Comparable, b: Comparable): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b ? 0 : a < b ? -1 : 1;
  return Number(a) - Number(b);
}

/** Lexicographic by code point (UTF-16 order differs above U+FFFF). */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

/**
 * NFKC_Casefold, approximated with what JavaScript offers: NFKC, default-ignorable code points removed,
 * full case mapping up then down (which folds ß to ss and ς to σ, but also ı to i).
 */
function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\p{Default_Ignorable_Code_Point}/gu, '')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC');
}

/** The log ID of `projects/P/logs/ID` (and organizations, folders, billingAccounts), URL-decoded. */
function logIdOf(logName: string): string | undefined {
  const match = /^[^/]+\/[^/]+\/logs\/(.+)$/.exec(logName);
  if (match === null) return undefined;
  try {
    return normalize(decodeURIComponent(match[1]!));
  } catch {
    return undefined;
  }
}

/** RFC 3339 (`Z` or ±hh:mm) or an ISO 8601 date, which means midnight UTC; nanoseconds since the epoch. */
function parseTimestamp(text: string): bigint | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2}))?$/.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const millis = new Date(0).setUTCFullYear(year, month - 1, day) + ((hour * 60 + minute) * 60 + second) * 1000; // Date.UTC reads years 0-99 as 19xx
  const date = new Date(millis);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const zone = match[8] ?? 'Z';
  const offsetMinutes = /^[Zz]$/.test(zone) ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const fraction = BigInt((match[7] ?? '').padEnd(9, '0'));
  return (BigInt(millis) - BigInt(offsetMinutes) * 60_000n) * 1_000_000n + fraction;
}

const DURATION_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** A signed decimal number and one of ns us ms s m h; nanoseconds, fractions below 1 ns truncated. */
function parseDuration(text: string): bigint | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(ns|us|ms|s|m|h)$/.exec(text);
  if (match === null || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const unit = DURATION_UNITS[match[4]!]!;
  const fractionDigits = match[3] ?? '';
  const scaled = (BigInt((match[2] ?? '') + fractionDigits || '0') * unit) / 10n ** BigInt(fractionDigits.length);
  return match[1] === '-' ? -scaled : scaled;
}

interface IpRange {
  readonly bits: 32 | 128;
  readonly address: bigint;
  readonly prefix: number;
}

/** An IPv4 or IPv6 address, or a CIDR range of either. */
function parseIpRange(text: string): IpRange | undefined {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const v4 = parseIpv4(addressText);
  const address = v4 ?? parseIpv6(addressText);
  if (address === undefined) return undefined;
  const bits = v4 === undefined ? 128 : 32;
  if (slash < 0) return { bits, address, prefix: bits };
  const prefixText = text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > bits) return undefined;
  return { bits, address, prefix: Number(prefixText) };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((acc, part) => (acc << 8n) | BigInt(part), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  const words: bigint[][] = [];
  for (const [h, half] of groups.entries()) {
    const out: bigint[] = [];
    for (const [g, group] of half.entries()) {
      const isLast = h === groups.length - 1 && g === half.length - 1;
      const v4 = isLast && group.includes('.') ? parseIpv4(group) : undefined;
      if (v4 !== undefined) {
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(group)) {
        out.push(BigInt(`0x${group}`));
      } else {
        return undefined;
      }
    }
    words.push(out);
  }
  const head = words[0] ?? [];
  const tail = words[1] ?? [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...head, ...Array<bigint>(halves.length === 1 ? 0 : missing).fill(0n), ...tail].reduce((acc, word) => (acc << 16n) | word, 0n);
}

function rangeContains(net: IpRange, candidate: IpRange): boolean {
  if (net.bits !== candidate.bits || candidate.prefix < net.prefix) return false;
  const shift = BigInt(net.bits - net.prefix);
  return candidate.address >> shift === net.address >> shift;
}

/** POSIX classes RE2 accepts inside brackets, as JavaScript class bodies (all ASCII). */
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\u{0}-\\u{7f}',
  blank: '\\t ',
  cntrl: '\\u{0}-\\u{1f}\\u{7f}',
  digit: '0-9',
  graph: '\\u{21}-\\u{7e}',
  lower: 'a-z',
  print: '\\u{20}-\\u{7e}',
  punct: '\\u{21}-\\u{2f}\\u{3a}-\\u{40}\\u{5b}-\\u{60}\\u{7b}-\\u{7e}',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** RE2's \s is Perl's [\t\n\f\r ]; JavaScript's \s also takes \v and Unicode spaces. */
const RE2_SPACE = '\\t\\n\\f\\r ';

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };

/**
 * Translates an RE2 pattern to an equivalent JavaScript `u` regex, or fails. Mapped: literals, `.`
 * (never \n unless `s`), classes with ranges, negation, \d \w \s \D \W (and \S outside classes), POSIX
 * `[:name:]`, `* + ? {n} {n,} {n,m}` (greedy or lazy, counts up to 1000), groups `(...)`, `(?:...)`,
 * `(?P<name>...)`, alternation, `^ $ \A \z \b \B`, `\Q...\E`, `\a \f \t \n \r \v \xHH \x{H...}`,
 * escaped punctuation, and leading flags `(?i)`, `(?s)` and `(?m)` (RE2 syntax page: "m multi-line mode: ^ and $
 * match line as well as text"). Everything else (mid-pattern or `U` flags, \p classes, octal, \C,
 * lookaround and backreferences that RE2 lacks) fails.
 */
function translateRe2(pattern: string, reject: (message: string) => never): RegExp {
  let i = 0;
  const fail: (problem: string) => never = (problem) => reject(`RE2 pattern "${pattern}" at pattern offset ${i}: ${problem}`);
  let flags = 'u';
  let dotAll = false;
  let multiline = false;
  for (let lead = /^\(\?([A-Za-z]+)\)/.exec(pattern); lead !== null; lead = /^\(\?([A-Za-z]+)\)/.exec(pattern.slice(i))) {
    for (const flag of lead[1]!) {
      if (flag === 'i') flags = 'iu';
      else if (flag === 's') dotAll = true;
      else if (flag === 'm') multiline = true;
      else fail(`the flag "${flag}" is not supported`);
    }
    i += lead[0].length;
  }

  /** A single character after a backslash, as a code point. */
  const escapedLiteral = (): number => {
    const e = pattern[i + 1];
    if (e === undefined) return fail('trailing backslash');
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      i += 2;
      return simple;
    }
    if (e === 'x') {
      const hex = /^\\x(?:\{([0-9A-Fa-f]{1,6})\}|([0-9A-Fa-f]{2}))/.exec(pattern.slice(i));
      const code = hex === null ? undefined : parseInt(hex[1] ?? hex[2]!, 16);
      if (hex === null || code === undefined || code > 0x10ffff) return fail('malformed \\x escape');
      i += hex[0].length;
      return code;
    }
    if (e.charCodeAt(0) < 0x80 && !/[A-Za-z0-9]/.test(e)) {
      i += 2;
      return e.charCodeAt(0);
    }
    return fail(`the escape "\\${e}" is not supported`);
  };

  const literalAt = (): number => {
    const code = pattern.codePointAt(i)!;
    i += code > 0xffff ? 2 : 1;
    return code;
  };

  /** One class member: a code point, or a class body for \d \w \s \D \W. */
  const classAtom = (): number | string => {
    if (pattern[i] !== '\\') return literalAt();
    const e = pattern[i + 1];
    if (e === 'd' || e === 'w' || e === 'D' || e === 'W') {
      i += 2;
      return `\\${e}`;
    }
    if (e === 's') {
      i += 2;
      return RE2_SPACE;
    }
    return escapedLiteral();
  };

  const parseClass = (): string => {
    i++;
    const negated = pattern[i] === '^';
    if (negated) i++;
    let body = '';
    for (let first = true; ; first = false) {
      if (i >= pattern.length) fail('missing "]"');
      if (pattern[i] === ']' && !first) {
        i++;
        return `[${negated ? '^' : ''}${body}]`;
      }
      if (pattern.startsWith('[:', i)) {
        const end = pattern.indexOf(':]', i + 2);
        const name = end < 0 ? '' : pattern.slice(i + 2, end);
        const members = Object.hasOwn(POSIX_CLASSES, name) ? POSIX_CLASSES[name] : undefined;
        if (members === undefined) fail(`unsupported class "[:${name}:]"`);
        body += members;
        i = end + 2;
        continue;
      }
      const low = classAtom();
      if (typeof low === 'string') {
        body += low;
        continue;
      }
      if (pattern[i] === '-' && pattern[i + 1] !== ']' && i + 1 < pattern.length) {
        i++;
        const high = classAtom();
        if (typeof high === 'string' || high < low) fail('bad character class range');
        body += `${jsLiteral(low)}-${jsLiteral(high)}`;
      } else {
        body += jsLiteral(low);
      }
    }
  };

  let out = '';
  let depth = 0;
  let quantifiable = false;
  const quantifier = (text: string): void => {
    if (!quantifiable) fail(`nothing to repeat before "${text}"`);
    i += text.length;
    out += text;
    if (pattern[i] === '?') {
      out += '?';
      i++;
    }
    quantifiable = false;
  };
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '(') {
      // A group's name does not affect matching, so a named group becomes a plain one.
      const named = /^\(\?P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(pattern.slice(i));
      if (named !== null) {
        out += '(';
        i += named[0].length;
      } else if (pattern.startsWith('(?:', i)) {
        out += '(?:';
        i += 3;
      } else if (pattern[i + 1] === '?') {
        fail('lookaround, backreferences and flags after the start of the pattern are not supported');
      } else {
        out += '(';
        i++;
      }
      depth++;
      quantifiable = false;
    } else if (c === ')') {
      if (depth === 0) fail('unmatched ")"');
      depth--;
      out += ')';
      i++;
      quantifiable = true;
    } else if ((c === '^' || c === '$') && multiline) {
      // RE2's m: ^ and $ also match next to "\n", its only line break (JavaScript's m adds \r, U+2028, U+2029).
      out += c === '^' ? '(?:^|(?<=\n))' : '(?:$|(?=\n))';
      i++;
      quantifiable = false;
    } else if (c === '|' || c === '^' || c === '$') {
      out += c;
      i++;
      quantifiable = false;
    } else if (c === '.') {
      out += dotAll ? '[\\s\\S]' : '[^\\n]';
      i++;
      quantifiable = true;
    } else if (c === '*' || c === '+' || c === '?') {
      quantifier(c);
    } else if (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
      const repeat = /^\{(\d+)(?:,(\d*))?\}/.exec(pattern.slice(i))!;
      const min = Number(repeat[1]);
      // `{n,}` has no upper bound to check.
      const max = repeat[2] === undefined || repeat[2] === '' ? min : Number(repeat[2]);
      if (min > RE2_MAX_REPEAT || max > RE2_MAX_REPEAT || max < min) fail(`bad repetition "${repeat[0]}"`);
      quantifier(repeat[0]);
    } else if (c === '[') {
      out += parseClass();
      quantifiable = true;
    } else if (c === '\\') {
      const e = pattern[i + 1];
      if (e === 'd' || e === 'D' || e === 'w' || e === 'W') {
        out += `\\${e}`;
        i += 2;
        quantifiable = true;
      } else if (e === 's' || e === 'S') {
        out += `[${e === 'S' ? '^' : ''}${RE2_SPACE}]`;
        i += 2;
        quantifiable = true;
      } else if (e === 'b' || e === 'B' || e === 'A' || e === 'z') {
        out += e === 'A' ? '^' : e === 'z' ? '$' : `\\${e}`;
        i += 2;
        quantifiable = false;
      } else if (e === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const text = pattern.slice(i + 2, end < 0 ? pattern.length : end);
        out += Array.from(text, (ch) => jsLiteral(ch.codePointAt(0)!)).join('');
        i = end < 0 ? pattern.length : end + 2;
        quantifiable = text.length > 0;
      } else {
        out += jsLiteral(escapedLiteral());
        quantifiable = true;
      }
    } else {
      out += jsLiteral(literalAt());
      quantifiable = true;
    }
  }
  if (depth > 0) fail('missing ")"');
  try {
    return new RegExp(out, flags);
  } catch (error) {
    return fail(`no JavaScript equivalent (${(error as Error).message})`);
  }
}

/** A code point as a JavaScript `u` regex literal, safe inside and outside classes. */
function jsLiteral(code: number): string {
  const c = String.fromCodePoint(code);
  return /[A-Za-z0-9_]/.test(c) ? c : `\\u{${code.toString(16)}}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
