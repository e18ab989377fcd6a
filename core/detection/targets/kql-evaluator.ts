/**
 * An independent evaluator of the Kusto Query Language subset our detection compiler emits, used to
 * check that each compiled KQL query selects the same Log Analytics rows as our rule engine. Written
 * from Microsoft's KQL reference (learn.microsoft.com/kusto/query/...), not from the compiler; it imports
 * nothing from core/detection/compilers. Pages, cited where each construct is evaluated:
 * - string operators (==, !=, =~, !~, has, contains, startswith, endswith, _cs forms, terms):
 *   https://learn.microsoft.com/kusto/query/datatypes-string-operators
 * - in / !in, in~ / !in~: https://learn.microsoft.com/kusto/query/in-operator,
 *   https://learn.microsoft.com/kusto/query/in-cs-operator
 * - matches regex (RE2): https://learn.microsoft.com/kusto/query/matches-regex-operator,
 *   https://learn.microsoft.com/kusto/query/re2
 * - logical operators and null: https://learn.microsoft.com/kusto/query/logical-operators,
 *   https://learn.microsoft.com/kusto/query/scalar-data-types/null-values
 * - not(): https://learn.microsoft.com/kusto/query/not-function
 * - isempty / isnotempty / isnull / isnotnull: https://learn.microsoft.com/kusto/query/isempty-function,
 *   .../isnotempty-function, .../isnull-function, .../isnotnull-function
 * - tostring(): https://learn.microsoft.com/kusto/query/tostring-function
 * - gettype(): https://learn.microsoft.com/kusto/query/gettype-function (the page's examples: a property bag
 *   is "dictionary", an array "array", parse_json('') "null", a string "string", parse_json('1') "int").
 * - bag_has_key(): https://learn.microsoft.com/kusto/query/bag-has-key-function ("Checks whether a dynamic
 *   property bag object contains a given key"; a key holding null is contained). The page says nothing of
 *   a first argument that is no property bag, nor of a key that is a JSONPath here: both throw.
 * - dynamic values and property access: https://learn.microsoft.com/kusto/query/scalar-data-types/dynamic
 * - string literals: https://learn.microsoft.com/kusto/query/scalar-data-types/string
 * - ipv4_is_in_any_range / ipv6_is_in_any_range: https://learn.microsoft.com/kusto/query/ipv4-is-in-any-range-function,
 *   https://learn.microsoft.com/kusto/query/ipv6-is-in-any-range-function
 * - where: https://learn.microsoft.com/kusto/query/where-operator
 * - mv-apply (and mv-expand, which it uses): https://learn.microsoft.com/kusto/query/mv-apply-operator,
 *   https://learn.microsoft.com/kusto/query/mv-expand-operator
 * - summarize, count(), countif(), sum(): https://learn.microsoft.com/kusto/query/summarize-operator,
 *   .../count-aggregation-function, .../countif-aggregation-function, .../sum-aggregation-function
 * - `*` as the left operand of has, contains, startswith, endswith (and _cs, negations) or matches regex: true
 *   when the test holds on some column of the row, the search operator's documented `where` equivalents
 *   (`where * has "err"`, `where * contains "err"`, `where * matches regex ...`):
 *   https://learn.microsoft.com/kusto/query/search-operator, and `where * has "cow"` on the where page.
 *   A datetime column's text is not documented (tostring() formats it, which is outside this subset): a
 *   string operator whose needle could occur in an ISO 8601 rendering, or a regex, throws when such a column
 *   holds a value; a needle with any other character cannot occur in one and the column does not match.
 * - todouble() / toreal(): https://learn.microsoft.com/kusto/query/todouble-function ("if conversion is
 *   successful, the result is a value of type real; otherwise real(null)"). The page does not say which
 *   strings convert: here a decimal number (sign, digits, fraction, exponent) does, every other string is
 *   null; < > <= >= on numbers: https://learn.microsoft.com/kusto/query/numerical-operators
 * - column-to-column comparisons (`BeginLocation != EndLocation`, where page): ordinary binary operators.
 * - RE2 leading flags (?i) (?m) (?s) (re2 page): `m` makes ^ and $ match at "\n" as well (RE2 knows no other
 *   line break), and `.` matches anything but "\n" unless `s`; both are translated so, not left to
 *   JavaScript, whose ^ $ and . also treat "\r", U+2028 and U+2029 as line breaks.
 *
 * Anything outside this subset (other tabular operators, other functions, datetime formatting) throws
 * an Error naming it rather than guessing. Where the reference is silent, the choice made here is noted.
 */

export type KqlColumnType = 'string' | 'dynamic' | 'bool' | 'int' | 'long' | 'real' | 'datetime' | 'guid';

/** A typed scalar. `string` is never null ("The string data type doesn't support null values"). */
export type KqlValue =
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'dynamic'; readonly v: unknown }
  | { readonly t: 'bool'; readonly v: boolean | null }
  | { readonly t: 'int' | 'long' | 'real'; readonly v: number | null }
  | { readonly t: 'datetime' | 'guid'; readonly v: string | null };

export type KqlRow = ReadonlyMap<string, KqlValue>;

export interface KqlTableInput {
  readonly columns: Readonly<Record<string, KqlColumnType>>;
  /** JSON-shaped rows; converted to the column types as ingestion would (see {@link toKqlRow}). */
  readonly rows: readonly Record<string, unknown>[];
}

const str = (v: string): KqlValue => ({ t: 'string', v });
const bool = (v: boolean | null): KqlValue => ({ t: 'bool', v });
const dyn = (v: unknown): KqlValue => ({ t: 'dynamic', v: v === undefined ? null : v });

/**
 * A JSON row as Log Analytics would store it in a table of these columns: a string column holds '' for
 * an absent or null value (strings have no null) and a number or bool as its text; a dynamic column holds
 * the JSON value or null; typed columns hold the value or null when it does not convert.
 */
export function toKqlRow(columns: Readonly<Record<string, KqlColumnType>>, json: Record<string, unknown>): KqlRow {
  const row = new Map<string, KqlValue>();
  for (const [name, type] of Object.entries(columns)) {
    const raw = json[name];
    switch (type) {
      case 'string':
        row.set(
          name,
          str(raw === undefined || raw === null ? '' : typeof raw === 'string' ? raw : typeof raw === 'object' ? JSON.stringify(raw) : String(raw)),
        );
        break;
      case 'dynamic':
        row.set(name, dyn(raw));
        break;
      case 'bool':
        row.set(name, bool(typeof raw === 'boolean' ? raw : raw === 'true' || raw === 'True' ? true : raw === 'false' || raw === 'False' ? false : null));
        break;
      case 'int':
      case 'long':
      case 'real': {
        const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : null;
        row.set(name, { t: type, v: n });
        break;
      }
      case 'datetime':
      case 'guid':
        row.set(name, { t: type, v: typeof raw === 'string' && raw !== '' ? raw : null });
        break;
    }
  }
  return row;
}

// ---------------------------------------------------------------------------------------------------
// Lexer

type Token =
  | { readonly k: 'id'; readonly s: string; readonly at: number }
  | { readonly k: 'str'; readonly s: string; readonly at: number }
  | { readonly k: 'num'; readonly s: string; readonly at: number }
  | { readonly k: 'p'; readonly s: string; readonly at: number }
  | { readonly k: 'eof'; readonly s: ''; readonly at: number };

const PUNCT = ['==', '!=', '=~', '!~', '>=', '<=', '(', ')', '[', ']', '{', '}', ',', '.', '|', '=', '<', '>', ':', '!', '~', '-', '*'];

function lex(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const fail = (msg: string): never => {
    throw new Error(`KQL: ${msg} at offset ${i}`);
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const at = i;
    // Verbatim literals: @"..." / @'...', backslash stands for itself, a doubled quote is a quote.
    if (c === '@' && (text[i + 1] === '"' || text[i + 1] === "'")) {
      const q = text[i + 1]!;
      let s = '';
      i += 2;
      for (;;) {
        if (i >= text.length) fail('unterminated verbatim string');
        if (text[i] === q) {
          if (text[i + 1] === q) {
            s += q;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += text[i++];
      }
      out.push({ k: 'str', s, at });
      continue;
    }
    // Regular literals: the backslash escapes the enclosing quotes, \t, \n, \r and itself (string page).
    if (c === '"' || c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= text.length) fail('unterminated string');
        const d = text[i]!;
        if (d === c) {
          i++;
          break;
        }
        if (d === '\n' || d === '\r') fail('newline inside a string literal');
        if (d === '\\') {
          const e = text[i + 1];
          const map: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', t: '\t', n: '\n', r: '\r' };
          if (e === undefined || !(e in map)) fail(`escape \\${e ?? ''} is not one the string reference documents`);
          s += map[e!];
          i += 2;
          continue;
        }
        s += d;
        i++;
      }
      out.push({ k: 'str', s, at });
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(text.slice(i))!;
      out.push({ k: 'num', s: m[0], at });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      let s = m[0];
      i += s.length;
      // Hyphenated operator names: mv-apply, mv-expand.
      if (s === 'mv' && text[i] === '-') {
        const n = /^-[a-z]+/.exec(text.slice(i))![0];
        s += n;
        i += n.length;
      }
      out.push({ k: 'id', s, at });
      continue;
    }
    const p = PUNCT.find((x) => text.startsWith(x, i));
    if (!p) fail(`unexpected character ${JSON.stringify(c)}`);
    out.push({ k: 'p', s: p!, at });
    i += p!.length;
  }
  out.push({ k: 'eof', s: '', at: text.length });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// AST

type Expr =
  | { readonly e: 'lit'; readonly value: KqlValue }
  | { readonly e: 'col'; readonly name: string }
  /** `*`: every column, only as the left operand of a string operator or matches regex. */
  | { readonly e: 'star' }
  | { readonly e: 'member'; readonly of: Expr; readonly key: string | number }
  | { readonly e: 'call'; readonly fn: string; readonly args: readonly Expr[] }
  | { readonly e: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly e: 'cmp'; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly e: 'in'; readonly op: string; readonly left: Expr; readonly list: readonly Expr[] };

type Aggregate = { readonly name: string; readonly fn: 'count' | 'countif' | 'sum'; readonly arg?: Expr };

type Operator =
  | { readonly op: 'where'; readonly predicate: Expr }
  | { readonly op: 'mv-apply'; readonly name: string; readonly array: Expr; readonly sub: readonly Operator[] }
  | { readonly op: 'summarize'; readonly aggregates: readonly Aggregate[] };

interface Query {
  readonly table: string;
  readonly ops: readonly Operator[];
}

/** Binary string operators of the string-operators page (negated forms included). */
const STRING_OPS = new Set(['has', 'contains', 'startswith', 'endswith'].flatMap((o) => [o, `${o}_cs`, `!${o}`, `!${o}_cs`]));

class Parser {
  private pos = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(n = 0): Token {
    return this.toks[Math.min(this.pos + n, this.toks.length - 1)]!;
  }
  private next(): Token {
    return this.toks[this.pos++]!;
  }
  private fail(msg: string): never {
    throw new Error(`KQL: ${msg} at offset ${this.peek().at}`);
  }
  private isP(s: string, n = 0): boolean {
    const t = this.peek(n);
    return t.k === 'p' && t.s === s;
  }
  private isId(s: string, n = 0): boolean {
    const t = this.peek(n);
    return t.k === 'id' && t.s === s;
  }
  private expectP(s: string): void {
    if (!this.isP(s)) this.fail(`expected "${s}"`);
    this.pos++;
  }
  private ident(): string {
    const t = this.next();
    if (t.k !== 'id') this.fail('expected a name');
    return t.s;
  }

  query(): Query {
    const table = this.ident();
    const ops: Operator[] = [];
    while (this.isP('|')) {
      this.pos++;
      ops.push(this.operator());
    }
    if (this.peek().k !== 'eof') this.fail('unexpected text after the query');
    return { table, ops };
  }

  private pipeline(): Operator[] {
    const ops = [this.operator()];
    while (this.isP('|')) {
      this.pos++;
      ops.push(this.operator());
    }
    return ops;
  }

  private operator(): Operator {
    const name = this.ident();
    switch (name) {
      case 'where':
        return { op: 'where', predicate: this.expr() };
      case 'mv-apply': {
        // mv-apply [Name =] ArrayExpression on (SubQuery); no typeof/itemindex/limit in our subset.
        let itemName: string | undefined;
        if (this.peek().k === 'id' && this.isP('=', 1)) {
          itemName = this.ident();
          this.pos++;
        }
        const array = this.expr();
        if (!itemName) {
          if (array.e !== 'col') this.fail('mv-apply of an expression needs a name');
          itemName = array.name;
        }
        if (!this.isId('on')) this.fail('expected "on"');
        this.pos++;
        this.expectP('(');
        const sub = this.pipeline();
        this.expectP(')');
        return { op: 'mv-apply', name: itemName, array, sub };
      }
      case 'summarize': {
        const aggregates: Aggregate[] = [];
        do {
          if (aggregates.length) this.pos++;
          const col = this.ident();
          this.expectP('=');
          const fn = this.ident();
          if (fn !== 'count' && fn !== 'countif' && fn !== 'sum') this.fail(`aggregation ${fn} is outside the supported subset`);
          this.expectP('(');
          const arg = fn === 'count' ? undefined : this.expr();
          this.expectP(')');
          aggregates.push({ name: col, fn, ...(arg ? { arg } : {}) });
        } while (this.isP(','));
        if (this.isId('by')) this.fail('summarize ... by is outside the supported subset');
        return { op: 'summarize', aggregates };
      }
      default:
        return this.fail(`tabular operator ${name} is outside the supported subset`);
    }
  }

  // Precedence (logical-operators page): `or` binds loosest, then `and`, then comparisons.
  expr(): Expr {
    let left = this.and();
    while (this.isId('or')) {
      this.pos++;
      left = { e: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.comparison();
    while (this.isId('and')) {
      this.pos++;
      left = { e: 'and', left, right: this.comparison() };
    }
    return left;
  }

  private comparison(): Expr {
    const left = this.postfix();
    if (left.e === 'star') {
      // Only the search page's positive forms; how `* !contains` reads (no column, or some column) is not documented.
      const w = this.peek();
      if (!(w.k === 'id' && (STRING_OPS.has(w.s) || (w.s === 'matches' && this.isId('regex', 1))))) {
        this.fail('* (every column) is supported only before a string operator or matches regex');
      }
    }
    const t = this.peek();
    if (t.k === 'p' && ['==', '!=', '=~', '!~', '<', '>', '<=', '>='].includes(t.s)) {
      this.pos++;
      return { e: 'cmp', op: t.s, left, right: this.postfix() };
    }
    // Negated word operators lex as "!" + word; in~ as "in" + "~".
    let neg = false;
    if (this.isP('!') && this.peek(1).k === 'id') {
      neg = true;
      this.pos++;
    }
    const w = this.peek();
    if (w.k === 'id' && STRING_OPS.has(w.s)) {
      this.pos++;
      return { e: 'cmp', op: `${neg ? '!' : ''}${w.s}`, left, right: this.postfix() };
    }
    if (w.k === 'id' && w.s === 'in') {
      this.pos++;
      let op = `${neg ? '!' : ''}in`;
      if (this.isP('~')) {
        this.pos++;
        op += '~';
      }
      this.expectP('(');
      const list: Expr[] = [];
      if (!this.isP(')')) {
        list.push(this.expr());
        while (this.isP(',')) {
          this.pos++;
          list.push(this.expr());
        }
      }
      this.expectP(')');
      return { e: 'in', op, left, list };
    }
    if (!neg && this.isId('matches') && this.isId('regex', 1)) {
      this.pos += 2;
      return { e: 'cmp', op: 'matches regex', left, right: this.postfix() };
    }
    if (neg) this.fail(`operator !${w.s} is outside the supported subset`);
    return left;
  }

  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.isP('.')) {
        this.pos++;
        e = { e: 'member', of: e, key: this.ident() };
      } else if (this.isP('[')) {
        this.pos++;
        const t = this.next();
        if (t.k === 'str') e = { e: 'member', of: e, key: t.s };
        else if (t.k === 'num' && /^\d+$/.test(t.s)) e = { e: 'member', of: e, key: Number(t.s) };
        else this.fail('expected a string or an index');
        this.expectP(']');
      } else return e;
    }
  }

  private primary(): Expr {
    const t = this.next();
    if (t.k === 'str') return { e: 'lit', value: str(t.s) };
    if (t.k === 'num') return { e: 'lit', value: t.s.includes('.') ? { t: 'real', v: Number(t.s) } : { t: 'long', v: Number(t.s) } };
    if (t.k === 'p' && t.s === '(') {
      const inner = this.expr();
      this.expectP(')');
      return inner;
    }
    if (t.k === 'p' && t.s === '*') return { e: 'star' };
    if (t.k === 'p' && t.s === '-' && this.peek().k === 'num') {
      const n = this.next();
      return { e: 'lit', value: { t: n.s.includes('.') ? 'real' : 'long', v: -Number(n.s) } };
    }
    if (t.k !== 'id') return this.fail(`unexpected ${JSON.stringify(t.s)}`);
    if (t.s === 'true' || t.s === 'false') return { e: 'lit', value: bool(t.s === 'true') };
    if (this.isP('(')) {
      this.pos++;
      if (t.s === 'dynamic') {
        const v = this.jsonValue();
        this.expectP(')');
        return { e: 'lit', value: dyn(v) };
      }
      const args: Expr[] = [];
      if (!this.isP(')')) {
        args.push(this.expr());
        while (this.isP(',')) {
          this.pos++;
          args.push(this.expr());
        }
      }
      this.expectP(')');
      return { e: 'call', fn: t.s, args };
    }
    return { e: 'col', name: t.s };
  }

  /** The literal inside dynamic(...): JSON (arrays, property bags, strings, numbers, true/false/null). */
  private jsonValue(): unknown {
    const t = this.next();
    if (t.k === 'str') return t.s;
    if (t.k === 'num') return Number(t.s);
    if (t.k === 'p' && t.s === '-' && this.peek().k === 'num') return -Number(this.next().s);
    if (t.k === 'id' && (t.s === 'true' || t.s === 'false')) return t.s === 'true';
    if (t.k === 'id' && t.s === 'null') return null;
    if (t.k === 'p' && t.s === '[') {
      const out: unknown[] = [];
      if (!this.isP(']')) {
        out.push(this.jsonValue());
        while (this.isP(',')) {
          this.pos++;
          out.push(this.jsonValue());
        }
      }
      this.expectP(']');
      return out;
    }
    if (t.k === 'p' && t.s === '{') {
      const out: Record<string, unknown> = {};
      if (!this.isP('}')) {
        do {
          if (Object.keys(out).length) this.pos++;
          const k = this.next();
          if (k.k !== 'str') this.fail('expected a property name');
          this.expectP(':');
          out[k.s] = this.jsonValue();
        } while (this.isP(','));
      }
      this.expectP('}');
      return out;
    }
    return this.fail('expected a dynamic literal');
  }
}

export function parseKql(text: string): Query {
  return new Parser(lex(text)).query();
}

// ---------------------------------------------------------------------------------------------------
// Scalar evaluation

/** tostring(): null -> ""; a dynamic string is its text, other dynamic values their JSON (tostring page). */
function toText(x: KqlValue): string {
  switch (x.t) {
    case 'string':
      return x.v;
    case 'dynamic':
      if (x.v === null) return '';
      if (typeof x.v === 'string') return x.v;
      if (typeof x.v === 'number' || typeof x.v === 'boolean') return String(x.v);
      return JSON.stringify(x.v);
    case 'bool':
      return x.v === null ? '' : String(x.v);
    case 'int':
    case 'long':
    case 'real':
      return x.v === null ? '' : String(x.v);
    case 'guid':
      return x.v ?? '';
    case 'datetime':
      if (x.v === null) return '';
      throw new Error('KQL: tostring(datetime) formatting is outside the supported subset');
  }
}

/** A string operand: strings as they are, dynamic values through their text (operators take strings). */
function operandText(x: KqlValue, op: string): string {
  if (x.t === 'string' || x.t === 'dynamic') return toText(x);
  throw new Error(`KQL: ${op} on a ${x.t} operand is outside the supported subset`);
}

function isNull(x: KqlValue): boolean {
  return x.t !== 'string' && x.v === null;
}

/** Case-insensitive comparison; the reference does not define the folding beyond ASCII: we lower-case. */
const fold = (s: string): string => s.toLowerCase();

/**
 * `has`: the RHS must be a whole term of the LHS. Terms are maximal runs of alphanumeric characters
 * (datatypes-string-operators, "What is a term?"); "KustoExplorerQueryRun" has "Explorer" is false. A
 * RHS made of several terms ("North America") must occur with both ends on term boundaries.
 */
function hasTerm(lhs: string, rhs: string, cased: boolean): boolean {
  const l = cased ? lhs : fold(lhs);
  const r = cased ? rhs : fold(rhs);
  if (r === '') return true;
  const alnum = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
  for (let at = l.indexOf(r); at >= 0; at = l.indexOf(r, at + 1)) {
    const startOk = !alnum(r[0]) || !alnum(l[at - 1]);
    const endOk = !alnum(r[r.length - 1]) || !alnum(l[at + r.length]);
    if (startOk && endOk) return true;
  }
  return false;
}

/** RE2 (re2 page) as a JavaScript regex: leading (?i) (?m) (?s) flags; other RE2-only syntax throws. */
function re2(pattern: string): RegExp {
  let flags = 'u';
  let source = pattern;
  let multiline = false;
  let dotAll = false;
  const m = /^\(\?([imsU]+)\)/.exec(source);
  if (m) {
    if (m[1]!.includes('U')) throw new Error(`KQL: RE2 flag group ${m[0]} is outside the supported subset`);
    if (m[1]!.includes('i')) flags += 'i';
    multiline = m[1]!.includes('m');
    dotAll = m[1]!.includes('s');
    source = source.slice(m[0].length);
  }
  const outside = (): never => {
    throw new Error(`KQL: RE2 syntax in ${JSON.stringify(pattern)} is outside the supported subset`);
  };
  // Outside classes, . ^ and $ follow RE2's line rules, in which "\n" is the only line break. The scan
  // knows escapes, so `\\A` (a backslash, then A) is not read as RE2's \A.
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const e = source[i + 1];
      if (e !== undefined && 'zAQECpP'.includes(e)) outside();
      out += c + (source[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '(' && source[i + 1] === '?' && !(source[i + 2] !== undefined && ':=!<'.includes(source[i + 2]!))) {
      outside();
    } else if (c === '[') {
      if (source.startsWith('[[:', i) || source.startsWith('[:', i + 1)) outside();
      inClass = true;
      out += c;
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') out += `\\${source[++i]}`;
    } else if (c === '.') out += dotAll ? '[\\s\\S]' : '[^\\n]';
    else if (c === '^' && multiline) out += '(?:^|(?<=\\n))';
    else if (c === '$' && multiline) out += '(?:$|(?=\\n))';
    else out += c;
  }
  return new RegExp(out, flags);
}

/** A decimal number as todouble() reads it here: sign, digits with an optional fraction, optional exponent. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Characters an ISO 8601 rendering of a datetime can hold (tostring(datetime) is not documented further). */
const DATETIME_ALPHABET = /^[0-9tz:.\- +]*$/i;

/** `* op rhs`: the test holds on some column's text (search operator page). */
function anyColumn(op: string, rhs: KqlValue, row: Scope): boolean {
  if (rhs.t !== 'string') throw new Error(`KQL: * ${op} needs a string literal`);
  const test = (text: string): boolean => (op === 'matches regex' ? re2(rhs.v).test(text) : stringOp(op, text, rhs.v));
  let found = false;
  for (const value of row.values()) {
    if (value.t === 'datetime') {
      if (value.v === null) continue;
      if (op === 'matches regex' || DATETIME_ALPHABET.test(rhs.v))
        throw new Error('KQL: * over a datetime value: tostring(datetime) formatting is outside the supported subset');
      continue;
    }
    if (test(toText(value))) found = true;
  }
  return found;
}

function stringOp(op: string, lhs: string, rhs: string): boolean {
  const neg = op.startsWith('!');
  const base = neg ? op.slice(1) : op;
  const cased = base.endsWith('_cs');
  const name = cased ? base.slice(0, -3) : base;
  const l = cased ? lhs : fold(lhs);
  const r = cased ? rhs : fold(rhs);
  let result: boolean;
  switch (name) {
    case 'has':
      result = hasTerm(lhs, rhs, cased);
      break;
    case 'contains':
      result = l.includes(r);
      break;
    case 'startswith':
      result = l.startsWith(r);
      break;
    case 'endswith':
      result = l.endsWith(r);
      break;
    default:
      throw new Error(`KQL: operator ${op}`);
  }
  return neg ? !result : result;
}

// IP parsing for the ip*_is_in_any_range functions: a failed conversion makes the result null.
function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((a, p) => a * 256 + Number(p), 0);
}

function ipv6(text: string): bigint | undefined {
  if (!text.includes(':')) return undefined;
  let s = text;
  // An embedded dotted IPv4 tail (::ffff:192.168.0.172) stands for the last two groups.
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = ipv4(v4[2]!);
    if (n === undefined) return undefined;
    s = `${v4[1]}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if ([...head, ...tail].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const words = [...head, ...new Array<string>(8 - count).fill('0'), ...tail];
  return words.reduce((a, w) => (a << 16n) | BigInt(parseInt(w, 16)), 0n);
}

function inAnyRange(version: 4 | 6, address: KqlValue, ranges: readonly KqlValue[]): boolean | null {
  const list = ranges.flatMap((r) => (r.t === 'dynamic' && Array.isArray(r.v) ? r.v.map((x) => String(x)) : [toText(r)]));
  const bits = version === 4 ? 32 : 128;
  const parse = (t: string) => (version === 4 ? (ipv4(t) === undefined ? undefined : BigInt(ipv4(t)!)) : ipv6(t));
  const addr = parse(operandText(address, `ipv${version}_is_in_any_range`));
  if (addr === undefined) return null;
  let any = false;
  for (const range of list) {
    const [base = '', len, extra] = range.split('/');
    const prefix = len === undefined ? bits : /^\d+$/.test(len) ? Number(len) : NaN;
    const net = parse(base);
    if (net === undefined || extra !== undefined || !(prefix >= 0 && prefix <= bits)) return null;
    const shift = BigInt(bits - prefix);
    if (addr >> shift === net >> shift) any = true;
  }
  return any;
}

type Scope = KqlRow;

function truth(x: KqlValue, where: string): boolean | null {
  if (x.t === 'bool') return x.v;
  if (x.t === 'dynamic' && (typeof x.v === 'boolean' || x.v === null)) return x.v as boolean | null;
  throw new Error(`KQL: ${where} needs a bool, got ${x.t}`);
}

function evalExpr(e: Expr, row: Scope): KqlValue {
  switch (e.e) {
    case 'lit':
      return e.value;
    case 'col': {
      const v = row.get(e.name);
      if (!v) throw new Error(`KQL: unknown column ${e.name}`);
      return v;
    }
    case 'member': {
      // Property access exists only on dynamic values; a missing property (or a key on a non-bag) is null.
      const of = evalExpr(e.of, row);
      if (of.t !== 'dynamic') throw new Error(`KQL: property access on a ${of.t} value`);
      const v = of.v;
      if (typeof e.key === 'number') return dyn(Array.isArray(v) ? v[e.key] : null);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return dyn((v as Record<string, unknown>)[e.key]);
      return dyn(null);
    }
    case 'and':
    case 'or': {
      // Three-valued logic (logical-operators page): false and null = false, true or null = true. false
      // and anything is false, true or anything true, so the right side is not evaluated then (the value
      // is the same whatever it is; `gettype(d) == "dictionary" and bag_has_key(d, k)` relies on it).
      const l = truth(evalExpr(e.left, row), e.e);
      if (e.e === 'and' && l === false) return bool(false);
      if (e.e === 'or' && l === true) return bool(true);
      const r = truth(evalExpr(e.right, row), e.e);
      if (e.e === 'and') return bool(l === false || r === false ? false : l === null || r === null ? null : true);
      return bool(l === true || r === true ? true : l === null || r === null ? null : false);
    }
    case 'in': {
      // in / !in are case-sensitive, in~ / !in~ are not (in-operator, in-cs-operator pages).
      const lhs = evalExpr(e.left, row);
      const values = e.list.flatMap((x) => {
        const v = evalExpr(x, row);
        return v.t === 'dynamic' && Array.isArray(v.v) ? v.v.map((y) => dyn(y)) : [v];
      });
      const ci = e.op.endsWith('~');
      const l = operandText(lhs, e.op);
      const found = values.some((v) => (ci ? fold(operandText(v, e.op)) === fold(l) : operandText(v, e.op) === l));
      return bool(e.op.startsWith('!') ? !found : found);
    }
    case 'star':
      throw new Error('KQL: * (every column) outside a string operator');
    case 'cmp': {
      if (e.left.e === 'star') return bool(anyColumn(e.op, evalExpr(e.right, row), row));
      const lhs = evalExpr(e.left, row);
      const rhs = evalExpr(e.right, row);
      if (e.op === 'matches regex') {
        if (rhs.t !== 'string') throw new Error('KQL: matches regex needs a string literal pattern');
        return bool(re2(rhs.v).test(operandText(lhs, e.op)));
      }
      if (STRING_OPS.has(e.op)) return bool(stringOp(e.op, operandText(lhs, e.op), operandText(rhs, e.op)));
      if (e.op === '==' || e.op === '!=' || e.op === '=~' || e.op === '!~') {
        if (e.op.endsWith('~') || lhs.t === 'string' || rhs.t === 'string') {
          // String equality: == / != case-sensitive, =~ / !~ not.
          const l = operandText(lhs, e.op);
          const r = operandText(rhs, e.op);
          const eq = e.op.endsWith('~') ? fold(l) === fold(r) : l === r;
          return bool(e.op.startsWith('!') ? !eq : eq);
        }
        // Other scalars: null == x is false, null == null is null (null-values page).
        if (isNull(lhs) || isNull(rhs)) return bool(isNull(lhs) && isNull(rhs) ? null : e.op === '!=');
        const eq = lhs.v === rhs.v;
        return bool(e.op === '==' ? eq : !eq);
      }
      // < > <= >= on numbers only.
      if (typeof lhs.v !== 'number' && lhs.v !== null) throw new Error(`KQL: ${e.op} on ${lhs.t}`);
      if (isNull(lhs) || isNull(rhs)) return bool(null);
      const a = lhs.v as number;
      const b = rhs.v as number;
      return bool(e.op === '<' ? a < b : e.op === '>' ? a > b : e.op === '<=' ? a <= b : a >= b);
    }
    case 'call':
      return call(
        e.fn,
        e.args.map((a) => evalExpr(a, row)),
      );
  }
}

function call(fn: string, args: readonly KqlValue[]): KqlValue {
  const one = (): KqlValue => {
    if (args.length !== 1) throw new Error(`KQL: ${fn}() takes one argument`);
    return args[0]!;
  };
  switch (fn) {
    case 'tostring':
      return str(toText(one()));
    case 'todouble':
    case 'toreal': {
      const x = one();
      if (x.t === 'int' || x.t === 'long' || x.t === 'real') return { t: 'real', v: x.v };
      if (x.t !== 'string' && x.t !== 'dynamic') throw new Error(`KQL: ${fn}() of a ${x.t} is outside the supported subset`);
      const text = toText(x);
      return { t: 'real', v: DECIMAL.test(text) ? Number(text) : null };
    }
    case 'isempty':
    case 'isnotempty': {
      // "true if the argument is an empty string or is null" (isempty page).
      const x = one();
      const empty = x.t === 'string' ? x.v === '' : x.v === null || (x.t === 'dynamic' && x.v === '');
      return bool(fn === 'isempty' ? empty : !empty);
    }
    case 'isnull':
    case 'isnotnull': {
      // A string is never null (isnull page: isnull("") is false).
      const n = isNull(one());
      return bool(fn === 'isnull' ? n : !n);
    }
    case 'gettype':
      return str(typeName(one()));
    case 'bag_has_key': {
      if (args.length !== 2) throw new Error('KQL: bag_has_key() takes a bag and a key');
      const [bag, key] = args as [KqlValue, KqlValue];
      if (key.t !== 'string') throw new Error('KQL: bag_has_key() needs a string key');
      if (key.v.startsWith('$')) throw new Error('KQL: bag_has_key() with a JSONPath key is outside the supported subset');
      if (bag.t !== 'dynamic' || bag.v === null || typeof bag.v !== 'object' || Array.isArray(bag.v))
        throw new Error('KQL: bag_has_key() of a value that is no property bag is not documented');
      return bool(Object.hasOwn(bag.v, key.v));
    }
    case 'not': {
      const v = truth(one(), 'not()');
      return bool(v === null ? null : !v);
    }
    case 'coalesce': {
      // "Evaluates a list of expressions and returns the first non-null (or non-empty for string)
      // expression" (https://learn.microsoft.com/kusto/query/coalesce-function).
      if (args.length < 2) throw new Error('KQL: coalesce() needs at least two arguments');
      return args.find((a) => !isNull(a) && !(a.t === 'string' && a.v === '')) ?? args[args.length - 1]!;
    }
    case 'ipv4_is_in_any_range':
    case 'ipv6_is_in_any_range':
      if (args.length < 2) throw new Error(`KQL: ${fn}() needs an address and ranges`);
      return bool(inAnyRange(fn === 'ipv4_is_in_any_range' ? 4 : 6, args[0]!, args.slice(1)));
    default:
      throw new Error(`KQL: function ${fn}() is outside the supported subset`);
  }
}

/**
 * gettype(): the runtime type's name. The page's examples give "dictionary", "array", "null", "string",
 * "bool", "long", "real", "datetime", "guid" and, for parse_json('1'), "int"; a dynamic number is read as
 * "int" when it is an integer, "real" otherwise (the page shows no other dynamic number). A null of a
 * typed column is not shown on the page: it throws.
 */
function typeName(x: KqlValue): string {
  if (x.t === 'dynamic') {
    const v = x.v;
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'array';
    if (typeof v === 'object') return 'dictionary';
    if (typeof v === 'string') return 'string';
    if (typeof v === 'boolean') return 'bool';
    if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'real';
    throw new Error(`KQL: gettype() of ${typeof v}`);
  }
  if (x.t === 'string') return 'string';
  if (x.v === null) throw new Error(`KQL: gettype() of a null ${x.t} is not documented`);
  return x.t;
}

// ---------------------------------------------------------------------------------------------------
// Tabular evaluation

function runOps(ops: readonly Operator[], input: readonly KqlRow[]): KqlRow[] {
  let rows = [...input];
  for (const op of ops) {
    switch (op.op) {
      case 'where':
        // where keeps rows whose predicate is true; null counts as false (where page, null-values page).
        rows = rows.filter((row) => truth(evalExpr(op.predicate, row), 'where') === true);
        break;
      case 'summarize': {
        // No group-by keys: exactly one output row, even for an empty input; count/countif/sum of no
        // rows is 0 (summarize page, "Default values of aggregations"); nulls are ignored.
        const out = new Map<string, KqlValue>();
        for (const a of op.aggregates) {
          if (a.fn === 'count') out.set(a.name, { t: 'long', v: rows.length });
          else if (a.fn === 'countif') out.set(a.name, { t: 'long', v: rows.filter((r) => truth(evalExpr(a.arg!, r), 'countif') === true).length });
          else {
            const values = rows.map((r) => evalExpr(a.arg!, r)).filter((v) => !isNull(v));
            out.set(a.name, { t: 'long', v: values.reduce((s, v) => s + Number(v.v), 0) });
          }
        }
        rows = [out];
        break;
      }
      case 'mv-apply': {
        // Each row is expanded as mv-expand does (an array gives one record per element, a property bag
        // one per property, null a single null record, an empty array or bag none), the subquery runs on
        // that subtable, and its rows get the source row's other columns. A column expanded by name is
        // removed from the subquery's input (mv-apply page, ArrayExpression parameter).
        const next: KqlRow[] = [];
        for (const row of rows) {
          const value = evalExpr(op.array, row);
          if (value.t !== 'dynamic') throw new Error('KQL: mv-apply expands dynamic values only');
          const v = value.v;
          const items: unknown[] =
            v === null
              ? [null]
              : Array.isArray(v)
                ? v
                : typeof v === 'object'
                  ? Object.entries(v as Record<string, unknown>).map(([k, x]) => ({ [k]: x }))
                  : // Silent in the reference: a scalar expands to itself, as one record.
                    [v];
          // The subtable loses the expanded column (it is replaced by the item); the source row's columns
          // come back around the subquery's output. Kusto.Language (kql-check) binds a second mv-apply
          // over the same column, so the column is not removed from the operator's output.
          const inner = new Map(row);
          if (op.array.e === 'col') inner.delete(op.array.name);
          const subtable = items.map((item) => new Map(inner).set(op.name, dyn(item)));
          for (const r of runOps(op.sub, subtable)) {
            const merged = new Map(row);
            for (const [k, x] of r) merged.set(k, x);
            next.push(merged);
          }
        }
        rows = next;
        break;
      }
    }
  }
  return rows;
}

/** Runs a query over the given tables; returns the output rows. */
export function runKql(query: string, tables: Readonly<Record<string, KqlTableInput>>): KqlRow[] {
  const q = parseKql(query);
  const table = tables[q.table];
  if (!table) throw new Error(`KQL: unknown table ${q.table}`);
  return runOps(
    q.ops,
    table.rows.map((r) => toKqlRow(table.columns, r)),
  );
}

/** A predicate: does the query return the row (a one-row table of `table`'s schema)? */
export function compileKqlQuery(
  query: string,
  schemas: Readonly<Record<string, Readonly<Record<string, KqlColumnType>>>>,
): (row: Record<string, unknown>) => boolean {
  const q = parseKql(query);
  const columns = schemas[q.table];
  if (!columns) throw new Error(`KQL: unknown table ${q.table}`);
  return (row) => runOps(q.ops, [toKqlRow(columns, row)]).length > 0;
}
