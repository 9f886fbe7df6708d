import { XapiFault } from '../faults.js';
import type { XapiRecord, XapiValue } from '../schema.js';

/** A string argument, or FIELD_TYPE_ERROR naming the parameter. */
export function str(v: unknown, name: string): string {
  if (typeof v !== 'string') throw new XapiFault('FIELD_TYPE_ERROR', [name]);
  return v;
}

/** An int argument: a JSON number or a decimal string (both reach XAPI in practice). */
export function int(v: unknown, name: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  throw new XapiFault('FIELD_TYPE_ERROR', [name]);
}

/** A bool argument. */
export function bool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw new XapiFault('FIELD_TYPE_ERROR', [name]);
  return v;
}

/** A record argument (VBD.create and friends). */
export function rec(v: unknown, name: string): { [k: string]: unknown } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new XapiFault('FIELD_TYPE_ERROR', [name]);
  return v as { [k: string]: unknown };
}

/** A string→string map argument. */
export function strMap(v: unknown, name: string): { [k: string]: string } {
  const m = rec(v ?? {}, name);
  for (const x of Object.values(m)) if (typeof x !== 'string') throw new XapiFault('FIELD_TYPE_ERROR', [name]);
  return m as { [k: string]: string };
}

/** A required field of a create() record, typed by its default. */
export function field(r: { [k: string]: unknown }, key: string, kind: 'string' | 'int' | 'bool' | 'map'): XapiValue {
  const v = r[key];
  if (v === undefined) throw new XapiFault('FIELD_TYPE_ERROR', [key]);
  if (kind === 'string') return str(v, key);
  if (kind === 'int') return int(v, key);
  if (kind === 'bool') return bool(v, key);
  return strMap(v, key);
}

/** A deep copy safe to send (records in the db are live). */
export const copy = (r: XapiRecord): XapiRecord => structuredClone(r);
