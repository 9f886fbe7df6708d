import { LegacyImportError } from '../errors.js';

/** One `key = value` of a ConfigObj file; a value with unquoted commas is a list. */
export interface IniValue {
  readonly value: string | string[];
  readonly line: number;
}

/** A ConfigObj section (`[name]`, `[[name]]`, ...); the root has depth 0 and name ''. */
export interface IniSection {
  readonly name: string;
  readonly depth: number;
  readonly line: number;
  readonly values: Map<string, IniValue>;
  readonly sections: IniSection[];
}

const QUOTES = `'"`;

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && QUOTES.includes(t[0]!) && t[t.length - 1] === t[0] ? t.slice(1, -1) : t;
}

/** Parses a value: quoted strings keep commas and `#`; unquoted commas make a list. */
function parseValue(s: string, line: number): string | string[] {
  const items: string[] = [];
  const quoted: boolean[] = [];
  let i = 0;
  let list = false;
  const skip = (): void => { while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++; };
  for (;;) {
    skip();
    if (i >= s.length || s[i] === '#') {
      if (!list) items.push('');
      break;
    }
    if (QUOTES.includes(s[i]!)) {
      const q = s[i]!;
      const end = s.indexOf(q, i + 1);
      if (end < 0) throw new LegacyImportError(`unterminated ${q} quote`, line);
      items.push(s.slice(i + 1, end));
      quoted.push(true);
      i = end + 1;
    } else {
      let j = i;
      while (j < s.length && s[j] !== ',' && s[j] !== '#') j++;
      items.push(s.slice(i, j).trim());
      quoted.push(false);
      i = j;
    }
    skip();
    if (s[i] === ',') {
      list = true;
      i++;
      skip();
      if (i >= s.length || s[i] === '#') break;
      continue;
    }
    if (i >= s.length || s[i] === '#') break;
    throw new LegacyImportError(`unexpected text after a quoted value: ${JSON.stringify(s.slice(i, i + 20))}`, line);
  }
  // `,` alone is the empty list; an empty unquoted item in a list is no item.
  return list ? items.filter((v, k) => v !== '' || quoted[k]) : items[0]!;
}

/** Reads a triple-quoted value, which may span lines; returns the value and the last line used. */
function parseTriple(lines: string[], index: number, rest: string): { value: string; last: number } {
  const q = rest.slice(0, 3);
  let text = rest.slice(3);
  let last = index;
  let end = text.indexOf(q);
  while (end < 0) {
    if (++last >= lines.length) throw new LegacyImportError(`unterminated ${q} value`, index + 1);
    text += `\n${lines[last]}`;
    end = text.indexOf(q);
  }
  const after = text.slice(end + 3).trim();
  if (after && !after.startsWith('#')) throw new LegacyImportError('unexpected text after a triple-quoted value', last + 1);
  return { value: text.slice(0, end), last };
}

function parseSectionLine(t: string, line: number): { depth: number; name: string } {
  const m = /^(\[+)(.*?)(\]+)\s*(#.*)?$/.exec(t);
  if (!m || m[1]!.length !== m[3]!.length) throw new LegacyImportError(`malformed section marker ${JSON.stringify(t)}`, line);
  const name = unquote(m[2]!);
  if (!name) throw new LegacyImportError('empty section name', line);
  return { depth: m[1]!.length, name };
}

/**
 * Parses the ConfigObj INI dialect amoothei-vm-rollout used: nested `[section]`,
 * `[[subsection]]`, `key = value`, quoted and triple-quoted values, comma lists and `#`
 * comments. Duplicate keys or sections and bad nesting throw LegacyImportError with the line.
 */
export function parseConfigObj(text: string): IniSection {
  const root: IniSection = { name: '', depth: 0, line: 0, values: new Map(), sections: [] };
  const stack: IniSection[] = [root];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const t = lines[i]!.trim();
    if (t === '' || t.startsWith('#')) continue;
    if (t.startsWith('[')) {
      const { depth, name } = parseSectionLine(t, line);
      if (depth > stack.length) throw new LegacyImportError(`section [${name}] is nested too deeply (no enclosing section of depth ${depth - 1})`, line);
      stack.length = depth;
      const parent = stack[depth - 1]!;
      if (parent.sections.some((s) => s.name === name)) throw new LegacyImportError(`section "${name}" appears twice`, line);
      const section: IniSection = { name, depth, line, values: new Map(), sections: [] };
      parent.sections.push(section);
      stack.push(section);
      continue;
    }
    const eq = t.indexOf('=');
    if (eq <= 0) throw new LegacyImportError(`expected "key = value" or a [section], found ${JSON.stringify(t.slice(0, 40))}`, line);
    const key = unquote(t.slice(0, eq));
    const rest = t.slice(eq + 1).trim();
    const section = stack[stack.length - 1]!;
    if (section.values.has(key)) throw new LegacyImportError(`key "${key}" appears twice in [${section.name || 'top level'}]`, line);
    if (rest.startsWith("'''") || rest.startsWith('"""')) {
      const { value, last } = parseTriple(lines, i, rest);
      section.values.set(key, { value, line });
      i = last;
    } else section.values.set(key, { value: parseValue(rest, line), line });
  }
  return root;
}

/** Finds a direct subsection by name. */
export function subsection(section: IniSection, name: string): IniSection | undefined {
  return section.sections.find((s) => s.name === name);
}

/** A value as one string: lists are joined back with ", " (unquoted commas split them). */
export function valueText(v: IniValue): string {
  return Array.isArray(v.value) ? v.value.join(', ') : v.value;
}
