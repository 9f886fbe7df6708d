// The windows-install task over HTTP: every URL in the generated wimboot script (BIOS and
// UEFI branches) is fetched from a real vizor server and compared with an independent
// extraction of the ISO by 7-Zip (the kernel here cannot loop-mount ISOs) or with the
// answer files rendered for that node; other nodes and wrong MACs get nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { configSchema } from '../../../src/config/index.js';
import { scanSources, SourceService } from '../../../src/catalog/index.js';
import { SecretStore } from '../../../src/secrets/index.js';
import { makeWindowsInstallTask, windowsShareNames, type WindowsInstallTask } from '../../../src/boot/index.js';
import { decodeUnattendPassword, parseAnswerFile } from '../../../src/templates/windows/index.js';
import { isoFolder, tempApp } from '../../helpers/catalog.js';
import { testImagePath } from '../../helpers/media.js';

const MAC = '52:54:00:12:34:56';
const OTHER = '52:54:00:12:34:99';

/** URL and wimboot name of every kernel/initrd line of one script branch. */
function branch(script: string, label: 'bios' | 'uefi'): { kernel: string; files: { url: string; name: string }[] } {
  const kernel = /^kernel (\S+)/m.exec(script)![1]!;
  const body = script.split(`\n:${label}\n`)[1]!.split('\n:')[0]!;
  const files = [...body.matchAll(/^initrd --name (\S+) (\S+) (\S+) \|\| goto failed$/gm)].map((m) => {
    assert.equal(m[1], m[3], 'the --name and the wimboot name agree');
    return { url: m[2]!, name: m[1]! };
  });
  return { kernel, files };
}

describe('windows-install: wimboot script and injected answer files', () => {
  let server: RunningServer;
  let http: string;
  let extracted: string;
  let task: WindowsInstallTask;
  let secrets: SecretStore;
  let bootDir: string;
  const wimboot = Buffer.from('not really wimboot, but its bytes must come back exactly\n'.repeat(100));

  before(async () => {
    const dir = await isoFolder({ 'win10.iso': 'win10.iso' });
    extracted = mkdtempSync(join(tmpdir(), 'vizor-7z-'));
    execFileSync('7zz', ['x', '-y', `-o${extracted}`, await testImagePath('win10.iso')], { stdio: 'ignore' });
    const app = tempApp();
    bootDir = join(app.dataDir, 'boot');
    mkdirSync(bootDir, { recursive: true });
    writeFileSync(join(bootDir, 'wimboot'), wimboot);
    const parsed = configSchema.parse({ dataDir: app.dataDir, http: { host: '127.0.0.1' }, secrets: { keyFile: app.keyFile } });
    server = await startServer({ ...parsed, http: { ...parsed.http, port: 0 } }, pino({ level: 'silent' }));
    secrets = new SecretStore(server.store.secrets, app.keyFile);
    new SourceService(server.store, secrets, join(app.dataDir, 'mnt')).add('lab', `file://${dir}`);
    await scanSources(server.store, server.store.sources.list(), { concurrency: 1, mountRoot: join(app.dataDir, 'mnt'), password: () => null });
    const isoId = server.store.query.listIsos().find((i) => i.path === 'win10.iso')!.id;
    const made = makeWindowsInstallTask({ isoId: Number(isoId), version: 'windows-10', arch: 'amd64', image: { index: 2 }, adminPasswordSecret: 'node-admin', values: { timeZone: 'W. Europe Standard Time' } });
    assert.ok(!('problem' in made), JSON.stringify(made));
    task = made;
    secrets.set('node-admin', 'S3cret<&]]>"pässword');
    secrets.set(windowsShareNames(task).passwordSecret, 'AbCdEfGhJkMnPqRsTuVwXyZ2');
    server.store.nodes.add({ mac: MAC, name: 'lab-pc1', task });
    server.store.nodes.add({ mac: OTHER, task: { kind: 'local' } });
    http = `http://127.0.0.1:${server.httpPort}`;
  });
  after(async () => server?.stop());

  const script = async (platform: string) => {
    const r = await fetch(`${http}/boot/ipxe?mac=${MAC}&platform=${platform}`);
    assert.equal(r.status, 200);
    return r.text();
  };

  test('every URL of the BIOS and UEFI branches returns exactly the file inside the ISO or the node\'s answer file', async () => {
    const s = await script('pcbios');
    assert.match(s, /^#!ipxe/);
    assert.match(s, /iseq \$\{platform\} efi && goto uefi \|\| goto bios/);
    for (const fw of ['bios', 'uefi'] as const) {
      const { kernel, files } = branch(s, fw);
      assert.deepEqual(Buffer.from(await (await fetch(kernel)).arrayBuffer()), wimboot, 'wimboot');
      const names = files.map((f) => f.name);
      assert.deepEqual(names, fw === 'bios'
        ? ['winpeshl.ini', 'install.cmd', 'autounattend.xml', 'bootmgr', 'BCD', 'boot.sdi', 'boot.wim']
        : ['winpeshl.ini', 'install.cmd', 'autounattend.xml', 'bootx64.efi', 'BCD', 'boot.sdi', 'boot.wim']);
      for (const f of files) {
        const r = await fetch(f.url);
        assert.equal(r.status, 200, f.url);
        const body = Buffer.from(await r.arrayBuffer());
        const media = /\/media\/\d+\/(.+)$/.exec(f.url);
        if (media) {
          const onDisk = readFileSync(join(extracted, decodeURIComponent(media[1]!)));
          assert.ok(onDisk.equals(body), `${f.url} equals the 7-Zip extraction (${body.length} bytes)`);
        } else if (f.name === 'install.cmd') {
          const text = body.toString('latin1');
          assert.ok(text.split('\n').slice(0, -1).every((l) => l.endsWith('\r')), 'CRLF line endings');
          const names = windowsShareNames(task);
          assert.ok(text.includes(`set "VIZOR_MEDIA=\\\\127.0.0.1\\${names.mediaShare}"`));
          assert.ok(text.includes(`set "VIZOR_STATUS=\\\\127.0.0.1\\${names.statusShare}"`));
          assert.ok(text.includes(`set "VIZOR_USER=${names.account}"`));
          assert.match(text, fw === 'uefi' ? /echo convert gpt/ : /echo convert mbr/);
        } else if (f.name === 'autounattend.xml') {
          const xml = body.toString('utf8');
          const doc = JSON.stringify(parseAnswerFile(xml));
          assert.ok(!xml.includes('S3cret'), 'the password is never in clear');
          const encoded = /<AdministratorPassword>\s*<Value>([^<]+)<\/Value>\s*<PlainText>false<\/PlainText>/.exec(xml);
          assert.ok(encoded, 'AdministratorPassword is an encoded value');
          assert.equal(decodeUnattendPassword(encoded[1]!, 'administrator'), 'S3cret<&]]>"pässword');
          assert.match(doc, /lab-pc1/);
          assert.match(doc, /W\. Europe Standard Time/);
          assert.match(xml, /<Key>\/IMAGE\/INDEX<\/Key>\s*<Value>2<\/Value>/);
        } else {
          assert.match(body.toString('latin1'), /install\.cmd/);
        }
      }
    }
    const events = server.store.nodes.events(MAC).map((e) => e.kind);
    assert.ok(events.includes('answer-fetch'));
  });

  test('answer files are refused to another node\'s MAC and unknown tokens, and never cached', async () => {
    const url = `${http}/answers/${task.token}/win/bios/autounattend.xml`;
    const ok = await fetch(url);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    // The peer 127.0.0.1 now belongs to another MAC: the same URL is refused.
    await fetch(`${http}/boot/ipxe?mac=${OTHER}`);
    assert.equal((await fetch(url)).status, 404);
    await fetch(`${http}/boot/ipxe?mac=${MAC}`);
    assert.equal((await fetch(url)).status, 200);
    assert.equal((await fetch(`${http}/answers/AAAAAAAAAAAAAAAAAAAAAAAA/win/bios/autounattend.xml`)).status, 404);
    assert.equal((await fetch(`${http}/answers/${task.token}/win/arm/autounattend.xml`)).status, 404);
    assert.equal((await fetch(`${http}/answers/${task.token}/win/bios/unattend.cmd`)).status, 404);
  });

  test('without wimboot or the share account the node is told why and waits', async () => {
    const names = windowsShareNames(task);
    const pw = secrets.get(names.passwordSecret)!;
    secrets.remove(names.passwordSecret);
    const r = await fetch(`${http}/answers/${task.token}/win/uefi/install.cmd`);
    assert.equal(r.status, 503);
    assert.doesNotMatch(await r.text(), /AbCd/);
    secrets.set(names.passwordSecret, pw);
    rmSync(join(bootDir, 'wimboot'));
    const s = await script('efi');
    assert.match(s, /wimboot is missing/);
    assert.doesNotMatch(s, /kernel /);
    writeFileSync(join(bootDir, 'wimboot'), wimboot);
    assert.match(await script('efi'), /^kernel /m);
  });

});
