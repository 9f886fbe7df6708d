// Scans one SMB share (a real smbd on 127.0.0.1, signing mandatory) with vizor and the
// old way, and prints wall time and bytes read for both.
//   vizor:   vizor catalog scan (first scan, then the incremental rescan)
//   old way: for each ISO, fetch it over SMB with smbclient (the original copied or
//            loop-mounted each ISO; loop mounts are impossible without the kernel's UDF
//            driver), extract sources/install.* with 7-Zip, run wimlib-imagex info.
// BENCH_BIG (default 4) sets how many 4.4 GiB ISOs the share holds.
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const BIG = Number(process.env.BENCH_BIG ?? 4);
const media = execFileSync('bash', ['scripts/test-media/build.sh'], { encoding: 'utf8' }).trim().split('\n').pop();
const { startSamba, SAMBA_TEST_USER } = await import(pathToFileURL(resolve('dist/test/helpers/samba.js')).href);
const fmt = (n) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

const share = mkdtempSync(join(tmpdir(), 'bench-share-'));
const small = ['win10.iso', 'win11-esd.iso', 'win-split.iso', 'langpack.iso', 'xen-tools.iso', 'virtio-win.iso', 'debian-netinst.iso', 'rhel-like.iso', 'eltorito.iso'];
const isos = [];
for (let i = 0; i < BIG; i++) isos.push([`big/win11-big-${i}.iso`, 'win11-big.iso']);
for (let i = 0; isos.length < 40; i++) isos.push([`set${i % 5}/${String(i).padStart(2, '0')}-${small[i % small.length]}`, small[i % small.length]]);
for (const [target, fixture] of isos) {
  mkdirSync(join(share, target, '..'), { recursive: true });
  linkSync(join(media, fixture), join(share, target));
}
const total = isos.reduce((n, [t]) => n + statSync(join(share, t)).size, 0);
const password = 'bench-Pw-9261';
const samba = await startSamba({ shares: { media: share }, user: SAMBA_TEST_USER, password });
const work = mkdtempSync(join(tmpdir(), 'bench-catalog-'));
const env = { ...process.env, VIZOR_DATA_DIR: join(work, 'data'), VIZOR_SECRETS_KEY_FILE: join(work, 'key'), VIZOR_SOURCE_PASSWORD: password };

function timed(fn) {
  const t0 = process.hrtime.bigint();
  const out = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out };
}
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

try {
  console.log(`catalog benchmark: ${isos.length} ISOs (${BIG} of 4.4 GiB), ${fmt(total)} on an SMB share (smbd, signing mandatory)`);
  run(process.execPath, ['bin/vizor.js', 'source', 'add', 'bench', `smb://${SAMBA_TEST_USER}@127.0.0.1:${samba.port}/media`], { env });
  const first = timed(() => JSON.parse(run(process.execPath, ['bin/vizor.js', '--json', 'catalog', 'scan', '--concurrency', '4'], { env })));
  const second = timed(() => JSON.parse(run(process.execPath, ['bin/vizor.js', '--json', 'catalog', 'scan', '--concurrency', '4'], { env })));
  const editions = JSON.parse(run(process.execPath, ['bin/vizor.js', '--json', 'catalog', 'find'], { env })).length;
  if (first.out.failed !== 0) throw new Error(`vizor scan failed: ${JSON.stringify(first.out.failures)}`);

  // The old way, one ISO after another.
  const auth = join(work, 'auth');
  writeFileSync(auth, `username = ${SAMBA_TEST_USER}\npassword = ${password}\n`, { mode: 0o600 });
  let oldBytes = 0;
  let oldEditions = 0;
  const old = timed(() => {
    for (const [target] of isos) {
      const local = join(work, 'fetched.iso');
      run('smbclient', [`//127.0.0.1/media`, '-p', String(samba.port), '-A', auth, '-m', 'SMB3', '-c', `get "${target}" "${local}"`]);
      oldBytes += statSync(local).size;
      const ex = join(work, 'x');
      const r = spawnSync('7zz', ['x', '-y', `-o${ex}`, local, 'sources/install.wim', 'sources/install.esd', 'sources/install.swm'], { encoding: 'utf8' });
      const found = r.status === 0 && existsSync(join(ex, 'sources')) ? readdirSync(join(ex, 'sources'), { withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(ex, 'sources', d.name)) : [];
      for (const f of found) oldEditions += Number(/Image Count:\s+(\d+)/.exec(run('wimlib-imagex', ['info', f]))?.[1] ?? 0);
      rmSync(ex, { recursive: true, force: true });
      rmSync(local, { force: true });
    }
  });
  if (oldEditions !== editions) console.log(`note: editions differ: vizor ${editions}, old way ${oldEditions}`);

  console.log(`\n  vizor catalog scan (first)        ${(first.ms / 1000).toFixed(2).padStart(8)} s   read ${fmt(first.out.bytesRead)}   ${editions} editions`);
  console.log(`  vizor catalog scan (rescan)       ${(second.ms / 1000).toFixed(2).padStart(8)} s   read ${fmt(second.out.bytesRead)}   (${second.out.unchanged} unchanged)`);
  console.log(`  old way: fetch + 7z + wimlib      ${(old.ms / 1000).toFixed(2).padStart(8)} s   read ${fmt(oldBytes)}   ${oldEditions} editions`);
  console.log(`\n  ratio old/vizor: first scan ${(old.ms / first.ms).toFixed(1)}x faster, rescan ${(old.ms / second.ms).toFixed(1)}x; bytes ${(oldBytes / first.out.bytesRead).toFixed(0)}x fewer`);
} finally {
  await samba.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(share, { recursive: true, force: true });
}
