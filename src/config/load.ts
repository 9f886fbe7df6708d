import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { configSchema, envOverrides, type VizorConfig } from './schema.js';
import { ConfigError, ConfigFileError, type ConfigProblem } from './errors.js';

/** Where a loaded configuration came from. */
export interface LoadedConfig {
  readonly config: Readonly<VizorConfig>;
  /** The file used, or null when only built-in defaults (and env/flags) apply. */
  readonly file: string | null;
  /** The files that were looked for, in order. */
  readonly searched: readonly string[];
}

/** Options for loadConfig; everything defaults to the real process environment. */
export interface LoadConfigOptions {
  /** `--config PATH`: must exist when given. */
  readonly explicitFile?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
  /** The system-wide file; default /etc/vizor/vizor.yaml (tests point it elsewhere). */
  readonly systemFile?: string;
  /** Values from command-line flags, as dotted paths (`http.port`), applied last. */
  readonly flags?: Readonly<Record<string, unknown>>;
}

/**
 * The configuration file search order: `--config`, `$VIZOR_CONFIG`,
 * `~/.config/vizor/vizor.yaml`, `/etc/vizor/vizor.yaml`. The first that exists wins.
 */
export function configSearchPath(opts: LoadConfigOptions = {}): { file: string; required: boolean }[] {
  const env = opts.env ?? process.env;
  const out: { file: string; required: boolean }[] = [];
  if (opts.explicitFile) out.push({ file: opts.explicitFile, required: true });
  if (env.VIZOR_CONFIG) out.push({ file: env.VIZOR_CONFIG, required: true });
  out.push({ file: join(opts.home ?? env.HOME ?? homedir(), '.config/vizor/vizor.yaml'), required: false });
  out.push({ file: opts.systemFile ?? '/etc/vizor/vizor.yaml', required: false });
  return out;
}

/** Reads a file's text, or null when it does not exist. */
function readIfExists(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new ConfigFileError(file, `cannot read: ${code ?? String(err)}`, { cause: err });
  }
}

function parseConfigYaml(file: string, text: string): Record<string, unknown> {
  try {
    const doc = parseYaml(text) as unknown;
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigFileError(file, 'top level must be a mapping');
    return doc as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ConfigFileError) throw err;
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    throw new ConfigFileError(file, `not valid YAML${where}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * Loads the configuration: built-in defaults < the first file found < VIZOR_* env <
 * flags, validated against one schema. Throws one ConfigError listing every problem.
 */
export function loadConfig(opts: LoadConfigOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const searchPath = configSearchPath(opts);
  let file: string | null = null;
  let raw: Record<string, unknown> = {};
  for (const candidate of searchPath) {
    const text = readIfExists(candidate.file);
    if (text === null) {
      if (candidate.required) throw new ConfigFileError(candidate.file, 'does not exist');
      continue;
    }
    raw = parseConfigYaml(candidate.file, text);
    file = candidate.file;
    break;
  }

  const origins = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  for (const [name, spec] of Object.entries(envOverrides)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const key = spec.path.join('.');
    if (spec.type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) {
        problems.push({ path: key, message: `expected a number, got "${value}"`, origin: `env ${name}` });
        continue;
      }
      setPath(raw, spec.path, n);
    } else setPath(raw, spec.path, value);
    origins.set(key, `env ${name}`);
  }
  for (const [key, value] of Object.entries(opts.flags ?? {})) {
    if (value === undefined) continue;
    setPath(raw, key.split('.'), value);
    origins.set(key, `flag --${key}`);
  }

  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map(String).join('.');
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      problems.push({ path, message: issue.message + keys, origin: origins.get(path) ?? file ?? 'defaults' });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { config: Object.freeze(result.data!), file, searched: searchPath.map((c) => c.file) };
}
