// VM commands of the fake: deploy (from a template or an ISO), start, stop, destroy, ISO
// attach/detach, update and assign, with the scripted guest that halts itself after start.
import { bootGuest, haltGuest, vmJson, type FakeCtx, type Handler } from './context.js';
import { ApiErrorCode, CsApiError, entity, flag, invalid, mapParam, param, requireParams, type Params } from './protocol.js';
import { csDate, newId, newMac, type CsVm } from './state.js';

const HOSTNAME = /^[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;
const GiB = 1024 ** 3;

/** A VM by its id parameter (`id` or `virtualmachineid`). */
function vmParam(cmd: string, p: Params, ctx: FakeCtx, name = 'id'): CsVm {
  return entity(cmd, p, name, (id) => ctx.inv.vms.get(id));
}

/** Resolves cpu and memory from the offering, or from details[0].* for a custom one. */
function sizing(p: Params, ctx: FakeCtx, cmd: string): { offeringId: string; cpunumber: number; memory: number } {
  const offering = entity(cmd, p, 'serviceofferingid', (id) => ctx.inv.serviceOfferings.find((o) => o.id === id));
  if (!offering.iscustomized) return { offeringId: offering.id, cpunumber: offering.cpunumber!, memory: offering.memory! };
  const d = mapParam(p, 'details')[0] ?? {};
  if (!d.cpuNumber || !d.memory || !d.cpuSpeed) {
    throw invalid('Need to specify custom parameter values cpu, cpu speed and memory when using custom offering');
  }
  return { offeringId: offering.id, cpunumber: Number(d.cpuNumber), memory: Number(d.memory) };
}

const deployVirtualMachine: Handler = (p, ctx, cmd) => {
  requireParams(cmd, p, ['zoneid', 'serviceofferingid', 'templateid']);
  const zone = entity(cmd, p, 'zoneid', (id) => ctx.inv.zones.find((z) => z.id === id));
  const { offeringId, cpunumber, memory } = sizing(p, ctx, cmd);
  const image = entity(cmd, p, 'templateid', (id) => ctx.inv.templates.get(id) ?? ctx.inv.isos.get(id));
  const fromIso = ctx.inv.isos.has(image.id);
  if (!image.isready) throw invalid(`Please specify a template that is installed and ready: ${image.name} is not ready`);
  let rootBytes = 'size' in image ? image.size : 0;
  let diskofferingid: string | undefined;
  if (fromIso) {
    if (!param(p, 'hypervisor')) throw invalid('Hypervisor parameter is needed to deploy VM or the hypervisor parameter value passed is invalid');
    if (!param(p, 'diskofferingid')) throw invalid('Installing from ISO requires a disk offering to be specified for the root disk.');
    const disk = entity(cmd, p, 'diskofferingid', (id) => ctx.inv.diskOfferings.find((d) => d.id === id));
    const size = Number(param(p, 'size') ?? 0);
    if (disk.iscustomized && !(size > 0)) throw invalid(`Disk offering ${disk.name} requires a size parameter`);
    rootBytes = (disk.iscustomized ? size : disk.disksize) * GiB;
    diskofferingid = disk.id;
  }
  const networkIds = (param(p, 'networkids') ?? '').split(',').filter(Boolean);
  if (networkIds.length === 0) throw invalid(`Can't deploy a VM in advanced zone ${zone.name} without networkids`);
  const networks = networkIds.map((nid) => entity(cmd, new Map([['networkids', nid]]), 'networkids', (id) => ctx.inv.networks.find((n) => n.id === id)));
  const name = param(p, 'name') ?? `VM-${newId()}`;
  if (!HOSTNAME.test(name)) {
    throw invalid('Invalid name. Vm name can contain ASCII letters \'a\' through \'z\', the digits \'0\' through \'9\', and the hyphen (\'-\'), must be between 1 and 63 characters long, and can\'t start or end with "-" and can\'t start with digit');
  }
  if ([...ctx.inv.vms.values()].some((v) => v.name === name && v.state !== 'Expunging')) throw invalid(`The vm with hostName ${name} already exists in the network domain`);
  const mac = param(p, 'macaddress')?.toLowerCase();
  if (mac !== undefined && !MAC.test(mac)) throw invalid(`Mac address is not valid: ${mac}`);
  const boottype = (param(p, 'boottype') ?? 'BIOS').toUpperCase();
  const bootmode = param(p, 'bootmode')?.toUpperCase();
  if (boottype === 'UEFI' && !bootmode) throw invalid('Boot Mode is required when Boot Type is UEFI');
  const account = ctx.inv.accounts[0]!;
  const vm: CsVm = {
    id: newId(), name, displayname: param(p, 'displayname') ?? name, state: 'Stopped', zoneid: zone.id, templateid: image.id,
    isoid: fromIso ? image.id : undefined, serviceofferingid: offeringId, cpunumber, memory, guestosid: image.ostypeid,
    hypervisor: param(p, 'hypervisor') ?? ('hypervisor' in image ? image.hypervisor : ctx.settings.hypervisor),
    boottype, bootmode: bootmode ?? 'LEGACY', created: csDate(), account: account.name, domainid: account.domainid,
    nic: networks.map((n, i) => ({
      id: newId(), networkid: n.id, networkname: n.name, macaddress: i === 0 && mac ? mac : newMac(),
      ipaddress: `10.1.1.${10 + ctx.inv.vms.size}`, isdefault: i === 0,
    })),
  };
  ctx.inv.vms.set(vm.id, vm);
  const volumeId = newId();
  ctx.inv.volumes.set(volumeId, { id: volumeId, name: `ROOT-${vm.name}`, type: 'ROOT', virtualmachineid: vm.id, size: rootBytes, zoneid: zone.id, state: 'Ready', diskofferingid });
  const start = flag(p, 'startvm', true);
  if (start) vm.state = 'Starting';
  const jobid = ctx.jobs.submit({
    command: cmd, vmId: vm.id,
    run: () => {
      if (start) bootGuest(ctx, vm);
      return { virtualmachine: vmJson(ctx.inv, vm) };
    },
    onFail: () => void (vm.state = 'Error'),
  });
  return { id: vm.id, jobid };
};

const startVirtualMachine: Handler = (p, ctx, cmd) => {
  const vm = vmParam(cmd, p, ctx);
  const before = vm.state;
  if (before === 'Stopped') vm.state = 'Starting';
  return {
    jobid: ctx.jobs.submit({
      command: cmd, vmId: vm.id,
      run: () => {
        if (vm.state === 'Destroyed' || vm.state === 'Error') throw new CsApiError(ApiErrorCode.Internal, `Unable to start VM ${vm.id} in state ${vm.state}`);
        if (vm.state !== 'Running') bootGuest(ctx, vm);
        return { virtualmachine: vmJson(ctx.inv, vm) };
      },
      onFail: () => void (vm.state === 'Starting' && (vm.state = before)),
    }),
  };
};

const stopVirtualMachine: Handler = (p, ctx, cmd) => {
  const vm = vmParam(cmd, p, ctx);
  const forced = flag(p, 'forced');
  const before = vm.state;
  if (before === 'Running') vm.state = 'Stopping';
  return {
    jobid: ctx.jobs.submit({
      command: cmd, vmId: vm.id,
      run: () => {
        if (!forced && before === 'Running' && ctx.guestOf(vm).ignoreAcpi) {
          throw new CsApiError(ApiErrorCode.Internal, `Failed to stop VM instance ${vm.id}: the guest did not shut down within the timeout`);
        }
        if (vm.state !== 'Stopped') haltGuest(ctx, vm);
        return { virtualmachine: vmJson(ctx.inv, vm) };
      },
      onFail: () => void (vm.state === 'Stopping' && (vm.state = before)),
    }),
  };
};

const destroyVirtualMachine: Handler = (p, ctx, cmd) => {
  const vm = vmParam(cmd, p, ctx);
  const expunge = flag(p, 'expunge');
  return {
    jobid: ctx.jobs.submit({
      command: cmd, vmId: vm.id,
      run: () => {
        if (expunge && !ctx.settings.allowUserExpunge) {
          throw new CsApiError(ApiErrorCode.Internal, 'Parameter expunge can be passed by Admin only. Or when the allow.user.expunge.recover.vm key is set.');
        }
        haltGuest(ctx, vm);
        vm.state = expunge ? 'Expunging' : 'Destroyed';
        const shown = vmJson(ctx.inv, vm);
        if (expunge) {
          ctx.inv.vms.delete(vm.id);
          for (const [id, v] of ctx.inv.volumes) if (v.virtualmachineid === vm.id) ctx.inv.volumes.delete(id);
          for (const [id, s] of ctx.inv.vmSnapshots) if (s.virtualmachineid === vm.id) ctx.inv.vmSnapshots.delete(id);
          ctx.inv.tags = ctx.inv.tags.filter((t) => t.resourceid !== vm.id);
        }
        return { virtualmachine: shown };
      },
    }),
  };
};

const updateVirtualMachine: Handler = (p, ctx, cmd) => {
  const vm = vmParam(cmd, p, ctx);
  if (param(p, 'ostypeid') !== undefined) vm.guestosid = entity(cmd, p, 'ostypeid', (id) => ctx.inv.osTypes.find((o) => o.id === id)).id;
  if (param(p, 'displayname') !== undefined) vm.displayname = param(p, 'displayname')!;
  return { virtualmachine: vmJson(ctx.inv, vm) };
};

const assignVirtualMachine: Handler = (p, ctx, cmd) => {
  const vm = vmParam(cmd, p, ctx, 'virtualmachineid');
  if (vm.state !== 'Stopped') throw invalid(`VM ${vm.name} must be stopped to be assigned to another account`);
  const name = param(p, 'account');
  const domainid = param(p, 'domainid');
  const account = ctx.inv.accounts.find((a) => a.name === name && a.domainid === domainid);
  if (!account) throw invalid(`Unable to find account ${name ?? ''} in domain ${domainid ?? ''}`);
  vm.account = account.name;
  vm.domainid = account.domainid;
  return { virtualmachine: vmJson(ctx.inv, vm) };
};

const attachIso: Handler = (p, ctx, cmd) => {
  const iso = entity(cmd, p, 'id', (id) => ctx.inv.isos.get(id));
  const vm = vmParam(cmd, p, ctx, 'virtualmachineid');
  return {
    jobid: ctx.jobs.submit({
      command: cmd, vmId: vm.id,
      run: () => {
        if (vm.isoid) throw new CsApiError(ApiErrorCode.Internal, `An ISO is already attached to VM ${vm.name}; detach it first`);
        if (!iso.isready) throw new CsApiError(ApiErrorCode.Internal, `ISO ${iso.name} is not ready to be attached`);
        vm.isoid = iso.id;
        return { virtualmachine: vmJson(ctx.inv, vm) };
      },
    }),
  };
};

const detachIso: Handler = (p, ctx, cmd) => {
  const vm = vmParam(cmd, p, ctx, 'virtualmachineid');
  return {
    jobid: ctx.jobs.submit({
      command: cmd, vmId: vm.id,
      run: () => {
        if (!vm.isoid) throw new CsApiError(ApiErrorCode.Internal, `VM ${vm.name} has no ISO attached`);
        vm.isoid = undefined;
        return { virtualmachine: vmJson(ctx.inv, vm) };
      },
    }),
  };
};

/** The VM commands by name. */
export const VM_COMMANDS: Record<string, Handler> = {
  deployVirtualMachine, startVirtualMachine, stopVirtualMachine, destroyVirtualMachine, updateVirtualMachine, assignVirtualMachine,
  attachIso, detachIso,
};
