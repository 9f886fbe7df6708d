// Shell completion generated from commander's command tree: the tree it reads (hidden
// things left out, parents' options inherited, `help <command>`), the bash script driven
// through COMP_WORDS exactly as bash's completion calls it, the zsh script checked with
// `zsh -n` and completed for real in an interactive zsh under zpty.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { bashCompletion, completionTree, registerCompletion, zshCompletion, type CompletionCommand } from '../../../src/cli/completion.js';
import { buildProgram } from '../../../src/cli/main.js';

/** A small CLI with what completion must handle: nesting, aliases, choices, hidden things, variadics. */
function sampleProgram(): Command {
  const p = new Command('tool').option('-c, --config <file>', 'configuration file').option('--json', 'JSON output');
  p.addOption(new Option('--level <level>', 'log level').choices(['debug', 'info']));
  const media = p.command('media').description('read media: ISO [9660]');
  media.command('inspect <iso>').description('inspect an image');
  media.command('ls <iso> [path]').option('-R, --recursive', 'recurse').description("list: it's a folder");
  const node = p.command('node').alias('n').description('machines');
  node.command('add <mac>').addOption(new Option('--task <task>', 'what it boots').choices(['local', 'menu']));
  node.command('remove <node>');
  p.command('scan [sources...]').option('--concurrency <n>', 'at once');
  p.command('secret', { hidden: true });
  p.addOption(new Option('--debug-internal', 'hidden').hideHelp());
  registerCompletion(p);
  return p;
}

function paths(c: CompletionCommand): string[] {
  return [c.path.join(' '), ...c.commands.flatMap(paths)];
}

/** Runs the bash script's completion function on each command line (the word under the cursor last). */
function bashComplete(script: string, lines: string[][]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'vizor-completion-'));
  try {
    writeFileSync(join(dir, 'c.bash'), script);
    const calls = lines.map((words) => `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _${words[0]}; echo "\${COMPREPLY[*]}"`);
    const r = spawnSync('bash', ['-c', `source ${dir}/c.bash\n${calls.join('\n')}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').slice(0, lines.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Completes each line (TAB) in an interactive zsh driven through zpty, with the script
 * autoloaded from $fpath as an installed one would be; compadd is wrapped to record what
 * each completion offers. Returns the sorted candidates per line.
 */
function zshComplete(script: string, command: string, lines: string[]): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'vizor-zcomp-'));
  try {
    mkdirSync(join(dir, 'fp'));
    writeFileSync(join(dir, 'fp', `_${command}`), script);
    const driver = [
      'zmodload zsh/zpty',
      'zpty z zsh -f -i',
      // The prompt is written __pr''ompt__ when echoed: only a real prompt matches *__prompt__*.
      `zpty -w z "PS1='__pr''ompt__ '; fpath=(${dir}/fp \\$fpath); autoload -U compinit; compinit -u -D"`,
      `zpty -w z 'compadd() { local -a __m; builtin compadd -O __m "$@"; print -rl -- $__m >> $__out; builtin compadd "$@"; }'`,
      ...lines.flatMap((line, i) => [
        `zpty -w z "__out=${dir}/out.${i}; : > \\$__out; print __rea''dy${i}__"`,
        `zpty -r -m z __ignored '*__ready${i}__*'`,
        // Keys sent before the line editor runs would meet the tty's own line editing (^U).
        `zpty -r -m z __ignored '*__prompt__ *'`,
        `zpty -w -n z ${JSON.stringify(line)}$'\\t'`,
        `zpty -w z $'\\C-u'"print __do''ne${i}__"`,
        `zpty -r -m z __ignored '*__done${i}__*'`,
      ]),
      'zpty -d z',
    ].join('\n');
    writeFileSync(join(dir, 'driver.zsh'), driver);
    const r = spawnSync('zsh', ['-f', join(dir, 'driver.zsh')], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `zsh driver: ${r.stderr}${r.error ?? ''}`);
    return lines.map((_, i) => [...new Set(readFileSync(join(dir, `out.${i}`), 'utf8').split('\n').filter(Boolean))].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function requireZsh(): void {
  if (spawnSync('zsh', ['-c', 'true']).status !== 0) assert.fail('zsh is missing: apt-get install zsh');
}

describe('completionTree', () => {
  const tree = completionTree(sampleProgram());

  test('lists every visible command with its path, hidden ones left out', () => {
    assert.deepEqual(paths(tree), [
      'tool', 'tool media', 'tool media inspect', 'tool media ls', 'tool media help', 'tool node', 'tool node add', 'tool node remove',
      'tool node help', 'tool scan', 'tool completion', 'tool help',
    ]);
  });

  test("a command gets its own options, help, and its ancestors' options but not --version or hidden ones", () => {
    const ls = tree.commands[0]!.commands[1]!;
    assert.deepEqual(ls.options.map((o) => o.names.join(',')), ['-R,--recursive', '-h,--help', '-c,--config', '--json', '--level']);
    assert.deepEqual(tree.options.map((o) => o.names.at(-1)).includes('--debug-internal'), false);
    const level = ls.options.find((o) => o.names.includes('--level'))!;
    assert.deepEqual([level.value, level.valueName, level.choices], ['required', 'level', ['debug', 'info']]);
  });

  test('arguments keep required/variadic/choices; `help <command>` offers the sibling commands', () => {
    assert.deepEqual(tree.commands[0]!.commands[1]!.args.map((a) => [a.name, a.required]), [['iso', true], ['path', false]]);
    assert.deepEqual(tree.commands[2]!.args[0], { name: 'sources', required: false, variadic: true, choices: null });
    assert.deepEqual(tree.commands[3]!.args[0]!.choices, ['bash', 'zsh']);
    assert.deepEqual(tree.commands.at(-1)!.args[0]!.choices, ['media', 'node', 'scan', 'completion']);
    assert.deepEqual(tree.commands[1]!.aliases, ['n']);
  });
});

describe('bash completion', () => {
  const script = bashCompletion(sampleProgram());

  test('the script is valid bash naming every command and option, and registers with complete -F', () => {
    assert.equal(spawnSync('bash', ['-n'], { input: script }).status, 0);
    for (const word of ['media', 'inspect', 'ls', 'node', 'add', 'remove', 'scan', 'completion', '--recursive', '--task', '--concurrency', '--level', '--json']) {
      assert.match(script, new RegExp(`[' ]${word}[' ]`), word);
    }
    assert.doesNotMatch(script, /secret|--debug-internal/);
    assert.match(script, /^complete -o default -F _tool tool$/m);
  });

  test('completes commands, options, option values, argument choices and aliases by position', () => {
    const cases: [string[], string][] = [
      [['tool', ''], 'media node scan completion help'],
      [['tool', 'm'], 'media'],
      [['tool', 'media', ''], 'inspect ls help'],
      [['tool', '--json', 'media', 'l'], 'ls'],
      [['tool', 'media', 'ls', '-'], '-R --recursive -h --help -c --config --json --level'],
      [['tool', '--level', ''], 'debug info'],
      [['tool', '-c', 'x.yaml', 'node', 'add', '--task', 'm'], 'menu'],
      [['tool', 'n', 'a'], 'add'],
      [['tool', 'node', 'add', 'mac', '--task', 'local', '--'], '--task --help --config --json --level'],
      [['tool', 'completion', ''], 'bash zsh'],
      [['tool', 'help', 'n'], 'node'],
      [['tool', 'media', 'inspect', 'x.iso', ''], ''],
    ];
    assert.deepEqual(bashComplete(script, cases.map((c) => c[0])), cases.map((c) => c[1]));
  });

  test("vizor's real command tree: every command is offered where it belongs", () => {
    const program = buildProgram();
    // main.ts registers `completion` itself once wired; the test must not add it twice.
    if (!program.commands.some((c) => c.name() === 'completion')) registerCompletion(program);
    const tree = completionTree(program);
    const real = bashCompletion(program);
    const lines = [['vizor', ''], ...tree.commands.filter((c) => c.commands.length).map((c) => ['vizor', c.name, ''])];
    const got = bashComplete(real, lines);
    assert.equal(got[0], tree.commands.map((c) => c.name).join(' '));
    tree.commands.filter((c) => c.commands.length).forEach((c, i) => assert.equal(got[i + 1], c.commands.map((s) => s.name).join(' '), c.name));
    assert.equal(bashComplete(real, [['vizor', 'no']])[0], 'node');
  });
});

describe('zsh completion', () => {
  const script = zshCompletion(sampleProgram());

  test('the script is valid zsh (#compdef, one function per command) naming every option', () => {
    requireZsh();
    const r = spawnSync('zsh', ['-n'], { input: script, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(script, /^#compdef tool\n/);
    for (const fn of ['_tool', '_tool_media', '_tool_media_inspect', '_tool_media_ls', '_tool_node_add', '_tool_scan', '_tool_completion']) {
      assert.match(script, new RegExp(`^${fn}\\(\\) \\{$`, 'm'), fn);
    }
    for (const opt of ['--recursive', '--task', '--concurrency', '--level', '--config']) assert.ok(script.includes(opt), opt);
    assert.ok(script.includes("'media:read media: ISO [9660]'"), 'descriptions are carried');
    assert.ok(script.includes("'ls:list: it'\\''s a folder'"), 'quotes are escaped');
  });

  test('an interactive zsh completes commands, options and choices from the script', () => {
    requireZsh();
    const got = zshComplete(script, 'tool', ['tool m', 'tool media ', 'tool node add --task ', 'tool completion ', 'tool media ls --r']);
    assert.deepEqual(got[0], ['media']);
    assert.deepEqual(got[1], ['help', 'inspect', 'ls']);
    assert.deepEqual(got[2], ['local', 'menu']);
    assert.deepEqual(got[3], ['bash', 'zsh']);
    assert.deepEqual(got[4], ['--recursive']);
  });

  test("vizor's real command tree gives valid zsh", () => {
    requireZsh();
    const program = buildProgram();
    if (!program.commands.some((c) => c.name() === 'completion')) registerCompletion(program);
    const r = spawnSync('zsh', ['-n'], { input: zshCompletion(program), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});
