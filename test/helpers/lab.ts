// Network-boot lab for end-to-end tests: a private network namespace with bridges, processes
// run inside it, reference servers (dnsmasq, busybox httpd) and QEMU VMs with real firmware
// (SeaBIOS + iPXE, OVMF). Everything a lab starts is torn down by destroy(), on process exit
// and on SIGINT/SIGTERM/SIGHUP; cleanupStaleLabs() removes labs of runs that were SIGKILLed.
// Needs root and the Debian packages named by requireLabTools().
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLogged, type LabProcess } from './lab-process.js';
import { cleanupStaleLabs, LAB_PREFIX, newRecord, registerLive, teardownSync, unregisterLive, writeRecord } from './lab-registry.js';
import { serveHttp, startDnsmasq, type Dnsmasq, type DnsmasqOptions, type HttpOptions, type HttpServer, type LabBridge } from './lab-servers.js';
import { requireLabTools, run } from './lab-tools.js';
import { startVm, type Vm, type VmOptions } from './lab-vm.js';

export { kvmAvailable, labAccel, type Accel } from './lab-accel.js';
export { cleanupStaleLabs } from './lab-registry.js';
export { LAB_PATHS, requireLabTools } from './lab-tools.js';
export { cleanSerial, randomMac } from './lab-vm.js';
export type { LabExit, LabProcess } from './lab-process.js';
export type { Dnsmasq, DnsmasqOptions, HttpOptions, HttpServer, LabBridge } from './lab-servers.js';
export type { Vm, VmOptions } from './lab-vm.js';

export interface LabOptions {
  /** Bridge names (default ['br0']); the nth gets 10.(77+n).0.1/24. */
  bridges?: string[];
}

/** A network namespace with bridges, and everything started in it. */
export interface Lab {
  /** Namespace name, `vz-<8 hex digits>`. */
  readonly name: string;
  /** Temp dir holding logs, serial consoles, NVRAM copies; removed by destroy(). */
  readonly dir: string;
  readonly bridges: readonly LabBridge[];
  /** Looks a bridge up by name; throws if the lab has none of that name. */
  bridge(name: string): LabBridge;
  /** Starts cmd inside the namespace, output to `<dir>/<name>.log`; killed (with its process group) by destroy(). */
  spawn(cmd: string, args: string[], opts?: { name?: string; env?: NodeJS.ProcessEnv; cwd?: string }): LabProcess;
  /** Runs cmd inside the namespace to completion. */
  exec(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }>;
  startDnsmasq(opts: DnsmasqOptions): Promise<Dnsmasq>;
  serveHttp(opts: HttpOptions): Promise<HttpServer>;
  bootVm(opts: VmOptions): Promise<Vm>;
  /**
   * Stops VMs, kills processes, deletes taps, bridges, the namespace and the temp dir
   * (kept, and its path printed, when VIZOR_LAB_KEEP=1). Idempotent.
   */
  destroy(): Promise<void>;
}

/** Creates a lab; on failure it removes whatever it had created and rethrows. */
export async function createLab(opts: LabOptions = {}): Promise<Lab> {
  requireLabTools();
  cleanupStaleLabs();
  const names = opts.bridges ?? ['br0'];
  if (names.length === 0 || names.length > 100) throw new Error('createLab: give between 1 and 100 bridges');
  for (const n of names) if (!/^[a-zA-Z][a-zA-Z0-9_-]{0,14}$/.test(n) || n.startsWith('tap')) throw new Error(`createLab: bad bridge name "${n}"`);
  const name = `${LAB_PREFIX}${randomBytes(4).toString('hex')}`;
  const dir = join(tmpdir(), `vizor-${name}`);
  const bridges: LabBridge[] = names.map((n, i) => ({ name: n, address: `10.${77 + i}.0.1`, cidr: `10.${77 + i}.0.0/24`, prefix: 24 }));
  const procs: LabProcess[] = [];
  const vms: Vm[] = [];
  let counter = 0;
  let destroyed: Promise<void> | undefined;

  // the record comes first, so a crash at any later point leaves something cleanupStaleLabs finds
  await mkdir(dir, { recursive: true });
  writeRecord(newRecord(name, dir));
  registerLive({ name, dir, processGroups: () => procs.filter((p) => !p.hasExited()).map((p) => p.pid) });

  const ip = (args: string[]) => run('ip', ['-n', name, ...args]);
  const lab: Lab = {
    name,
    dir,
    bridges,
    bridge(n) {
      const b = bridges.find((x) => x.name === n);
      if (!b) throw new Error(`lab ${name} has no bridge ${n} (it has ${names.join(', ')})`);
      return b;
    },
    spawn(cmd, args, o = {}) {
      if (destroyed) throw new Error(`lab ${name} is destroyed`);
      const label = `${o.name ?? cmd.split('/').pop()}-${++counter}`;
      const p = spawnLogged('ip', ['netns', 'exec', name, cmd, ...args], { name: label, logPath: join(dir, `${label}.log`), env: o.env, cwd: o.cwd });
      procs.push(p);
      return p;
    },
    exec: (cmd, args) => run('ip', ['netns', 'exec', name, cmd, ...args]),
    startDnsmasq: (o) => startDnsmasq(lab, o),
    serveHttp: (o) => serveHttp(lab, names[0] ?? 'br0', o),
    async bootVm(o) {
      const vm = await startVm({ name, dir, hasBridge: (n) => names.includes(n), spawn: lab.spawn, ip }, ++counter, o);
      vms.push(vm);
      return vm;
    },
    destroy() {
      destroyed ??= (async () => {
        await Promise.all(vms.map((v) => v.stop().catch(() => undefined)));
        await Promise.all(procs.map((p) => p.kill()));
        for (const b of bridges) await ip(['link', 'del', b.name]).catch(() => undefined);
        const keep = process.env.VIZOR_LAB_KEEP === '1';
        teardownSync(name, keep ? undefined : dir, []);
        unregisterLive(name);
        if (keep) console.log(`lab ${name}: logs kept in ${dir}`);
        else await rm(dir, { recursive: true, force: true });
      })();
      return destroyed;
    },
  };

  try {
    await run('ip', ['netns', 'add', name]);
    await ip(['link', 'set', 'lo', 'up']);
    for (const b of bridges) {
      await ip(['link', 'add', 'name', b.name, 'type', 'bridge']);
      await ip(['addr', 'add', `${b.address}/${b.prefix}`, 'dev', b.name]);
      await ip(['link', 'set', b.name, 'up']);
    }
  } catch (err) {
    await lab.destroy();
    throw err;
  }
  return lab;
}
