import type { CallContext, MethodTable } from '../context.js';
import { XapiFault } from '../faults.js';
import { NULL_REF } from '../schema.js';
import { bool, int, str } from './args.js';
import { copyVm, createVbd, createVdi, destroyVbd, vmIn } from './vm-common.js';

const VBD_DEVICES = Array.from({ length: 16 }, (_, i) => String(i));
const VIF_DEVICES = Array.from({ length: 7 }, (_, i) => String(i));

/** VM methods that create, configure and destroy VMs (power and snapshots live elsewhere). */
export function vmMethods(table: MethodTable): void {
  table.set('VM.clone', {
    params: 2,
    async: true,
    run: (c, [vm, name]) => (vmIn(c, vm, ['Halted']), copyVm(c, String(vm), str(name, 'new_name'), { kind: 'clone' })),
  });
  table.set('VM.copy', {
    params: 3,
    async: true,
    run: (c, [vm, name, sr]) => {
      vmIn(c, vm, ['Halted']);
      const target = sr === NULL_REF || sr === '' ? undefined : (c.db.get('SR', sr), String(sr));
      if (!target) return copyVm(c, String(vm), str(name, 'new_name'), { kind: 'clone' });
      return copyVm(c, String(vm), str(name, 'new_name'), { kind: 'copy', sr: target });
    },
  });
  table.set('VM.provision', { params: 1, async: true, run: (c, [vm]) => provision(c, str(vm, 'vm')) });
  table.set('VM.set_VCPUs_max', {
    params: 2,
    run: (c, [ref, value]) => {
      const vm = vmIn(c, ref, ['Halted']);
      const n = int(value, 'value');
      if (n < 1 || n < Number(vm['VCPUs_at_startup'])) throw new XapiFault('INVALID_VALUE', ['VCPU values must satisfy: 0 < VCPUs_at_startup ≤ VCPUs_max', String(n)]);
      c.db.update('VM', String(ref), { VCPUs_max: n });
    },
  });
  table.set('VM.set_VCPUs_at_startup', {
    params: 2,
    run: (c, [ref, value]) => {
      const vm = vmIn(c, ref, ['Halted']);
      const n = int(value, 'value');
      if (n < 1 || n > Number(vm['VCPUs_max'])) throw new XapiFault('INVALID_VALUE', ['VCPU values must satisfy: 0 < VCPUs_at_startup ≤ VCPUs_max', String(n)]);
      c.db.update('VM', String(ref), { VCPUs_at_startup: n });
    },
  });
  table.set('VM.set_memory_limits', {
    params: 5,
    run: (c, [ref, ...limits]) => {
      vmIn(c, ref, ['Halted']);
      const [smin, smax, dmin, dmax] = limits.map((v, i) => int(v, ['static_min', 'static_max', 'dynamic_min', 'dynamic_max'][i]!)) as [number, number, number, number];
      if (!(smin <= dmin && dmin <= dmax && dmax <= smax)) {
        throw new XapiFault('MEMORY_CONSTRAINT_VIOLATION', ['Memory limits must satisfy: static_min ≤ dynamic_min ≤ dynamic_max ≤ static_max']);
      }
      c.db.update('VM', String(ref), { memory_static_min: smin, memory_static_max: smax, memory_dynamic_min: dmin, memory_dynamic_max: dmax });
    },
  });
  table.set('VM.get_allowed_VBD_devices', { params: 1, run: (c, [ref]) => freeDevices(c, ref, 'VBDs', 'VBD', 'userdevice', VBD_DEVICES) });
  table.set('VM.get_allowed_VIF_devices', { params: 1, run: (c, [ref]) => freeDevices(c, ref, 'VIFs', 'VIF', 'device', VIF_DEVICES) });
  table.set('VM.set_is_a_template', {
    params: 2,
    run: (c, [ref, value]) => {
      const flag = bool(value, 'value');
      if (flag) vmIn(c, ref, ['Halted']);
      else c.db.get('VM', ref);
      c.db.update('VM', String(ref), { is_a_template: flag });
    },
  });
  table.set('VM.destroy', { params: 1, async: true, run: (c, [ref]) => destroyVm(c, str(ref, 'self')) });
}

/** Devices of `kind` not used by the VM yet, in order. */
function freeDevices(c: CallContext, ref: unknown, list: string, cls: string, key: string, all: readonly string[]): string[] {
  const vm = c.db.get('VM', ref);
  const used = new Set((vm[list] as string[]).map((d) => String(c.db.get(cls, d)[key])));
  return all.filter((d) => !used.has(d));
}

/** VM.provision: leaves template mode and creates the disks described in other_config["disks"]. */
function provision(c: CallContext, ref: string): void {
  const vm = c.db.get('VM', ref);
  c.db.update('VM', ref, { is_a_template: false });
  const xml = (vm['other_config'] as Record<string, string>)['disks'];
  if (!xml) return;
  for (const m of xml.matchAll(/<disk\s([^>]*?)\/?>/g)) {
    const attrs = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
    let sr: string;
    try {
      sr = c.db.refByUuidOf('SR', attrs['sr'] ?? '');
    } catch {
      throw new XapiFault('UUID_INVALID', ['sr', attrs['sr'] ?? '']);
    }
    const vdi = createVdi(c, { name_label: attrs['device'] ?? '0', name_description: 'Created by template provisioner', SR: sr, virtual_size: Number(attrs['size'] ?? 0), type: attrs['type'] ?? 'system' });
    createVbd(c, { VM: ref, VDI: vdi, userdevice: attrs['device'] ?? '0', bootable: attrs['bootable'] === 'true', mode: 'RW', type: 'Disk' });
  }
  const other = { ...(c.db.get('VM', ref)['other_config'] as Record<string, string>) };
  delete other['disks'];
  c.db.update('VM', ref, { other_config: other });
}

/** VM.destroy: the VM with its VBDs and VIFs (VDIs stay, as on a host). */
export function destroyVm(c: CallContext, ref: string): void {
  const vm = vmIn(c, ref, ['Halted']);
  if (vm['is_default_template'] === true) throw new XapiFault('VM_CANNOT_DELETE_DEFAULT_TEMPLATE', [ref]);
  c.guests.stopped(ref);
  for (const vbd of [...(vm['VBDs'] as string[])]) destroyVbd(c, vbd);
  for (const vif of [...(vm['VIFs'] as string[])]) {
    c.db.unlink('network', String(c.db.get('VIF', vif)['network']), 'VIFs', vif);
    c.db.destroy('VIF', vif);
  }
  if (vm['snapshot_of'] !== NULL_REF) c.db.unlink('VM', String(vm['snapshot_of']), 'snapshots', ref);
  c.db.destroy('VM', ref);
}
