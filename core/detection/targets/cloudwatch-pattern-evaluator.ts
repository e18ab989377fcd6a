/**
 * An independent evaluator of CloudWatch Logs JSON filter patterns, used to check that what our
 * detection compiler emits matches the same events as our rule engine. It is written from the AWS
 * docs, not from the compiler: "Filter pattern syntax for metric filters, subscription filters, filter
 * log events, and Live Tail" (its regex and JSON sections), the page "Using filter patterns to match
 * terms in JSON log events", and the MetricFilter API reference (filterPattern is at most 1024 long).
 *
 * Supported: only the JSON form `{ ... }`; selectors `$.a.b`, `$.a[0]`, `$.a[0][1]`, `$.['key.with.dots']`,
 * and one wildcard (`$.*` or `[*]`) per selector, at most three per pattern; `=` and `!=` with quoted or
 * bare strings (a `*` at the start and/or end is a wildcard), with `%regex%` (at most two per pattern,
 * in the documented subset) or with bare `*`; `= != < > <= >=` with numbers (sign and `e` exponent);
 * `IS NULL`, `IS TRUE`, `IS FALSE`, `NOT EXISTS`; `&&`, `||` and parentheses (() > && > ||).
 *
 * Rejected with an Error naming the position: the unstructured and space-delimited forms, `IS NOT`,
 * `EXISTS`, a `*` inside a value (the docs once said it is literal there, now say nothing), escapes in
 * quoted strings, bare `true`/`false`/`null`, `!=` on a wildcard selector (the docs do not say whether
 * any or every value must differ), and anything else the docs do not describe.
 *
 * Semantics where the docs are terse, chosen from what they do say:
 * - Matching is case sensitive, keys and values alike.
 * - A comparison (= != < > <= >=) only ever holds on a string or number value node. A missing field, a
 *   null, a boolean, an array or an object makes `=` and `!=` both false ("If a property selector points
 *   to an array or object, the filter pattern won't match"); `NOT EXISTS` is the way to catch absence.
 * - Arrays never fan out implicitly: `$.a.b` does not look inside an array `a`; use `[n]` or `[*]`.
 * - Comparing a string operand with a number value, or a number operand with a string value, is not
 *   described anywhere, so the predicate throws rather than guess.
 * - A regex matches anywhere in the value (`%Trail%` matches "UpdateTrail"), as the docs' examples show.
 * - A log event that is not a JSON object matches nothing.
 */

/** MetricFilter, PutSubscriptionFilter and FilterLogEvents all cap filterPattern at 1024 characters. */
export const CLOUDWATCH_FILTER_PATTERN_MAX_LENGTH = 1024;

/** "There is a limit of 2 regex for each filter pattern when creating a delimited or JSON filter pattern". */
const MAX_REGEX_PER_PATTERN = 2;

/** "up to one wildcard selector in a property selector, and up to three ... in a filter pattern". */
const MAX_WILDCARD_SELECTORS_PER_PATTERN = 3;

type Segment =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'anyField' }
  | { readonly kind: 'anyElement' };

interface Selector {
  readonly text: string;
  readonly segments: readonly Segment[];
  readonly hasWildcard: boolean;
}

type Operand =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'text'; readonly test: (value: string) => boolean }
  | { readonly kind: 'anything' };

type ComparisonOperator = '=' | '!=' | '<' | '>' | '<=' | '>=';

type Predicate = (root: Record<string, unknown>) => boolean;

/** Parses `pattern` once and returns a predicate over a parsed JSON log event. */
export function compileCloudWatchPattern(pattern: string): (event: unknown) => boolean {
  const predicate = new PatternParser(pattern).parse();
  return (event) => isJsonObject(event) && predicate(event);
}

/** A recursive-descent parser that builds the predicate as it reads. */
class PatternParser {
  private pos = 0;
  private regexCount = 0;
  private wildcardSelectorCount = 0;

  constructor(private readonly src: string) {}

  parse(): Predicate {
    if (this.src.length > CLOUDWATCH_FILTER_PATTERN_MAX_LENGTH) {
      throw new Error(
        `Invalid CloudWatch filter pattern: it is ${this.src.length} characters long; AWS allows at most ${CLOUDWATCH_FILTER_PATTERN_MAX_LENGTH}`,
      );
    }
    this.skipSpace();
    if (this.src[this.pos] !== '{') this.fail('only the JSON form "{ ... }" is supported');
    this.pos++;
    const predicate = this.parseOr();
    this.skipSpace();
    if (this.src[this.pos] !== '}') this.fail('expected "&&", "||" or the closing "}"');
    this.pos++;
    this.skipSpace();
    if (this.pos < this.src.length) this.fail('unexpected text after the closing "}"');
    return predicate;
  }

  private parseOr(): Predicate {
    let left = this.parseAnd();
    while (this.lookingAt('||')) {
      this.pos += 2;
      const a = left;
      const b = this.parseAnd();
      left = (root) => a(root) || b(root);
    }
    return left;
  }

  private parseAnd(): Predicate {
    let left = this.parseTerm();
    while (this.lookingAt('&&')) {
      this.pos += 2;
      const a = left;
      const b = this.parseTerm();
      left = (root) => a(root) && b(root);
    }
    return left;
  }

  private parseTerm(): Predicate {
    this.skipSpace();
    if (this.src[this.pos] !== '(') return this.parseCondition();
    this.pos++;
    const inner = this.parseOr();
    this.skipSpace();
    if (this.src[this.pos] !== ')') this.fail('expected ")"');
    this.pos++;
    return inner;
  }

  private parseCondition(): Predicate {
    const selector = this.parseSelector();
    this.skipSpace();
    const operatorAt = this.pos;
    const operator = (['!=', '<=', '>=', '=', '<', '>'] as const).find((op) => this.src.startsWith(op, this.pos));
    if (operator !== undefined) {
      this.pos += operator.length;
      if (operator === '!=' && selector.hasWildcard) {
        this.fail('"!=" on a wildcard selector is not supported: the docs do not say whether any or every value must differ', operatorAt);
      }
      return comparison(this.src, selector, operator, this.parseOperand(operator));
    }
    const word = this.readWord();
    if (word === 'IS') {
      this.skipSpace();
      const valueAt = this.pos;
      const value = this.readWord();
      if (value === 'NULL') return (root) => resolve(root, selector).some((node) => node === null);
      if (value === 'TRUE') return (root) => resolve(root, selector).some((node) => node === true);
      if (value === 'FALSE') return (root) => resolve(root, selector).some((node) => node === false);
      if (value === 'NOT') this.fail('"IS NOT" is not supported by CloudWatch Logs', valueAt);
      this.fail('expected NULL, TRUE or FALSE after IS', valueAt);
    }
    if (word === 'NOT') {
      this.skipSpace();
      if (this.readWord() !== 'EXISTS') this.fail('expected EXISTS after NOT');
      return (root) => resolve(root, selector).length === 0;
    }
    if (word === 'EXISTS') this.fail('"EXISTS" is not supported by CloudWatch Logs; only "NOT EXISTS" is', operatorAt);
    this.fail('expected an operator: =, !=, <, >, <=, >=, IS NULL, IS TRUE, IS FALSE or NOT EXISTS', operatorAt);
  }

  private parseSelector(): Selector {
    const start = this.pos;
    if (!this.src.startsWith('$.', this.pos)) this.fail('expected a property selector starting with "$."');
    this.pos++;
    const segments: Segment[] = [];
    let wildcards = 0;
    // "Array elements ... must follow a property", so the first segment is always a dotted one.
    while (this.src[this.pos] === '.' || (segments.length > 0 && this.src[this.pos] === '[')) {
      const segmentAt = this.pos;
      if (this.src[this.pos] === '.') {
        this.pos++;
        if (this.src[this.pos] === '*') {
          this.pos++;
          segments.push({ kind: 'anyField' });
          wildcards++;
        } else if (this.src.startsWith("['", this.pos)) {
          const close = this.src.indexOf("']", this.pos + 2);
          if (close < 0) this.fail("unterminated ['...'] property name", segmentAt);
          segments.push({ kind: 'key', key: this.src.slice(this.pos + 2, close) });
          this.pos = close + 2;
        } else {
          const name = /^[A-Za-z0-9_-]+/.exec(this.src.slice(this.pos))?.[0];
          if (name === undefined) this.fail('expected a property name (letters, digits, "-" and "_"), "*" or [\'name\']', this.pos);
          segments.push({ kind: 'key', key: name });
          this.pos += name.length;
        }
      } else {
        const index = /^\[(\d+|\*)\]/.exec(this.src.slice(this.pos))?.[1];
        if (index === undefined) this.fail('expected an array index such as [0] or [*]', segmentAt);
        this.pos += index.length + 2;
        if (index === '*') {
          segments.push({ kind: 'anyElement' });
          wildcards++;
        } else {
          segments.push({ kind: 'index', index: Number(index) });
        }
      }
    }
    if (segments.length === 0) this.fail('expected a property after "$"', this.pos);
    if (wildcards > 1) this.fail('a property selector may contain at most one wildcard', start);
    this.wildcardSelectorCount += wildcards;
    if (this.wildcardSelectorCount > MAX_WILDCARD_SELECTORS_PER_PATTERN) {
      this.fail(`a filter pattern may contain at most ${MAX_WILDCARD_SELECTORS_PER_PATTERN} wildcard selectors`, start);
    }
    return { text: this.src.slice(start, this.pos), segments, hasWildcard: wildcards > 0 };
  }

  private parseOperand(operator: ComparisonOperator): Operand {
    this.skipSpace();
    const at = this.pos;
    const first = this.src[this.pos];
    if (first === '"') return this.textOperand(operator, this.readQuoted(), at);
    if (first === '%') return this.textOperand(operator, this.readRegex(), at);
    const bare = /^[^\s(){}"%&|=<>!]+/.exec(this.src.slice(this.pos))?.[0];
    if (bare === undefined) this.fail('expected a value', at);
    this.pos += bare.length;
    if (NUMBER.test(bare)) return { kind: 'number', value: Number(bare) };
    if (operator !== '=' && operator !== '!=') this.fail(`"${operator}" needs a number, such as 500, -1.5 or 10e3`, at);
    if (bare === '*') return { kind: 'anything' };
    if (/^(true|false|null)$/i.test(bare)) this.fail(`use IS ${bare.toUpperCase()} to test for ${bare.toLowerCase()}`, at);
    // The docs' own unquoted example is `123.123.*`; anything beyond letters, digits, "_", "." and "*" needs quotes.
    if (!/^[A-Za-z0-9_.*]+$/.test(bare)) this.fail(`"${bare}" must be enclosed in double quotes`, at);
    return this.textOperand(
      operator,
      wildcardTest(bare, (message) => this.fail(message, at)),
      at,
    );
  }

  private textOperand(operator: ComparisonOperator, test: (value: string) => boolean, at: number): Operand {
    if (operator !== '=' && operator !== '!=') this.fail(`"${operator}" needs a number, not a string`, at);
    return { kind: 'text', test };
  }

  private readQuoted(): (value: string) => boolean {
    const at = this.pos;
    const close = this.src.indexOf('"', this.pos + 1);
    if (close < 0) this.fail('unterminated quoted string', at);
    const text = this.src.slice(this.pos + 1, close);
    if (text.includes('\\')) this.fail('escape sequences in quoted strings are not documented, so not supported', at);
    this.pos = close + 1;
    return wildcardTest(text, (message) => this.fail(message, at));
  }

  private readRegex(): (value: string) => boolean {
    const at = this.pos;
    const close = this.src.indexOf('%', this.pos + 1);
    if (close < 0) this.fail('unterminated %regex%', at);
    this.regexCount++;
    if (this.regexCount > MAX_REGEX_PER_PATTERN) {
      this.fail(`a JSON filter pattern may contain at most ${MAX_REGEX_PER_PATTERN} regular expressions`, at);
    }
    const regex = translateRegex(this.src.slice(this.pos + 1, close), (message, offset) => this.fail(message, at + 1 + offset));
    this.pos = close + 1;
    return (value) => regex.test(value);
  }

  private lookingAt(token: string): boolean {
    this.skipSpace();
    return this.src.startsWith(token, this.pos);
  }

  private readWord(): string {
    const word = /^[A-Za-z]+/.exec(this.src.slice(this.pos))?.[0] ?? '';
    this.pos += word.length;
    return word;
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos] ?? '')) this.pos++;
  }

  private fail(problem: string, at = this.pos): never {
    const near = this.src.slice(at, at + 16);
    throw new Error(`Invalid CloudWatch filter pattern at position ${at + 1}: ${problem}${near === '' ? ' (at end of pattern)' : ` (near "${near}")`}`);
  }
}

/** "An integer with an optional + or - sign, a decimal ..., or a number in scientific notation". */
const NUMBER = /^[+-]?\d+(\.\d+)?(e[+-]?\d+)?$/;

function comparison(pattern: string, selector: Selector, operator: ComparisonOperator, operand: Operand): Predicate {
  const holds = (node: unknown): boolean => {
    // Only string and number nodes are value nodes; everything else fails both = and !=.
    if (typeof node !== 'string' && typeof node !== 'number') return false;
    if (operand.kind === 'anything') return operator === '=';
    if (operand.kind === 'text') {
      if (typeof node !== 'string') throw typeMismatch(pattern, selector, 'a string operand', 'a number');
      return operand.test(node) === (operator === '=');
    }
    if (typeof node !== 'number') throw typeMismatch(pattern, selector, 'a numeric operand', 'a string');
    return compareNumbers(node, operator, operand.value);
  };
  return (root) => resolve(root, selector).some(holds);
}

function compareNumbers(value: number, operator: ComparisonOperator, operand: number): boolean {
  switch (operator) {
    case '=':
      return value === operand;
    case '!=':
      return value !== operand;
    case '<':
      return value < operand;
    case '>':
      return value > operand;
    case '<=':
      return value <= operand;
    case '>=':
      return value >= operand;
  }
}

function typeMismatch(pattern: string, selector: Selector, operand: string, value: string): Error {
  return new Error(
    `CloudWatch filter pattern ${pattern}: ${selector.text} compares ${operand} with ${value} value; ` +
      'the AWS docs do not say whether that matches, so this evaluator will not guess',
  );
}

/** A `*` at either end is a wildcard; the docs give no meaning to one in the middle, so it is refused. */
function wildcardTest(text: string, fail: (message: string) => never): (value: string) => boolean {
  const leading = text.startsWith('*');
  const inner = leading ? text.slice(1) : text;
  const trailing = inner.endsWith('*');
  const core = trailing ? inner.slice(0, -1) : inner;
  if (core.includes('*')) fail('"*" is only a wildcard at the start or end of a value');
  if (leading && trailing) return (value) => value.includes(core);
  if (leading) return (value) => value.endsWith(core);
  if (trailing) return (value) => value.startsWith(core);
  return (value) => value === core;
}

const REGEX_SYMBOLS = new Set(':_#=@/;,- ');
const REGEX_OPERATORS = new Set('^$?[]{}|\\*+.');

/**
 * Checks a `%...%` body against the documented subset (alphanumerics, the symbols : _ # = @ / ; , -
 * and the operators ^ $ ? [ ] { } | \ * + .; no parentheses, no multi-byte characters) and turns it
 * into a JavaScript RegExp. Spaces are allowed: the docs' own examples contain them.
 */
function translateRegex(body: string, fail: (message: string, offset: number) => never): RegExp {
  let source = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? '';
    if (ch === '(' || ch === ')') fail('"(" and ")" are not supported in CloudWatch regex', i);
    if (ch === '\\') {
      const next = body[i + 1] ?? '';
      if (next === 'x') {
        const hex = body.slice(i + 2, i + 4);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) fail('"\\x" must be followed by two hexadecimal digits', i);
        source += `\\x${hex}`;
        i += 3;
      } else if ('dDsSwW'.includes(next) && next !== '') {
        source += `\\${next}`;
        i++;
      } else if (REGEX_OPERATORS.has(next) || REGEX_SYMBOLS.has(next)) {
        source += /[A-Za-z0-9_ ]/.test(next) ? next : `\\${next}`;
        i++;
      } else {
        fail(`"\\${next}" is not a supported escape`, i);
      }
    } else if (ch === '{') {
      const quantifier = /^\{(\d*),?(\d*)\}/.exec(body.slice(i));
      if (quantifier === null || (quantifier[1] === '' && quantifier[2] === '')) fail('"{" must start a quantifier such as {3,5}', i);
      // "Either m or n can be omitted"; JavaScript needs the minimum spelled out.
      source += quantifier[0].startsWith('{,') ? `{0${quantifier[0].slice(1)}` : quantifier[0];
      i += quantifier[0].length - 1;
    } else if (/[A-Za-z0-9]/.test(ch) || REGEX_SYMBOLS.has(ch) || REGEX_OPERATORS.has(ch)) {
      source += ch;
    } else {
      fail(`"${ch}" is not allowed in a CloudWatch regex`, i);
    }
  }
  try {
    return new RegExp(source);
  } catch (error) {
    return fail(`not a valid regular expression (${(error as Error).message})`, 0);
  }
}

/** The value nodes a selector reaches; more than one only through a wildcard. */
function resolve(root: Record<string, unknown>, selector: Selector): unknown[] {
  let current: unknown[] = [root];
  for (const segment of selector.segments) {
    const next: unknown[] = [];
    for (const node of current) {
      if (segment.kind === 'key' && isJsonObject(node) && Object.hasOwn(node, segment.key)) next.push(node[segment.key]);
      else if (segment.kind === 'index' && Array.isArray(node) && segment.index < node.length) next.push(node[segment.index]);
      else if (segment.kind === 'anyField' && isJsonObject(node)) next.push(...Object.values(node));
      else if (segment.kind === 'anyElement' && Array.isArray(node)) next.push(...(node as unknown[]));
    }
    current = next.filter((node) => node !== undefined);
  }
  return current;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
