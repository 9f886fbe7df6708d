import { z } from 'zod';
import { EVENT_STATUSES } from './event.js';

const TASK_ID = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\/[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
/** The engine writes UTC times as yyyy-MM-ddTHH:mm:ss.fffZ strings. */
const TIME = z.iso.datetime();

/**
 * The engine's state file (`C:\ProgramData\vizor\state.json`), version 1: the one place
 * the guest keeps its progress. Published so vizor, tests and admins agree on it; the
 * engine writes it from New-VizorState and the Set-/Complete-/Close-VizorState functions.
 */
export const sequenceStateSchema = z.strictObject({
  version: z.literal(1),
  /** Name of the sequence the first run fetched. */
  sequence: z.string().min(1),
  /** Digest of the document the first run fetched. */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  status: z.enum(['running', 'done', 'failed']),
  /** Finished task ids (`stage/task`) in the order they finished; never run again. */
  completed: z.array(TASK_ID),
  /** How each finished (or failed) task ended. */
  results: z.record(TASK_ID, z.strictObject({ status: z.enum(EVENT_STATUSES), at: TIME })),
  /** The task being run; after a failure, the one that failed (what -Retry resets). */
  current: z.strictObject({ id: TASK_ID, phase: z.enum(['pre', 'script', 'post']), attempt: z.int().min(1), startedAt: TIME }).nullable(),
  /** Attempts started per task, counted across reboots: what bounds retries. */
  attempts: z.record(TASK_ID, z.int().min(0)),
  /** Engine runs so far (1 + reboots and restarts). */
  runs: z.int().min(0),
  startedAt: TIME,
  endedAt: TIME.nullable(),
});
/** The engine's state file. */
export type SequenceState = z.infer<typeof sequenceStateSchema>;
