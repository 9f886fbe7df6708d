// vizor is killed with SIGKILL right after each stage of a build in turn and started again;
// the build must still complete, exactly once: one VM, one template, one publication.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../../../src/store/index.js';
import { startBuild, STAGES } from '../../../src/builds/index.js';
import { startXapiFake } from '../../fakes/xapi/index.js';
import { buildBench, playDebianInstaller } from './harness.js';

const bin = fileURLToPath(new URL('../../../../bin/vizor.js', import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

test('SIGKILL after every stage, restart, and the build completes exactly once', { timeout: 240_000 }, async (t) => {
  const fake = await startXapiFake();
  t.after(() => fake.close());
  // Set up the data folder with an in-process server, then hand it to `vizor serve` children.
  const bench = await buildBench({ kind: 'xenserver', url: fake.url, username: fake.user, secret: fake.password }, { network: 'vizor-net', firmware: 'bios', diskGiB: 10 });
  await bench.close();
  const port = await freePort();
  const configFile = join(bench.dataDir, '..', 'vizor.yaml');
  writeFileSync(configFile, `dataDir: ${bench.dataDir}\nhttp: { host: 127.0.0.1, port: ${port} }\nsecrets: { keyFile: ${bench.keyFile} }\nbuilds: { tickMs: 1500 }\nlog: { level: warn }\n`);
  const store = Store.open(join(bench.dataDir, 'vizor.db'));
  t.after(() => store.close());
  const build = startBuild(store, { isoId: bench.isoId, profile: 'p', publish: true, templateName: 'sigkill-tpl' });

  let child: ChildProcess | null = null;
  const serve = async () => {
    child = spawn(process.execPath, [bin, '--config', configFile, 'serve'], { stdio: ['ignore', 'ignore', 'pipe'] });
    for (let i = 0; i < 100; i++) {
      if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail('vizor serve did not become ready');
  };
  t.after(() => child?.kill('SIGKILL'));
  const kill = async () => {
    const c = child!;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
  };

  await serve();
  const killedAfter: string[] = [];
  let played = false;
  const deadline = Date.now() + 200_000;
  for (;;) {
    const b = store.builds.get(build.id);
    if (b.state !== 'running') break;
    if (b.stage === 'booting' && !played) {
      played = true;
      await playDebianInstaller(`http://127.0.0.1:${port}`, b.mac!);
      fake.powerOff(b.vmId!);
    }
    if (b.stage !== 'created' && !killedAfter.includes(b.stage)) {
      killedAfter.push(b.stage);
      await kill();
      await serve();
    }
    assert.ok(Date.now() < deadline, `stuck at ${b.stage}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const end = store.builds.get(build.id);
  assert.equal(end.state, 'done', `${end.error} ${JSON.stringify(store.builds.events(build.id).slice(-4))}`);
  assert.deepEqual(killedAfter, STAGES.filter((s) => !['created', 'sequence', 'sealed'].includes(s)), 'killed once after every stage a Linux build passes');
  const mine = fake.all('VM').filter(({ record }) => (record.other_config as Record<string, string>)['vizor.owner'] === build.id);
  assert.equal(mine.length, 1, 'exactly one VM was made for the build (now the template)');
  assert.equal(mine[0]!.record.is_a_template, true);
  assert.equal(fake.calls.filter((c) => c.method.replace(/^Async\./, '') === 'VM.clone').length, 1, 'one clone');
  assert.equal(fake.calls.filter((c) => c.method.replace(/^Async\./, '') === 'VM.set_is_a_template').length, 1, 'one conversion');
  assert.equal(store.templates.list().length, 1);
  assert.equal(store.templates.list()[0]!.published, true);
});
