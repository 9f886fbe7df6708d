import { RoomExpressionError } from './errors.js';

/**
 * A tiny, closed expression language for the legacy `ids`/`memory` values and for
 * addressing formulas: integers, names given by the caller, `+ - *`, parentheses,
 * list literals and `range(...)`. It is parsed and evaluated here, never handed to an
 * interpreter, and every size is capped so hostile text cannot exhaust memory or stack.
 */

/** The value of an expression: an integer or a list of integers. */
export type ExprValue = number | number[];

/** What an expression may use. */
export interface ExprOptions {
  /** Key the text came from, for error messages (e.g. `ids`). */
  readonly key: string;
  /** Names and their values, e.g. `{ id: 3 }`. */
  readonly vars?: Readonly<Record<string, number>>;
  /** Whether `range()` and list literals are allowed. */
  readonly lists?: boolean;
  /** Most items a list may hold (default 1000). */
  readonly maxItems?: number;
}

/** Limits that keep evaluation small whatever the input. */
const MAX_LENGTH = 500;
const MAX_DEPTH = 16;
const MAX_DIGITS = 15;
const MAX_MAGNITUDE = 2 ** 48;

type Token = { kind: 'int'; value: number; pos: number } | { kind: 'name'; value: string; pos: number } | { kind: 'op'; value: string; pos: number };

function tokenize(text: string, fail: (reason: string) => never): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') { i++; continue; }
    const start = i;
    if (c >= '0' && c <= '9') {
      while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
      const digits = text.slice(start, i);
      if (digits.length > MAX_DIGITS) fail(`the number at column ${start + 1} is too large`);
      out.push({ kind: 'int', value: Number(digits), pos: start });
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i]!)) i++;
      out.push({ kind: 'name', value: text.slice(start, i), pos: start });
    } else if ('+-*()[],'.includes(c)) {
      if (c === '*' && text[i + 1] === '*') fail(`"**" at column ${start + 1} is not allowed`);
      out.push({ kind: 'op', value: c, pos: start });
      i++;
    } else {
      fail(`unexpected character ${JSON.stringify(c)} at column ${start + 1}`);
    }
  }
  return out;
}

/** Recursive-descent parser that evaluates as it parses (the language has no side effects). */
class Evaluator {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly opts: ExprOptions,
    private readonly fail: (reason: string) => never,
  ) {}

  run(): ExprValue {
    if (this.tokens.length === 0) this.fail('is empty');
    const v = this.expr();
    const extra = this.tokens[this.pos];
    if (extra) this.fail(`unexpected ${JSON.stringify(String(extra.value))} at column ${extra.pos + 1}`);
    return v;
  }

  private peek(value: string): boolean {
    const t = this.tokens[this.pos];
    return t !== undefined && t.kind === 'op' && t.value === value;
  }

  private expect(value: string): void {
    if (!this.peek(value)) {
      const t = this.tokens[this.pos];
      this.fail(t ? `expected "${value}" at column ${t.pos + 1}` : `expected "${value}" at the end`);
    }
    this.pos++;
  }

  private nest<T>(f: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} levels deep`);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private expr(): ExprValue {
    let left = this.term();
    while (this.peek('+') || this.peek('-')) {
      const op = this.tokens[this.pos++]!.value;
      const right = this.term();
      left = op === '+' ? this.add(left, right) : this.int(this.num(left, '-') - this.num(right, '-'));
    }
    return left;
  }

  private term(): ExprValue {
    let left = this.unary();
    while (this.peek('*')) {
      this.pos++;
      const right = this.unary();
      left = this.int(this.num(left, '*') * this.num(right, '*'));
    }
    return left;
  }

  private unary(): ExprValue {
    if (this.peek('-') || this.peek('+')) {
      const op = String(this.tokens[this.pos++]!.value);
      return this.nest(() => {
        const v = this.num(this.unary(), op);
        return op === '-' ? this.int(-v) : v;
      });
    }
    return this.primary();
  }

  private primary(): ExprValue {
    const t = this.tokens[this.pos];
    if (!t) this.fail('ends too early');
    this.pos++;
    if (t.kind === 'int') return t.value;
    if (t.kind === 'name') return this.name(t.value);
    if (t.value === '(') return this.nest(() => { const v = this.expr(); this.expect(')'); return v; });
    if (t.value === '[' && this.opts.lists) return this.nest(() => this.list());
    return this.fail(`unexpected "${t.value}" at column ${t.pos + 1}`);
  }

  private name(name: string): ExprValue {
    if (name === 'range' && this.opts.lists && this.peek('(')) {
      this.pos++;
      return this.nest(() => this.range());
    }
    const v = this.opts.vars?.[name];
    if (v !== undefined && !this.peek('(')) return v;
    const allowed = [...Object.keys(this.opts.vars ?? {}), ...(this.opts.lists ? ['range(...)'] : [])];
    return this.fail(`unknown name "${name}" (allowed: ${allowed.length ? allowed.join(', ') : 'integers only'})`);
  }

  private list(): number[] {
    const items: number[] = [];
    while (!this.peek(']')) {
      items.push(this.num(this.expr(), 'a list item'));
      this.cap(items.length);
      if (!this.peek(',')) break;
      this.pos++;
    }
    this.expect(']');
    return items;
  }

  private range(): number[] {
    const args: number[] = [];
    while (!this.peek(')')) {
      args.push(this.num(this.expr(), 'range()'));
      if (!this.peek(',')) break;
      this.pos++;
    }
    this.expect(')');
    if (args.length < 1 || args.length > 3) this.fail(`range() takes 1 to 3 arguments, got ${args.length}`);
    const [start, stop, step] = args.length === 1 ? [0, args[0]!, 1] : [args[0]!, args[1]!, args[2] ?? 1];
    if (step === 0) this.fail('range() step must not be zero');
    const count = Math.max(0, Math.ceil((stop - start) / step));
    this.cap(count);
    return Array.from({ length: count }, (_, i) => start + i * step);
  }

  private add(a: ExprValue, b: ExprValue): ExprValue {
    if (Array.isArray(a) && Array.isArray(b)) {
      this.cap(a.length + b.length);
      return [...a, ...b];
    }
    return this.int(this.num(a, '+') + this.num(b, '+'));
  }

  private num(v: ExprValue, where: string): number {
    if (Array.isArray(v)) this.fail(`a list cannot be used with ${where}`);
    return v;
  }

  private int(n: number): number {
    if (!Number.isSafeInteger(n) || Math.abs(n) > MAX_MAGNITUDE) this.fail('a value is out of range');
    return n;
  }

  private cap(n: number): void {
    const max = this.opts.maxItems ?? 1000;
    if (n > max) this.fail(`would give ${n} items; the limit is ${max}`);
  }
}

/**
 * Evaluates `text` in the closed expression language. Throws only RoomExpressionError,
 * naming the key and the text, for anything outside the language or over a limit.
 */
export function evaluateExpression(text: string, opts: ExprOptions): ExprValue {
  const fail = (reason: string): never => {
    throw new RoomExpressionError(opts.key, text, reason);
  };
  if (text.length > MAX_LENGTH) fail(`is longer than ${MAX_LENGTH} characters`);
  return new Evaluator(tokenize(text, fail), opts, fail).run();
}
