// The QEMU command line built from a VM record: firmware, machine, buses, media, boot
// order, network and options, table-driven, without starting QEMU.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildQemuArgv, qemuEscape, type ArgvContext } from '../../../../src/hypervisors/qemu/argv.js';
import { vmPaths, type VmRecord } from '../../../../src/hypervisors/qemu/record.js';

const ID = 'vm0123456789';
const paths = vmPaths('/var/lib/vizor/qemu', ID);

function record(over: Partial<VmRecord> = {}): VmRecord {
  return {
    version: 1, id: ID, name: 'build-1', description: '', osType: null, tag: { role: 'build', owner: 'b1' },
    vcpus: 2, memoryMiB: 2048, diskGiB: 20, firmware: 'bios', machine: 'q35', diskBus: 'virtio', nicModel: 'virtio',
    macs: ['52:54:00:aa:bb:cc'], network: 'br0', bootOrder: ['network', 'disk'], iso: null, payloads: [], snapshots: [],
    isTemplate: false, published: false, templateId: null, usb: false, stateless: false, createdAt: '2024-01-01T00:00:00Z',
    ...over,
  };
}
const ctx = (over: Partial<ArgvContext> = {}): ArgvContext => ({ paths, accel: 'tcg', ovmfCode: '/usr/share/OVMF/OVMF_CODE_4M.fd', tap: 'vzt0123456789', ...over });

/** The values of every occurrence of `flag`. */
function values(argv: string[], flag: string): string[] {
  return argv.flatMap((a, i) => (a === flag ? [argv[i + 1]!] : []));
}
const device = (argv: string[], prefix: string) => values(argv, '-device').find((d) => d.startsWith(prefix));
const drive = (argv: string[], id: string) => values(argv, '-drive').find((d) => d.includes(`id=${id}`));

describe('buildQemuArgv', () => {
  test('the basics: daemonized, QMP socket, serial file and pidfile in the VM folder, no default devices', () => {
    const argv = buildQemuArgv(record(), ctx());
    assert.deepEqual(values(argv, '-machine'), ['q35']);
    assert.deepEqual(values(argv, '-accel'), ['tcg']);
    assert.deepEqual(values(argv, '-cpu'), ['max']);
    assert.deepEqual(values(argv, '-smp'), ['2']);
    assert.deepEqual(values(argv, '-m'), ['2048']);
    assert.deepEqual(values(argv, '-qmp'), [`unix:${paths.qmp},server=on,wait=off`]);
    assert.deepEqual(values(argv, '-serial'), [`file:${paths.serial}`]);
    assert.deepEqual(values(argv, '-pidfile'), [paths.pidfile]);
    assert.deepEqual(values(argv, '-name'), ['guest=build-1']);
    for (const flag of ['-daemonize', '-nodefaults', '-no-user-config']) assert.ok(argv.includes(flag), flag);
    assert.deepEqual(values(argv, '-boot'), ['strict=on,menu=off']);
    assert.ok(!argv.includes('-snapshot'));
  });

  const cases: { what: string; rec: Partial<VmRecord>; ctx?: Partial<ArgvContext>; want: (argv: string[]) => void }[] = [
    {
      what: 'BIOS: no pflash (SeaBIOS is the default)',
      rec: { firmware: 'bios' },
      want: (a) => assert.ok(!values(a, '-drive').some((d) => d.includes('pflash'))),
    },
    {
      what: 'UEFI: read-only OVMF code and the per-VM variable store',
      rec: { firmware: 'uefi' },
      want: (a) => {
        const pf = values(a, '-drive').filter((d) => d.startsWith('if=pflash'));
        assert.deepEqual(pf, [
          'if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd',
          `if=pflash,format=raw,unit=1,file=${paths.vars}`,
        ]);
      },
    },
    {
      what: 'network then disk: bootindex 1 on the NIC, 2 on the disk, none on the CD',
      rec: { bootOrder: ['network', 'disk'] },
      want: (a) => {
        assert.match(device(a, 'virtio-net-pci')!, /,bootindex=1$/);
        assert.match(device(a, 'virtio-blk-pci')!, /,bootindex=2$/);
        assert.doesNotMatch(device(a, 'ide-cd,drive=cd0')!, /bootindex/);
      },
    },
    {
      what: 'cdrom, disk, network',
      rec: { bootOrder: ['cdrom', 'disk', 'network'] },
      want: (a) => {
        assert.match(device(a, 'ide-cd,drive=cd0')!, /bootindex=1/);
        assert.match(device(a, 'virtio-blk-pci')!, /bootindex=2/);
        assert.match(device(a, 'virtio-net-pci')!, /bootindex=3/);
      },
    },
    {
      what: 'disk only: the NIC gets no bootindex, so strict boot never tries it',
      rec: { bootOrder: ['disk'] },
      want: (a) => assert.doesNotMatch(device(a, 'virtio-net-pci')!, /bootindex/),
    },
    {
      what: 'an ISO in the first CD drive, read-only; the payload CD stays empty',
      rec: { iso: '/srv/isos/Win10.iso' },
      want: (a) => {
        assert.equal(drive(a, 'cd0'), 'if=none,id=cd0,media=cdrom,file=/srv/isos/Win10.iso,format=raw,readonly=on');
        assert.equal(drive(a, 'cd1'), 'if=none,id=cd1,media=cdrom');
      },
    },
    {
      what: 'no media: empty drives that QMP can fill later',
      rec: {},
      want: (a) => {
        assert.equal(drive(a, 'cd0'), 'if=none,id=cd0,media=cdrom');
        assert.equal(drive(a, 'fd0'), 'if=none,id=fd0');
        assert.ok(device(a, 'floppy,drive=fd0'));
      },
    },
    {
      what: 'a floppy payload on q35 sits on an added ISA floppy controller, writable',
      rec: { payloads: [{ kind: 'floppy', id: 'fd0', name: 'seat7', file: 'payload-fd0.img' }] },
      want: (a) => {
        assert.ok(values(a, '-device').includes('isa-fdc,id=fdc0'));
        assert.equal(drive(a, 'fd0'), `if=none,id=fd0,file=${paths.dir}/payload-fd0.img,format=raw`);
      },
    },
    {
      what: 'pc has its own floppy controller and puts the CDs on the second IDE bus',
      rec: { machine: 'pc', diskBus: 'ide', payloads: [{ kind: 'iso', id: 'cd1', name: 'answers', file: 'payload-cd1.iso' }] },
      want: (a) => {
        assert.ok(!values(a, '-device').some((d) => d.startsWith('isa-fdc')));
        assert.equal(device(a, 'ide-hd'), 'ide-hd,drive=disk0,bus=ide.0,unit=0,id=disk0dev,bootindex=2');
        assert.equal(device(a, 'ide-cd,drive=cd0'), 'ide-cd,drive=cd0,bus=ide.1,unit=0,id=cd0dev');
        assert.equal(device(a, 'ide-cd,drive=cd1'), 'ide-cd,drive=cd1,bus=ide.1,unit=1,id=cd1dev');
        assert.equal(drive(a, 'cd1'), `if=none,id=cd1,media=cdrom,file=${paths.dir}/payload-cd1.iso,format=raw,readonly=on`);
      },
    },
    {
      what: 'Windows on q35: SATA disk on an AHCI port, e1000e, local-time RTC',
      rec: { osType: 'windows10_64', diskBus: 'sata', nicModel: 'e1000e' },
      want: (a) => {
        assert.equal(device(a, 'ide-hd'), 'ide-hd,drive=disk0,bus=ide.0,id=disk0dev,bootindex=2');
        assert.equal(device(a, 'e1000e'), 'e1000e,netdev=net0,id=nic0,mac=52:54:00:aa:bb:cc,bootindex=1');
        assert.deepEqual(values(a, '-rtc'), ['base=localtime']);
      },
    },
    {
      what: 'a tap on the bridge, never a script',
      rec: {},
      want: (a) => assert.deepEqual(values(a, '-netdev'), ['tap,id=net0,ifname=vzt0123456789,script=no,downscript=no']),
    },
    {
      what: 'no bridge: user-mode network with restrict=on',
      rec: { network: 'isolated' },
      ctx: { tap: null },
      want: (a) => assert.deepEqual(values(a, '-netdev'), ['user,id=net0,restrict=on']),
    },
    {
      what: 'KVM uses the host CPU',
      rec: {},
      ctx: { accel: 'kvm' },
      want: (a) => {
        assert.deepEqual(values(a, '-accel'), ['kvm']);
        assert.deepEqual(values(a, '-cpu'), ['host']);
      },
    },
    {
      what: 'usb and stateless options',
      rec: { usb: true, stateless: true },
      want: (a) => {
        assert.ok(values(a, '-device').includes('usb-tablet,bus=xhci.0'));
        assert.ok(a.includes('-snapshot'));
      },
    },
    {
      what: 'commas in names and paths are doubled, as QEMU option syntax requires',
      rec: { name: 'room 1, seat 7', iso: '/srv/a,b.iso' },
      want: (a) => {
        assert.deepEqual(values(a, '-name'), ['guest=room 1,, seat 7']);
        assert.match(drive(a, 'cd0')!, /file=\/srv\/a,,b\.iso,/);
      },
    },
  ];
  for (const c of cases) test(c.what, () => c.want(buildQemuArgv(record(c.rec), ctx(c.ctx))));

  test('qemuEscape doubles every comma and nothing else', () => {
    assert.equal(qemuEscape('a,b,,c d'), 'a,,b,,,,c d');
  });
});
