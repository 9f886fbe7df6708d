// Shared by the CloudStack tests: raw signed requests to the fake, and a driver wired to it
// with short polls and retries.
import { createCloudStackDriver, signedParams, type CloudStackDriver } from '../../../../src/hypervisors/cloudstack/index.js';
import type { CloudStackFake } from '../../../fakes/cloudstack/index.js';

/** An HTTP answer of the fake, parsed. */
export interface RawAnswer {
  status: number;
  body: Record<string, any>;
  text: string;
}

/** Options of {@link raw}. */
export interface RawOptions {
  method?: 'GET' | 'POST';
  apiKey?: string;
  secretKey?: string;
  expiresInMs?: number;
  now?: () => Date;
  /** Changes the parameters after signing (tampering). */
  tamper?: (p: Record<string, string>) => void;
}

/** Sends one signed request (the client's signer) straight to the fake. */
export async function raw(fake: CloudStackFake, command: string, params: Record<string, string> = {}, o: RawOptions = {}): Promise<RawAnswer> {
  const all = signedParams(command, params, {
    apiKey: o.apiKey ?? fake.apiKey,
    secretKey: o.secretKey ?? fake.secretKey,
    ...(o.expiresInMs !== undefined ? { expiresInMs: o.expiresInMs } : {}),
    ...(o.now ? { now: o.now } : {}),
  });
  o.tamper?.(all);
  const form = new URLSearchParams(all).toString();
  const res = o.method === 'GET'
    ? await fetch(`${fake.url}?${form}`)
    : await fetch(fake.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Record<string, any>, text };
}

/** Polls a job through the fake until it ends. */
export async function waitRawJob(fake: CloudStackFake, jobid: string): Promise<Record<string, any>> {
  for (let i = 0; i < 50; i++) {
    const r = await raw(fake, 'queryAsyncJobResult', { jobid });
    const job = r.body.queryasyncjobresultresponse;
    if (job.jobstatus !== 0) return job;
  }
  throw new Error(`job ${jobid} did not end`);
}

/** The iPXE ISO URL the tests' drivers register. */
export const BOOT_ISO_URL = 'http://10.0.0.5:8080/boot/vizor-ipxe-1a2b3c.iso';

/** A driver pointed at the fake, polling every 2 ms, retrying 4 times with 1 ms backoff. */
export function driverFor(fake: CloudStackFake, extra: Partial<Parameters<typeof createCloudStackDriver>[0]> = {}): CloudStackDriver {
  return createCloudStackDriver({
    url: fake.url,
    apiKey: fake.apiKey,
    secretKey: fake.secretKey,
    bootIso: { url: BOOT_ISO_URL },
    pollIntervalMs: 2,
    retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 4 },
    ...extra,
  });
}

/** A build container spec with the default inventory's names. */
export const containerSpec = (name = 'build-1', owner = 'b-42') => ({
  name, vcpus: 2, memoryMiB: 2048, diskGiB: 20, network: 'vizor-net', firmware: 'bios' as const, tag: { role: 'build' as const, owner },
});
