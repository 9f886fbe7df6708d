// A Windows build with a provisioner sequence on the XenServer fake, the guest's part scripted
// through vizor's own endpoints: the wimboot script, autounattend.xml (whose first-logon
// command starts the sequence engine), status lines on the SMB status share (real smbd),
// the sequence document and its events; then power-off, template, publication.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startXapiFake } from '../../fakes/xapi/index.js';
import { startBuild } from '../../../src/builds/index.js';
import type { BuildRow } from '../../../src/store/index.js';
import { windowsShareNames } from '../../../src/boot/index.js';
import { SecretStore } from '../../../src/secrets/index.js';
import { buildBench, driveBuild } from './harness.js';

const freePort = () => new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });

test('Windows build: wimboot, answer file, status share, sequence callbacks, template', { timeout: 180_000 }, async (t) => {
  const fake = await startXapiFake();
  t.after(() => fake.close());
  const smbPort = await freePort();
  const bench = await buildBench({ kind: 'xenserver', url: fake.url, username: fake.user, secret: fake.password }, { network: 'vizor-net', firmware: 'uefi', diskGiB: 40 },
    { iso: 'win10.iso', config: { exposure: { smb: { enabled: true, listen: ['127.0.0.1'], port: smbPort }, mountIdleSeconds: 0 } } });
  t.after(async () => {
    // The finished (or failed) build's node has no install task: reconciling removes its share account.
    for (const n of bench.server.store.nodes.list()) bench.server.store.nodes.remove(n.mac);
    await bench.server.exposure?.reconcile().catch(() => undefined);
    await bench.close();
  });
  mkdirSync(join(bench.dataDir, 'boot'), { recursive: true });
  writeFileSync(join(bench.dataDir, 'boot', 'wimboot'), 'wimboot stand-in');
  const secrets = new SecretStore(bench.server.store.secrets, bench.keyFile);
  secrets.set('build-admin:t1', 'Adm1n!');
  const build = startBuild(bench.server.store, { isoId: bench.isoId, profile: 'p', image: { index: 2 }, set: { release: 'windows-10', timeZone: 'W. Europe Standard Time' }, adminPasswordSecret: 'build-admin:t1', sequence: 'default', publish: true, templateName: 'win10-seq' });
  const seen: string[] = [];
  const end = await driveBuild(bench.server, build.id, async (b: BuildRow) => {
    if (b.stage === 'booting') {
      const script = await (await fetch(`${bench.http}/boot/ipxe?mac=${b.mac}&platform=efi`)).text();
      assert.match(script, /kernel \S+\/boot\/wimboot/);
      const unattendUrl = /initrd --name autounattend\.xml (\S+\/win\/uefi\/autounattend\.xml)/.exec(script)![1]!;
      const xml = await (await fetch(unattendUrl)).text();
      assert.match(xml, new RegExp(`/callbacks/${b.token}/vizor-sequence\\.ps1`), 'first logon starts the sequence engine from vizor');
      assert.match(xml, /<LogonCount>1<\/LogonCount>/);
      seen.push('answers');
      // WinPE's install.cmd writes its stages on the status share (smbd stores them here).
      const share = join(bench.dataDir, 'smb-status', windowsShareNames({ token: b.token, isoId: b.isoId }).statusShare);
      await bench.server.exposure!.reconcile();
      appendFileSync(join(share, `${b.mac!.replace(/:/g, '-')}.log`), 'Mon 10:00 network-up\r\nMon 10:01 media-mapped\r\nMon 10:20 setup-done\r\n');
      await bench.server.exposure!.pollStatus();
    }
    if (b.stage === 'setup-done') {
      const doc = await fetch(`${bench.http}/callbacks/${b.token}/sequence.json`);
      assert.equal(doc.status, 200);
      const document = await doc.json() as { stages: { name: string; tasks: { name: string }[] }[] };
      assert.ok(document.stages.length > 0);
      const at = () => new Date().toISOString();
      const post = (e: Record<string, unknown>) => fetch(`${bench.http}/callbacks/${b.token}/event`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attempt: 1, at: at(), ...e }) });
      assert.equal((await post({ id: 'e1', stage: 'sequence', phase: 'start' })).status, 204);
      const first = document.stages[0]!;
      assert.equal((await post({ id: 'e2', stage: first.name, task: first.tasks[0]!.name, phase: 'start' })).status, 204);
      assert.equal((await post({ id: 'e3', stage: first.name, task: first.tasks[0]!.name, phase: 'end', status: 'ok' })).status, 204);
      assert.equal((await post({ id: 'e4', stage: 'sequence', phase: 'end', status: 'ok' })).status, 204);
      seen.push('sequence');
    }
    if (b.stage === 'sealed') fake.powerOff(b.vmId!); // sysprep /shutdown
  });
  assert.equal(end.state, 'done', `${end.error} ${JSON.stringify(bench.server.store.builds.events(build.id).slice(-3))}`);
  assert.deepEqual(seen, ['answers', 'sequence']);
  const stages = bench.server.store.builds.events(build.id).filter((e) => e.kind === 'stage').map((e) => e.stage);
  assert.deepEqual(stages, ['created', 'container', 'booting', 'installer', 'setup-done', 'sequence', 'sealed', 'powered-off', 'template', 'published']);
  assert.equal(bench.server.store.builds.events(build.id).filter((e) => e.kind === 'sequence').length, 4, 'every sequence event is in the build log');
  assert.equal((await fetch(`${bench.http}/callbacks/${end.token}/sequence.json`)).status, 404, 'callbacks end with the build');
  assert.equal(secrets.get('build-admin:t1'), null, 'the Administrator password stored for this build is gone with it');
  const account = windowsShareNames({ token: end.token, isoId: end.isoId }).account;
  await bench.server.exposure!.reconcile();
  assert.doesNotMatch(readFileSync('/etc/passwd', 'utf8'), new RegExp(`^${account}:`, 'm'), 'the build\'s share account is gone once the build is done');
});
