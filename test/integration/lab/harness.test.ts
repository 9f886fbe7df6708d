// The lab harness without VMs: namespace and bridges, processes inside the namespace,
// dnsmasq TFTP and busybox httpd reached from inside, teardown (explicit, on SIGTERM, and of
// a SIGKILLed owner by cleanupStaleLabs). Needs root and the packages requireLabTools() names.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupStaleLabs, createLab, labAccel, requireLabTools, type Lab } from '../../helpers/lab.js';
import { run } from '../../helpers/lab-tools.js';

const LAB_MODULE = new URL('../../helpers/lab.js', import.meta.url).href;

async function namespaces(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  return stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether pid is gone within 5 s (SIGKILL is delivered, and the orphan reaped, asynchronously). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

/** Starts a child Node process that creates a lab with a sleeping process in it and prints both. */
function ownerChild(): Promise<{ child: ReturnType<typeof spawn>; name: string; pid: number }> {
  const code = `import { createLab } from '${LAB_MODULE}';
const lab = await createLab();
const p = lab.spawn('sleep', ['600']);
console.log(JSON.stringify({ name: lab.name, pid: p.pid }));
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, ...(JSON.parse(line) as { name: string; pid: number }) });
    });
    child.once('exit', (code) => reject(new Error(`owner child exited (${code}) before creating its lab`)));
  });
}

describe('lab harness', () => {
  let lab: Lab;
  let files: string;

  before(async () => {
    lab = await createLab({ bridges: ['br0', 'br1'] });
    files = await mkdtemp(join(tmpdir(), 'vizor-lab-files-'));
    console.log(`lab ${lab.name}, accel ${await labAccel()}`);
  });
  after(async () => {
    await lab?.destroy();
    if (files) await rm(files, { recursive: true, force: true });
  });

  test('requireLabTools finds everything here, and names every missing package otherwise', () => {
    requireLabTools();
    assert.throws(
      () => requireLabTools(() => false),
      /missing Debian packages: iproute2 qemu-system-x86 qemu-utils seabios ovmf ipxe-qemu ipxe dnsmasq-base busybox .*\/dev\/net\/tun/,
    );
    assert.throws(() => requireLabTools((p) => !p.startsWith('/usr/share/OVMF/OVMF_VARS')), /packages: ovmf \(apt-get/);
  });

  test('creates the namespace with lo up and one addressed bridge per name, invisible outside', async () => {
    assert.match(lab.name, /^vz-[0-9a-f]{8}$/);
    assert.ok((await namespaces()).includes(lab.name));
    assert.deepEqual(lab.bridges, [
      { name: 'br0', address: '10.77.0.1', cidr: '10.77.0.0/24', prefix: 24 },
      { name: 'br1', address: '10.78.0.1', cidr: '10.78.0.0/24', prefix: 24 },
    ]);
    const { stdout } = await lab.exec('ip', ['-o', '-4', 'addr', 'show']);
    assert.match(stdout, /lo\s+inet 127\.0\.0\.1\/8/);
    assert.match(stdout, /br0\s+inet 10\.77\.0\.1\/24/);
    assert.match(stdout, /br1\s+inet 10\.78\.0\.1\/24/);
    const outside = await run('ip', ['-o', '-4', 'addr', 'show']);
    assert.doesNotMatch(outside.stdout, /10\.77\.0\.1\//);
    assert.throws(() => lab.bridge('br9'), /no bridge br9/);
  });

  test('spawn runs inside the namespace, captures output, and kill() ends the process group', async () => {
    const p = lab.spawn('sh', ['-c', 'echo ready; echo oops >&2; sleep 600 & wait']);
    await p.waitForOutput(/ready/, 5000);
    await p.waitForOutput(/oops/, 5000);
    const { stdout } = await run('ip', ['netns', 'identify', String(p.pid)]);
    assert.equal(stdout.trim(), lab.name);
    assert.ok(p.logPath.startsWith(lab.dir));
    await p.kill();
    assert.equal((await p.exited).signal, 'SIGTERM');
    const { stdout: left } = await run('ip', ['netns', 'pids', lab.name]);
    assert.equal(left.trim(), '', 'the backgrounded sleep died with its group');
  });

  test('waitForOutput fails fast, with the output, when the process exits without the line', async () => {
    const p = lab.spawn('sh', ['-c', 'echo something-else']);
    await assert.rejects(p.waitForOutput(/never-printed/, 60_000), /ended without printing[\s\S]*something-else/);
  });

  test('dnsmasq serves TFTP and busybox httpd serves HTTP on the bridge address', async () => {
    await writeFile(join(files, 'hello.txt'), 'hello from the lab\n');
    const dns = await lab.startDnsmasq({ bridge: 'br0', dhcpRange: null, tftpRoot: files });
    const { stdout: viaTftp } = await lab.exec('busybox', ['tftp', '-g', '-r', 'hello.txt', '-l', '-', '10.77.0.1']);
    assert.equal(viaTftp, 'hello from the lab\n');
    await dns.waitForLog(/sent \S+hello\.txt to 10\.77\.0\.1/, 5000);

    const http = await lab.serveHttp({ root: files, bridge: 'br1', port: 8081 });
    assert.equal(http.url, 'http://10.78.0.1:8081/');
    const { stdout: viaHttp } = await lab.exec('busybox', ['wget', '-q', '-O', '-', `${http.url}hello.txt`]);
    assert.equal(viaHttp, 'hello from the lab\n');
    await http.process.waitForOutput(/response:200/, 5000);
    assert.deepEqual(http.requests(), [{ client: '10.78.0.1', path: '/hello.txt', status: 200 }]);
  });

  test('destroy() kills everything and removes the namespace and temp dir; it is idempotent', async () => {
    const other = await createLab();
    const p = other.spawn('sleep', ['600']);
    await other.destroy();
    await other.destroy();
    assert.ok(!(await namespaces()).includes(other.name));
    assert.ok(await gone(p.pid));
    assert.ok(!existsSync(other.dir));
    assert.throws(() => other.spawn('true', []), /destroyed/);
  });

  test('an owner ended by SIGTERM tears its lab down', async () => {
    const { child, name, pid } = await ownerChild();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    assert.ok(!(await namespaces()).includes(name));
    assert.ok(await gone(pid));
  });

  test('cleanupStaleLabs removes the lab of a SIGKILLed owner, with its processes', async () => {
    const { child, name, pid } = await ownerChild();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.ok((await namespaces()).includes(name), 'SIGKILL leaves the namespace behind');
    const removed = cleanupStaleLabs();
    assert.ok(removed.includes(name));
    assert.ok(!removed.includes(lab.name), 'a live lab is never stale');
    assert.ok(!(await namespaces()).includes(name));
    assert.ok(await gone(pid));
  });
});
