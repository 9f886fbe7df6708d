import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';

/** One syntax problem the grammar found. */
export interface SyntaxProblem {
  readonly line: number;
  readonly column: number;
  readonly kind: 'error' | 'missing';
  readonly text: string;
}

let parser: Parser | null = null;

/**
 * A PowerShell parser: tree-sitter-powershell's WebAssembly grammar run by
 * web-tree-sitter (both npm devDependencies). Fails with the fix when they are missing.
 */
export async function powershellParser(): Promise<Parser> {
  if (parser) return parser;
  const require = createRequire(import.meta.url);
  let wasm: string;
  try {
    wasm = require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm');
  } catch {
    throw new Error('tree-sitter-powershell is not installed: run `npm ci` (it is a devDependency, with web-tree-sitter)');
  }
  await Parser.init();
  const p = new Parser();
  p.setLanguage(await Language.load(wasm));
  parser = p;
  return p;
}

/** Every node of a tree, depth first, through a cursor (cheap on large trees). */
export function* nodesOf(root: Node): Generator<Node> {
  const c = root.walk();
  for (;;) {
    yield c.currentNode;
    if (c.gotoFirstChild()) continue;
    while (!c.gotoNextSibling()) if (!c.gotoParent()) return;
  }
}

/** Parses `text`; gives its root and every ERROR or MISSING node (1-based lines). */
export async function parsePowershell(text: string): Promise<{ root: Node; problems: SyntaxProblem[] }> {
  const tree = (await powershellParser()).parse(text);
  if (!tree) throw new Error('the PowerShell parser returned no tree');
  const problems: SyntaxProblem[] = [];
  if (tree.rootNode.hasError) {
    for (const n of nodesOf(tree.rootNode)) {
      if (n.isError || n.isMissing) {
        problems.push({ line: n.startPosition.row + 1, column: n.startPosition.column + 1, kind: n.isMissing ? 'missing' : 'error', text: n.text.slice(0, 60) });
      }
    }
  }
  return { root: tree.rootNode, problems };
}

/** Problems as readable lines for an assertion message. */
export const describeProblems = (name: string, problems: readonly SyntaxProblem[]): string =>
  problems.map((p) => `${name}:${p.line}:${p.column}: ${p.kind} near ${JSON.stringify(p.text)}`).join('\n');

/** Names of the functions a script defines. */
export function definedFunctions(root: Node): Set<string> {
  return new Set(root.descendantsOfType('function_name').map((n) => n.text.toLowerCase()));
}

/** Each command invocation: its name and the parameters (-Name) written after it. */
export function commandsOf(root: Node): { name: string; parameters: string[]; line: number }[] {
  return root.descendantsOfType('command').flatMap((cmd) => {
    // Only the command's own name: `& (Get-X) -y` has a nested command of its own.
    const name = cmd.namedChildren.find((c) => c.type === 'command_name') ?? cmd.namedChildren.find((c) => c.type === 'command_name_expr')?.namedChildren.find((c) => c.type === 'command_name');
    if (!name) return [];
    const parameters = elementsOf(cmd).filter((c) => c.type === 'command_parameter').map((c) => c.text.toLowerCase());
    return [{ name: name.text, parameters, line: cmd.startPosition.row + 1 }];
  });
}

/** A command's arguments and parameters, separators left out. */
function elementsOf(cmd: Node): Node[] {
  const elements = cmd.namedChildren.find((c) => c.type === 'command_elements');
  return elements ? elements.namedChildren.filter((c) => c.type !== 'command_argument_sep') : [];
}

/** The literal values passed as `-<parameter> value` to every call of `command` (quotes removed). */
export function argumentsOf(root: Node, command: string, parameter: string): string[] {
  const out: string[] = [];
  for (const cmd of root.descendantsOfType('command')) {
    const name = cmd.namedChildren.find((c) => c.type === 'command_name');
    if (name?.text.toLowerCase() !== command.toLowerCase()) continue;
    const els = elementsOf(cmd);
    els.forEach((el, i) => {
      const next = els[i + 1];
      if (el.type === 'command_parameter' && el.text.toLowerCase() === `-${parameter.toLowerCase()}` && next && !next.text.startsWith('$')) {
        out.push(next.text.replace(/^['"]|['"]$/g, ''));
      }
    });
  }
  return out;
}

/**
 * Member names read or written on an expression, case-folded: `membersOf(root, '$Task')`
 * gives "id" for `$Task.id`; `'$step.task'` gives "uses" for `$step.task.uses`.
 */
export function membersOf(root: Node, target: string): Set<string> {
  const out = new Set<string>();
  for (const m of root.descendantsOfType('member_access')) {
    const [object, member] = m.namedChildren;
    if (object && object.text.toLowerCase() === target.toLowerCase() && member?.type === 'member_name') {
      out.add(member.text.toLowerCase());
    }
  }
  return out;
}

/** The keys of the first hashtable literal inside the function `name`. */
export function hashKeysIn(root: Node, name: string): string[] {
  const fn = root.descendantsOfType('function_statement').find((f) => f.descendantsOfType('function_name')[0]?.text.toLowerCase() === name.toLowerCase());
  if (!fn) throw new Error(`no function ${name}`);
  const hash = fn.descendantsOfType('hash_literal_expression')[0];
  if (!hash) throw new Error(`no hashtable literal in ${name}`);
  const body = hash.namedChildren.find((c) => c.type === 'hash_literal_body');
  return (body?.namedChildren ?? []).filter((e) => e.type === 'hash_entry').map((e) => e.namedChildren[0]!.text.replace(/^['"]|['"]$/g, ''));
}

/** The body of function `name` as a node. */
export function functionNode(root: Node, name: string): Node {
  const fn = root.descendantsOfType('function_statement').find((f) => f.descendantsOfType('function_name')[0]?.text.toLowerCase() === name.toLowerCase());
  if (!fn) throw new Error(`no function ${name}`);
  return fn;
}
