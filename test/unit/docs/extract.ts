// Finds the `vizor ...` commands written in Markdown documentation: in code blocks (fenced
// shell blocks and indented blocks) and in inline code spans. Only shell-like text is read:
// YAML, JSON and other labelled blocks are configuration, not commands.

/** One `vizor` command found in a Markdown file. */
export interface DocExample {
  readonly file: string;
  /** 1-based line of the command (its first line when continued with `\`). */
  readonly line: number;
  /** The command as written, for messages. */
  readonly text: string;
  /** The words after `vizor`, quotes removed. */
  readonly args: readonly string[];
  /** From a code block (a complete command) rather than an inline mention in prose. */
  readonly inBlock: boolean;
}

/** A shell word, or an operator that ends the command before it. */
type Piece = { word: string } | { op: string };

const SHELL_LANGS = new Set(['', 'sh', 'bash', 'shell', 'console', 'shell-session']);

/**
 * Splits a command line the way a POSIX shell would, far enough to find commands: quotes,
 * backslash escapes, comments, `$(` ... `)`, pipes, lists and redirections (whose target
 * word is dropped).
 */
export function shellPieces(line: string): Piece[] {
  const out: Piece[] = [];
  let word: string | null = null;
  const end = () => {
    if (word !== null) out.push({ word });
    word = null;
  };
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (c === "'" || c === '"') {
      const close = line.indexOf(c, i + 1);
      const stop = close < 0 ? line.length : close;
      word = (word ?? '') + line.slice(i + 1, stop);
      i = stop;
    } else if (/\s/.test(c)) {
      end();
    } else if (c === '#' && word === null) {
      break;
    } else if (c === '$' && line[i + 1] === '(') {
      end();
      out.push({ op: '$(' });
      depth++;
      i++;
    } else if (c === ')' && depth > 0) {
      end();
      out.push({ op: ')' });
      depth--;
    } else if (c === '<' && /^<[A-Za-z][\w .|:/-]*>/.test(line.slice(i))) {
      // A placeholder such as <mac> or <iso-id>, not a redirection.
      const close = line.indexOf('>', i);
      word = (word ?? '') + line.slice(i, close + 1);
      i = close;
    } else if ('|&;<>'.includes(c)) {
      // `2>` is a redirection too: a lone digit before > or < belongs to it.
      if ((c === '>' || c === '<') && word !== null && /^\d$/.test(word)) word = null;
      end();
      const two = line.slice(i, i + 2);
      const op = ['||', '&&', '>>', '>&', '<<'].includes(two) ? two : c;
      i += op.length - 1;
      out.push({ op });
    } else {
      word = (word ?? '') + c;
    }
  }
  end();
  return out;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const REDIRECT = new Set(['>', '>>', '<', '<<', '>&']);

/** The argument lists of every `vizor` command in one (joined) command line. */
export function vizorCommands(line: string): string[][] {
  const found: string[][] = [];
  let segment: string[] = [];
  let skipTarget = false;
  const flush = () => {
    let i = 0;
    while (i < segment.length && (ASSIGNMENT.test(segment[i]!) || segment[i] === 'sudo' || segment[i] === 'env')) i++;
    if (segment[i] === 'vizor') found.push(segment.slice(i + 1));
    segment = [];
  };
  for (const p of shellPieces(line)) {
    if ('op' in p) {
      flush();
      skipTarget = REDIRECT.has(p.op);
      // Everything after a redirection still belongs to no command of interest.
      if (skipTarget) segment = ['>'];
      continue;
    }
    if (skipTarget) {
      skipTarget = false;
      continue;
    }
    segment.push(p.word);
  }
  flush();
  return found;
}

/** Reads the commands of one code block: only `$ ` lines when the block shows a session. */
function blockExamples(file: string, lines: readonly { n: number; text: string }[]): DocExample[] {
  const joined: { n: number; text: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = lines[i]!;
    let text = start.text;
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!.text.trim()}`;
    joined.push({ n: start.n, text });
  }
  const session = joined.some((l) => /^\s*\$ /.test(l.text));
  const out: DocExample[] = [];
  for (const l of joined) {
    const trimmed = l.text.trim();
    if (session && !trimmed.startsWith('$ ')) continue;
    const command = session ? trimmed.slice(2) : trimmed;
    for (const args of vizorCommands(command)) out.push({ file, line: l.n, text: command, args, inBlock: true });
  }
  return out;
}

/** Every `vizor` command written in a Markdown document. */
export function extractExamples(markdown: string, file: string): DocExample[] {
  const lines = markdown.split('\n');
  const out: DocExample[] = [];
  let fence: { marker: string; shell: boolean; body: { n: number; text: string }[] } | null = null;
  let indented: { n: number; text: string }[] | null = null;
  let previousBlank = true;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const n = i + 1;
    if (fence) {
      if (text.trim().startsWith(fence.marker)) {
        if (fence.shell) out.push(...blockExamples(file, fence.body));
        fence = null;
        previousBlank = false;
      } else fence.body.push({ n, text });
      continue;
    }
    const open = /^\s*(```+|~~~+)\s*([\w-]*)/.exec(text);
    if (open) {
      if (indented) out.push(...blockExamples(file, indented));
      indented = null;
      fence = { marker: open[1]!, shell: SHELL_LANGS.has(open[2]!.toLowerCase()), body: [] };
      continue;
    }
    const isCode = /^( {4,}|\t)/.test(text) && (indented !== null || previousBlank);
    if (isCode || (indented && text.trim() === '')) {
      (indented ??= []).push({ n, text });
    } else {
      if (indented) out.push(...blockExamples(file, indented));
      indented = null;
      for (const span of text.matchAll(/`([^`]+)`/g)) {
        for (const args of vizorCommands(span[1]!.replace(/^\$ /, ''))) {
          if (args.length > 0) out.push({ file, line: n, text: span[1]!, args, inBlock: false });
        }
      }
    }
    previousBlank = text.trim() === '';
  }
  if (indented) out.push(...blockExamples(file, indented));
  return out;
}
