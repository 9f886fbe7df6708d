import { evaluateExpression } from './expr.js';
import { RoomExpressionError } from './errors.js';
import { parseIpv4 } from './ipv4.js';

/** Splits `10.1.2.{100+id}` into literal text and `{...}` expressions. */
function parts(formula: string): { literal: string; expr?: string }[] | string {
  const out: { literal: string; expr?: string }[] = [];
  let rest = formula;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    const close = rest.indexOf('}');
    if (open < 0) {
      if (close >= 0) return 'has a "}" without a matching "{"';
      out.push({ literal: rest });
      break;
    }
    if (close >= 0 && close < open) return 'has a "}" without a matching "{"';
    const end = rest.indexOf('}', open);
    if (end < 0) return 'has a "{" without a matching "}"';
    out.push({ literal: rest.slice(0, open), expr: rest.slice(open + 1, end) });
    rest = rest.slice(end + 1);
  }
  return out;
}

/**
 * Computes the address an addressing formula gives a VM id, e.g. `10.1.2.{100+id}` and
 * id 7 give `10.1.2.107`. Expressions use integers, `id`, `+ - *` and parentheses.
 * Throws RoomExpressionError when the formula is malformed or the result is no address.
 */
export function evaluateFormula(formula: string, id: number): string {
  const split = parts(formula);
  if (typeof split === 'string') throw new RoomExpressionError('addressing.formula', formula, split);
  let text = '';
  for (const p of split) {
    text += p.literal;
    if (p.expr !== undefined) text += String(evaluateExpression(p.expr, { key: 'addressing.formula', vars: { id } }));
  }
  if (parseIpv4(text) === null) {
    throw new RoomExpressionError('addressing.formula', formula, `gives "${text}" for id ${id}, which is not an IPv4 address`);
  }
  return text;
}

/** Checks a formula's syntax (with id 1); returns an error text, or null when it is usable. */
export function checkFormula(formula: string): string | null {
  if (!formula.includes('{')) {
    return parseIpv4(formula) === null ? `"${formula}" is neither an address nor a formula like 10.1.2.{100+id}` : null;
  }
  try {
    evaluateFormula(formula, 1);
    return null;
  } catch (err) {
    if (err instanceof RoomExpressionError) return err.message;
    throw err;
  }
}
