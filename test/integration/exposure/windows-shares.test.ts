// vizor's own smbd for a windows-install task, end to end on loopback: the server mounts the
// cataloged ISO (FUSE here, the kernel has no iso9660/udf), creates the task's own account,
// and shares the ISO read-only and a status folder writable. smbclient and vizor's SMB client
// check what WinPE will do; a status line becomes a node event; finishing the task removes
// the account, the shares and the mount.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { configSchema } from '../../../src/config/index.js';
import { scanSources, SourceService } from '../../../src/catalog/index.js';
import { SecretStore } from '../../../src/secrets/index.js';
import { makeWindowsInstallTask, windowsShareNames, type WindowsInstallTask } from '../../../src/boot/index.js';
import { SmbClient } from '../../../src/media/smb/index.js';
import { readMountInfo } from '../../../src/exposure/index.js';
import { isoFolder, tempApp } from '../../helpers/catalog.js';
import { testImagePath } from '../../helpers/media.js';

const MAC = '52:54:00:77:00:05';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

describe('SMB exposure of a windows-install task (real smbd, real mount)', () => {
  let server: RunningServer;
  let secrets: SecretStore;
  let task: WindowsInstallTask;
  let extracted: string;
  let port: number;
  let dataDir: string;
  let work: string;

  before(async () => {
    const dir = await isoFolder({ 'win10.iso': 'win10.iso' });
    extracted = mkdtempSync(join(tmpdir(), 'vizor-7z-'));
    execFileSync('7zz', ['x', '-y', `-o${extracted}`, await testImagePath('win10.iso')], { stdio: 'ignore' });
    work = mkdtempSync(join(tmpdir(), 'vizor-smbwork-'));
    const app = tempApp();
    dataDir = app.dataDir;
    // Like /var/lib: the folder above dataDir is searchable (mkdtemp makes it 0700).
    chmodSync(dirname(app.dataDir), 0o755);
    port = await freePort();
    const parsed = configSchema.parse({
      dataDir: app.dataDir, http: { host: '127.0.0.1' }, secrets: { keyFile: app.keyFile },
      exposure: { smb: { enabled: true, listen: ['127.0.0.1'], port }, mountIdleSeconds: 0 },
    });
    server = await startServer({ ...parsed, http: { ...parsed.http, port: 0 } }, pino({ level: 'silent' }));
    secrets = new SecretStore(server.store.secrets, app.keyFile);
    new SourceService(server.store, secrets, join(app.dataDir, 'mnt')).add('lab', `file://${dir}`);
    await scanSources(server.store, server.store.sources.list(), { concurrency: 1, mountRoot: join(app.dataDir, 'mnt'), password: () => null });
    const isoId = Number(server.store.query.listIsos().find((i) => i.path === 'win10.iso')!.id);
    const made = makeWindowsInstallTask({ isoId, version: 'windows-11', arch: 'amd64', image: { index: 1 }, adminPasswordSecret: 'admin' });
    assert.ok(!('problem' in made));
    task = made;
    server.store.nodes.add({ mac: MAC, name: 'room1-pc5', task });
    await server.exposure!.reconcile();
  });
  after(async () => {
    // Even after a failure: no task left, so the reconciler removes the Unix/Samba accounts it made.
    for (const n of server?.store.nodes.list() ?? []) server.store.nodes.remove(n.mac);
    await server?.exposure?.reconcile().catch(() => undefined);
    await server?.stop();
  });

  const names = () => windowsShareNames(task);
  const password = () => secrets.get(names().passwordSecret)!;
  /** smbclient with the task's account, the password in a 0600 file (never in argv). */
  const smbclient = (share: string, cmd: string, creds: 'account' | 'none' | 'wrong' = 'account') => {
    const args = [`//127.0.0.1/${share}`, '-p', String(port), '-m', 'SMB3', '-c', cmd];
    if (creds === 'none') args.push('-N');
    else {
      const file = join(work, `auth-${creds}`);
      writeFileSync(file, `username = ${names().account}\npassword = ${creds === 'account' ? password() : 'wrong-password'}\n`, { mode: 0o600 });
      args.push('-A', file);
    }
    return spawnSync('smbclient', args, { encoding: 'utf8', cwd: work });
  };

  test('the task has its own account; the ISO share lists the medium and setup.exe reads byte-exact', () => {
    assert.match(names().account, /^vzb-[0-9a-f]{12}$/);
    assert.match(readFileSync('/etc/passwd', 'utf8'), new RegExp(`^${names().account}:`, 'm'));
    const ls = smbclient(names().mediaShare, 'ls');
    assert.equal(ls.status, 0, ls.stderr + ls.stdout);
    for (const n of ['setup.exe', 'sources', 'bootmgr', 'boot', 'efi']) assert.match(ls.stdout, new RegExp(`^\\s+${n}\\s`, 'm'), n);
    const get = smbclient(names().mediaShare, 'get setup.exe setup.exe');
    assert.equal(get.status, 0, get.stderr + get.stdout);
    assert.ok(readFileSync(join(work, 'setup.exe')).equals(readFileSync(join(extracted, 'setup.exe'))));
  });

  test('a range of sources/install.wim read over SMB matches the ISO', async () => {
    const whole = readFileSync(join(extracted, 'sources/install.wim'));
    const client = await SmbClient.connect({ host: '127.0.0.1', port, share: names().mediaShare, user: names().account, password: password() });
    try {
      const src = await client.openSource('sources/install.wim');
      for (const [offset, length] of [[0, 4096], [123_457, 65_536], [whole.length - 1000, 1000]] as const) {
        const got = await src.read(offset, length);
        assert.ok(Buffer.from(got).equals(whole.subarray(offset, offset + length)), `range ${offset}+${length}`);
      }
      await src.close();
    } finally {
      await client.close();
    }
  });

  test('a share added for another task reloads smbd without dropping a connected client', async () => {
    const whole = readFileSync(join(extracted, 'sources/install.wim'));
    const client = await SmbClient.connect({ host: '127.0.0.1', port, share: names().mediaShare, user: names().account, password: password() });
    try {
      const src = await client.openSource('sources/install.wim');
      assert.ok(Buffer.from(await src.read(0, 1024)).equals(whole.subarray(0, 1024)));
      const other = makeWindowsInstallTask({ isoId: task.isoId, version: 'windows-10', arch: 'amd64', image: { index: 1 }, adminPasswordSecret: 'admin' });
      assert.ok(!('problem' in other));
      server.store.nodes.add({ mac: '52:54:00:77:00:06', task: other });
      await server.exposure!.reconcile();
      const conf = readFileSync(join(dataDir, 'smb', 'smb.conf'), 'utf8');
      assert.match(conf, new RegExp(`\\[${windowsShareNames(other).statusShare}\\]`), 'the new status share is configured');
      assert.match(conf, new RegExp(`valid users = ${names().account} ${windowsShareNames(other).account}`), 'both accounts may read the one ISO share');
      // The open handle and session still work after the reload.
      assert.ok(Buffer.from(await src.read(50_000, 4096)).equals(whole.subarray(50_000, 54_096)));
      const ls = smbclient(windowsShareNames(other).statusShare, 'ls');
      assert.match(ls.stdout + ls.stderr, /NT_STATUS_ACCESS_DENIED/, "one task's account cannot open another task's status share");
      server.store.nodes.remove('52:54:00:77:00:06');
      await server.exposure!.reconcile();
      assert.ok(Buffer.from(await src.read(100_000, 4096)).equals(whole.subarray(100_000, 104_096)));
      await src.close();
    } finally {
      await client.close();
    }
  });

  test('the ISO share refuses writes; the status share accepts them; no credentials, no access', () => {
    writeFileSync(join(work, 'probe.txt'), 'x');
    const put = smbclient(names().mediaShare, 'put probe.txt probe.txt');
    assert.match(put.stdout + put.stderr, /NT_STATUS_(ACCESS_DENIED|MEDIA_WRITE_PROTECTED)/);
    const mkdir = smbclient(names().mediaShare, 'mkdir newdir');
    assert.match(mkdir.stdout + mkdir.stderr, /NT_STATUS_(ACCESS_DENIED|MEDIA_WRITE_PROTECTED)/);
    const ok = smbclient(names().statusShare, 'put probe.txt probe.txt');
    assert.equal(ok.status, 0, ok.stderr + ok.stdout);
    assert.doesNotMatch(ok.stdout + ok.stderr, /NT_STATUS_/);
    for (const share of [names().mediaShare, names().statusShare]) {
      const anon = smbclient(share, 'ls', 'none');
      assert.notEqual(anon.status, 0);
      assert.match(anon.stdout + anon.stderr, /NT_STATUS_(ACCESS_DENIED|LOGON_FAILURE)/);
      const wrong = smbclient(share, 'ls', 'wrong');
      assert.match(wrong.stdout + wrong.stderr, /NT_STATUS_LOGON_FAILURE/);
    }
  });

  test('status lines written over SMB become node events; setup-done ends the task and its shares', async () => {
    const nodeId = MAC.replace(/:/g, '-');
    writeFileSync(join(work, 'status.log'), 'Sun 11/22/2026 10:00:01.00 network-up\r\nSun 11/22/2026 10:00:05.00 media-mapped\r\n');
    assert.equal(smbclient(names().statusShare, `put status.log ${nodeId}.log`).status, 0);
    // vizor also polls every 2 s by itself; either way each line becomes exactly one event.
    const stages = () => server.store.nodes.events(MAC).filter((e) => e.kind === 'install-stage').map((e) => e.detail.stage).sort();
    await server.exposure!.pollStatus();
    assert.deepEqual(stages(), ['media-mapped', 'network-up']);
    assert.equal(await server.exposure!.pollStatus(), 0, 'lines are not recorded twice');
    assert.deepEqual(stages(), ['media-mapped', 'network-up']);
    writeFileSync(join(work, 'status.log'), 'Sun 11/22/2026 10:00:01.00 network-up\r\nSun 11/22/2026 10:00:05.00 media-mapped\r\n10:20 <script>bad stage</script>\r\n10:30 setup-done\r\n');
    assert.equal(smbclient(names().statusShare, `put status.log ${nodeId}.log`).status, 0);
    await server.exposure!.pollStatus();
    assert.deepEqual(stages(), ['media-mapped', 'network-up', 'setup-done'], 'only the new, well-formed line');
    assert.equal(server.store.nodes.get(MAC).task.kind, 'local', 'the next boot is from disk');

    const account = names().account;
    await server.exposure!.reconcile();
    assert.doesNotMatch(readFileSync('/etc/passwd', 'utf8'), new RegExp(`^${account}:`, 'm'), 'the account is gone');
    assert.equal(secrets.get(names().passwordSecret), null, 'its password secret is gone');
    const conf = readFileSync(join(dataDir, 'smb', 'smb.conf'), 'utf8');
    assert.doesNotMatch(conf, new RegExp(`\\[${names().mediaShare}\\]|\\[${names().statusShare}\\]`));
    // mountIdleSeconds 0: the mount goes at once once nobody holds it.
    for (let i = 0; i < 50 && (await readMountInfo()).some((m) => m.mountPoint.startsWith(join(dataDir, 'mnt'))); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await readMountInfo()).filter((m) => m.mountPoint.startsWith(join(dataDir, 'mnt'))).length, 0, 'no mount left');
  });
});
