/**
 * A VM's devices and settings: the CD-ROM (an ISO disk id as its `file`), payloads (the
 * engine builds the floppy or CD image itself from `<files>`), boot order, options and
 * permissions. Changes on a running VM apply from its next start, as the engine does.
 */
import { HvRequestError, HvStateError } from '../errors.js';
import type { AttachedPayload, BootDevice, PayloadSpec, VmOptions, VmPermission } from '../types.js';
import { ignoreNotFound, type OvirtContext } from './context.js';
import { bootDevices, osTypeFor } from './mapping.js';
import { attr, child, members, ref, type XmlBody } from './xml.js';

const vmPath = (id: string): string => `/vms/${encodeURIComponent(id)}`;

/** The VM's CD-ROM device id (every oVirt VM has one). */
async function cdromId(ctx: OvirtContext, vmId: string): Promise<string> {
  const cdroms = members(await ctx.client.get(`${vmPath(vmId)}/cdroms`), 'cdroms', 'cdrom');
  const id = attr(cdroms[0], 'id');
  if (!id) throw new HvStateError(`ovirt: VM ${vmId} has no CD-ROM device`, { platform: 'ovirt' });
  return id;
}

/** Inserts an ISO (a disk with content_type iso) into the VM's CD-ROM. */
export async function attachIso(ctx: OvirtContext, vmId: string, isoId: string): Promise<void> {
  const cd = await cdromId(ctx, vmId);
  await ctx.client.put(`${vmPath(vmId)}/cdroms/${cd}`, 'cdrom', { file: ref(isoId) });
}

/** Empties the CD-ROM (`<file id=""/>`, the engine's eject). */
export async function ejectIso(ctx: OvirtContext, vmId: string): Promise<void> {
  const cdroms = members(await ctx.client.get(`${vmPath(vmId)}/cdroms`), 'cdroms', 'cdrom');
  for (const cd of cdroms) {
    const file = attr(child(cd, 'file'), 'id');
    if (file) await ctx.client.put(`${vmPath(vmId)}/cdroms/${attr(cd, 'id')}`, 'cdrom', { file: ref('') });
  }
}

/**
 * Sets the VM's payload. oVirt takes file contents as text (the engine writes them into
 * the image), so only UTF-8 files can be passed; `files` is required.
 */
export async function attachPayload(ctx: OvirtContext, vmId: string, payload: PayloadSpec): Promise<AttachedPayload> {
  if (!payload.files?.length) {
    throw new HvRequestError(`ovirt: payload ${payload.name} has no files; oVirt builds payload images itself from PayloadSpec.files`, { platform: 'ovirt' });
  }
  const files = payload.files.map((f) => {
    const content = f.content.toString('utf8');
    if (!Buffer.from(content, 'utf8').equals(f.content)) {
      throw new HvRequestError(`ovirt: payload file ${f.name} is not UTF-8 text; oVirt payloads carry text only`, { platform: 'ovirt' });
    }
    return { name: f.name, content };
  });
  const type = payload.kind === 'floppy' ? 'floppy' : 'cdrom';
  await ctx.client.put(vmPath(vmId), 'vm', { payloads: { payload: [{ type, files: { file: files } }] } });
  return { kind: payload.kind, id: `${vmId}:payload:${type}` };
}

/** Removes the VM's payloads (an empty `<payloads/>`); a VM that is gone has none. */
export async function detachPayload(ctx: OvirtContext, vmId: string): Promise<void> {
  await ignoreNotFound(() => clearPayloads(ctx, vmId));
}

/** PUTs an empty payload list. */
export async function clearPayloads(ctx: OvirtContext, vmId: string): Promise<void> {
  await ctx.client.put(vmPath(vmId), 'vm', { payloads: '' });
}

/** Sets `os.boot.devices`. */
export async function setBootOrder(ctx: OvirtContext, vmId: string, order: readonly BootDevice[]): Promise<void> {
  if (order.length === 0 || new Set(order).size !== order.length) {
    throw new HvRequestError(`ovirt: boot order must list distinct devices, got [${order.join(', ')}]`, { platform: 'ovirt' });
  }
  await ctx.client.put(vmPath(vmId), 'vm', { os: { boot: { devices: { device: bootDevices(order) } } } });
}

/** Sets USB, stateless, OS type and description; nothing given, nothing sent. */
export async function setVmOptions(ctx: OvirtContext, vmId: string, options: VmOptions): Promise<void> {
  const body: XmlBody = {
    description: options.description,
    stateless: options.stateless,
    // USB redirection: `native` is the only type left in 4.x (legacy was removed).
    usb: options.usb === undefined ? undefined : options.usb ? { enabled: true, type: 'native' } : { enabled: false },
    os: options.osType === undefined ? undefined : { type: osTypeFor(options.osType) },
  };
  if (Object.values(body).every((v) => v === undefined)) return;
  await ctx.client.put(vmPath(vmId), 'vm', body);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A role by id when given a UUID, else by name (the engine resolves `<role><name>`). */
export function roleRef(role: string): XmlBody {
  return UUID.test(role) ? ref(role) : { name: role };
}

/** Gives a user or group a role on the VM; an existing identical permission is fine. */
export async function grant(ctx: OvirtContext, vmId: string, permission: VmPermission): Promise<void> {
  try {
    await ctx.client.post(`${vmPath(vmId)}/permissions`, 'permission', {
      role: roleRef(permission.role),
      [permission.principal.kind]: ref(permission.principal.id),
    });
  } catch (err) {
    if (!(err instanceof HvStateError && /already exists/i.test(err.platformMessage ?? ''))) throw err;
  }
}
