import { settingsShape, type RoomConfig, type RoomGroup, type RoomSettings } from './schema.js';

/** The level a setting was taken from. */
export type SettingOrigin = 'site' | 'room' | 'group';

/** Settings after inheritance, with the level each top-level key came from. */
export interface MergedSettings {
  readonly settings: RoomSettings;
  readonly origin: Readonly<Partial<Record<keyof RoomSettings, SettingOrigin>>>;
}

/** Keys that exclude each other inside one object: setting one drops the others inherited. */
const EXCLUSIVE: Readonly<Record<string, readonly (readonly string[])[]>> = {
  addressing: [['first', 'formula']],
  thinClient: [['user', 'group']],
};

const SETTING_KEYS = Object.keys(settingsShape) as (keyof RoomSettings)[];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; arrays and scalars in `over` replace; `undefined` keeps the base. */
function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function mergeKey(key: string, base: unknown, over: unknown): unknown {
  if (!isPlainObject(over) || !isPlainObject(base)) return over;
  let b = base;
  for (const group of EXCLUSIVE[key] ?? []) {
    // A level that picks one alternative (say formula) must not inherit another (first).
    if (group.some((k) => over[k] !== undefined)) {
      b = { ...b };
      for (const k of group) delete b[k];
    }
  }
  return deepMerge(b, over);
}

/** Picks the setting keys out of a room or group object. */
export function settingsOf(obj: RoomSettings | RoomConfig | RoomGroup): RoomSettings {
  const out: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) if (obj[k] !== undefined) out[k] = obj[k];
  return out as RoomSettings;
}

/**
 * Merges settings from least to most specific (site, room, group). Objects merge key by
 * key (so `unattend.values` from all levels combine), lists and scalars replace, and
 * `null` turns an inherited block (domain, snapshot, thinClient, unattend) off.
 */
export function mergeLevels(levels: readonly { origin: SettingOrigin; settings: RoomSettings }[]): MergedSettings {
  const merged: Record<string, unknown> = {};
  const origin: Partial<Record<keyof RoomSettings, SettingOrigin>> = {};
  for (const level of levels) {
    for (const key of SETTING_KEYS) {
      const v = level.settings[key];
      if (v === undefined) continue;
      merged[key] = mergeKey(key, merged[key], v);
      origin[key] = level.origin;
    }
  }
  return { settings: merged as RoomSettings, origin };
}

/** The YAML path of a merged key, e.g. `groups[2].addressing`, `addressing` or `site.addressing`. */
export function originPath(origin: SettingOrigin | undefined, groupIndex: number, key: string): string {
  if (origin === 'site') return `site.${key}`;
  if (origin === 'room') return key;
  return `groups[${groupIndex}].${key}`;
}
