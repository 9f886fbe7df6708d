import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Store } from '../../../../src/store/index.js';
import { addNs, delNs, ip, nsName, requireTool, veth } from './netns.js';

/**
 * Real DHCP clients against vizor's full-mode server, all inside two namespaces created here:
 * the server namespace has a bridge vzbr0 (served) with two client ports, and vs1 (not served).
 * busybox udhcpc and ISC dhclient each get a lease on the bridge; udhcpc on vs1's peer gets none.
 */
const SRV = nsName('srv');
const CLI = nsName('cli');
const MAC_UDHCPC = '02:00:00:77:00:0a';
const MAC_DHCLIENT = '02:00:00:77:00:0b';
const MAC_OTHER = '02:00:00:78:00:0c';
const work = mkdtempSync(join(tmpdir(), 'vizor-dhcp-interop-'));
const dbFile = join(work, 'vizor.db');
const child = fileURLToPath(new URL('./serve-child.js', import.meta.url));
let server: ChildProcess | null = null;
let dhclientPid: number | null = null;
const events: { mac: string; kind: string; detail: Record<string, unknown> }[] = [];

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: unknown }).code as number | null) ?? null : 0, out: `${stdout}${stderr}` });
    });
  });
}

function cleanup(): void {
  if (dhclientPid) {
    try {
      process.kill(dhclientPid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  if (server && server.exitCode === null) server.kill('SIGTERM');
  delNs(SRV, CLI);
}

before(async () => {
  if (process.getuid?.() !== 0) throw new Error('DHCP interop needs root (network namespaces, port 67)');
  requireTool('ip', 'iproute2');
  requireTool('busybox', 'busybox');
  requireTool('dhclient', 'isc-dhcp-client');
  process.on('exit', cleanup);
  addNs(SRV);
  addNs(CLI);
  ip('-n', SRV, 'link', 'add', 'vzbr0', 'type', 'bridge');
  ip('-n', SRV, 'addr', 'add', '10.77.0.1/24', 'dev', 'vzbr0');
  ip('-n', SRV, 'link', 'set', 'vzbr0', 'up');
  veth(CLI, 'vc0a', SRV, 'vs0a', MAC_UDHCPC);
  veth(CLI, 'vc0b', SRV, 'vs0b', MAC_DHCLIENT);
  ip('-n', SRV, 'link', 'set', 'vs0a', 'master', 'vzbr0');
  ip('-n', SRV, 'link', 'set', 'vs0b', 'master', 'vzbr0');
  veth(CLI, 'vc1', SRV, 'vs1', MAC_OTHER);
  ip('-n', SRV, 'addr', 'add', '10.78.0.1/24', 'dev', 'vs1');

  const cfg = {
    mode: 'full',
    interfaces: [{ name: 'vzbr0', address: '10.77.0.1', netmask: '255.255.255.0' }],
    pool: { start: '10.77.0.100', end: '10.77.0.150', router: '10.77.0.1', dns: ['10.77.0.1'], domain: 'lab.test', leaseSeconds: 600 },
    httpPort: 8080,
    dbFile,
  };
  server = spawn('ip', ['netns', 'exec', SRV, process.execPath, child, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: server.stdout! });
  await new Promise<void>((resolve, reject) => {
    // A guard against a hang, not a timing assertion.
    const guard = setTimeout(() => reject(new Error('DHCP server did not report ready within 60 s')), 60_000);
    guard.unref();
    server!.once('exit', (code) => reject(new Error(`DHCP server exited with ${code} before it was ready`)));
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { ready?: unknown; error?: string; mac?: string; kind?: string; detail?: Record<string, unknown> };
      if (msg.error) reject(new Error(msg.error));
      else if (msg.ready) resolve();
      else if (msg.mac && msg.kind) events.push({ mac: msg.mac, kind: msg.kind, detail: msg.detail ?? {} });
    });
  });
});

after(() => {
  cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('DHCP interop in network namespaces', () => {
  let udhcpcIp = '';
  let dhclientIp = '';

  test('busybox udhcpc obtains a lease on the served interface', async () => {
    const r = await run('ip', ['netns', 'exec', CLI, 'busybox', 'udhcpc', '-i', 'vc0a', '-f', '-q', '-n', '-t', '5', '-T', '2', '-s', '/bin/true'], 30_000);
    const m = /lease of (10\.77\.0\.\d+) obtained/.exec(r.out);
    assert.ok(r.code === 0 && m, `udhcpc failed (exit ${r.code}):\n${r.out}`);
    udhcpcIp = m[1]!;
  });

  test('ISC dhclient obtains a lease on the served interface', async () => {
    const conf = join(work, 'dhclient.conf');
    writeFileSync(conf, 'timeout 20;\nrequest subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, host-name;\n');
    const pidFile = join(work, 'dhclient.pid');
    const leaseFile = join(work, 'dhclient.leases');
    const r = await run('ip', ['netns', 'exec', CLI, 'dhclient', '-1', '-v', '-cf', conf, '-lf', leaseFile, '-pf', pidFile, '-sf', '/bin/true', 'vc0b'], 60_000);
    try {
      dhclientPid = Number(readFileSync(pidFile, 'utf8').trim()) || null;
    } catch {
      // dhclient did not daemonise
    }
    const m = /bound to (10\.77\.0\.\d+)/.exec(r.out);
    assert.ok(r.code === 0 && m, `dhclient failed (exit ${r.code}):\n${r.out}`);
    dhclientIp = m[1]!;
    assert.match(readFileSync(leaseFile, 'utf8'), new RegExp(`fixed-address ${dhclientIp.replace(/\./g, '\\.')};`));
    assert.notEqual(dhclientIp, udhcpcIp);
  });

  test('udhcpc on an interface vizor does not serve gets no offer', async () => {
    const r = await run('ip', ['netns', 'exec', CLI, 'busybox', 'udhcpc', '-i', 'vc1', '-f', '-q', '-n', '-t', '3', '-T', '1', '-s', '/bin/true'], 30_000);
    assert.notEqual(r.code, 0, `udhcpc on vc1 should fail:\n${r.out}`);
    assert.doesNotMatch(r.out, /obtained/);
    assert.ok(!events.some((e) => e.mac === MAC_OTHER), 'the server saw nothing from the unserved interface');
  });

  test("the server's leases and events show both clients", () => {
    for (const [mac, addr] of [[MAC_UDHCPC, udhcpcIp], [MAC_DHCLIENT, dhclientIp]] as const) {
      assert.ok(events.some((e) => e.mac === mac && e.kind === 'dhcp-ack' && e.detail.ip === addr && e.detail.interface === 'vzbr0'), `no dhcp-ack for ${mac}`);
    }
    const store = Store.open(dbFile);
    try {
      const leases = new Map(store.dhcp.leases().map((l) => [l.mac, l]));
      assert.deepEqual([leases.get(MAC_UDHCPC)?.ip, leases.get(MAC_UDHCPC)?.state], [udhcpcIp, 'bound']);
      assert.deepEqual([leases.get(MAC_DHCLIENT)?.ip, leases.get(MAC_DHCLIENT)?.state], [dhclientIp, 'bound']);
      assert.equal(leases.get(MAC_OTHER), undefined);
    } finally {
      store.close();
    }
  });
});
