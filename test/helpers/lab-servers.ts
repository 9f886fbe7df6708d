// Reference servers for lab tests, run inside the lab's namespace: dnsmasq (DHCP, optional
// TFTP) and busybox httpd. Their logs are the process output (dnsmasq --log-facility=-,
// httpd -vv), so tests can wait for lines such as DHCPACK or "url:/boot.ipxe".
import { join } from 'node:path';
import type { LabProcess } from './lab-process.js';
import { LAB_PATHS } from './lab-tools.js';

/** A bridge inside a lab namespace. */
export interface LabBridge {
  name: string;
  /** The host's address on the bridge, e.g. 10.77.0.1. */
  address: string;
  /** The subnet, e.g. 10.77.0.0/24. */
  cidr: string;
  prefix: number;
}

export interface DnsmasqOptions {
  bridge: string;
  /** Dynamic range; default .100–.200 of the bridge's subnet; null: no DHCP (TFTP only). */
  dhcpRange?: [string, string] | null;
  /** Enables dnsmasq's TFTP server on the bridge address with this root. */
  tftpRoot?: string;
  /** More dnsmasq options, e.g. '--dhcp-boot=tag:efi,snponly.efi'. */
  extra?: string[];
}

/** dnsmasq inside the lab; log() holds its DHCP (--log-dhcp) and TFTP log lines. */
export interface Dnsmasq {
  readonly process: LabProcess;
  readonly leaseFile: string;
  log(): string;
  waitForLog(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
}

export interface HttpOptions {
  /** Directory to serve. */
  root: string;
  /** Bridge whose address to bind (default: the lab's first bridge). */
  bridge?: string;
  /** Default 8080. */
  port?: number;
}

/** busybox httpd inside the lab. */
export interface HttpServer {
  /** Base URL with a trailing slash, e.g. http://10.77.0.1:8080/. */
  readonly url: string;
  readonly process: LabProcess;
  /** Request paths served so far with their status, from httpd's verbose log. */
  requests(): { client: string; path: string; status: number | null }[];
}

/** What the servers need from their lab. */
export interface ServerHost {
  dir: string;
  bridge(name: string): LabBridge;
  spawn(cmd: string, args: string[], opts?: { name?: string }): LabProcess;
  exec(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }>;
}

function hostInSubnet(b: LabBridge, last: number): string {
  return b.address.replace(/\.\d+$/, `.${last}`);
}

/** Starts dnsmasq bound to one bridge (no DNS, no daemon, no config file) and waits until it runs. */
export async function startDnsmasq(host: ServerHost, opts: DnsmasqOptions): Promise<Dnsmasq> {
  const b = host.bridge(opts.bridge);
  const leaseFile = join(host.dir, `dnsmasq-${b.name}.leases`);
  const args = [
    '--no-daemon', '--conf-file=/dev/null', '--port=0', `--interface=${b.name}`, '--bind-interfaces',
    '--except-interface=lo', `--dhcp-leasefile=${leaseFile}`, '--log-dhcp', '--log-facility=-', '--pid-file=',
    // stay root: no surprises reading test files from temp dirs
    '--user=root', '--group=root',
  ];
  if (opts.dhcpRange !== null) {
    const [from, to] = opts.dhcpRange ?? [hostInSubnet(b, 100), hostInSubnet(b, 200)];
    const mask = (0xffffffff << (32 - b.prefix)) >>> 0;
    const maskText = [24, 16, 8, 0].map((s) => (mask >>> s) & 255).join('.');
    args.push(`--dhcp-range=${from},${to},${maskText},1h`);
  }
  if (opts.tftpRoot) args.push('--enable-tftp', `--tftp-root=${opts.tftpRoot}`);
  args.push(...(opts.extra ?? []));
  const proc = host.spawn(LAB_PATHS.dnsmasq, args, { name: `dnsmasq-${b.name}` });
  // dnsmasq logs "started" once its sockets are bound
  await proc.waitForOutput(/started, version/, 10_000);
  return {
    process: proc,
    leaseFile,
    log: () => proc.output(),
    waitForLog: (re, timeoutMs) => proc.waitForOutput(re, timeoutMs),
  };
}

/** Serves a directory over HTTP on a bridge address (busybox httpd -f -vv) and waits until it listens. */
export async function serveHttp(host: ServerHost, firstBridge: string, opts: HttpOptions): Promise<HttpServer> {
  const b = host.bridge(opts.bridge ?? firstBridge);
  const port = opts.port ?? 8080;
  const proc = host.spawn('busybox', ['httpd', '-f', '-vv', '-p', `${b.address}:${port}`, '-h', opts.root], {
    name: `httpd-${b.name}-${port}`,
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { stdout } = await host.exec('ss', ['-Hltn', `src ${b.address}:${port}`]);
    if (stdout.trim()) break;
    if (proc.hasExited() || Date.now() > deadline) {
      await proc.kill();
      throw new Error(`serveHttp: busybox httpd is not listening on ${b.address}:${port}: ${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://${b.address}:${port}/`,
    process: proc,
    requests() {
      // busybox prints "<ip>:<port>: url:<path>" and later "<ip>:<port>: response:<code>"
      const out: { client: string; path: string; status: number | null }[] = [];
      const open = new Map<string, { client: string; path: string; status: number | null }>();
      for (const m of proc.output().matchAll(/^(\S+):(\d+): (url|response):(\S+)/gm)) {
        const key = `${m[1]}:${m[2]}`;
        if (m[3] === 'url') {
          const r = { client: m[1] ?? '', path: m[4] ?? '', status: null };
          out.push(r);
          open.set(key, r);
        } else {
          const r = open.get(key);
          if (r) r.status = Number(m[4]);
        }
      }
      return out;
    },
  };
}
