import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { RoomProblem } from './errors.js';

/** Writes a key path the way the docs and messages show it: `groups[1].ids[2]`. */
export function pathString(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out;
}

/** The enclosing path: `groups[1].ids[2]` → `groups[1].ids` → `groups[1]` → `groups` → `''`. */
export function parentPath(path: string): string {
  const m = /^(.*)(\.[^.[\]]+|\[\d+\])$/.exec(path);
  return m ? m[1]! : '';
}

/** The line of `path`, or of its nearest enclosing path that has one. */
export function lineOf(lines: Readonly<Record<string, number>>, path: string): { line?: number } {
  let p = path;
  while (p && lines[p] === undefined) p = parentPath(p);
  return lines[p] !== undefined ? { line: lines[p] } : {};
}

/** A parsed YAML text with the line of every key path. */
export interface ParsedYaml {
  readonly value: unknown;
  /** Line of each key (or list item) by path; `''` is the document. */
  readonly lines: Record<string, number>;
}

function walk(node: unknown, path: PropertyKey[], lc: LineCounter, lines: Record<string, number>): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const p = [...path, String(pair.key.value)];
      // A key's problems point at the key's line; nested values get their own lines.
      const range = (pair.key as Node).range;
      if (range) lines[pathString(p)] = lc.linePos(range[0]).line;
      walk(pair.value, p, lc, lines);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const range = (item as Node | null)?.range;
      if (range) lines[pathString([...path, i])] = lc.linePos(range[0]).line;
      walk(item, [...path, i], lc, lines);
    });
  }
}

/**
 * Parses YAML, collecting every syntax error with its line and column (duplicate keys
 * included), and maps each key path to its line so later problems can point at it.
 */
export function parseYamlWithLines(text: string, file: string): { parsed: ParsedYaml | null; problems: RoomProblem[] } {
  const lc = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const problems: RoomProblem[] = doc.errors.map((e) => ({
    kind: 'schema' as const,
    path: '',
    message: `not valid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
    file,
    ...(e.linePos ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}),
  }));
  if (problems.length > 0) return { parsed: null, problems };
  const lines: Record<string, number> = { '': 1 };
  walk(doc.contents, [], lc, lines);
  try {
    // Aliases are capped so a "billion laughs" document cannot blow up memory.
    return { parsed: { value: doc.toJS({ maxAliasCount: 100 }) as unknown, lines }, problems };
  } catch (err) {
    return { parsed: null, problems: [{ kind: 'schema', path: '', message: `not valid YAML: ${(err as Error).message}`, file }] };
  }
}

/** Edit distance, for "did you mean" hints on misspelt keys. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest of `known` to `key`, when it is close enough to be a likely typo. */
export function suggestKey(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(key, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== null && bestD <= Math.max(1, Math.floor(key.length / 3)) ? best : null;
}
