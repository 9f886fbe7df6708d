// End to end, the test guest kit (scripts/test-guest, test/helpers/guest) in QEMU inside a
// private lab namespace: the installer kernel + initramfs boot with a preseed url=, call the
// preseed's stage and done URLs in order and write the bootable image to the VM's disk;
// that disk then boots (SeaBIOS, syslinux) and reports what it configured from a floppy
// payload made by vizor's FAT12 writer, from a CD payload, and with no payload (DHCP, hello).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFloppyImage } from '../../../src/payloads/index.js';
import { createLab, type Lab, type Vm, type VmOptions } from '../../helpers/lab.js';
import { buildTestGuest, parseGuestReport, startRecorder, type GuestReport, type Recorder, type TestGuest } from '../../helpers/guest/index.js';
import { payloadIso, readDiskHead, vizorTxt } from './media.js';

const VM_TIMEOUT = 240_000;
const vizorBin = fileURLToPath(new URL('../../../../bin/vizor.js', import.meta.url));

describe('test guest: installer and installed OS in QEMU', { timeout: 900_000 }, () => {
  let guest: TestGuest;
  let lab: Lab;
  let rec: Recorder;
  let leaseFile: string;
  let installed: string;
  const token = randomBytes(18).toString('base64url');
  const otherToken = randomBytes(18).toString('base64url');

  before(async () => {
    guest = await buildTestGuest();
    lab = await createLab({ bridges: ['br0'] });
    leaseFile = (await lab.startDnsmasq({ bridge: 'br0' })).leaseFile;
    const www = join(lab.dir, 'www');
    mkdirSync(join(www, 'answers', token), { recursive: true });
    rec = await startRecorder(lab, { root: www, port: guest.httpPort });
    const a = `${rec.url}answers/${token}`;
    // shaped like vizor's preseed: callbacks inside commands, a comment and another node's token to skip
    writeFileSync(join(www, 'answers', token, 'preseed.cfg'), [
      `# vizor: preseed for e2e-guest; callbacks: ${a}/stage/commented`,
      `d-i preseed/early_command string wget -q -O /dev/null ${a}/stage/early || true`,
      'd-i netcfg/get_hostname string e2e-guest',
      `d-i partman/early_command string wget -q -O /dev/null ${a}/stage/partition; wget -q -O /dev/null ${rec.url}answers/${otherToken}/stage/foreign`,
      `d-i preseed/late_command string wget -q -O /dev/null "${a}/stage/late?status=ok" && wget -q -O /dev/null ${a}/done || true`,
      '',
    ].join('\n'));
    installed = join(lab.dir, 'installed.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', installed, '1G']);
  });

  after(async () => {
    await lab?.destroy();
  });

  /** Boots a VM on br0 without a NIC boot ROM (so SeaBIOS goes straight to the disk). */
  function boot(disk: string, qemuArgs: string[] = [], extra: Partial<VmOptions> = {}): Promise<Vm> {
    return lab.bootVm({ firmware: 'bios', bridge: 'br0', nicRom: false, disk, memoryMb: 512, timeoutMs: VM_TIMEOUT, qemuArgs, ...extra });
  }
  /** A qcow2 overlay on the installed disk, so each boot starts from what the installer wrote. */
  function overlay(name: string): string {
    const file = join(lab.dir, `${name}.qcow2`);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', installed, '-F', 'qcow2', file]);
    return file;
  }
  /** Waits for the report a VM sends to a path, and parses it. */
  async function reportOf(vm: Vm, path: RegExp): Promise<GuestReport> {
    try {
      // a guest that cannot boot or stopped with an error will not report later
      const stuck = () => vm.process.hasExited() || /No bootable device|Kernel panic|vizor-guest: error/.test(vm.serialLog());
      return parseGuestReport((await rec.waitFor(path, VM_TIMEOUT, stuck)).url);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nserial:\n${vm.serialLog().slice(-3000)}`);
    }
  }
  async function poweredOff(vm: Vm): Promise<void> {
    const exit = await vm.process.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, `the guest powered the VM off:\n${vm.serialLog().slice(-2000)}`);
    await vm.stop();
  }

  test('vizor media inspect sees the installer ISO as Debian with the guest kernel and initrd', () => {
    const out = JSON.parse(execFileSync(process.execPath, [vizorBin, 'media', 'inspect', guest.installerIso, '--json'], { encoding: 'utf8' })) as {
      kind: string;
      linux: { distro: string; kernel: string; initrd: string } | null;
    };
    assert.equal(out.kind, 'linux-installer');
    assert.equal(out.linux?.distro, 'debian');
    assert.equal(out.linux?.kernel, '/install.amd/vmlinuz');
    assert.equal(out.linux?.initrd, '/install.amd/initrd.gz');
    const cat = (p: string) => execFileSync(process.execPath, [vizorBin, 'media', 'cat', guest.installerIso, p], { maxBuffer: 64 * 1024 * 1024 });
    assert.ok(cat('install.amd/vmlinuz').equals(readFileSync(guest.kernel)), 'install.amd/vmlinuz is the guest kernel');
    assert.ok(cat('install.amd/initrd.gz').equals(readFileSync(guest.initrdInstaller)), 'install.amd/initrd.gz is initramfs A');
  });

  test('installer: preseed, stage calls in file order, done, power-off, and the disk holds the image', async () => {
    const url = `${rec.url}answers/${token}/preseed.cfg`;
    const vm = await boot(installed, ['-kernel', guest.kernel, '-initrd', guest.initrdInstaller,
      '-append', `initrd=initrd auto=true priority=critical url=${url} console=ttyS0,115200n8`]);
    await poweredOff(vm);
    const calls = rec.requests().filter((r) => r.url.startsWith('/answers/')).map((r) => r.url);
    assert.deepEqual(calls, [
      `/answers/${token}/preseed.cfg`,
      `/answers/${token}/stage/early`,
      `/answers/${token}/stage/partition`,
      `/answers/${token}/stage/late?status=ok`,
      `/answers/${token}/done`,
    ], `serial:\n${vm.serialLog().slice(-2000)}`);
    assert.match(vm.serialLog(), /vizor-guest: install done/);
    const image = readFileSync(guest.diskImage);
    const head = readDiskHead(installed, 1024 * 1024, lab.dir);
    assert.ok(head.equals(image.subarray(0, head.length)), 'the first MiB of the VM disk is the image\'s');
    assert.equal(head.readUInt16LE(510), 0xaa55, 'the disk has an MBR');
    // the whole image, and zeros after it
    execFileSync('qemu-img', ['compare', '-q', '-f', 'raw', '-F', 'qcow2', guest.diskImage, installed]);
  });

  test('installed disk with a floppy payload (vizor\'s FAT12 writer): static address, hostname, nonce', async () => {
    const nonce = `fd ${randomBytes(6).toString('hex')} a&b=c?d/é`;
    const floppy = join(lab.dir, 'payload.img');
    writeFileSync(floppy, buildFloppyImage([
      { name: 'Autounattend.xml', content: Buffer.from('<unattend/>') },
      { name: 'vizor.txt', content: vizorTxt({ hostname: 'lab-pc-07', ip: '10.77.0.21/24', gateway: '10.77.0.1', dns: '10.77.0.1', report: `${rec.url}report/floppy?room=r1`, nonce, halt: '1' }, '\r\n') },
      { name: 'Seat settings for room one.ini', content: Buffer.from('[seat]\r\n') },
    ], { label: 'VIZORPAYLD' }));
    const vm = await boot(overlay('floppy'), ['-device', 'isa-fdc,id=fdc0', '-drive', `if=none,id=fd0,format=raw,file=${floppy}`, '-device', 'floppy,drive=fd0']);
    const r = await reportOf(vm, /^\/report\/floppy\?/);
    assert.equal(r.query.room, 'r1', 'the report URL keeps its own query');
    assert.deepEqual([r.mac, r.hostname, r.ip, r.nonce, r.mode, r.source], [vm.mac, 'lab-pc-07', '10.77.0.21/24', nonce, 'disk', 'floppy']);
    assert.deepEqual([...r.files].sort(), ['Autounattend.xml', 'Seat settings for room one.ini', 'vizor.txt'], 'long names as written');
    await poweredOff(vm);
  });

  test('installed disk with a CD payload: static address, hostname, nonce', async () => {
    const nonce = `cd-${randomBytes(8).toString('hex')}`;
    const iso = payloadIso(lab.dir, 'payload.iso', {
      'vizor.txt': vizorTxt({ hostname: 'lab-pc-08', ip: '10.77.0.22/24', gateway: '10.77.0.1', report: `${rec.url}report/cd`, nonce, halt: '1' }, '\n'),
      'Autounattend.xml': Buffer.from('<unattend/>'),
    });
    const vm = await boot(overlay('cd'), ['-drive', `if=none,id=cd1,media=cdrom,readonly=on,format=raw,file=${iso}`, '-device', 'ide-cd,drive=cd1,bus=ide.1']);
    const r = await reportOf(vm, /^\/report\/cd\?/);
    assert.deepEqual([r.mac, r.hostname, r.ip, r.nonce, r.source], [vm.mac, 'lab-pc-08', '10.77.0.22/24', nonce, 'cd']);
    assert.ok(r.files.includes('Autounattend.xml'), `files: ${r.files.join(',')}`);
    await poweredOff(vm);
  });

  test('installed disk without a payload: DHCP, then hello to the DHCP server on the baked-in port; stays up', async () => {
    const vm = await boot(overlay('plain'));
    const r = await reportOf(vm, new RegExp(`^/guest/hello\\?mac=${encodeURIComponent(vm.mac)}`));
    assert.deepEqual([r.path, r.mode, r.source, r.nonce, r.hostname], ['/guest/hello', 'disk', 'none', '', 'vizor-guest']);
    const lease = readFileSync(leaseFile, 'utf8').split('\n').find((l) => l.includes(vm.mac));
    assert.ok(lease, `dnsmasq leased an address to ${vm.mac}`);
    assert.equal(r.ip, `${lease.split(' ')[2]}/24`, 'the reported address is the leased one');
    await vm.waitForSerial(/vizor-guest: staying up/, 30_000);
    assert.equal(vm.process.hasExited(), false, 'without halt=1 the guest keeps running');
    await vm.stop();
  });
});
