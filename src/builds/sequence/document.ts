import { z } from 'zod';
import { BUILTIN_NAMES, SEQUENCE_NAME, WITH_KEY } from './format.js';

/** The `format` every rendered document carries; the engine refuses any other. */
export const DOCUMENT_FORMAT = 'vizor-sequence/1';

/** A task as the engine runs it: everything resolved, nothing left to defaults. */
export const documentTaskSchema = z.strictObject({
  /** `<stage>/<task>`: the key of this task in the guest's state file. */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\/[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  name: z.string().regex(SEQUENCE_NAME),
  uses: z.enum(BUILTIN_NAMES),
  /** Values the phases read as `$With`. */
  with: z.record(z.string().regex(WITH_KEY), z.json()),
  /** Keys of `with` whose values are secrets: the engine and vizor scrub them from reports. */
  secrets: z.array(z.string().regex(WITH_KEY)),
  pre: z.string().nullable(),
  script: z.string().nullable(),
  post: z.string().nullable(),
  reboot: z.boolean(),
  retries: z.int().min(0).max(5),
  timeoutMinutes: z.int().min(1).max(1440),
});
/** A task as the engine runs it. */
export type DocumentTask = z.infer<typeof documentTaskSchema>;

/** What `GET /callbacks/<token>/sequence.json` serves to the engine. */
export const sequenceDocumentSchema = z.strictObject({
  format: z.literal(DOCUMENT_FORMAT),
  name: z.string().regex(SEQUENCE_NAME),
  description: z.string(),
  /** sha256 of the rendered stages: the engine notes when a resumed run sees another one. */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  stages: z.array(z.strictObject({ name: z.string().regex(SEQUENCE_NAME), tasks: z.array(documentTaskSchema).min(1) })).min(1),
});
/** A rendered sequence, ready for the engine. */
export type SequenceDocument = z.infer<typeof sequenceDocumentSchema>;

/** Every secret value in a document (non-empty strings under each task's `secrets` keys). */
export function secretValues(doc: SequenceDocument): string[] {
  const out = new Set<string>();
  for (const stage of doc.stages) {
    for (const task of stage.tasks) {
      for (const key of task.secrets) {
        const value = task.with[key];
        if (typeof value === 'string' && value !== '') out.add(value);
      }
    }
  }
  return [...out];
}

/** Replaces each secret value in `text` with `[redacted]`, longest first. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('[redacted]');
  return out;
}
