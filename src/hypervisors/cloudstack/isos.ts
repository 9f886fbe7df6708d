/**
 * ISOs on CloudStack: the management server downloads an ISO from a URL (registerIso) and it
 * is usable once `isready`. The iPXE boot ISO is registered once per zone and found again
 * by name and a `vizor.boot-iso` tag holding a fingerprint of its URL.
 */
import { createHash } from 'node:crypto';
import { HvJobFailedError, HvNotFoundError } from '../errors.js';
import { pollUntil } from '../retry.js';
import type { CsClient, CsObject } from './client.js';
import { listAll, TAG, tagMap, tagParams, writeTags } from './present.js';

/** The iPXE boot ISO vizor serves, as the driver registers it. */
export interface BootIsoSettings {
  /** Where CloudStack downloads it (vizor's HTTP server); the path must end in `.iso`. Put a version in it to re-register a changed ISO. */
  readonly url: string;
  /** Name on the platform (default: the URL's file name). */
  readonly name?: string;
  /** OS type of the ISO and of VMs deployed from it (default "Other (64-bit)"). */
  readonly osType?: string;
  /** True when the ISO has a UEFI boot entry (see buildIpxeIso's `efi` option). */
  readonly uefi?: boolean;
  /** Longest wait for the download (default 15 min). */
  readonly readyTimeoutMs?: number;
}

/** What registering needs. */
export interface IsoRegistration {
  readonly name: string;
  readonly url: string;
  readonly zoneId: string;
  readonly osTypeId: string;
  readonly bootable: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

// statuses of a download that will not finish
const FAILED = /fail|error|abandon|not found|timed out/i;

/** A short fingerprint of the boot ISO URL, the value of its `vizor.boot-iso` tag. */
export const urlFingerprint = (url: string): string => createHash('sha256').update(url).digest('hex').slice(0, 16);

/** The ISO's name from settings or from the URL's last path segment. */
export function bootIsoName(s: BootIsoSettings): string {
  if (s.name) return s.name;
  const last = decodeURIComponent(new URL(s.url).pathname.split('/').pop() ?? '');
  return last || 'vizor-ipxe.iso';
}

/** ISOs with a name in a zone carrying every given tag: this account's (`self`) or all it may use (`executable`). */
export async function findIsos(
  client: CsClient, name: string, zoneId: string, tags: Readonly<Record<string, string>>, isofilter: 'self' | 'executable' = 'self',
): Promise<CsObject[]> {
  const isos = await listAll(client, 'listIsos', 'iso', { isofilter, name, zoneid: zoneId, ...tagParams(tags) });
  // filter again: a server may ignore a filter it does not know
  return isos.filter((i) => i.name === name && Object.entries(tags).every(([k, v]) => tagMap(i).get(k) === v));
}

/** Registers an ISO from a URL, tags it, and returns its id (not yet ready). */
export async function registerIso(client: CsClient, r: IsoRegistration): Promise<string> {
  const res = await client.call('registerIso', {
    name: r.name, displaytext: r.name, url: r.url, zoneid: r.zoneId, ostypeid: r.osTypeId,
    bootable: String(r.bootable), ispublic: 'false', isextractable: 'false',
  });
  const iso = Array.isArray(res.iso) ? (res.iso[0] as CsObject | undefined) : undefined;
  if (!iso?.id) throw new HvJobFailedError(`cloudstack registerIso: no ISO in the answer for ${r.name}`, { platform: 'cloudstack' });
  await writeTags(client, 'ISO', String(iso.id), r.tags);
  return String(iso.id);
}

/** Polls listIsos until the ISO is ready; a failed download or a vanished ISO is an error. */
export async function waitIsoReady(client: CsClient, id: string, timeoutMs: number, intervalMs: number): Promise<CsObject> {
  return pollUntil('cloudstack', `ISO ${id} to finish downloading`, async () => {
    const r = await client.call('listIsos', { isofilter: 'self', id });
    const iso = Array.isArray(r.iso) ? (r.iso[0] as CsObject | undefined) : undefined;
    if (!iso) throw new HvNotFoundError(`cloudstack: ISO ${id} disappeared while downloading`, { platform: 'cloudstack' });
    if (iso.isready === true) return iso;
    const status = String(iso.status ?? '');
    if (FAILED.test(status)) {
      throw new HvJobFailedError(`cloudstack: ISO ${String(iso.name)} did not download: ${status}`, { platform: 'cloudstack', platformMessage: status });
    }
    return undefined;
  }, { timeoutMs, intervalMs });
}

/** What ensureBootIso needs. */
export interface BootIsoContext {
  readonly client: CsClient;
  readonly settings: BootIsoSettings;
  readonly zoneId: string;
  readonly osTypeId: () => Promise<string>;
  readonly pollIntervalMs: number;
}

/** The boot ISO's id in the zone: the one already registered from the same URL, else a new registration; ready. */
export async function ensureBootIso(c: BootIsoContext): Promise<string> {
  const name = bootIsoName(c.settings);
  const tags = { [TAG.bootIso]: urlFingerprint(c.settings.url) };
  const timeoutMs = c.settings.readyTimeoutMs ?? 15 * 60_000;
  const existing = await findIsos(c.client, name, c.zoneId, tags);
  const usable = existing.find((i) => i.isready === true) ?? existing.find((i) => !FAILED.test(String(i.status ?? '')));
  const id = usable
    ? String(usable.id)
    : await registerIso(c.client, { name, url: c.settings.url, zoneId: c.zoneId, osTypeId: await c.osTypeId(), bootable: true, tags });
  if (usable?.isready === true) return id;
  await waitIsoReady(c.client, id, timeoutMs, c.pollIntervalMs);
  return id;
}
