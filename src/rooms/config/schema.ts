import { z } from 'zod';
import { parseSubnet } from './ipv4.js';
import { checkFormula } from './formula.js';

/** Names of hypervisor entries, groups and placement keys. */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Room names become part of VM and computer names, so only NetBIOS-safe characters. */
export const ROOM_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;
/** Names of secrets in vizor's secret store (`vizor secret set <name>`). */
export const SECRET_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Placeholders a name pattern may use. */
export const NAME_PATTERN_VARS = ['room', 'id', 'group'] as const;
/** Variables every unattend template receives; `unattend.values` may not shadow them. */
export const RESERVED_TEMPLATE_VARS = ['vm', 'domain', 'secrets', 'run'] as const;

const secretRef = z.string().regex(SECRET_NAME_RE, { error: 'must be the name of a vizor secret (letters, digits, . _ -)' });
const mac = z.string().regex(/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/, { error: 'must be a MAC address like 52:54:00:12:34:56' });

const addressingSchema = z
  .object({
    subnet: z.string().optional(),
    gateway: z.ipv4().optional(),
    dns: z.array(z.ipv4()).optional(),
    /** Address of the lowest id this setting applies to; other ids are offset by their id. */
    first: z.ipv4().optional(),
    /** Per-id address such as `10.1.2.{100+id}`. */
    formula: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.first !== undefined && a.formula !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['formula'], message: 'give either first or formula, not both' });
    }
    if (a.subnet !== undefined) {
      const s = parseSubnet(a.subnet);
      if (typeof s === 'string') ctx.addIssue({ code: 'custom', path: ['subnet'], message: s });
    }
    if (a.formula !== undefined) {
      const err = checkFormula(a.formula);
      if (err) ctx.addIssue({ code: 'custom', path: ['formula'], message: err });
    }
  });

const thinClientSchema = z
  .object({ user: z.string().min(1).optional(), group: z.string().min(1).optional(), role: z.string().min(1).optional() })
  .strict()
  .refine((t) => !(t.user !== undefined && t.group !== undefined), { error: 'give either user or group, not both', path: ['group'] });

const snapshotSchema = z.object({ name: z.string().min(1).max(200).optional(), description: z.string().max(1000).optional() }).strict();

const resetSchema = z
  .object({ start: z.enum(['always', 'if-running', 'never'], { error: 'must be always, if-running or never' }).optional() })
  .strict();

const unattendSchema = z
  .object({
    /** A path (relative to the room file) or the name of a template shipped with vizor. */
    template: z.string().min(1).optional(),
    values: z.record(z.string(), z.unknown()).optional(),
    /** Template variables filled from vizor's secret store at render time: variable → secret name. */
    secrets: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), secretRef).optional(),
  })
  .strict()
  .superRefine((u, ctx) => {
    for (const key of Object.keys(u.values ?? {})) {
      if ((RESERVED_TEMPLATE_VARS as readonly string[]).includes(key)) {
        ctx.addIssue({ code: 'custom', path: ['values', key], message: `"${key}" is reserved for vizor's own template variables` });
      }
    }
  });

const domainSchema = z
  .object({
    name: z.string().min(1).optional(),
    ou: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    passwordSecret: secretRef.optional(),
  })
  .strict();

const namePatternSchema = z
  .string()
  .min(1)
  .superRefine((p, ctx) => {
    for (const m of p.matchAll(/\$\{([^}]*)\}|\$(?!\{)/g)) {
      if (m[1] === undefined) ctx.addIssue({ code: 'custom', message: 'a "$" must start a placeholder such as ${id}' });
      else if (!(NAME_PATTERN_VARS as readonly string[]).includes(m[1])) {
        ctx.addIssue({ code: 'custom', message: `unknown placeholder \${${m[1]}} (allowed: ${NAME_PATTERN_VARS.map((v) => `\${${v}}`).join(', ')})` });
      }
    }
  });

/** Every setting a site, room or group may give; all optional because levels inherit. */
export const settingsShape = {
  hypervisor: z.string().regex(NAME_RE, { error: 'must be the name of a vizor hypervisor entry' }).optional(),
  template: z.string().min(1).optional(),
  placement: z.record(z.string().regex(NAME_RE), z.union([z.string(), z.number(), z.boolean()])).optional(),
  memoryMiB: z.number().int().min(64).max(16 * 1024 * 1024).optional(),
  vcpus: z.number().int().min(1).max(1024).optional(),
  usb: z.boolean({ error: 'must be true or false' }).optional(),
  stateless: z.boolean().optional(),
  startAfterRollout: z.boolean().optional(),
  description: z.string().max(1000).optional(),
  osType: z.string().min(1).optional(),
  timeZone: z.string().min(1).optional(),
  thinClient: thinClientSchema.nullable().optional(),
  snapshot: snapshotSchema.nullable().optional(),
  reset: resetSchema.optional(),
  unattend: unattendSchema.nullable().optional(),
  domain: domainSchema.nullable().optional(),
  addressing: addressingSchema.optional(),
  dhcp: z.object({ reserve: z.boolean() }).strict().optional(),
  namePattern: namePatternSchema.optional(),
  /** Fixed MACs by VM id; VMs without one get a MAC from the platform. */
  macs: z.record(z.string().regex(/^\d+$/, { error: 'keys must be VM ids' }), mac).optional(),
};

/** Site defaults: settings only (a file referenced by `site:` or given inline). */
export const siteSchema = z.object(settingsShape).strict();

const groupSchema = z
  .object({
    name: z.string().regex(NAME_RE, { error: 'group names use letters, digits, . _ -' }),
    ids: z.array(z.union([z.number(), z.string()])).min(1, { error: 'a group needs at least one id' }),
    ...settingsShape,
  })
  .strict();

/** A room file: its name, optional site defaults, room-level settings and its groups. */
export const roomSchema = z
  .object({
    room: z.string().regex(ROOM_NAME_RE, { error: 'room names use letters, digits and -, at most 63 characters' }),
    site: z.union([z.string().min(1), siteSchema]).optional(),
    ...settingsShape,
    groups: z.array(groupSchema).min(1, { error: 'a room needs at least one group' }),
  })
  .strict();

/** Settings at one level (site, room or group). */
export type RoomSettings = z.infer<typeof siteSchema>;
/** One group of a room. */
export type RoomGroup = z.infer<typeof groupSchema>;

/** Where a room came from, for error messages: its file and the line of each YAML path. */
export interface RoomSource {
  readonly file: string;
  readonly lines: Readonly<Record<string, number>>;
}

/** A schema-valid room; `site` is inline once loaded (file references are resolved). */
export type RoomConfig = z.infer<typeof roomSchema> & { source?: RoomSource };
