// Sustained DHCP leases/s of vizor (full mode) vs dnsmasq, each serving the same /16 pool in a
// namespace, driven by perfdhcp (DORA, a new client per exchange) from a second namespace.
// For every rate the server starts fresh (empty lease store) and perfdhcp runs BENCH_SECONDS;
// a rate "holds" when neither DISCOVER-OFFER nor REQUEST-ACK lost a packet. The sustained
// figure is the measured exchange rate at the highest rate that held.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const RATES = (process.env.BENCH_RATES ?? '100,250,500,750,1000,1250,1500,2000,3000,4000,6000,8000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const id = randomBytes(2).toString('hex');
const SRV = `vzb-s-${id}`;
const CLI = `vzb-c-${id}`;
const SERVER_IP = '10.99.0.1';
const POOL = { start: '10.99.1.0', end: '10.99.255.254', router: SERVER_IP, dns: [SERVER_IP], domain: 'bench.test', leaseSeconds: 3600 };

function need(cmd, pkg) {
  if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) throw new Error(`${cmd} not found: install the Debian package ${pkg}`);
}
const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
const work = mkdtempSync(join(tmpdir(), 'bench-dhcp-'));
let current = null;

function cleanup() {
  if (current && current.exitCode === null) current.kill('SIGTERM');
  spawnSync('ip', ['netns', 'del', SRV]);
  spawnSync('ip', ['netns', 'del', CLI]);
  rmSync(work, { recursive: true, force: true });
}

/** Starts a server in SRV and resolves once it listens. */
function startServer(kind, step) {
  const db = join(work, `${kind}-${step}`);
  const args =
    kind === 'vizor'
      ? [process.execPath, resolve('scripts/bench/dhcp-server.mjs'), JSON.stringify({ interfaces: [{ name: 'vs0', address: SERVER_IP, netmask: '255.255.0.0' }], pool: POOL, dbFile: `${db}.db` })]
      : ['dnsmasq', '--no-daemon', '--conf-file=/dev/null', '--port=0', '--interface=vs0', '--bind-interfaces', `--dhcp-range=${POOL.start},${POOL.end},255.255.0.0,1h`, `--dhcp-option=3,${SERVER_IP}`, `--dhcp-option=6,${SERVER_IP}`, '--domain=bench.test', `--dhcp-leasefile=${db}.leases`, '--dhcp-lease-max=100000', '--dhcp-authoritative', '--no-ping', '--quiet-dhcp', '--log-facility=-'];
  const child = spawn('ip', ['netns', 'exec', SRV, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  current = child;
  const ready = kind === 'vizor' ? /"ready"/ : /sockets bound exclusively/;
  return new Promise((res, rej) => {
    child.once('exit', (code) => rej(new Error(`${kind} exited with ${code} before it was ready`)));
    for (const s of [child.stdout, child.stderr]) createInterface({ input: s }).on('line', (l) => ready.test(l) && res(child));
  });
}

async function stopServer(child) {
  if (child.exitCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

/** One perfdhcp run: measured rate and the drops of both exchanges. */
function perfdhcp(rate) {
  const r = spawnSync('ip', ['netns', 'exec', CLI, 'perfdhcp', '-4', '-l', 'vc0', '-r', String(rate), '-R', '65000', '-p', String(SECONDS), SERVER_IP], { encoding: 'utf8', timeout: (SECONDS + 30) * 1000 });
  const out = `${r.stdout}${r.stderr}`;
  const measured = Number(/Rate: ([\d.]+)/.exec(out)?.[1] ?? NaN);
  const drops = [...out.matchAll(/^drops: (\d+)/gm)].map((m) => Number(m[1]));
  const sent = Number(/sent packets: (\d+)/.exec(out)?.[1] ?? 0);
  if (Number.isNaN(measured) || drops.length < 2) throw new Error(`perfdhcp output not understood (exit ${r.status}):\n${out}`);
  return { measured, drops: drops[0] + drops[1], sent };
}

async function sweep(kind) {
  let best = null;
  for (const [step, rate] of RATES.entries()) {
    const child = await startServer(kind, step);
    await new Promise((r) => setTimeout(r, 300));
    const res = perfdhcp(rate);
    await stopServer(child);
    const held = res.drops === 0;
    console.log(`  ${kind.padEnd(7)} target ${String(rate).padStart(5)}/s  measured ${res.measured.toFixed(0).padStart(5)}/s  discovers ${String(res.sent).padStart(6)}  drops ${String(res.drops).padStart(6)}  ${held ? 'held' : 'DROPS'}`);
    if (!held) break;
    best = { rate, measured: res.measured };
  }
  return best;
}

process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));
try {
  if (process.getuid() !== 0) throw new Error('run as root (network namespaces, port 67)');
  need('ip', 'iproute2');
  need('perfdhcp', 'kea-admin');
  need('dnsmasq', 'dnsmasq-base');
  if (!existsSync('dist/src/boot/dhcp/index.js')) throw new Error('dist/ is missing: run npm run build');
  for (const ns of [SRV, CLI]) {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  ip('link', 'add', 'vc0', 'netns', CLI, 'type', 'veth', 'peer', 'name', 'vs0', 'netns', SRV);
  ip('-n', SRV, 'addr', 'add', `${SERVER_IP}/16`, 'dev', 'vs0');
  ip('-n', CLI, 'addr', 'add', '10.99.0.2/16', 'dev', 'vc0');
  ip('-n', SRV, 'link', 'set', 'vs0', 'up');
  ip('-n', CLI, 'link', 'set', 'vc0', 'up');

  const dnsmasqVersion = execFileSync('dnsmasq', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  console.log(`dhcp benchmark: perfdhcp DORA, new client per exchange, ${SECONDS} s per rate, fresh server per rate, /16 pool, persistent leases`);
  console.log(`  vizor: node ${process.version}, leases in SQLite (WAL); ${dnsmasqVersion}, lease file, --no-ping`);
  const vizor = await sweep('vizor');
  const dnsmasq = await sweep('dnsmasq');
  const fmt = (b) => (b ? `${b.measured.toFixed(0)} leases/s (target ${b.rate}/s)` : 'none (dropped at the lowest rate)');
  console.log(`sustained without drops: vizor ${fmt(vizor)}; dnsmasq ${fmt(dnsmasq)}`);
  if (vizor && dnsmasq) console.log(`ratio vizor/dnsmasq: ${(vizor.measured / dnsmasq.measured).toFixed(2)}`);
} catch (err) {
  console.error(`bench dhcp: ${err.message}`);
  process.exitCode = 1;
}
