// The remote CLI client against a running vizor API: the operations `source list`,
// `catalog list`, `node list`, `build list/show/start` and `template list` use, errors
// mapped to the same codes (and so exit codes) as local runs, and how it finds its token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { RemoteClient, RemoteError, RemoteUnavailableError, remoteFor } from '../../../src/cli/remote.js';
import { exitCodeFor, ExitCode, UsageError } from '../../../src/cli/exit.js';
import { apiBench, type ApiBench } from './harness.js';

describe('remote CLI client', () => {
  let b: ApiBench;
  let isoId: number;
  let remote: RemoteClient;
  before(async () => {
    b = await apiBench();
    isoId = (await b.catalog({ 'debian.iso': 'debian-netinst.iso' }))['debian.iso']!;
    b.store.hypervisors.add({ name: 'local', kind: 'qemu', url: `qemu://${b.dataDir}/qemu`, username: null, options: {}, secretName: null });
    b.store.profiles.add({ name: 'small', hypervisor: 'local', spec: { vcpus: 1, memoryMiB: 1024, diskGiB: 8, network: 'br0', firmware: 'bios', placement: {}, values: {} } });
    b.store.nodes.add({ mac: '52:54:00:12:34:56', name: 'lab-pc-07', task: { kind: 'menu' } });
    b.store.templates.upsert({ name: 'deb-gold', hypervisor: 'local', platformId: 'tpl-1', buildId: null, isoId, source: {} });
    remote = new RemoteClient({ url: `${b.base}/`, token: b.admin });
  });
  after(() => b?.close());

  test('source list, catalog list, node list and template list', async () => {
    assert.deepEqual((await remote.listSources()).map((s) => [s.name, s.kind, s.hasSecret]), [['lab', 'file', false]]);
    const isos = await remote.listIsos({ source: 'lab' });
    assert.deepEqual(isos.map((i) => [i.id, i.path, i.kind]), [[isoId, 'debian.iso', 'linux-installer']]);
    assert.deepEqual(await remote.listIsos({ kind: 'windows-install' }), []);
    assert.deepEqual((await remote.listNodes()).map((n) => [n.mac, n.name, n.task.kind]), [['52:54:00:12:34:56', 'lab-pc-07', 'menu']]);
    assert.deepEqual((await remote.listTemplates()).map((t) => [t.name, t.platformId, t.published]), [['deb-gold', 'tpl-1', false]]);
  });

  test('build start, list and show; a scan started and waited for', async () => {
    const started = await remote.startBuild({ isoId, profile: 'small', values: { hostname: 'remote1' } });
    assert.deepEqual([started.state, started.stage, started.hypervisor], ['running', 'created', 'local']);
    assert.equal((b.store.builds.get(started.id).spec.values as Record<string, string>).hostname, 'remote1');
    assert.deepEqual((await remote.listBuilds()).map((x) => x.id), [started.id]);
    assert.deepEqual(await remote.listBuilds('done'), []);
    const shown = await remote.showBuild(started.id);
    assert.equal(shown.isoId, isoId);
    assert.equal((shown as { token?: string }).token, undefined);
    const seen: string[] = [];
    const scan = await remote.waitScan((await remote.startScan(['lab'])).id, (s) => seen.push(s.status), 20);
    assert.equal(scan.status, 'done');
    assert.equal(scan.counts.unchanged, 1);
    assert.equal(seen.at(-1), 'done');
  });

  test('errors keep the server code, so the CLI exits as it would locally', async () => {
    const nf = await remote.showBuild('bnope').then(() => null, (e: unknown) => e);
    assert.ok(nf instanceof RemoteError);
    assert.deepEqual([nf.code, nf.status, exitCodeFor(nf.code)], ['NOT_FOUND', 404, ExitCode.NotFound]);
    const invalid = await remote.startBuild({ isoId, profile: 'small', values: { colour: 'x' } }).then(() => null, (e: unknown) => e);
    assert.ok(invalid instanceof RemoteError && invalid.code === 'BUILD_INVALID');
    assert.match(invalid.message, /unknown value "colour"/);
    const reader = new RemoteClient({ url: b.base, token: b.reader });
    const denied = await reader.startBuild({ isoId, profile: 'small' }).then(() => null, (e: unknown) => e);
    assert.ok(denied instanceof RemoteError && denied.code === 'FORBIDDEN');
    const badToken = await new RemoteClient({ url: b.base, token: `vzt_${'B'.repeat(43)}` }).listSources().then(() => null, (e: unknown) => e);
    assert.ok(badToken instanceof RemoteError && badToken.code === 'UNAUTHORIZED' && badToken.status === 401);
  });

  test('an unreachable host or a server that is not vizor: REMOTE_UNAVAILABLE', async () => {
    const plain = createServer((_q, s) => s.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>'));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', () => r()));
    const port = (plain.address() as { port: number }).port;
    const notVizor = await new RemoteClient({ url: `http://127.0.0.1:${port}`, token: b.admin }).listSources().then(() => null, (e: unknown) => e);
    assert.ok(notVizor instanceof RemoteUnavailableError, String(notVizor));
    assert.match(notVizor.message, /did not answer like a vizor API/);
    await new Promise<void>((r) => plain.close(() => r()));
    const down = await new RemoteClient({ url: `http://127.0.0.1:${port}`, token: b.admin }).listSources().then(() => null, (e: unknown) => e);
    assert.ok(down instanceof RemoteUnavailableError);
    assert.match(down.message, /cannot reach vizor at http:\/\/127\.0\.0\.1/);
    assert.ok(!down.message.includes(b.admin) && !notVizor.message.includes(b.admin), 'the token is not in error text');
  });

  test('remoteFor: --remote or VIZOR_REMOTE, token from VIZOR_TOKEN or VIZOR_TOKEN_FILE, else local', async () => {
    const cmdWith = async (argv: string[]): Promise<Command> => {
      let seen: Command | null = null;
      const program = new Command('vizor').option('--remote <url>').exitOverride();
      program.command('x').action((_o: unknown, c: Command) => void (seen = c));
      await program.parseAsync(argv, { from: 'user' });
      return seen!;
    };
    assert.equal(remoteFor(await cmdWith(['x']), {}), null, 'no remote: the local store is used');
    const withRemote = await cmdWith(['--remote', b.base, 'x']);
    assert.throws(() => remoteFor(withRemote, {}), (e: unknown) => e instanceof UsageError && /VIZOR_TOKEN/.test(e.message), 'a remote without a token');
    const viaFlag = remoteFor(await cmdWith(['--remote', b.base, 'x']), { VIZOR_TOKEN: b.reader });
    assert.equal((await viaFlag!.listSources())[0]!.name, 'lab');
    const file = join(b.dataDir, 'token.txt');
    writeFileSync(file, `${b.reader}\n`);
    const viaEnv = remoteFor(await cmdWith(['x']), { VIZOR_REMOTE: b.base, VIZOR_TOKEN_FILE: file });
    assert.equal((await viaEnv!.listNodes()).length, 1);
    assert.throws(() => new RemoteClient({ url: 'vizor.lab:8080', token: 't' }), UsageError);
  });
});
