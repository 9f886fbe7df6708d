#!/usr/bin/env node
// TFTP throughput: vizor vs tftpd-hpa vs dnsmasq, same client, same file, same blksize.
// Usage (via scripts/bench/tftp): [--size-mib 100] [--reps 3] [--concurrent 50]
import { spawn, spawnSync, execFile } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { chmodSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SIZE_MIB = arg('size-mib', 100);
const REPS = arg('reps', 3);
const PINNED = process.env.VIZOR_BENCH_PIN ? `all on CPU ${process.env.VIZOR_BENCH_PIN}` : 'unpinned';
const CONCURRENT = arg('concurrent', 50);
const BLKSIZE = 1468;

const NEED = { atftp: 'atftp', curl: 'curl', 'in.tftpd': 'tftpd-hpa', dnsmasq: 'dnsmasq-base' };
for (const [cmd, pkg] of Object.entries(NEED)) {
  if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) {
    console.error(`${cmd} not found: install the Debian package ${pkg}`);
    process.exit(1);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'vizor-tftp-bench-'));
const root = join(dir, 'root');
spawnSync('mkdir', ['-p', root]);
chmodSync(dir, 0o755); // tftpd-hpa and dnsmasq may drop to nobody
chmodSync(root, 0o755);
function makeFile(name, bytes) {
  const fd = openSync(join(root, name), 'w', 0o644);
  const chunk = Buffer.allocUnsafe(1 << 20);
  const hash = createHash('sha256');
  for (let left = bytes; left > 0; left -= chunk.length) {
    randomFillSync(chunk);
    const part = chunk.subarray(0, Math.min(chunk.length, left));
    writeSync(fd, part);
    hash.update(part);
  }
  closeSync(fd);
  return hash.digest('hex');
}
const bigHash = makeFile('big', SIZE_MIB << 20);
const smallMiB = 10;
const smallHash = makeFile('small', smallMiB << 20);
const sha = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

const children = [];
const cleanup = () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));
function start(cmd, args, readyRe) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    const onData = (d) => {
      out += d;
      const m = readyRe ? readyRe.exec(out) : null;
      if (m) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${out}`)));
    if (!readyRe) setTimeout(() => resolve(child), 500);
  });
}

const servers = [];
const vizorChild = spawn(process.execPath, [new URL('./tftp-server.mjs', import.meta.url).pathname, root, '127.0.0.1', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
vizorChild.stderr.pipe(process.stderr);
children.push(vizorChild);
const vizorPort = await new Promise((resolve) => vizorChild.stdout.on('data', (d) => { const m = /ready (\d+)/.exec(String(d)); if (m) resolve(Number(m[1])); }));
servers.push({ name: 'vizor', port: vizorPort });
const hpaPort = 16900 + Math.floor(Math.random() * 1000);
await start('in.tftpd', ['-L', '-a', `127.0.0.1:${hpaPort}`, '-s', root], null);
servers.push({ name: 'tftpd-hpa', port: hpaPort });
const canDnsmasq = process.env.VIZOR_BENCH_NETNS === '1';
if (canDnsmasq) {
  await start('dnsmasq', ['--keep-in-foreground', '--conf-file=/dev/null', '--port=0', '--enable-tftp', `--tftp-root=${root}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--tftp-max=500', '--user=root', '--pid-file', '--log-facility=-', '--quiet-tftp'], /TFTP root is/);
  servers.push({ name: 'dnsmasq', port: 69 });
} else {
  console.log('dnsmasq skipped: its TFTP port is fixed at 69; run as root so the benchmark can use a network namespace');
}

const run = (cmd, args) =>
  new Promise((resolve) => execFile(cmd, args, { timeout: 600_000 }, (err, stdout, stderr) => resolve({ code: err ? err.code ?? -1 : 0, stderr })));

const clients = {
  'atftp lock-step': (port, file, out) => ['atftp', ['--get', '-r', file, '-l', out, '--option', `blksize ${BLKSIZE}`, '127.0.0.1', String(port)]],
  'curl lock-step': (port, file, out) => ['curl', ['-sS', '--tftp-blksize', String(BLKSIZE), '-o', out, `tftp://127.0.0.1:${port}/${file}`]],
  'atftp windowsize 16': (port, file, out) => ['atftp', ['--get', '-r', file, '-l', out, '--option', `blksize ${BLKSIZE}`, '--option', 'windowsize 16', '127.0.0.1', String(port)]],
};

async function fetchOnce(line, port, file, hash, out) {
  const [cmd, args] = line(port, file, out);
  const t0 = process.hrtime.bigint();
  const r = await run(cmd, args);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const ok = r.code === 0 && sha(out) === hash;
  rmSync(out, { force: true });
  if (!ok) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.code}, ${r.stderr.trim() || 'checksum mismatch'}`);
  return secs;
}

const MB = 1e6;
const results = {};
console.log(`loopback, blksize ${BLKSIZE}, best of ${REPS}, ${PINNED}; MB = 10^6 bytes`);
for (const [cname, line] of Object.entries(clients)) {
  for (const s of servers) {
    const times = [];
    for (let i = 0; i < REPS; i++) times.push(await fetchOnce(line, s.port, 'big', bigHash, join(dir, `out-${s.name}`)));
    const best = Math.min(...times);
    results[`${cname}|${s.name}`] = (SIZE_MIB << 20) / MB / best;
    console.log(`${cname.padEnd(20)} ${s.name.padEnd(10)} ${SIZE_MIB} MiB  best ${best.toFixed(2)} s  ${results[`${cname}|${s.name}`].toFixed(1)} MB/s  (runs: ${times.map((t) => t.toFixed(2)).join(', ')})`);
  }
}

for (const s of servers) {
  const t0 = process.hrtime.bigint();
  const jobs = Array.from({ length: CONCURRENT }, (_, i) => fetchOnce(clients['atftp lock-step'], s.port, 'small', smallHash, join(dir, `c-${s.name}-${i}`)));
  const settled = await Promise.allSettled(jobs);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const ok = settled.filter((r) => r.status === 'fulfilled').length;
  const agg = (ok * (smallMiB << 20)) / MB / secs;
  results[`concurrent|${s.name}`] = agg;
  console.log(`${`${CONCURRENT}× atftp lock-step`.padEnd(20)} ${s.name.padEnd(10)} ${smallMiB} MiB each  ${ok}/${CONCURRENT} byte-exact  ${secs.toFixed(2)} s  ${agg.toFixed(1)} MB/s aggregate`);
  for (const r of settled) if (r.status === 'rejected') console.log(`  failed: ${r.reason.message}`);
}

console.log('\nratios (vizor ÷ other, same client and blksize; >1 = vizor faster)');
for (const key of [...Object.keys(clients), 'concurrent']) {
  for (const other of servers.slice(1)) {
    const v = results[`${key}|vizor`];
    const o = results[`${key}|${other.name}`];
    if (v && o) console.log(`  ${key.padEnd(20)} vizor/${other.name}: ${(v / o).toFixed(2)}`);
  }
}
const w = results['atftp windowsize 16|vizor'];
const l = results['atftp lock-step|vizor'];
console.log('  (tftpd-hpa 5.2 and dnsmasq 2.90 do not negotiate windowsize: with it they run lock-step)');
console.log(`  windowsize 16 vs lock-step, vizor: ${(w / l).toFixed(2)}×; vs tftpd-hpa lock-step: ${(w / results['atftp lock-step|tftpd-hpa']).toFixed(2)}×`);
process.exit(0);
