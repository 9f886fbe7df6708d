import { randomUUID } from 'node:crypto';
import { handleInvalid, XapiFault } from './faults.js';
import { CLASSES, defaultsFor, NULL_REF, type XapiRecord, type XapiValue } from './schema.js';

/** What happened to a record: the `operation` of an XAPI event. */
export type ChangeKind = 'add' | 'mod' | 'del';

/** Called after every change with a snapshot of the record. */
export type ChangeListener = (cls: string, op: ChangeKind, ref: string, snapshot: XapiRecord) => void;

/** A new opaque reference, in the shape XAPI uses. */
export const newRef = (): string => `OpaqueRef:${randomUUID()}`;

/**
 * The fake's in-memory database: records per class keyed by opaque ref, a uuid index, and
 * a change listener that feeds event.from. Mutations go through create/update/destroy so
 * every change produces exactly one event, as on a host.
 */
export class XapiDb {
  private readonly tables = new Map<string, Map<string, XapiRecord>>();
  private readonly classByRef = new Map<string, string>();
  private readonly refByUuid = new Map<string, string>();
  private readonly lowerToClass = new Map<string, string>();

  constructor(private readonly onChange: ChangeListener) {
    for (const cls of CLASSES) {
      this.tables.set(cls, new Map());
      this.lowerToClass.set(cls.toLowerCase(), cls);
    }
  }

  /** The canonical spelling of a class name given in any case, or undefined. */
  className(name: string): string | undefined {
    return this.lowerToClass.get(name.toLowerCase());
  }

  /** The class a live ref belongs to. */
  classOf(ref: string): string | undefined {
    return this.classByRef.get(ref);
  }

  /** All records of a class as [ref, record] pairs (live objects: copy before sending). */
  all(cls: string): Array<[string, XapiRecord]> {
    return [...this.table(cls).entries()];
  }

  /** Number of live records of a class. */
  count(cls: string): number {
    return this.table(cls).size;
  }

  /** The record behind `ref`, or undefined. */
  find(cls: string, ref: unknown): XapiRecord | undefined {
    return typeof ref === 'string' ? this.table(cls).get(ref) : undefined;
  }

  /** The record behind `ref`; HANDLE_INVALID when there is none. */
  get(cls: string, ref: unknown): XapiRecord {
    const rec = this.find(cls, ref);
    if (!rec) throw handleInvalid(cls, String(ref));
    return rec;
  }

  /** The ref of the `cls` object with this uuid; UUID_INVALID when there is none. */
  refByUuidOf(cls: string, uuid: unknown): string {
    const ref = typeof uuid === 'string' ? this.refByUuid.get(uuid) : undefined;
    if (!ref || this.classByRef.get(ref) !== cls) throw new XapiFault('UUID_INVALID', [cls, String(uuid)]);
    return ref;
  }

  /** Creates a record with every default field and a fresh uuid (or `fields.uuid` when given and free); returns its ref. */
  create(cls: string, fields: XapiRecord): string {
    const ref = newRef();
    const wanted = fields['uuid'];
    const uuid = typeof wanted === 'string' && !this.refByUuid.has(wanted) ? wanted : randomUUID();
    const rec: XapiRecord = { ...defaultsFor(cls, fields), uuid };
    this.table(cls).set(ref, rec);
    this.classByRef.set(ref, cls);
    this.refByUuid.set(uuid, ref);
    this.onChange(cls, 'add', ref, structuredClone(rec));
    return ref;
  }

  /** Overwrites some fields of a record and emits one `mod` event. */
  update(cls: string, ref: string, patch: XapiRecord): XapiRecord {
    const rec = this.get(cls, ref);
    Object.assign(rec, structuredClone(patch));
    this.onChange(cls, 'mod', ref, structuredClone(rec));
    return rec;
  }

  /** Deletes a record and emits `del` (with the last snapshot). */
  destroy(cls: string, ref: string): void {
    const rec = this.get(cls, ref);
    this.table(cls).delete(ref);
    this.classByRef.delete(ref);
    this.refByUuid.delete(String(rec['uuid']));
    this.onChange(cls, 'del', ref, structuredClone(rec));
  }

  /** Adds `value` to the set field `field` of a record (no-op when present or ref is NULL). */
  link(cls: string, ref: string, field: string, value: string): void {
    const rec = this.find(cls, ref);
    if (!rec || ref === NULL_REF) return;
    const list = rec[field] as XapiValue[];
    if (!list.includes(value)) this.update(cls, ref, { [field]: [...list, value] });
  }

  /** Removes `value` from the set field `field` of a record, if both exist. */
  unlink(cls: string, ref: string, field: string, value: string): void {
    const rec = this.find(cls, ref);
    if (!rec) return;
    const list = rec[field] as XapiValue[];
    if (list.includes(value)) this.update(cls, ref, { [field]: list.filter((v) => v !== value) });
  }

  private table(cls: string): Map<string, XapiRecord> {
    const t = this.tables.get(cls);
    if (!t) throw new Error(`xapi fake: unknown class ${cls}`);
    return t;
  }
}
