import { z } from 'zod';
import { SEQUENCE_NAME, SEQUENCE_STAGE } from './format.js';

/** Largest event body vizor accepts, in bytes. */
export const EVENT_BODY_LIMIT = 64 * 1024;

/** Longest `message` in an event, in characters (the engine keeps the last 8000). */
export const EVENT_MESSAGE_LIMIT = 16 * 1024;

/** What a task (or the sequence, with stage "sequence") ended as. */
export const EVENT_STATUSES = ['ok', 'failed', 'skipped', 'warning'] as const;

/**
 * One report from the engine: `POST /callbacks/<token>/event`. Sequence-wide reports
 * have stage "sequence" and no task; `end` always has a status, `start` and `log` never.
 */
export const sequenceEventSchema = z
  .strictObject({
    /** Unique per event: the outbox may deliver one twice, and vizor can drop the repeat. */
    id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
    stage: z.string().regex(SEQUENCE_NAME),
    task: z.string().regex(SEQUENCE_NAME).optional(),
    phase: z.enum(['start', 'end', 'log']),
    status: z.enum(EVENT_STATUSES).optional(),
    message: z.string().max(EVENT_MESSAGE_LIMIT).optional(),
    attempt: z.int().min(0).max(100),
    at: z.iso.datetime({ offset: true }),
    /** On an `end`: the machine reboots now and the engine resumes after it. */
    reboot: z.boolean().optional(),
  })
  .superRefine((e, ctx) => {
    const wide = e.stage === SEQUENCE_STAGE;
    if (wide && e.task !== undefined) ctx.addIssue({ code: 'custom', path: ['task'], message: 'sequence-wide events have no task' });
    if (!wide && e.task === undefined) ctx.addIssue({ code: 'custom', path: ['task'], message: `required unless stage is "${SEQUENCE_STAGE}"` });
    if (e.phase === 'end' && e.status === undefined) ctx.addIssue({ code: 'custom', path: ['status'], message: 'required when phase is "end"' });
    if (e.phase !== 'end' && e.status !== undefined) ctx.addIssue({ code: 'custom', path: ['status'], message: 'only an "end" carries a status' });
    if (e.phase !== 'end' && e.reboot !== undefined) ctx.addIssue({ code: 'custom', path: ['reboot'], message: 'only an "end" carries reboot' });
  });
/** One validated report from the engine. */
export type SequenceEvent = z.infer<typeof sequenceEventSchema>;

/** Validates an event body; gives the event or one line naming each problem. */
export function parseSequenceEvent(body: unknown): { event: SequenceEvent } | { problem: string } {
  const r = sequenceEventSchema.safeParse(body);
  if (r.success) return { event: r.data };
  return { problem: r.error.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ') };
}
