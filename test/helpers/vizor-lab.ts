// Runs `vizor serve` inside a lab namespace with a generated configuration, and reads what
// its servers recorded (node events, leases) straight from its database.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import type { Lab, LabProcess } from './lab.js';

const bin = fileURLToPath(new URL('../../../bin/vizor.js', import.meta.url));

/** A vizor service running in a lab. */
export interface LabVizor {
  readonly process: LabProcess;
  readonly dataDir: string;
  readonly httpPort: number;
  /** Event kinds and details recorded for a MAC, oldest first. */
  events(mac: string): { kind: string; detail: Record<string, unknown> }[];
  leases(): { mac: string; ip: string; state: string }[];
  /** Runs a vizor CLI command against the same configuration (from the root namespace). */
  configFile: string;
  stop(): Promise<void>;
}

/** Starts vizor in the lab with `boot` settings merged into a private configuration. */
export async function startVizorInLab(lab: Lab, boot: Record<string, unknown>, setup?: (configFile: string) => void): Promise<LabVizor> {
  const dataDir = join(lab.dir, 'vizor-data');
  mkdirSync(dataDir, { recursive: true });
  const httpPort = 8080;
  const configFile = join(lab.dir, 'vizor.yaml');
  writeFileSync(configFile, stringify({
    dataDir,
    log: { level: 'debug' },
    http: { host: '0.0.0.0', port: httpPort },
    secrets: { keyFile: join(lab.dir, 'secret.key') },
    boot: { tftp: { root: join(lab.dir, 'boot-files') }, ...boot },
  }));
  setup?.(configFile);
  const proc = lab.spawn(process.execPath, [bin, '--config', configFile, 'serve'], { name: 'vizor' });
  await proc.waitForOutput(/"msg":"vizor serving"/, 60_000);
  const db = () => new Database(join(dataDir, 'vizor.db'), { readonly: true, fileMustExist: true });
  return {
    process: proc,
    dataDir,
    httpPort,
    configFile,
    events(mac) {
      const d = db();
      try {
        return (d.prepare('SELECT kind, detail FROM node_events WHERE mac = ? ORDER BY id').all(mac) as { kind: string; detail: string }[]).map((r) => ({ kind: r.kind, detail: JSON.parse(r.detail) as Record<string, unknown> }));
      } finally {
        d.close();
      }
    },
    leases() {
      const d = db();
      try {
        return d.prepare('SELECT mac, ip, state FROM dhcp_leases ORDER BY ip').all() as { mac: string; ip: string; state: string }[];
      } finally {
        d.close();
      }
    },
    stop: () => proc.kill(),
  };
}

/**
 * Runs the vizor CLI (root namespace) against a lab vizor's configuration, without blocking
 * this process (test timeouts still fire), and kills it after `timeoutMs`.
 */
export async function vizorCli(configFile: string, args: string[], timeoutMs = 900_000): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [bin, '--config', configFile, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(new Error(`vizor ${args.join(' ')}: ${String(stderr).trim() || err.message}`), { cause: err }));
      else resolve(stdout);
    });
  });
}
