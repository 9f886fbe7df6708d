import type { CallContext, MethodTable } from '../context.js';
import { XapiFault } from '../faults.js';
import { NULL_REF } from '../schema.js';
import { bool, field, int, rec, str, strMap } from './args.js';
import { createVbd, createVdi, destroyVbd, randomMac } from './vm-common.js';

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** VBD, VDI and VIF methods: create/destroy, CD insert/eject, plug/unplug. */
export function deviceMethods(table: MethodTable): void {
  table.set('VBD.create', { params: 1, async: true, run: (c, [r]) => vbdCreate(c, rec(r, 'args')) });
  table.set('VBD.destroy', { params: 1, async: true, run: (c, [ref]) => destroyVbd(c, str(ref, 'self')) });
  table.set('VBD.insert', {
    params: 2,
    async: true,
    run: (c, [ref, vdi]) => {
      const vbd = c.db.get('VBD', ref);
      if (vbd['type'] !== 'CD') throw new XapiFault('VBD_NOT_REMOVABLE_MEDIA', [String(ref)]);
      if (vbd['empty'] !== true) throw new XapiFault('VBD_NOT_EMPTY', [String(ref)]);
      c.db.get('VDI', vdi);
      c.db.update('VBD', String(ref), { VDI: String(vdi), empty: false });
      c.db.link('VDI', String(vdi), 'VBDs', String(ref));
    },
  });
  table.set('VBD.eject', {
    params: 1,
    async: true,
    run: (c, [ref]) => {
      const vbd = c.db.get('VBD', ref);
      if (vbd['type'] !== 'CD') throw new XapiFault('VBD_NOT_REMOVABLE_MEDIA', [String(ref)]);
      if (vbd['empty'] === true) throw new XapiFault('VBD_IS_EMPTY', [String(ref)]);
      c.db.unlink('VDI', String(vbd['VDI']), 'VBDs', String(ref));
      c.db.update('VBD', String(ref), { VDI: NULL_REF, empty: true });
    },
  });
  for (const cls of ['VBD', 'VIF']) {
    table.set(`${cls}.plug`, { params: 1, async: true, run: (c, [ref]) => plug(c, cls, ref, true) });
    table.set(`${cls}.unplug`, { params: 1, async: true, run: (c, [ref]) => plug(c, cls, ref, false) });
  }
  table.set('VDI.create', { params: 1, async: true, run: (c, [r]) => vdiCreate(c, rec(r, 'args')) });
  table.set('VDI.destroy', { params: 1, async: true, run: (c, [ref]) => vdiDestroy(c, str(ref, 'self')) });
  table.set('VIF.create', { params: 1, async: true, run: (c, [r]) => vifCreate(c, rec(r, 'args')) });
  table.set('VIF.destroy', {
    params: 1,
    async: true,
    run: (c, [ref]) => {
      const vif = c.db.get('VIF', ref);
      if (vif['currently_attached'] === true) throw new XapiFault('DEVICE_ALREADY_ATTACHED', [String(ref)]);
      c.db.unlink('VM', String(vif['VM']), 'VIFs', String(ref));
      c.db.unlink('network', String(vif['network']), 'VIFs', String(ref));
      c.db.destroy('VIF', String(ref));
    },
  });
}

function plug(c: CallContext, cls: string, ref: unknown, attach: boolean): void {
  const dev = c.db.get(cls, ref);
  const vm = c.db.get('VM', dev['VM']);
  if (vm['power_state'] !== 'Running') throw new XapiFault('VM_BAD_POWER_STATE', [String(dev['VM']), 'running', String(vm['power_state']).toLowerCase()]);
  if (dev['currently_attached'] === attach) throw new XapiFault(attach ? 'DEVICE_ALREADY_ATTACHED' : 'DEVICE_ALREADY_DETACHED', [String(ref)]);
  c.db.update(cls, String(ref), { currently_attached: attach });
}

function vbdCreate(c: CallContext, r: { [k: string]: unknown }): string {
  const vm = c.db.get('VM', r['VM']);
  const type = field(r, 'type', 'string');
  const empty = field(r, 'empty', 'bool');
  const vdi = field(r, 'VDI', 'string');
  if (vdi !== NULL_REF) c.db.get('VDI', vdi);
  else if (!empty) throw new XapiFault('VBD_NOT_EMPTY', ['VDI is NULL but empty is false']);
  let userdevice = String(field(r, 'userdevice', 'string'));
  const used = new Set((vm['VBDs'] as string[]).map((v) => String(c.db.get('VBD', v)['userdevice'])));
  if (userdevice === 'autodetect') userdevice = [...Array(16).keys()].map(String).find((d) => !used.has(d)) ?? '16';
  if (used.has(userdevice)) throw new XapiFault('DEVICE_ALREADY_EXISTS', [userdevice]);
  return createVbd(c, {
    VM: String(r['VM']),
    VDI: vdi,
    userdevice,
    type,
    empty,
    bootable: field(r, 'bootable', 'bool'),
    mode: field(r, 'mode', 'string'),
    unpluggable: r['unpluggable'] === undefined ? false : bool(r['unpluggable'], 'unpluggable'),
    other_config: strMap(r['other_config'], 'other_config'),
    qos_algorithm_type: typeof r['qos_algorithm_type'] === 'string' ? r['qos_algorithm_type'] : '',
  });
}

function vdiCreate(c: CallContext, r: { [k: string]: unknown }): string {
  const sr = c.db.get('SR', r['SR']);
  if (sr['content_type'] === 'iso') throw new XapiFault('SR_OPERATION_NOT_SUPPORTED', [String(r['SR'])]);
  return createVdi(c, {
    SR: String(r['SR']),
    name_label: field(r, 'name_label', 'string'),
    name_description: typeof r['name_description'] === 'string' ? r['name_description'] : '',
    virtual_size: field(r, 'virtual_size', 'int'),
    type: field(r, 'type', 'string'),
    sharable: field(r, 'sharable', 'bool'),
    read_only: field(r, 'read_only', 'bool'),
    other_config: strMap(r['other_config'], 'other_config'),
    sm_config: strMap(r['sm_config'], 'sm_config'),
    xenstore_data: strMap(r['xenstore_data'], 'xenstore_data'),
  });
}

/** VDI.destroy: refuses attached disks and ISO SRs; drops the VDI's VBDs with it, as XAPI does. */
function vdiDestroy(c: CallContext, ref: string): void {
  const vdi = c.db.get('VDI', ref);
  const sr = c.db.get('SR', vdi['SR']);
  if (sr['content_type'] === 'iso') throw new XapiFault('SR_OPERATION_NOT_SUPPORTED', [String(vdi['SR'])]);
  const vbds = vdi['VBDs'] as string[];
  if (vbds.some((v) => c.db.get('VBD', v)['currently_attached'] === true)) throw new XapiFault('VDI_IN_USE', [ref, 'destroy']);
  for (const v of [...vbds]) destroyVbd(c, v);
  if (vdi['snapshot_of'] !== NULL_REF) c.db.unlink('VDI', String(vdi['snapshot_of']), 'snapshots', ref);
  c.db.unlink('SR', String(vdi['SR']), 'VDIs', ref);
  c.db.destroy('VDI', ref);
}

function vifCreate(c: CallContext, r: { [k: string]: unknown }): string {
  const vm = c.db.get('VM', r['VM']);
  c.db.get('network', r['network']);
  const device = String(field(r, 'device', 'string'));
  if ((vm['VIFs'] as string[]).some((v) => c.db.get('VIF', v)['device'] === device)) throw new XapiFault('DEVICE_ALREADY_EXISTS', [device]);
  const given = field(r, 'MAC', 'string') as string;
  if (given !== '' && !MAC_RE.test(given)) throw new XapiFault('MAC_INVALID', [given]);
  const ref = c.db.create('VIF', {
    VM: String(r['VM']),
    network: String(r['network']),
    device,
    MAC: given === '' ? randomMac() : given.toLowerCase(),
    MAC_autogenerated: given === '',
    MTU: r['MTU'] === undefined ? 1500 : int(r['MTU'], 'MTU'),
    locking_mode: typeof r['locking_mode'] === 'string' ? r['locking_mode'] : 'network_default',
    other_config: strMap(r['other_config'], 'other_config'),
  });
  c.db.link('VM', String(r['VM']), 'VIFs', ref);
  c.db.link('network', String(r['network']), 'VIFs', ref);
  return ref;
}
