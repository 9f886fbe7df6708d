import { z } from 'zod';
import type { HypervisorRow, NodeEvent, NodeRow } from '../../store/index.js';
import { jsonObject, resourceName, stringMap, timestamp, withoutTokens } from './common.js';

/** A node; its task never carries the answer token. */
export const nodeView = z
  .object({
    mac: z.string(),
    name: z.string().nullable(),
    uuid: z.string().nullable(),
    task: jsonObject.meta({ description: 'what it boots into next: {kind: default|local|menu|register|script|linux-install|windows-install, ...}' }),
    createdAt: timestamp,
    updatedAt: timestamp,
    lastSeenAt: timestamp.nullable(),
  })
  .meta({ id: 'Node' });

/** A MAC's registration (null when vizor only saw it) and its DHCP lease. */
export const nodeDetail = z
  .object({
    mac: z.string(),
    node: nodeView.nullable(),
    lease: z.object({ mac: z.string(), ip: z.string(), hostname: z.string().nullable(), state: z.enum(['offered', 'bound', 'released']), expiresAt: z.number() }).nullable(),
  })
  .meta({ id: 'NodeDetail' });

/** One step of a node's boot. */
export const nodeEventView = z
  .object({ id: z.number().int(), mac: z.string(), at: timestamp, kind: z.string(), detail: jsonObject })
  .meta({ id: 'NodeEvent' });

const simpleTask = z.strictObject({ kind: z.enum(['default', 'local', 'menu', 'register']) });
const scriptTask = z.strictObject({ kind: z.literal('script'), script: z.string().min(1).max(65_536).meta({ description: 'iPXE script (without #!ipxe)' }) });
const linuxTask = z.strictObject({
  kind: z.literal('linux-install'),
  isoId: z.number().int().min(1),
  family: z.enum(['debian', 'rhel']).optional().meta({ description: 'default: from the cataloged distro' }),
  values: stringMap.optional(),
  kernelArgs: z.string().max(1024).optional(),
});
const windowsTask = z.strictObject({
  kind: z.literal('windows-install'),
  isoId: z.number().int().min(1),
  release: z.string().optional().meta({ description: 'windows-10, windows-11, server-2022 ...' }),
  arch: z.enum(['x86', 'amd64', 'arm64']).optional(),
  imageIndex: z.number().int().min(1).optional(),
  imageName: z.string().min(1).optional(),
  values: stringMap.optional(),
  adminPassword: z.string().min(1).meta({ description: 'Administrator password; write-only, stored encrypted', writeOnly: true }),
});

/** A task as `POST /nodes` accepts it. */
export const simpleTaskInput = z.discriminatedUnion('kind', [simpleTask, scriptTask]);
/** A task as `PUT /nodes/{ref}/task` accepts it. */
export const taskInput = z.discriminatedUnion('kind', [simpleTask, scriptTask, linuxTask, windowsTask]);
/** Parsed forms of the task inputs. */
export type TaskInput = z.output<typeof taskInput>;

/** `POST /nodes`. */
export const nodeCreate = z.strictObject({
  mac: z.string().min(1).meta({ description: 'aa:bb:cc:dd:ee:ff or aa-bb-...' }),
  name: z.string().min(1).max(63).optional(),
  task: simpleTaskInput.optional(),
});

/** The API view of a node. */
export function toNodeView(n: NodeRow): z.input<typeof nodeView> {
  return { ...n, task: withoutTokens(n.task) as Record<string, unknown> };
}

/** The API view of a node event. */
export function toNodeEventView(e: NodeEvent): z.input<typeof nodeEventView> {
  return { ...e, detail: withoutTokens(e.detail) };
}

const optionValue = z.union([z.string(), z.number(), z.boolean()]);

/** A hypervisor: `hasSecret`, never the password or secret key. */
export const hypervisorView = z
  .object({
    id: z.number().int(),
    name: z.string(),
    kind: z.enum(['xenserver', 'cloudstack', 'ovirt', 'qemu']),
    url: z.string(),
    username: z.string().nullable(),
    options: z.record(z.string(), optionValue),
    hasSecret: z.boolean(),
    createdAt: timestamp,
  })
  .meta({ id: 'Hypervisor' });

/** `POST /hypervisors`. */
export const hypervisorCreate = z.strictObject({
  name: resourceName,
  kind: z.enum(['xenserver', 'cloudstack', 'ovirt', 'qemu']),
  url: z.string().min(1).meta({ description: 'https://xcp1/, https://cs/client/api, https://engine/ovirt-engine or qemu:///<state folder>' }),
  user: z.string().min(1).optional().meta({ description: 'user name (CloudStack: API key)' }),
  options: z.record(z.string(), optionValue).optional().meta({ description: 'platform options (zone, cluster, bridge, allowUnauthorized ...)' }),
  password: z.string().min(1).optional().meta({ description: 'password (CloudStack: secret key); write-only, stored encrypted', writeOnly: true }),
});

/** The API view of a hypervisor row. */
export function toHypervisorView(r: HypervisorRow): z.input<typeof hypervisorView> {
  return { id: r.id, name: r.name, kind: r.kind, url: r.url, username: r.username, options: { ...r.options }, hasSecret: r.secretName !== null, createdAt: r.createdAt };
}

/** What `POST /hypervisors/{name}/test` learns. */
export const hypervisorTest = z
  .object({ ok: z.literal(true), kind: z.string(), endpoint: z.string(), version: z.string(), networks: z.array(z.string()), vizorVms: z.number().int() })
  .meta({ id: 'HypervisorTest' });

/** A VM on a platform. */
export const vmView = z
  .object({
    id: z.string(),
    name: z.string(),
    power: z.enum(['running', 'halted', 'paused', 'suspended', 'transitioning', 'unknown']),
    macs: z.array(z.string()),
    tag: z.object({ role: z.enum(['build', 'room', 'template']), owner: z.string() }).nullable(),
    isTemplate: z.boolean(),
    details: z.record(z.string(), optionValue).optional(),
  })
  .meta({ id: 'Vm' });

/** A VM with its snapshots. */
export const vmDetail = vmView
  .extend({ snapshots: z.array(z.object({ id: z.string(), name: z.string(), description: z.string(), createdAt: timestamp.nullable(), powerAtSnapshot: z.string().nullable() })) })
  .meta({ id: 'VmDetail' });

/** `POST /hypervisors/{name}/vms/{id}/start|stop`. */
export const vmAction = z.strictObject({ waitSeconds: z.number().int().min(0).max(3600).optional().meta({ description: 'wait until running/halted' }) });

/** A hardware profile. */
export const profileView = z
  .object({ name: z.string(), hypervisor: z.string(), spec: jsonObject, createdAt: timestamp, updatedAt: timestamp })
  .meta({ id: 'Profile' });
