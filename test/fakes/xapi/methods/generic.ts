import type { MethodTable } from '../context.js';
import { XapiFault } from '../faults.js';
import { CLASSES, defaultsFor, fieldsOf, isMap, SETTABLE, type XapiValue } from '../schema.js';
import { copy, str } from './args.js';

/**
 * The methods XAPI generates for every class: get_all, get_all_records, get_record,
 * get_by_uuid, get_by_name_label, get_<field>, set_<field> for writable fields,
 * add_to_/remove_from_ for map fields and add_tags/remove_tags.
 */
export function genericMethods(table: MethodTable): void {
  for (const cls of CLASSES) {
    const fields = fieldsOf(cls);
    table.set(`${cls}.get_all`, { params: 0, run: (c) => c.db.all(cls).map(([ref]) => ref) });
    table.set(`${cls}.get_all_records`, {
      params: 0,
      run: (c) => Object.fromEntries(c.db.all(cls).map(([ref, r]) => [ref, copy(r)])),
    });
    table.set(`${cls}.get_record`, { params: 1, run: (c, [ref]) => copy(c.db.get(cls, ref)) });
    table.set(`${cls}.get_by_uuid`, { params: 1, run: (c, [uuid]) => c.db.refByUuidOf(cls, uuid) });
    if (fields.includes('name_label')) {
      table.set(`${cls}.get_by_name_label`, {
        params: 1,
        run: (c, [label]) => c.db.all(cls).filter(([, r]) => r['name_label'] === str(label, 'label')).map(([ref]) => ref),
      });
    }
    for (const f of fields) {
      table.set(`${cls}.get_${f}`, { params: 1, run: (c, [ref]) => structuredClone(c.db.get(cls, ref)[f]) });
    }
    for (const f of SETTABLE[cls] ?? []) {
      table.set(`${cls}.set_${f}`, { params: 2, run: (c, [ref, value]) => void c.db.update(cls, str(ref, 'self'), { [f]: checkLike(c.db.get(cls, ref)[f], value, f) }) });
    }
    const sample = defaultsFor(cls, {});
    for (const f of fields) {
      if (isMap(sample[f])) addMapMethods(table, cls, f);
    }
    if (fields.includes('tags')) {
      table.set(`${cls}.add_tags`, { params: 2, run: (c, [ref, tag]) => c.db.link(cls, str(ref, 'self'), 'tags', str(tag, 'value')) });
      table.set(`${cls}.remove_tags`, { params: 2, run: (c, [ref, tag]) => c.db.unlink(cls, str(ref, 'self'), 'tags', str(tag, 'value')) });
    }
  }
}

/** add_to_<field>(self, key, value) and remove_from_<field>(self, key) for one map field. */
function addMapMethods(table: MethodTable, cls: string, f: string): void {
  table.set(`${cls}.add_to_${f}`, {
    params: 3,
    run: (c, [ref, key, value]) => {
      const map = c.db.get(cls, ref)[f] as { [k: string]: XapiValue };
      const k = str(key, 'key');
      if (k in map) throw new XapiFault('MAP_DUPLICATE_KEY', [cls, f, String(ref), k]);
      c.db.update(cls, String(ref), { [f]: { ...map, [k]: str(value, 'value') } });
    },
  });
  table.set(`${cls}.remove_from_${f}`, {
    params: 2,
    run: (c, [ref, key]) => {
      const map = { ...(c.db.get(cls, ref)[f] as { [k: string]: XapiValue }) };
      const k = str(key, 'key');
      if (!(k in map)) return;
      delete map[k];
      c.db.update(cls, String(ref), { [f]: map });
    },
  });
}

/** Rejects a setter value whose JSON type differs from the field's (FIELD_TYPE_ERROR). */
function checkLike(current: XapiValue | undefined, value: unknown, f: string): XapiValue {
  const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  if (kind(current) !== kind(value)) throw new XapiFault('FIELD_TYPE_ERROR', [f]);
  return value as XapiValue;
}
