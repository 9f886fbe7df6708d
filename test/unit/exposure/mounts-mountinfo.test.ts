// mountinfo parsing (octal escapes, optional fields), the choice of mounts cleanStale
// removes, the kernel ISO driver probe, and the mount error codes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseMethod, isoMountsBelow, kernelIsoTypes, MountError, parseMountInfo } from '../../../src/exposure/mounts/index.js';
import { VizorError } from '../../../src/errors.js';

const SAMPLE = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro',
  '40 22 0:39 / /var/lib/vizor/mnt/iso/win10 ro,nosuid,nodev,relatime shared:20 master:3 - fuse.vizor vizor-isofs:win10 ro,user_id=0,group_id=0,default_permissions,allow_other',
  '41 22 0:40 / /var/lib/vizor/mnt/iso/with\\040space\\011tab\\012nl\\134bs ro,relatime - fuse.vizor vizor-isofs:odd ro,user_id=0',
  '42 22 7:3 / /var/lib/vizor/mnt/iso/linux ro,relatime - iso9660 /dev/loop3 ro,nojoliet,check=s,map=n,blocksize=2048',
  '43 42 7:4 / /var/lib/vizor/mnt/iso/linux/nested ro,relatime - udf /dev/loop4 ro,utf8',
  '44 22 0:41 / /var/lib/vizor/mnt/smb-fs1 rw,relatime - cifs //fs1/Media rw,vers=3.1.1',
  '45 22 0:42 / /var/lib/vizor/mnt/iso2/x ro - fuse.vizor vizor-isofs:x ro',
  'garbage line without separator',
  '',
].join('\n');

describe('mountinfo', () => {
  test('parses fields, optional tags and octal escapes', () => {
    const entries = parseMountInfo(SAMPLE);
    assert.equal(entries.length, 7, 'the malformed line is skipped');
    const fuse = entries[1]!;
    assert.deepEqual(
      { id: fuse.mountId, parent: fuse.parentId, dev: fuse.device, root: fuse.root, mp: fuse.mountPoint, type: fuse.fsType, src: fuse.source },
      { id: 40, parent: 22, dev: '0:39', root: '/', mp: '/var/lib/vizor/mnt/iso/win10', type: 'fuse.vizor', src: 'vizor-isofs:win10' },
    );
    assert.deepEqual(fuse.options, ['ro', 'nosuid', 'nodev', 'relatime']);
    assert.ok(fuse.superOptions.includes('allow_other'));
    assert.equal(entries[2]!.mountPoint, '/var/lib/vizor/mnt/iso/with space\ttab\nnl\\bs');
  });

  test('decodes a Buffer as UTF-8 after unescaping', () => {
    const line = Buffer.from('50 22 0:50 / /mnt/iso/Ünïcödé\\040名前 ro - fuse.vizor vizor-isofs:u ro\n', 'utf8');
    assert.equal(parseMountInfo(line)[0]!.mountPoint, '/mnt/iso/Ünïcödé 名前');
  });

  test('stale candidates: ISO mounts below the root only, deepest first', () => {
    const picked = isoMountsBelow(parseMountInfo(SAMPLE), '/var/lib/vizor/mnt/iso').map((e) => e.mountPoint);
    assert.deepEqual(picked, [
      '/var/lib/vizor/mnt/iso/with space\ttab\nnl\\bs',
      '/var/lib/vizor/mnt/iso/linux/nested',
      '/var/lib/vizor/mnt/iso/linux',
      '/var/lib/vizor/mnt/iso/win10',
    ]);
    // neither the CIFS source mount beside it nor the look-alike folder iso2
    assert.deepEqual(isoMountsBelow(parseMountInfo(SAMPLE), '/var/lib/vizor/mnt').map((e) => e.fsType).sort(), ['fuse.vizor', 'fuse.vizor', 'fuse.vizor', 'iso9660', 'udf']);
  });
});

describe('mount method', () => {
  const noIso = 'nodev\tsysfs\nnodev\tfuse\n\text4\n\tsquashfs\n';
  test('kernel ISO drivers come from /proc/filesystems or modules.dep', () => {
    assert.deepEqual(kernelIsoTypes(noIso), []);
    assert.deepEqual(kernelIsoTypes(`${noIso}\tiso9660\n\tudf\n`), ['udf', 'iso9660']);
    assert.deepEqual(kernelIsoTypes(noIso, 'kernel/fs/isofs/isofs.ko.xz: kernel/lib/crc-itu-t.ko\n'), ['iso9660']);
  });
  const cases: [Parameters<typeof chooseMethod>, string][] = [
    [['auto', [], true], 'fuse'],
    [['auto', ['udf'], true], 'loop'],
    [['auto', ['udf'], false], 'fuse'],
    [['fuse', ['udf', 'iso9660'], true], 'fuse'],
    [['loop', ['iso9660'], true], 'loop'],
  ];
  for (const [args, want] of cases) test(`${args[0]} with [${args[1].join(',')}], local=${args[2]} -> ${want}`, () => assert.equal(chooseMethod(...args), want));
  test("'loop' without a kernel driver or a local file is MOUNT_UNSUPPORTED", () => {
    assert.throws(() => chooseMethod('loop', [], true), (e: unknown) => e instanceof MountError && e.code === 'MOUNT_UNSUPPORTED' && /no iso9660 or udf driver/.test(e.message));
    assert.throws(() => chooseMethod('loop', ['udf'], false), (e: unknown) => e instanceof MountError && e.code === 'MOUNT_UNSUPPORTED' && /not a local file/.test(e.message));
  });
});

test('MountError carries its code and is a VizorError', () => {
  for (const code of ['MOUNT_FAILED', 'MOUNT_HELPER_MISSING', 'MOUNT_UNSUPPORTED', 'MOUNT_MANIFEST', 'MOUNT_BACKING', 'MOUNT_INVALID', 'MOUNT_CLOSED'] as const) {
    const e = new MountError(code, 'm');
    assert.ok(e instanceof VizorError);
    assert.equal(e.code, code);
    assert.equal(e.name, 'MountError');
  }
});
