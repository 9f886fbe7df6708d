/**
 * A VM's devices: NICs (MACs from the engine's pool), the CD-ROM (ISO disk as `file`),
 * and disk attachments (new disks start `locked` and become `ok`, or `illegal` when the
 * job is scripted to fail).
 */
import { randomUUID } from 'node:crypto';
import { conflict, Fault, incomplete, notFound, type Engine, type FakeRequest, type Reply, type Route } from './engine.js';
import { diskXml, nicXml, refTo } from './render.js';
import { CDROM_ID, type FakeNic, type FakeVm } from './store.js';
import { bool, el, idOf, str } from './xml.js';

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const NIC_MODELS = ['virtio', 'e1000', 'e1000e', 'rtl8139', 'pci_passthrough'];
const DISK_INTERFACES = ['ide', 'sata', 'virtio', 'virtio_scsi'];

function applyNic(engine: Engine, vm: FakeVm, nic: FakeNic, body: Record<string, unknown>, op: string): void {
  const name = str(body, 'name');
  if (name !== undefined) {
    if (vm.nics.some((n) => n !== nic && n.name === name)) throw conflict(op, 'Interface', 'Interface name is already in use.');
    nic.name = name;
  }
  const model = str(body, 'interface');
  if (model !== undefined) {
    if (!NIC_MODELS.includes(model)) throw new Fault(400, 'Invalid value', `Invalid value '${model}' for 'interface'`);
    nic.interface = model;
  }
  const profile = el(body, 'vnic_profile');
  if (profile) {
    const pid = idOf(profile);
    if (pid === undefined || !engine.store.vnicProfiles.has(pid)) throw notFound(`VnicProfile: ${pid ?? '(no id)'}`);
    nic.profileId = pid;
  }
  const mac = str(el(body, 'mac'), 'address');
  if (mac !== undefined) {
    const m = mac.toLowerCase();
    if (!MAC.test(m)) throw new Fault(400, 'Operation Failed', `[Cannot ${op} Interface. MAC Address ${mac} is invalid.]`);
    if (m !== nic.mac && engine.store.macInUse(m)) throw conflict(op, 'Interface', 'MAC Address is already in use.');
    nic.mac = m;
  }
}

function addNic(engine: Engine, req: FakeRequest): Reply {
  const vm = engine.vm(req.params[0]!);
  const body = el(req.body, 'nic');
  if (!body || !str(body, 'name')) throw incomplete('Nic', 'name');
  engine.assertUnlocked(vm, 'add Interface to');
  const nic: FakeNic = { id: randomUUID(), name: '', interface: 'virtio', mac: '', profileId: null };
  applyNic(engine, vm, nic, body, 'add');
  if (!nic.mac) nic.mac = engine.store.nextMac();
  vm.nics.push(nic);
  return { status: 201, root: 'nic', body: nicXml(vm, nic) };
}

function nicOf(engine: Engine, req: FakeRequest): { vm: FakeVm; nic: FakeNic } {
  const vm = engine.vm(req.params[0]!);
  const nic = vm.nics.find((n) => n.id === req.params[1]);
  if (!nic) throw notFound(req.params[1]!);
  return { vm, nic };
}

function cdromXml(vm: FakeVm): Record<string, unknown> {
  return { '@_href': `/ovirt-engine/api/vms/${vm.id}/cdroms/${CDROM_ID}`, '@_id': CDROM_ID, ...(vm.cdromFile ? { file: { '@_id': vm.cdromFile } } : {}), vm: refTo('vms', vm.id) };
}

function setCdrom(engine: Engine, req: FakeRequest): Reply {
  const vm = engine.vm(req.params[0]!);
  if (req.params[1] !== CDROM_ID) throw notFound(req.params[1]!);
  engine.assertUnlocked(vm, 'change CD for');
  const file = el(el(req.body, 'cdrom'), 'file');
  if (!file) throw incomplete('Cdrom', 'file.id', 'update');
  const fid = idOf(file) ?? '';
  if (fid !== '') {
    const disk = engine.store.disks.get(fid);
    if (!disk || disk.contentType !== 'iso') throw notFound(`ISO: ${fid}`);
  }
  vm.cdromFile = fid === '' ? null : fid;
  return { root: 'cdrom', body: cdromXml(vm) };
}

function attachmentXml(vm: FakeVm, a: FakeVm['attachments'][number]): Record<string, unknown> {
  return {
    '@_href': `/ovirt-engine/api/vms/${vm.id}/diskattachments/${a.diskId}`,
    '@_id': a.diskId,
    active: a.active,
    bootable: a.bootable,
    interface: a.interface,
    disk: refTo('disks', a.diskId),
    vm: refTo('vms', vm.id),
  };
}

function addDisk(engine: Engine, req: FakeRequest): Reply {
  const vm = engine.vm(req.params[0]!);
  const body = el(req.body, 'disk_attachment');
  const disk = el(body, 'disk');
  const iface = str(body, 'interface');
  if (!body || !iface) throw incomplete('DiskAttachment', 'interface');
  if (!disk || !str(disk, 'provisioned_size') || !str(disk, 'format')) throw incomplete('Disk', 'provisioned_size, format');
  if (!DISK_INTERFACES.includes(iface)) throw new Fault(400, 'Invalid value', `Invalid value '${iface}' for 'interface'`);
  const sdId = idOf(el(el(disk, 'storage_domains'), 'storage_domain'));
  if (!sdId) throw incomplete('Disk', 'storage_domains.storage_domain.id');
  const sd = engine.store.storageDomains.get(sdId);
  if (!sd) throw notFound(`StorageDomain: ${sdId}`);
  if (sd.type !== 'data') throw conflict('add', 'Disk', 'Storage Domain type is not a data domain.');
  const size = Number(str(disk, 'provisioned_size'));
  if (!Number.isInteger(size) || size <= 0) throw new Fault(400, 'Invalid value', `Invalid value '${str(disk, 'provisioned_size')}' for 'provisioned_size'`);
  engine.assertUnlocked(vm, 'add Disk to');
  const id = randomUUID();
  const fails = engine.jobFails('disk');
  engine.store.disks.set(id, { id, name: str(disk, 'name') ?? `${vm.name}_Disk${vm.attachments.length + 1}`, size, format: str(disk, 'format')!, sparse: bool(disk, 'sparse') ?? true, storageDomainId: sdId, status: 'locked', contentType: 'data' });
  const a = { diskId: id, bootable: bool(body, 'bootable') ?? false, interface: iface, active: bool(body, 'active') ?? true };
  vm.attachments.push(a);
  engine.step(() => {
    const d = engine.store.disks.get(id);
    if (d) d.status = fails ? 'illegal' : 'ok';
  });
  return { status: 201, root: 'disk_attachment', body: attachmentXml(vm, a) };
}

/** The VM device routes. */
export function deviceRoutes(engine: Engine): Route[] {
  const vm = '/vms/([^/]+)';
  const sub = '([^/]+)';
  return [
    { method: 'GET', pattern: new RegExp(`^${vm}/nics$`), handle: (req) => { const v = engine.vm(req.params[0]!); return { root: 'nics', body: { nic: v.nics.map((n) => nicXml(v, n)) } }; } },
    { method: 'POST', pattern: new RegExp(`^${vm}/nics$`), handle: (req) => addNic(engine, req) },
    { method: 'GET', pattern: new RegExp(`^${vm}/nics/${sub}$`), handle: (req) => { const { vm: v, nic } = nicOf(engine, req); return { root: 'nic', body: nicXml(v, nic) }; } },
    {
      method: 'PUT',
      pattern: new RegExp(`^${vm}/nics/${sub}$`),
      handle: (req) => {
        const { vm: v, nic } = nicOf(engine, req);
        engine.assertUnlocked(v, 'update Interface of');
        const copy = { ...nic };
        applyNic(engine, v, copy, el(req.body, 'nic') ?? {}, 'update');
        Object.assign(nic, copy);
        return { root: 'nic', body: nicXml(v, nic) };
      },
    },
    { method: 'DELETE', pattern: new RegExp(`^${vm}/nics/${sub}$`), handle: (req) => { const { vm: v, nic } = nicOf(engine, req); v.nics = v.nics.filter((n) => n !== nic); return {}; } },
    { method: 'GET', pattern: new RegExp(`^${vm}/cdroms$`), handle: (req) => ({ root: 'cdroms', body: { cdrom: [cdromXml(engine.vm(req.params[0]!))] } }) },
    { method: 'GET', pattern: new RegExp(`^${vm}/cdroms/${sub}$`), handle: (req) => { if (req.params[1] !== CDROM_ID) throw notFound(req.params[1]!); return { root: 'cdrom', body: cdromXml(engine.vm(req.params[0]!)) }; } },
    { method: 'PUT', pattern: new RegExp(`^${vm}/cdroms/${sub}$`), handle: (req) => setCdrom(engine, req) },
    { method: 'GET', pattern: new RegExp(`^${vm}/diskattachments$`), handle: (req) => { const v = engine.vm(req.params[0]!); return { root: 'disk_attachments', body: { disk_attachment: v.attachments.map((a) => attachmentXml(v, a)) } }; } },
    { method: 'POST', pattern: new RegExp(`^${vm}/diskattachments$`), handle: (req) => addDisk(engine, req) },
    {
      method: 'GET',
      pattern: /^\/disks$/,
      handle: () => ({ root: 'disks', body: { disk: [...engine.store.disks.values()].map(diskXml) } }),
    },
    {
      method: 'GET',
      pattern: /^\/disks\/([^/]+)$/,
      handle: (req) => {
        const d = engine.store.disks.get(req.params[0]!);
        if (!d) throw notFound(req.params[0]!);
        return { root: 'disk', body: diskXml(d) };
      },
    },
  ];
}
