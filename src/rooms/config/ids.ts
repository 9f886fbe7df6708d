import { evaluateExpression } from './expr.js';
import { RoomExpressionError } from './errors.js';

/** Most VMs one room may hold: far above a real classroom, far below a runaway range. */
export const MAX_ROOM_VMS = 1000;
/** Largest VM id; keeps names short enough for NetBIOS. */
export const MAX_ID = 99999;

/**
 * Parses a legacy amoothei-vm-rollout `ids` value such as `[1]`, `[1, 2, 3]`,
 * `range(2,4+1)` or `range(1, 10)` without evaluating it as code. The result must be a
 * list of distinct ids between 0 and MAX_ID; anything else throws RoomExpressionError.
 */
export function parseLegacyIds(text: string, key = 'ids'): number[] {
  const value = evaluateExpression(text.trim(), { key, lists: true, maxItems: MAX_ROOM_VMS });
  if (!Array.isArray(value)) throw new RoomExpressionError(key, text, 'must be a list such as [1, 2] or range(1, 5)');
  if (value.length === 0) throw new RoomExpressionError(key, text, 'gives no ids');
  const seen = new Set<number>();
  for (const id of value) {
    if (id < 0 || id > MAX_ID) throw new RoomExpressionError(key, text, `id ${id} is outside 0-${MAX_ID}`);
    if (seen.has(id)) throw new RoomExpressionError(key, text, `id ${id} appears twice`);
    seen.add(id);
  }
  return value;
}

/** One entry of a YAML `ids` list: a number, or a range string `"5-8"`. */
export type IdEntry = number | string;

/**
 * Expands a YAML `ids` list (`[1, 2, "5-8"]`) into ids in the order written. Returns the
 * ids plus one message per bad entry, keyed by the entry's index.
 */
export function expandIds(entries: readonly IdEntry[]): { ids: number[]; problems: { index: number; message: string }[] } {
  const ids: number[] = [];
  const problems: { index: number; message: string }[] = [];
  entries.forEach((entry, index) => {
    if (typeof entry === 'number') {
      if (!Number.isInteger(entry) || entry < 0 || entry > MAX_ID) problems.push({ index, message: `id ${entry} must be a whole number from 0 to ${MAX_ID}` });
      else ids.push(entry);
      return;
    }
    const m = /^\s*(\d{1,6})\s*-\s*(\d{1,6})\s*$/.exec(entry);
    if (!m) {
      problems.push({ index, message: `"${entry}" is not an id or a range like "5-8"` });
      return;
    }
    const [lo, hi] = [Number(m[1]), Number(m[2])];
    if (lo > hi) problems.push({ index, message: `range "${entry}" runs backwards; write "${hi}-${lo}"` });
    else if (hi > MAX_ID) problems.push({ index, message: `range "${entry}" goes past the largest id ${MAX_ID}` });
    else if (ids.length + hi - lo + 1 > MAX_ROOM_VMS) problems.push({ index, message: `range "${entry}" would give more than ${MAX_ROOM_VMS} VMs` });
    else for (let id = lo; id <= hi; id++) ids.push(id);
  });
  return { ids, problems };
}

/** Writes ids compactly for YAML: runs of three or more consecutive ids become `"a-b"`. */
export function compactIds(ids: readonly number[]): IdEntry[] {
  const sorted = [...ids].sort((a, b) => a - b);
  const out: IdEntry[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    if (j - i >= 2) out.push(`${sorted[i]}-${sorted[j]}`);
    else for (let k = i; k <= j; k++) out.push(sorted[k]!);
    i = j + 1;
  }
  return out;
}

/** Digits each id is padded to in names: the width of the room's largest id, at least 2. */
export function idWidth(ids: Iterable<number>): number {
  let max = 0;
  for (const id of ids) max = Math.max(max, id);
  return Math.max(2, String(max).length);
}
