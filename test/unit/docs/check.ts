// Checks a documented `vizor ...` command against the real commander program: every
// command word and every flag must exist; a complete example (from a code block) must also
// name a runnable command and give its required arguments and options.
import type { Command, Option } from 'commander';

/** What checking one example found. */
export interface CheckResult {
  /** The command words it resolved to, e.g. `['node', 'set-task']`. */
  readonly path: readonly string[];
  /** Long (or short) option names used, as written. */
  readonly flags: readonly string[];
  readonly problems: readonly string[];
}

const HELP = new Set(['-h', '--help']);

/** The option spelled `name` on `cmd` or one of its ancestors (commander accepts both). */
export function findOption(cmd: Command, name: string): Option | null {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const hit = c.options.find((o) => o.long === name || o.short === name);
    if (hit) return hit;
  }
  return null;
}

/** The subcommand called `word`, or null. */
function subcommand(cmd: Command, word: string): Command | null {
  return cmd.commands.find((c) => c.name() === word || c.aliases().includes(word)) ?? null;
}

/**
 * Walks `args` (the words after `vizor`) through `program`. `complete` asks for the checks
 * only a full command line can pass: a runnable (leaf) command, its required arguments
 * and required options, and no surplus arguments.
 */
export function checkExample(program: Command, args: readonly string[], complete: boolean): CheckResult {
  let cmd = program;
  const path: string[] = [];
  const flags: string[] = [];
  const problems: string[] = [];
  const positionals: string[] = [];
  const used = new Set<Option>();
  let help = false;
  const where = () => ['vizor', ...path].join(' ');
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!;
    if (t === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (t.startsWith('-') && t.length > 1 && !/^-\d/.test(t)) {
      const eq = t.indexOf('=');
      const long = t.startsWith('--');
      const names = long ? [eq > 0 ? t.slice(0, eq) : t] : t.slice(1).split('').map((ch) => `-${ch}`);
      for (const [k, name] of names.entries()) {
        flags.push(name);
        if (HELP.has(name)) {
          help = true;
          continue;
        }
        const opt = findOption(cmd, name);
        if (!opt) {
          problems.push(`${where()}: no option ${name}`);
          continue;
        }
        used.add(opt);
        const last = k === names.length - 1;
        const inline = long ? eq > 0 : t.length > 2 && k === 0 && opt.required;
        if (opt.required && !inline) {
          if (!last) problems.push(`${where()}: ${name} takes a value and cannot be grouped`);
          else if (i + 1 < args.length) i++;
          else if (complete) problems.push(`${where()}: ${name} needs a value`);
        }
        if (opt.required && inline && !long) break;
      }
      continue;
    }
    const sub = positionals.length === 0 ? subcommand(cmd, t) : null;
    // `vizor <noun> <verb>` describes the syntax: no particular command to check.
    if (!sub && positionals.length === 0 && cmd.commands.length > 0 && /^<[^>]+>$/.test(t)) return { path, flags, problems };
    if (sub) {
      cmd = sub;
      path.push(t);
    } else if (positionals.length === 0 && cmd.commands.length > 0) {
      problems.push(`${where()}: no command "${t}" (has: ${cmd.commands.map((c) => c.name()).join(', ')})`);
      return { path, flags, problems };
    } else positionals.push(t);
  }
  if (complete && !help) {
    if (cmd.commands.length > 0) problems.push(`${where()}: not a runnable command (subcommands: ${cmd.commands.map((c) => c.name()).join(', ')})`);
    const declared = cmd.registeredArguments;
    const required = declared.filter((a) => a.required).length;
    if (positionals.length < required) problems.push(`${where()}: needs ${required} argument(s), example gives ${positionals.length}`);
    if (!declared.some((a) => a.variadic) && positionals.length > declared.length) {
      problems.push(`${where()}: takes ${declared.length} argument(s), example gives ${positionals.length} (${positionals.join(' ')})`);
    }
    for (const o of cmd.options) if (o.mandatory && !used.has(o)) problems.push(`${where()}: required option ${o.long ?? o.short} missing`);
  }
  return { path, flags, problems };
}

/** Every runnable command of the program, as word paths (`['catalog', 'scan']`). */
export function leafCommands(program: Command): string[][] {
  const out: string[][] = [];
  const walk = (c: Command, path: string[]) => {
    if (c.commands.length === 0) out.push(path);
    for (const s of c.commands) walk(s, [...path, s.name()]);
  };
  walk(program, []);
  return out;
}

/** A command by its word path, or null. */
export function commandAt(program: Command, path: readonly string[]): Command | null {
  let c: Command | null = program;
  for (const w of path) c = c ? subcommand(c, w) : null;
  return c;
}
