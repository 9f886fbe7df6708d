// Load test on loopback with autocannon: vizor's boot endpoint (/boot/ipxe for a registered
// node) and media endpoint (/media/<id>/setup.exe inside win10.iso, read in place), each for
// a bounded run, then the same load against nginx serving the same bytes as static files
// (the rendered script, the extracted setup.exe) for a ratio. Any non-2xx response, socket
// error, timeout or wrong body fails the run (exit 1). Finally /metrics must have counted
// at least every request autocannon saw answered.
// Options: --duration S (default 20), --connections N (default 50).
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values: args } = parseArgs({ options: { duration: { type: 'string', default: '20' }, connections: { type: 'string', default: '50' } } });
const duration = Number(args.duration);
const connections = Number(args.connections);
const MAC = '52:54:00:be:4c:01';

const media = execFileSync('bash', ['scripts/test-media/build.sh'], { encoding: 'utf8' }).trim().split('\n').pop();
if (spawnSync('which', ['nginx']).status !== 0) throw new Error('nginx not found: install the Debian package nginx-light');
const work = mkdtempSync(join(tmpdir(), 'bench-load-'));
// nginx workers run unprivileged: they must be able to read the served files.
chmodSync(work, 0o755);
const env = { ...process.env, VIZOR_DATA_DIR: join(work, 'data'), VIZOR_SECRETS_KEY_FILE: join(work, 'key'), VIZOR_LOG_LEVEL: 'warn' };
const vizorPort = 18191;
const nginxPort = 18192;
const procs = [];

const vizor = (...a) => execFileSync(process.execPath, ['bin/vizor.js', ...a], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

async function waitHttp(url) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** One bounded autocannon run; returns the figures and every reason it failed. */
async function load(name, url, expectBody) {
  const r = await autocannon({ url, connections, duration, ...(expectBody ? { expectBody } : {}) });
  const problems = [];
  if (r.non2xx) problems.push(`${r.non2xx} non-2xx responses`);
  if (r.errors) problems.push(`${r.errors} errors`);
  if (r.timeouts) problems.push(`${r.timeouts} timeouts`);
  if (r.mismatches) problems.push(`${r.mismatches} wrong bodies`);
  if (r['2xx'] === 0) problems.push('no successful response');
  return { name, rps: r.requests.average, total: r['2xx'], mibs: r.throughput.average / 2 ** 20, lat: r.latency, problems };
}

const row = (x) =>
  `  ${x.name.padEnd(30)} ${x.rps.toFixed(0).padStart(7)} req/s  ${x.mibs.toFixed(1).padStart(7)} MiB/s  ` +
  `p50 ${String(x.lat.p50).padStart(4)} ms  p90 ${String(x.lat.p90).padStart(4)} ms  p99 ${String(x.lat.p99).padStart(4)} ms  max ${String(x.lat.max).padStart(5)} ms  ` +
  `${x.total} ok${x.problems.length ? `  FAILED: ${x.problems.join(', ')}` : ''}`;

function counter(text, route) {
  const m = new RegExp(`^vizor_http_requests_total\\{route="${route}",status_class="2xx"\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

try {
  vizor('source', 'add', 'bench', `file://${media}`);
  vizor('catalog', 'scan', 'bench');
  const id = JSON.parse(vizor('--json', 'catalog', 'list')).find((i) => i.path === 'win10.iso').id;
  vizor('node', 'add', MAC, '--name', 'bench-pc', '--task', 'menu');
  procs.push(spawn(process.execPath, ['bin/vizor.js', 'serve', '--port', String(vizorPort)], { env, stdio: 'ignore' }));
  const bootUrl = `http://127.0.0.1:${vizorPort}/boot/ipxe?mac=${MAC}&buildarch=x86_64&platform=pcbios`;
  const mediaUrl = `http://127.0.0.1:${vizorPort}/media/${id}/setup.exe`;
  await waitHttp(`http://127.0.0.1:${vizorPort}/readyz`);

  // nginx serves the very bytes vizor answers with: the rendered script and the extracted file.
  const www = join(work, 'www');
  mkdirSync(www, { mode: 0o755 });
  const script = await (await fetch(bootUrl)).text();
  if (!script.startsWith('#!ipxe')) throw new Error(`/boot/ipxe did not answer a script: ${script.slice(0, 80)}`);
  writeFileSync(join(www, 'ipxe'), script, { mode: 0o644 });
  copyFileSync(join(media, 'trees/win10/setup.exe'), join(www, 'setup.exe'));
  chmodSync(join(www, 'setup.exe'), 0o644);
  writeFileSync(join(work, 'nginx.conf'), `daemon off; worker_processes 1; pid ${work}/nginx.pid; error_log ${work}/nginx.err;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; default_type application/octet-stream;
  server { listen 127.0.0.1:${nginxPort}; root ${www}; } }\n`);
  procs.push(spawn('nginx', ['-c', join(work, 'nginx.conf'), '-p', work], { stdio: 'ignore' }));
  await waitHttp(`http://127.0.0.1:${nginxPort}/ipxe`);
  const size = statSync(join(www, 'setup.exe')).size;
  const head = await fetch(mediaUrl, { method: 'HEAD' });
  if (head.status !== 200 || Number(head.headers.get('content-length')) !== size) throw new Error(`${mediaUrl}: HTTP ${head.status}, length ${head.headers.get('content-length')}`);

  const before = await (await fetch(`http://127.0.0.1:${vizorPort}/metrics`)).text();
  const vb = await load('vizor /boot/ipxe (menu node)', bootUrl, script);
  const vm = await load('vizor /media (setup.exe, 100 KiB)', mediaUrl);
  const after = await (await fetch(`http://127.0.0.1:${vizorPort}/metrics`)).text();
  const nb = await load('nginx static script', `http://127.0.0.1:${nginxPort}/ipxe`, script);
  const nm = await load('nginx static setup.exe', `http://127.0.0.1:${nginxPort}/setup.exe`);

  console.log(`Load test on loopback: autocannon, ${connections} connections, ${duration} s per run, vizor serve vs nginx (same bytes)`);
  for (const x of [vb, nb, vm, nm]) console.log(row(x));
  console.log(`  ratio vizor/nginx, boot script: ${(vb.rps / nb.rps).toFixed(2)}   media file: ${(vm.rps / nm.rps).toFixed(2)}`);
  const counted = { boot: counter(after, 'boot') - counter(before, 'boot'), media: counter(after, 'media') - counter(before, 'media') };
  console.log(`  /metrics counted ${counted.boot} boot and ${counted.media} media 2xx responses (autocannon saw ${vb.total} and ${vm.total})`);
  const failed = [vb, vm, nb, nm].some((x) => x.problems.length > 0) || counted.boot < vb.total || counted.media < vm.total;
  if (failed) {
    console.log('FAILED');
    process.exitCode = 1;
  }
} finally {
  for (const p of procs) p.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  rmSync(work, { recursive: true, force: true });
}
