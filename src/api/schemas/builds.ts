import { stagesOf } from '../../builds/index.js';
import { z } from 'zod';
import { profileSpecSchema, STAGES } from '../../builds/index.js';
import type { BuildEvent, BuildRow, InstanceRow, TemplateRow } from '../../store/index.js';
import { jsonObject, resourceName, stringMap, timestamp, withoutTokens } from './common.js';

/** `POST /profiles`: the same spec schema `vizor profile add` validates with. */
export const profileCreate = z.strictObject({
  name: resourceName,
  hypervisor: z.string().min(1),
  spec: profileSpecSchema,
});

/** A build; never its answer token. */
export const buildView = z
  .object({
    id: z.string(),
    hypervisor: z.string(),
    profile: z.string(),
    isoId: z.number().int(),
    family: z.enum(['windows', 'debian', 'rhel']),
    spec: jsonObject,
    state: z.enum(['running', 'done', 'failed', 'cancelling', 'cancelled']),
    stage: z.string(),
    /** Every stage this build passes, in order (from its family and whether it publishes). */
    stages: z.array(z.string()),
    stageStartedAt: timestamp,
    vmId: z.string().nullable(),
    mac: z.string().nullable(),
    templateId: z.string().nullable(),
    error: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    finishedAt: timestamp.nullable(),
  })
  .meta({ id: 'Build' });

/** `POST /builds`: what `vizor build start` takes. */
export const buildCreate = z.strictObject({
  isoId: z.number().int().min(1).meta({ description: 'cataloged ISO to install from' }),
  profile: z.string().min(1),
  image: z.union([z.object({ index: z.number().int().min(1) }), z.object({ name: z.string().min(1) })]).optional().meta({ description: 'Windows: install.wim image' }),
  values: stringMap.optional().meta({ description: 'template values; they win over site, image and profile values' }),
  sequence: z.string().min(1).optional(),
  templateName: z.string().min(1).max(80).optional(),
  publish: z.boolean().optional(),
  keep: z.boolean().optional(),
  adminPassword: z.string().min(1).optional().meta({ description: 'Windows Administrator password; write-only, stored encrypted', writeOnly: true }),
  timeouts: z.partialRecord(z.enum(STAGES), z.number().min(0)).optional().meta({ description: 'seconds allowed to reach each stage' }),
});

/** `GET /builds` filter. */
export const buildQuery = z.object({ state: z.enum(['running', 'done', 'failed', 'cancelling', 'cancelled']).optional() });

/** One line of a build's log. */
export const buildEventView = z
  .object({ id: z.number().int(), buildId: z.string(), at: timestamp, stage: z.string(), kind: z.string(), detail: jsonObject })
  .meta({ id: 'BuildEvent' });

/** The API view of a build row (the token stays inside). */
export function toBuildView(b: BuildRow): z.input<typeof buildView> {
  const { token: _secret, ...rest } = b;
  return { ...rest, stages: stagesOf(b.family, Boolean(b.spec.publish)), spec: withoutTokens(b.spec) };
}

/** The API view of a build event. */
export function toBuildEventView(e: BuildEvent): z.input<typeof buildEventView> {
  return { ...e, detail: withoutTokens(e.detail) };
}

/** A template vizor made. */
export const templateView = z
  .object({
    id: z.number().int(),
    name: z.string(),
    hypervisor: z.string(),
    platformId: z.string(),
    buildId: z.string().nullable(),
    isoId: z.number().int().nullable(),
    source: jsonObject,
    published: z.boolean(),
    state: z.enum(['present', 'missing', 'deleted']),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Template' });

/** A VM a build or room created. */
export const instanceView = z
  .object({
    id: z.number().int(),
    name: z.string(),
    hypervisor: z.string(),
    platformId: z.string(),
    role: z.enum(['build', 'room']),
    owner: z.string(),
    source: jsonObject,
    state: z.string(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Instance' });

/** Rows that pass through unchanged but for tokens. */
export const toTemplateView = (t: TemplateRow): z.input<typeof templateView> => ({ ...t, source: withoutTokens(t.source) });
/** The API view of an instance row. */
export const toInstanceView = (i: InstanceRow): z.input<typeof instanceView> => ({ ...i, source: withoutTokens(i.source) });

/** What `POST /inventory/refresh` found. */
export const refreshView = z
  .object({
    templates: z.object({ present: z.number().int(), missing: z.number().int() }),
    instances: z.object({ present: z.number().int(), missing: z.number().int() }),
  })
  .meta({ id: 'RefreshResult' });

/** One entry of the merged live feed. */
export const feedEvent = z
  .object({
    source: z.enum(['node', 'build']),
    id: z.number().int(),
    at: timestamp,
    kind: z.string(),
    mac: z.string().nullable(),
    buildId: z.string().nullable(),
    stage: z.string().nullable(),
    detail: jsonObject,
  })
  .meta({ id: 'FeedEvent' });

/** `GET /events`: events oldest first and the cursor to pass as `after` next time. */
export const feedView = z
  .object({ events: z.array(feedEvent), cursor: z.string().meta({ description: 'opaque; pass back as ?after=' }) })
  .meta({ id: 'EventFeed' });
