import { HvNotFoundError, HvRequestError } from '../errors.js';
import type { XapiConnection } from './connection.js';
import { isRef, isUuid, NULL_REF, type VdiRecord, type VmRecord } from './records.js';

/** A ref with the record read for it. */
export interface Found<R> {
  readonly ref: string;
  readonly record: R;
}

/** The network fields the driver reads. */
export interface NetworkRecord {
  readonly uuid: string;
  readonly name_label: string;
  readonly bridge: string;
  readonly MTU: number | string;
}

/** The SR fields the driver reads. */
export interface SrRecord {
  readonly uuid: string;
  readonly name_label: string;
  readonly type: string;
  readonly content_type: string;
  readonly is_tools_sr: boolean;
  readonly shared: boolean;
  readonly physical_size: number | string;
}

const notFound = (what: string): HvNotFoundError => new HvNotFoundError(`xenserver: ${what}`, { platform: 'xenserver' });

/** The VM ref for a vizor id (the VM uuid; an OpaqueRef is accepted as is). */
export async function vmRef(x: XapiConnection, id: string): Promise<string> {
  if (isRef(id)) return id;
  if (!isUuid(id)) throw notFound(`no VM with id ${id} (ids are VM uuids)`);
  return x.call<string>('VM.get_by_uuid', id);
}

/** A VM's record (HvNotFoundError when the ref is gone). */
export const vmRecord = (x: XapiConnection, ref: string): Promise<VmRecord> => x.call<VmRecord>('VM.get_record', ref);

/** A template by uuid, ref or exact name (the first non-snapshot template of that name). */
export async function findTemplate(x: XapiConnection, nameOrId: string): Promise<Found<VmRecord>> {
  const candidates = isRef(nameOrId)
    ? [nameOrId]
    : isUuid(nameOrId)
      ? [await x.call<string>('VM.get_by_uuid', nameOrId)]
      : await x.call<string[]>('VM.get_by_name_label', nameOrId);
  for (const ref of candidates) {
    const record = await vmRecord(x, ref);
    if (record.is_a_template && !record.is_a_snapshot) return { ref, record };
  }
  throw notFound(`no template "${nameOrId}"`);
}

/** A network by uuid, ref or name. */
export async function findNetwork(x: XapiConnection, nameOrId: string): Promise<Found<NetworkRecord>> {
  const all = await x.call<Record<string, NetworkRecord>>('network.get_all_records');
  const hit = pickByIdOrName(all, nameOrId);
  if (!hit) throw notFound(`no network "${nameOrId}"`);
  return hit;
}

/** A disk SR by uuid, ref or name; without one, the pool's default SR. */
export async function findDiskSr(x: XapiConnection, nameOrId: string | undefined): Promise<Found<SrRecord>> {
  const all = await x.call<Record<string, SrRecord>>('SR.get_all_records');
  const wanted = nameOrId ?? String((await x.pool())['default_SR'] ?? NULL_REF);
  const hit = pickByIdOrName(all, wanted);
  if (!hit) throw notFound(nameOrId ? `no storage repository "${nameOrId}"` : 'the pool has no default SR: name one with placement.storage');
  if (hit.record.content_type === 'iso') throw new HvRequestError(`xenserver: "${hit.record.name_label}" is an ISO SR, not disk storage`, { platform: 'xenserver' });
  return hit;
}

/** An ISO (a VDI on an SR whose content_type is iso) by uuid, ref or name. */
export async function findIso(x: XapiConnection, nameOrId: string): Promise<Found<VdiRecord>> {
  const refs = isRef(nameOrId)
    ? [nameOrId]
    : isUuid(nameOrId)
      ? [await x.call<string>('VDI.get_by_uuid', nameOrId)]
      : await x.call<string[]>('VDI.get_by_name_label', nameOrId);
  for (const ref of refs) {
    const record = await x.call<VdiRecord>('VDI.get_record', ref);
    if (record.is_a_snapshot) continue;
    if ((await x.call<string>('SR.get_content_type', record.SR)) === 'iso') return { ref, record };
  }
  throw notFound(`no ISO "${nameOrId}" on an ISO SR`);
}

/** The entry of a get_all_records map whose ref, uuid or name_label is `key` (uuid and ref first). */
export function pickByIdOrName<R extends { uuid: string; name_label: string }>(all: Record<string, R>, key: string): Found<R> | undefined {
  const entries = Object.entries(all);
  const exact = entries.find(([ref, r]) => ref === key || r.uuid === key) ?? entries.find(([, r]) => r.name_label === key);
  return exact ? { ref: exact[0], record: exact[1] } : undefined;
}
