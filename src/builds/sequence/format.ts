import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { SequenceArgumentError, SequenceFormatError } from './errors.js';

/** Stage and task names: safe in URLs, file names, state keys and PowerShell strings. */
export const SEQUENCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NAME_RULE = 'use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';

/** Keys of `with`: each is read in PowerShell as `$With.<key>`. */
export const WITH_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The built-in tasks a sequence file can name in `uses`. */
export const BUILTIN_NAMES = ['pv-tools', 'langpacks', 'locale', 'custom', 'sysprep'] as const;
/** One of {@link BUILTIN_NAMES}. */
export type BuiltinName = (typeof BUILTIN_NAMES)[number];

/** The stage name the engine uses for sequence-wide events; no stage may take it. */
export const SEQUENCE_STAGE = 'sequence';

const MAX_FILE_BYTES = 1024 * 1024;
const powershell = z.string().trim().min(1, 'must not be empty').max(64 * 1024);

/** One task as written in a sequence file. */
export const sequenceTaskSchema = z.strictObject({
  name: z.string().regex(SEQUENCE_NAME, NAME_RULE),
  uses: z.string().optional(),
  with: z.record(z.string().regex(WITH_KEY, 'keys must be PowerShell-friendly names (letters, digits, "_")'), z.json()).optional(),
  pre: powershell.optional(),
  script: powershell.optional(),
  post: powershell.optional(),
  reboot: z.boolean().optional(),
  retries: z.int().min(0).max(5).optional(),
  timeoutMinutes: z.int().min(1).max(1440).optional(),
});
/** A task as written in a sequence file. */
export type SequenceTask = z.infer<typeof sequenceTaskSchema>;

/** A sequence file: named stages of tasks, run in order. */
export const sequenceFileSchema = z.strictObject({
  name: z.string().regex(SEQUENCE_NAME, NAME_RULE),
  description: z.string().max(2000).optional(),
  stages: z
    .array(z.strictObject({ name: z.string().regex(SEQUENCE_NAME, NAME_RULE), tasks: z.array(sequenceTaskSchema).min(1).max(200) }))
    .min(1)
    .max(50),
});
/** A validated sequence file. */
export type SequenceFile = z.infer<typeof sequenceFileSchema>;

/** Task fields a built-in refuses, and why (the engine would never run them). */
const SYSPREP_FORBIDS: Readonly<Record<string, string>> = {
  script: 'the built-in supplies the script',
  post: 'sysprep shuts the machine down, so post would never run',
  reboot: 'sysprep shuts the machine down itself',
  retries: 'sysprep runs once',
};

/**
 * Checks what the schema cannot: known `uses`, unique names, sysprep only as the very
 * last task, a built-in's own script not overridden. Returns every problem found.
 */
export function checkSequence(file: SequenceFile): string[] {
  const problems: string[] = [];
  const stages = new Set<string>();
  const tasks = new Map<string, string>();
  const last = file.stages.at(-1)?.tasks.at(-1);
  for (const stage of file.stages) {
    // The engine's state keys are PowerShell properties: case-insensitive.
    const key = stage.name.toLowerCase();
    if (key === SEQUENCE_STAGE) problems.push(`stage "${stage.name}": the name "sequence" is reserved for sequence-wide reports`);
    else if (stages.has(key)) problems.push(`stage "${stage.name}" appears twice (names are compared ignoring case)`);
    stages.add(key);
    for (const task of stage.tasks) {
      const where = `stage "${stage.name}" task "${task.name}"`;
      const seen = tasks.get(task.name.toLowerCase());
      if (seen !== undefined) problems.push(`${where}: task name already used in stage "${seen}" (task names are unique in a sequence, ignoring case)`);
      else tasks.set(task.name.toLowerCase(), stage.name);
      const uses = task.uses ?? 'custom';
      if (!(BUILTIN_NAMES as readonly string[]).includes(uses)) {
        problems.push(`${where}: unknown uses "${uses}" (built-ins: ${BUILTIN_NAMES.join(', ')})`);
        continue;
      }
      if (uses === 'custom' && !task.pre && !task.script && !task.post && !task.reboot) {
        problems.push(`${where}: a custom task needs a script (or pre/post, or reboot: true)`);
      }
      if (uses !== 'custom' && uses !== 'sysprep' && task.script) {
        problems.push(`${where}: uses ${uses} supplies its own script; put extra steps in pre/post or in a custom task`);
      }
      if (uses === 'sysprep') {
        if (task !== last) problems.push(`${where}: sysprep must be the last task of the last stage`);
        for (const [field, why] of Object.entries(SYSPREP_FORBIDS)) {
          if (task[field as keyof SequenceTask] !== undefined) problems.push(`${where}: ${field} is not allowed with sysprep (${why})`);
        }
      }
    }
  }
  return problems;
}

/** Where a schema issue is, naming the stage and task when the input has them. */
function describeIssue(raw: unknown, issue: z.core.$ZodIssue): string {
  let node: unknown = raw;
  let where = '';
  for (const part of issue.path) {
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[part as PropertyKey] : undefined;
    const name = node !== null && typeof node === 'object' ? (node as { name?: unknown }).name : undefined;
    where += typeof part === 'number' ? `[${part}]` : `${where ? '.' : ''}${String(part)}`;
    if (typeof part === 'number' && typeof name === 'string') where += `("${name}")`;
  }
  // zod reports a bad record key as "Invalid key in record"; the key's own issue says why.
  const message = issue.code === 'invalid_key' && issue.issues[0] ? issue.issues[0].message : issue.message;
  return `${where || '(top level)'}: ${message}`;
}

/** Parses and validates a sequence file's YAML text; `source` names it in errors. */
export function parseSequenceFile(text: string, source = 'sequence file'): SequenceFile {
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) throw new SequenceFormatError(source, [`larger than ${MAX_FILE_BYTES} bytes`]);
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) throw new SequenceFormatError(source, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  const raw: unknown = doc.toJS();
  const parsed = sequenceFileSchema.safeParse(raw);
  if (!parsed.success) throw new SequenceFormatError(source, parsed.error.issues.map((i) => describeIssue(raw, i)));
  const problems = checkSequence(parsed.data);
  if (problems.length) throw new SequenceFormatError(source, problems);
  return parsed.data;
}

/** Reads and validates a sequence file from disk. */
export function loadSequenceFile(path: string): SequenceFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SequenceArgumentError(`cannot read sequence file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return parseSequenceFile(text, path);
}
