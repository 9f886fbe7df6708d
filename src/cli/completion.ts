import { Argument, type Command, type Option } from 'commander';

/** An option as completion sees it: its spellings and what value it takes. */
export interface CompletionOption {
  /** `-c`, `--config`: short spelling first when there is one. */
  readonly names: readonly string[];
  readonly description: string;
  /** 'none' for flags, 'required' for `<value>`, 'optional' for `[value]`. */
  readonly value: 'none' | 'required' | 'optional';
  /** What the value is called in the help (`file`, `level`), or null for flags. */
  readonly valueName: string | null;
  readonly choices: readonly string[] | null;
}

/** A positional argument as completion sees it. */
export interface CompletionArgument {
  readonly name: string;
  readonly required: boolean;
  readonly variadic: boolean;
  readonly choices: readonly string[] | null;
}

/** One command of the tree: what may follow it on the command line. */
export interface CompletionCommand {
  readonly name: string;
  readonly aliases: readonly string[];
  /** Names from the root: `['vizor', 'media', 'inspect']`. */
  readonly path: readonly string[];
  readonly description: string;
  /** Its own options, the help option, and the options of its ancestors (commander accepts them anywhere). */
  readonly options: readonly CompletionOption[];
  readonly args: readonly CompletionArgument[];
  readonly commands: readonly CompletionCommand[];
}

// Argument and option values with these names are paths: both shells complete file names for them.
const PATHLIKE = /file|path|dir|iso|script/i;

function toOption(o: Option): CompletionOption {
  const names = [o.short, o.long].filter((n): n is string => !!n);
  const valueName = /[<[]([^>\]]+?)(\.\.\.)?[>\]]/.exec(o.flags)?.[1] ?? null;
  return {
    names, description: o.description, valueName, choices: o.argChoices ?? null,
    value: o.required ? 'required' : o.optional ? 'optional' : 'none',
  };
}

/** Walks commander's command tree, as its own help sees it (hidden commands and options left out). */
export function completionTree(program: Command): CompletionCommand {
  // `siblings` is set only for commander's implicit help command: `help <command>` completes them.
  const walk = (cmd: Command, path: readonly string[], inherited: readonly CompletionOption[], siblings: readonly string[] | null): CompletionCommand => {
    const help = cmd.createHelp();
    const own = help.visibleOptions(cmd).map(toOption);
    const seen = new Set(own.flatMap((o) => o.names));
    const options = [...own, ...inherited.filter((o) => !o.names.some((n) => seen.has(n)))];
    // Children inherit everything except help (they have their own) and --version (root only).
    const passDown = options.filter((o) => !o.names.includes('--help') && !o.names.includes('--version'));
    const subs = help.visibleCommands(cmd);
    const real = new Set(cmd.commands);
    const subNames = subs.filter((c) => real.has(c)).map((c) => c.name());
    const args = cmd.registeredArguments.map((a: Argument) => ({
      name: a.name(), required: a.required, variadic: a.variadic,
      choices: siblings ?? a.argChoices ?? null,
    }));
    return {
      name: cmd.name(), aliases: cmd.aliases(), path, description: cmd.description(), options, args,
      commands: subs.map((c) => walk(c, [...path, c.name()], passDown, real.has(c) ? null : subNames)),
    };
  };
  return walk(program, [program.name()], [], null);
}

function flatten(c: CompletionCommand): CompletionCommand[] {
  return [c, ...c.commands.flatMap(flatten)];
}

/** Quotes a string for bash or zsh as one single-quoted word. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A shell function name for a command path (`_vizor_media_inspect`). */
function fnName(path: readonly string[]): string {
  return `_${path.map((p) => p.replace(/[^A-Za-z0-9]/g, '_')).join('_')}`;
}

function caseFn(name: string, key: string, entries: readonly [string, string][]): string[] {
  return [
    `${name}() {`,
    `  case "${key}" in`,
    ...entries.map(([pattern, value]) => `    ${pattern}) REPLY=${sq(value)} ;;`),
    `    *) REPLY='' ;;`,
    '  esac',
    '}',
  ];
}

/**
 * The bash completion script: tables generated from the tree (subcommands, aliases,
 * options, which options take a value, choices), and one `_<name>` function that walks
 * COMP_WORDS through them. Empty answers fall back to file names (`complete -o default`).
 */
export function bashCompletion(program: Command): string {
  const root = completionTree(program);
  const all = flatten(root);
  const fn = fnName(root.path);
  const key = (c: CompletionCommand) => c.path.join(' ');
  const subs = all.filter((c) => c.commands.length).map((c): [string, string] => [sq(key(c)), c.commands.map((s) => s.name).join(' ')]);
  const canon = all.flatMap((c) => c.commands.flatMap((s) => [s.name, ...s.aliases].map((n): [string, string] => [sq(`${key(c)}|${n}`), s.name])));
  const opts = all.map((c): [string, string] => [sq(key(c)), c.options.flatMap((o) => o.names).join(' ')]);
  const valued = all.map((c): [string, string] => [sq(key(c)), c.options.filter((o) => o.value === 'required').flatMap((o) => o.names).join(' ')]);
  const choices: [string, string][] = [];
  for (const c of all) {
    for (const o of c.options) if (o.choices) for (const n of o.names) choices.push([sq(`${key(c)}|${n}`), o.choices.join(' ')]);
    if (!c.args.some((a) => a.choices)) continue;
    c.args.forEach((a, i) => {
      // A variadic last argument answers for every index from its own on.
      choices.push([a.variadic ? `${sq(`${key(c)}|#`)}*` : sq(`${key(c)}|#${i}`), (a.choices ?? []).join(' ')]);
    });
  }
  return [
    `# bash completion for ${root.name}, generated from its command tree by \`${root.name} completion bash\``,
    ...caseFn(`${fn}_subcommands`, '$1', subs),
    ...caseFn(`${fn}_canonical`, '$1|$2', canon),
    ...caseFn(`${fn}_options`, '$1', opts),
    ...caseFn(`${fn}_value_options`, '$1', valued),
    ...caseFn(`${fn}_choices`, '$1|$2', choices),
    `${fn}() {`,
    `  local cur="\${COMP_WORDS[COMP_CWORD]}" path=${sq(root.name)} word valopt='' i argi=0 REPLY=''`,
    '  COMPREPLY=()',
    '  for (( i = 1; i < COMP_CWORD; i++ )); do',
    '    word="${COMP_WORDS[i]}"',
    '    if [[ $word == -* ]]; then',
    `      ${fn}_value_options "$path"`,
    '      if [[ $word != *=* && " $REPLY " == *" $word "* ]]; then',
    '        (( i == COMP_CWORD - 1 )) && valopt="$word"',
    '        (( i++ ))',
    '      fi',
    '      continue',
    '    fi',
    '    if (( argi == 0 )); then',
    `      ${fn}_canonical "$path" "$word"`,
    '      if [[ -n $REPLY ]]; then path+=" $REPLY"; continue; fi',
    '    fi',
    '    (( argi++ ))',
    '  done',
    '  if [[ -n $valopt ]]; then',
    `    ${fn}_choices "$path" "$valopt"`,
    '  elif [[ $cur == -* ]]; then',
    `    ${fn}_options "$path"`,
    '  else',
    '    REPLY=\'\'',
    `    (( argi == 0 )) && ${fn}_subcommands "$path"`,
    `    [[ -z $REPLY ]] && ${fn}_choices "$path" "#$argi"`,
    '  fi',
    '  [[ -n $REPLY ]] && mapfile -t COMPREPLY < <(compgen -W "$REPLY" -- "$cur")',
    '  return 0',
    '}',
    `complete -o default -F ${fn} ${root.name}`,
    '',
  ].join('\n');
}

/** Escapes text for a zsh `_arguments` description in brackets or a message after a colon. */
function zshText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/([[\]:])/g, '\\$1').replace(/\n/g, ' ');
}

function zshAction(name: string | null, choices: readonly string[] | null): string {
  if (choices) return `(${choices.map((c) => c.replace(/([\\ ()'"])/g, '\\$1')).join(' ')})`;
  return name && PATHLIKE.test(name) ? '_files' : ' ';
}

function zshOptionSpecs(c: CompletionCommand): string[] {
  return c.options.map((o) => {
    const value = o.value === 'none' ? '' : `${o.value === 'optional' ? '::' : ':'}${zshText(o.valueName ?? 'value')}:${zshAction(o.valueName, o.choices)}`;
    const spec = `[${zshText(o.description)}]${value}`;
    if (o.names.length === 1) return sq(`${o.names[0]}${spec}`);
    return `${sq(`(${o.names.join(' ')})`)}{${o.names.join(',')}}${sq(spec)}`;
  });
}

function zshArgSpecs(c: CompletionCommand): string[] {
  return c.args.map((a, i) => {
    const pos = a.variadic ? '*' : String(i + 1);
    return sq(`${pos}${a.required || a.variadic ? ':' : '::'}${zshText(a.name)}:${zshAction(a.name, a.choices)}`);
  });
}

function zshFunction(c: CompletionCommand): string[] {
  const fn = fnName(c.path);
  const specs = [...zshOptionSpecs(c)];
  if (c.commands.length === 0) {
    specs.push(...zshArgSpecs(c));
    return [`${fn}() {`, `  _arguments -s -S \\`, ...specs.map((s, i) => `    ${s}${i < specs.length - 1 ? ' \\' : ''}`), '}'];
  }
  specs.push(sq(`1: :->command`), sq(`*:: :->argument`));
  const described = c.commands.flatMap((s) => [s.name, ...s.aliases].map((n) => sq(`${n.replace(/:/g, '\\:')}:${s.description.replace(/\n/g, ' ')}`)));
  return [
    `${fn}() {`,
    '  local curcontext="$curcontext" state state_descr line ret=1',
    '  typeset -A opt_args',
    '  _arguments -C -s -S \\',
    ...specs.map((s, i) => `    ${s}${i < specs.length - 1 ? ' \\' : ' && ret=0'}`),
    '  case $state in',
    '    command)',
    `      local -a commands=(${described.join(' ')})`,
    `      _describe -t commands ${sq(`${c.path.join(' ')} command`)} commands && ret=0 ;;`,
    '    argument)',
    `      curcontext="\${curcontext%:*:*}:${c.path.join('-')}-$line[1]:"`,
    '      case $line[1] in',
    ...c.commands.map((s) => `        ${[s.name, ...s.aliases].map(sq).join('|')}) ${fnName(s.path)} && ret=0 ;;`),
    '      esac ;;',
    '  esac',
    '  return ret',
    '}',
  ];
}

/**
 * The zsh completion script (`#compdef`): one function per command using `_arguments`,
 * `_describe` for subcommands. Works from $fpath (autoloaded) and when sourced.
 */
export function zshCompletion(program: Command): string {
  const root = completionTree(program);
  const fn = fnName(root.path);
  return [
    `#compdef ${root.name}`,
    `# zsh completion for ${root.name}, generated from its command tree by \`${root.name} completion zsh\``,
    ...flatten(root).flatMap(zshFunction),
    // Autoloaded from $fpath the file is the function body; sourced, it registers itself.
    `if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then`,
    `  ${fn} "$@"`,
    'else',
    `  compdef ${fn} ${root.name}`,
    'fi',
    '',
  ].join('\n');
}

/** Adds `<program> completion bash|zsh`, printing the script for the whole command tree. */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: bash (source it, or save it as /usr/share/bash-completion/completions/vizor) or zsh (save it as _vizor in $fpath)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action((shell: string) => {
      process.stdout.write(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });
}
