// An ISO that lives on an SMB share, mounted by vizor-isofs reading it with libsmbclient:
// a real smbd serves the test media, the credentials travel only in the manifest, and
// every file of the mount matches 7-Zip's extraction of the same image.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsoMountManager, MountError, type IsoMountSource } from '../../../src/exposure/mounts/index.js';
import { MediaImage } from '../../../src/media/index.js';
import { SmbClient, type SmbTarget } from '../../../src/media/smb/index.js';
import { startSamba, SAMBA_TEST_USER, type SambaServer } from '../../helpers/samba.js';
import { testImagePath, testMediaDir } from '../../helpers/media.js';
import { digestTree, extract7z, helperPid, mountsBelow, requireFuse } from './mounts-support.js';

const PASSWORD = 'Iso-Mount pw %42;';
let samba: SambaServer;
let work: string;
let helper: string;
let manager: IsoMountManager;

function target(password = PASSWORD): SmbTarget {
  return { host: '127.0.0.1', port: samba.port, share: 'media', user: SAMBA_TEST_USER, password };
}

/** Opens the image over SMB with the right password; the helper gets `backingPassword`. */
function smbSource(path: string, backingPassword = PASSWORD): () => Promise<IsoMountSource> {
  return async () => {
    const client = await SmbClient.connect(target());
    const image = await MediaImage.open(await client.openSource(path));
    return {
      image,
      backing: { kind: 'smb', target: target(backingPassword), path },
      release: async () => {
        await image.close();
        await client.close();
      },
    };
  };
}

before(async () => {
  helper = await requireFuse();
  samba = await startSamba({ shares: { media: await testMediaDir() }, user: SAMBA_TEST_USER, password: PASSWORD });
  work = await mkdtemp(join(tmpdir(), 'vizor-mounts-smb-'));
  manager = new IsoMountManager({ mountRoot: join(work, 'mnt'), method: 'auto' });
});

after(async () => {
  await manager?.closeAll();
  await samba?.stop();
  if (work) {
    assert.deepEqual(await mountsBelow(work), []);
    await rm(work, { recursive: true, force: true });
  }
});

describe('an SMB-backed ISO mount', () => {
  test('every file matches 7-Zip; the password is in neither argv nor environment', async () => {
    const m = await manager.acquire('win10-smb', 'b1', smbSource('win10.iso'));
    assert.equal(m.method, 'fuse', 'an image on SMB is never loop-mounted');
    const pid = await helperPid(helper, m.path);
    assert.ok(pid);
    for (const f of ['cmdline', 'environ']) assert.ok(!(await readFile(`/proc/${pid}/${f}`, 'utf8')).includes(PASSWORD), `not in /proc/pid/${f}`);
    const dest = join(work, '7z');
    await extract7z(await testImagePath('win10.iso'), dest);
    const want = await digestTree(dest);
    const got = await digestTree(m.path);
    assert.ok(want.size > 300);
    assert.deepEqual(
      [...got].map(([p, t]) => [p, t.type, t.type === 'file' ? t.size : 0, t.sha256 ?? '']).sort(),
      [...want].map(([p, t]) => [p, t.type, t.type === 'file' ? t.size : 0, t.sha256 ?? '']).sort(),
    );
    manager.release('win10-smb', 'b1');
  });

  test('a password the server refuses is MOUNT_BACKING, and the message does not carry it', async () => {
    const wrong = 'Wrong-Secret-77';
    await assert.rejects(manager.acquire('win10-badpw', 'b1', smbSource('win10.iso', wrong)), (e: unknown) => {
      assert.ok(e instanceof MountError);
      assert.equal(e.code, 'MOUNT_BACKING', e.message);
      assert.match(e.message, /smb backing: cannot open the image/);
      assert.ok(!e.message.includes(wrong) && !e.message.includes(PASSWORD));
      return true;
    });
    assert.deepEqual(await mountsBelow(join(work, 'mnt', 'win10-badpw')), []);
  });
});
