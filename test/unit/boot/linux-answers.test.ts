import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { bootRouter, PeerDirectory, makeLinuxInstallTask, type LinuxInstallTask } from '../../../src/boot/index.js';
import { Store } from '../../../src/store/index.js';
import { TemplateRenderer } from '../../../src/templates/index.js';
import { createLogger } from '../../../src/log/index.js';

const HASH = '$6$rounds=656000$vizorSALT$Zx9yQ2kWm0dF3eHPj5uTqYs8rLaB1cVnO4gK7iM6lE.wXhD/CtR2fUoJzSbN3pQeAv8yG1hK5mL9oP0aB4cD6e';

function linuxTask(over: Partial<Parameters<typeof makeLinuxInstallTask>[0]> = {}): LinuxInstallTask {
  const t = makeLinuxInstallTask({ isoId: 4, family: 'debian', values: { root_password_hash: HASH }, ...over });
  if ('problem' in t) throw new Error(t.problem);
  return t;
}

describe('answer-file routes', () => {
  const store = Store.open(':memory:');
  const logged: string[] = [];
  const log = createLogger('debug', new Writable({ write(chunk, _e, cb) { logged.push(String(chunk)); cb(); } }));
  // The requesting address (127.0.0.1) maps to whichever MAC a test says.
  let peerMac: string | null = null;
  const peers = new PeerDirectory(() => peerMac);
  let server: Server;
  let base = '';
  const deb = { mac: '52:54:00:00:00:01', task: linuxTask() };
  const rh = { mac: '52:54:00:00:00:02', task: linuxTask({ family: 'rhel', values: { root_password_hash: HASH, user_password_hash: HASH, hostname: 'db1' } }) };

  before(async () => {
    store.nodes.add({ mac: deb.mac, name: 'web1', task: deb.task });
    store.nodes.add({ mac: rh.mac, task: rh.task });
    store.nodes.add({ mac: '52:54:00:00:00:03', task: { kind: 'local' } });
    const app = express();
    app.use(bootRouter({ store, peers, renderer: new TemplateRenderer(), defaultTask: 'local', bootFilesDir: '/nonexistent', log }));
    server = await new Promise<Server>((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    store.close();
  });

  const kinds = (mac: string) => store.nodes.events(mac).map((e) => e.kind);

  test('Debian preseed: right node, crypted password, hostname, done URL; fetch recorded', async () => {
    peerMac = deb.mac;
    const res = await fetch(`${base}/answers/${deb.task.token}/preseed.cfg`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = await res.text();
    assert.match(body, /^d-i passwd\/root-password-crypted password \$6\$rounds=656000\$vizorSALT\$/m);
    assert.match(body, /^d-i netcfg\/get_hostname string web1$/m);
    assert.match(body, /^d-i mirror\/http\/hostname string 127\.0\.0\.1:\d+$/m);
    assert.match(body, /^d-i mirror\/http\/directory string \/media\/4$/m);
    assert.match(body, /^d-i mirror\/suite string stable$/m, 'no catalog entry: the stable suite');
    assert.match(body, new RegExp(`^d-i preseed/early_command string wget -q -O /dev/null http://127\\.0\\.0\\.1:\\d+/answers/${deb.task.token}/stage/installer-started`, 'm'));
    assert.match(body, new RegExp(`^d-i preseed/late_command string wget -q -O /dev/null http://127\\.0\\.0\\.1:\\d+/answers/${deb.task.token}/stage/disk-written \\|\\| true; wget -q -O /dev/null http://127\\.0\\.0\\.1:\\d+/answers/${deb.task.token}/done`, 'm'));
    assert.match(body, /^d-i debian-installer\/exit\/poweroff boolean true$/m);
    assert.doesNotMatch(body, /root-password password|user-password password/);
    const ev = store.nodes.events(deb.mac).at(-1)!;
    assert.equal(ev.kind, 'answer-fetch');
    assert.deepEqual(ev.detail, { file: 'preseed.cfg', peer: '127.0.0.1', isoId: 4 });
  });

  test('kickstart for a rhel task, from an address vizor cannot map (served: the token decides)', async () => {
    peerMac = null;
    const body = await (await fetch(`${base}/answers/${rh.task.token}/kickstart.cfg`)).text();
    assert.match(body, /^rootpw --iscrypted \$6\$rounds=/m);
    assert.match(body, /^user --name=vizor --groups=wheel --iscrypted --password=\$6\$/m);
    assert.match(body, /^network --bootproto=dhcp --activate --hostname=db1\.local$/m);
    assert.match(body, /^url --url=http:\/\/127\.0\.0\.1:\d+\/media\/4\/$/m);
    assert.match(body, /^%pre\ncurl -fsS -o \/dev\/null http:\/\/127\.0\.0\.1:\d+\/answers\/[A-Za-z0-9_-]+\/stage\/installer-started/m);
    assert.match(body, /^%post --erroronfail\ncurl -fsS -o \/dev\/null http:\/\/127\.0\.0\.1:\d+\/answers\/[A-Za-z0-9_-]+\/stage\/disk-written \|\| true\ncurl -fsS -o \/dev\/null http:\/\/127\.0\.0\.1:\d+\/answers\/[A-Za-z0-9_-]+\/done/m);
    assert.ok(kinds(rh.mac).includes('answer-fetch'));
  });

  test('refused with 404: unknown token, malformed token, another MAC\'s address, wrong file for the family', async () => {
    const before = store.nodes.events(deb.mac).length;
    peerMac = '52:54:00:00:00:03';
    assert.equal((await fetch(`${base}/answers/${deb.task.token}/preseed.cfg`)).status, 404, 'address belongs to another MAC');
    assert.equal((await fetch(`${base}/answers/${deb.task.token}/done`)).status, 404, 'done from another MAC');
    peerMac = deb.mac;
    assert.equal((await fetch(`${base}/answers/${'A'.repeat(24)}/preseed.cfg`)).status, 404);
    assert.equal((await fetch(`${base}/answers/..%2f..%2fetc/preseed.cfg`)).status, 404);
    assert.equal((await fetch(`${base}/answers/${deb.task.token}/kickstart.cfg`)).status, 404);
    assert.equal((await fetch(`${base}/answers/${deb.task.token}/preseed.cfg.bak`)).status, 404);
    assert.equal(store.nodes.events(deb.mac).length, before, 'refusals record nothing on the node');
    assert.equal(store.nodes.get(deb.mac).task.kind, 'linux-install');
  });

  test('values cannot inject directives: a stored task with a newline is not served', async () => {
    const mac = '52:54:00:00:00:04';
    const token = linuxTask().token;
    // Bypasses makeLinuxInstallTask, as a hand-edited database would.
    store.nodes.add({ mac, task: { kind: 'linux-install', isoId: 4, family: 'debian', token, values: { hostname: 'x\nd-i preseed/late_command string reboot' } } });
    peerMac = mac;
    assert.equal((await fetch(`${base}/answers/${token}/preseed.cfg`)).status, 404);
  });

  test('/stage/<name> records the stage for the token\'s node only; bad names and tokens are 404', async () => {
    peerMac = deb.mac;
    assert.equal((await fetch(`${base}/answers/${deb.task.token}/stage/installer-started`)).status, 200);
    assert.equal((await fetch(`${base}/answers/${deb.task.token}/stage/disk-written`, { method: 'POST' })).status, 200);
    const stages = store.nodes.events(deb.mac).filter((e) => e.kind === 'install-stage').map((e) => e.detail.stage);
    assert.deepEqual(stages.slice(-2), ['installer-started', 'disk-written']);
    assert.equal((await fetch(`${base}/answers/${deb.task.token}/stage/Bad%20Stage`)).status, 404);
    assert.equal((await fetch(`${base}/answers/AAAAAAAAAAAAAAAAAAAAAAAA/stage/x`)).status, 404);
    peerMac = '52:54:00:99:99:99';
    assert.equal((await fetch(`${base}/answers/${deb.task.token}/stage/late`)).status, 404, 'another MAC cannot report for this node');
  });

  test('/done records install-done and sets the node to boot from disk', async () => {
    peerMac = deb.mac;
    const res = await fetch(`${base}/answers/${deb.task.token}/done`);
    assert.equal(res.status, 200);
    assert.equal(kinds(deb.mac).at(-1), 'install-done');
    assert.equal(store.nodes.get(deb.mac).task.kind, 'local');
    assert.equal((await fetch(`${base}/answers/${deb.task.token}/preseed.cfg`)).status, 404, 'the token went with the task');
  });

  test('the iPXE script of a linux-install node points at /media and its answer file', async () => {
    const mac = '52:54:00:00:00:05';
    const t = linuxTask();
    store.nodes.add({ mac, name: 'pc5', task: t });
    // No ISO 4 in this store's catalog: the node waits rather than boots something wrong.
    const res = await fetch(`${base}/boot/ipxe?mac=${mac}`);
    assert.match(await res.text(), /waiting for a task/);
    assert.equal(store.nodes.events(mac).at(-1)!.detail.task, 'unavailable:linux-install');
  });

  test('answer files and full tokens never reach the log', () => {
    const all = logged.join('');
    assert.ok(all.includes('answer request refused'));
    assert.ok(!all.includes('vizorSALT'), 'password hash logged');
    for (const t of [deb.task.token, rh.task.token]) assert.ok(!all.includes(t), 'token logged');
  });
});
