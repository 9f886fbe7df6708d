import { createHash } from 'node:crypto';
import { defaultsOf, loadBuiltinScripts, withSchemaOf, type BuiltinScripts } from './builtins.js';
import { DOCUMENT_FORMAT, type DocumentTask, type SequenceDocument } from './document.js';
import { SequenceFormatError, SequenceRenderError } from './errors.js';
import { checkSequence, type BuiltinName, type SequenceFile, type SequenceTask } from './format.js';

/** What a build adds to a sequence file when it renders it. */
export interface SequenceValues {
  /**
   * Values vizor supplies per built-in (language-pack paths from the catalog, share
   * credentials, regional settings of the build, the sysprep answer file's URL). A task's
   * own `with` keys win over these.
   */
  readonly with?: Partial<Readonly<Record<BuiltinName, Readonly<Record<string, unknown>>>>>;
  /** Variables a sequence file may use inside `with` strings as `${name}`. */
  readonly vars?: Readonly<Record<string, string>>;
}

/** `with` keys treated as secrets: scrubbed from every report, never logged. */
export const SECRET_KEY = /pass(word)?|secret|token|credential|api_?key/i;

const VAR = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

/** Substitutes `${name}` in every string of a file's `with` value; `$${` stays a literal `${`. */
function substitute(value: unknown, vars: Readonly<Record<string, string>>, missing: Set<string>): unknown {
  if (typeof value === 'string') {
    return value.replace(VAR, (all, name: string | undefined) => {
      if (name === undefined) return '${';
      const v = vars[name];
      if (v === undefined) missing.add(name);
      return v ?? all;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars, missing));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars, missing)]));
  }
  return value;
}

/** Prepends a built-in's helper functions to one phase's text. */
const withLib = (lib: string | undefined, text: string | undefined): string | null =>
  text === undefined ? null : lib ? `${lib}\n${text}` : text;

/** Renders one task, adding its problems to `problems`. */
function renderTask(stage: string, task: SequenceTask, values: SequenceValues, scripts: BuiltinScripts, problems: string[]): DocumentTask {
  const uses = (task.uses ?? 'custom') as BuiltinName;
  const where = `stage "${stage}" task "${task.name}" (${uses})`;
  const missing = new Set<string>();
  const own = substitute(task.with ?? {}, values.vars ?? {}, missing) as Record<string, unknown>;
  for (const name of missing) problems.push(`${where}: with uses \${${name}}, which this build does not define`);
  const parsed = withSchemaOf(uses).safeParse({ ...(values.with?.[uses] ?? {}), ...own });
  const merged = parsed.success ? parsed.data : {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${where}: with${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`);
  }
  const builtin = scripts[uses];
  const defaults = defaultsOf(uses);
  return {
    id: `${stage}/${task.name}`,
    name: task.name,
    uses,
    with: merged as DocumentTask['with'],
    secrets: Object.keys(merged).filter((k) => SECRET_KEY.test(k) && typeof merged[k] === 'string' && merged[k] !== ''),
    pre: withLib(builtin.lib, task.pre ?? builtin.pre),
    script: withLib(builtin.lib, task.script ?? builtin.script),
    post: withLib(builtin.lib, task.post),
    reboot: task.reboot ?? defaults.reboot,
    retries: task.retries ?? 0,
    timeoutMinutes: task.timeoutMinutes ?? defaults.timeoutMinutes,
  };
}

/**
 * Renders a validated sequence file for one build: merges vizor's values into each
 * task's `with`, validates them against the built-in's schema, and resolves every phase
 * to PowerShell text. Throws SequenceFormatError for structural problems and
 * SequenceRenderError (listing every problem, never a value) for bad values.
 */
export function renderSequence(file: SequenceFile, values: SequenceValues = {}, scripts: BuiltinScripts = loadBuiltinScripts()): SequenceDocument {
  const structural = checkSequence(file);
  if (structural.length) throw new SequenceFormatError(file.name, structural);
  const problems: string[] = [];
  const stages = file.stages.map((s) => ({ name: s.name, tasks: s.tasks.map((t) => renderTask(s.name, t, values, scripts, problems)) }));
  if (problems.length) throw new SequenceRenderError(problems);
  const body = { name: file.name, description: file.description ?? '', stages };
  const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  return { format: DOCUMENT_FORMAT, name: body.name, description: body.description, digest, stages };
}
