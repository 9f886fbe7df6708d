// vizor serves sources/install.wim from inside win11-big.iso (UDF, read in place); nginx
// serves the same file from a mount of the ISO (the original vizor had nginx/Apache serve a
// loop mount; this kernel has no UDF driver, so vizor's own read-only FUSE mount stands in)
// and, as an upper bound, the identical WIM as a plain extracted file. All are read with
// curl, 1 GiB each, best of 3; then 20 concurrent 64 MiB downloads from vizor must all
// complete byte-counted.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GiB = 2 ** 30;
const media = execFileSync('bash', ['scripts/test-media/build.sh'], { encoding: 'utf8' }).trim().split('\n').pop();
for (const [tool, pkg] of [['nginx', 'nginx-light'], ['curl', 'curl']]) {
  if (spawnSync('which', [tool]).status !== 0) throw new Error(`${tool} not found: install the Debian package ${pkg}`);
}
const work = mkdtempSync(join(tmpdir(), 'bench-http-'));
// nginx workers run unprivileged: they must pass through to the mount.
chmodSync(work, 0o755);
const env = { ...process.env, VIZOR_DATA_DIR: join(work, 'data'), VIZOR_SECRETS_KEY_FILE: join(work, 'key'), VIZOR_LOG_LEVEL: 'warn' };
const vizorPort = 18181;
const nginxPort = 18182;
const nginxMountPort = 18183;
const procs = [];
let mounts = null;

function curl(url, range) {
  const r = spawnSync('curl', ['-s', '-o', '/dev/null', '-r', range, '-w', '%{http_code} %{size_download} %{speed_download}', url], { encoding: 'utf8' });
  const [code, size, speed] = r.stdout.trim().split(' ');
  return { code: Number(code), size: Number(size), speed: Number(speed) };
}
function best(url) {
  let top = null;
  for (let i = 0; i < 3; i++) {
    const r = curl(url, `0-${GiB - 1}`);
    if (r.code !== 206 || r.size !== GiB) throw new Error(`${url}: HTTP ${r.code}, ${r.size} bytes`);
    if (!top || r.speed > top.speed) top = r;
  }
  return top.speed / 2 ** 20;
}
async function waitHttp(url) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

try {
  execFileSync(process.execPath, ['bin/vizor.js', 'source', 'add', 'bench', `file://${media}`], { env });
  execFileSync(process.execPath, ['bin/vizor.js', 'catalog', 'scan', 'bench'], { env, stdio: ['ignore', 'ignore', 'ignore'] });
  const isos = JSON.parse(execFileSync(process.execPath, ['bin/vizor.js', '--json', 'catalog', 'list'], { env, encoding: 'utf8' }));
  const id = isos.find((i) => i.path === 'win11-big.iso').id;
  procs.push(spawn(process.execPath, ['bin/vizor.js', 'serve', '--port', String(vizorPort)], { env, stdio: 'ignore' }));
  // The ISO mounted read-only as smbd would see it (vizor-isofs over vizor's UDF reader).
  const { IsoMountManager } = await import('../../dist/src/exposure/index.js');
  const { MediaImage, FileSource } = await import('../../dist/src/media/index.js');
  mounts = new IsoMountManager({ mountRoot: join(work, 'mnt') });
  const isoPath = join(media, 'win11-big.iso');
  const mount = await mounts.acquire('bench', 'bench', async () => {
    const image = await MediaImage.open(await FileSource.open(isoPath));
    return { image, backing: { kind: 'file', path: isoPath }, release: () => image.close() };
  });
  writeFileSync(join(work, 'nginx.conf'), `daemon off; worker_processes 1; pid ${work}/nginx.pid; error_log ${work}/nginx.err;
events { worker_connections 256; }
http { access_log off; sendfile on; tcp_nopush on;
  server { listen 127.0.0.1:${nginxPort}; root ${media}/wims; }
  server { listen 127.0.0.1:${nginxMountPort}; root ${mount.path}; } }\n`);
  procs.push(spawn('nginx', ['-c', join(work, 'nginx.conf'), '-p', work], { stdio: 'ignore' }));
  const vizorUrl = `http://127.0.0.1:${vizorPort}/media/${id}/sources/install.wim`;
  const nginxUrl = `http://127.0.0.1:${nginxPort}/win11-big-install.wim`;
  const nginxMountUrl = `http://127.0.0.1:${nginxMountPort}/sources/install.wim`;
  await waitHttp(vizorUrl);
  await waitHttp(nginxUrl);
  await waitHttp(nginxMountUrl);
  const v = best(vizorUrl);
  const m = best(nginxMountUrl);
  const n = best(nginxUrl);
  console.log('HTTP media benchmark: 1 GiB range of the 4.4 GiB install.wim inside win11-big.iso, curl, best of 3');
  console.log(`  vizor /media (UDF read in place)     ${v.toFixed(0).padStart(6)} MiB/s`);
  console.log(`  nginx from the mounted ISO           ${m.toFixed(0).padStart(6)} MiB/s`);
  console.log(`  nginx from an extracted copy         ${n.toFixed(0).padStart(6)} MiB/s`);
  console.log(`  ratio vizor/nginx (mounted ISO): ${(v / m).toFixed(2)} (goal ≥ 0.8)`);
  console.log(`  ratio vizor/nginx (extracted copy): ${(v / n).toFixed(2)}`);
  const t0 = Date.now();
  const all = await Promise.all(Array.from({ length: 20 }, (_, i) => new Promise((resolve) => {
    const start = i * 64 * 2 ** 20;
    const c = spawn('curl', ['-s', '-o', '/dev/null', '-r', `${start}-${start + 64 * 2 ** 20 - 1}`, '-w', '%{http_code} %{size_download}', vizorUrl]);
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('exit', () => resolve(out.trim()));
  })));
  const ok = all.filter((s) => s === `206 ${64 * 2 ** 20}`).length;
  console.log(`  20 concurrent 64 MiB downloads from vizor: ${ok}/20 complete in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (ok !== 20) process.exitCode = 1;
} finally {
  for (const p of procs) p.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  await mounts?.closeAll();
  rmSync(work, { recursive: true, force: true });
}
