import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { loadRoomText, RoomConfigError, type RoomConfig, type RoomProblem } from '../../../../src/rooms/config/index.js';

/** test/fixtures/rooms in the source tree (tests run compiled from dist/test/...). */
export const FIXTURES = fileURLToPath(new URL('../../../../../test/fixtures/rooms/', import.meta.url));

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vizor-rooms-'));
}

/** A minimal valid room, to which tests add or override keys. */
export function baseRoom(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    room: 'lab',
    hypervisor: 'hv1',
    template: 'win10',
    usb: false,
    addressing: { subnet: '10.0.0.0/24', gateway: '10.0.0.1', first: '10.0.0.11' },
    groups: [{ name: 'g', ids: [1, 2] }],
    ...extra,
  };
}

/** Loads a room object through the real YAML loader (so paths and lines are real). */
export function roomFrom(obj: Record<string, unknown>, file = 'mem/lab.yaml'): RoomConfig {
  return loadRoomText(stringify(obj), file, { checkTemplateFiles: false });
}

/** Runs `f`, asserts it throws RoomConfigError, and returns its problems. */
export function problemsOf(f: () => unknown): readonly RoomProblem[] {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof RoomConfigError, `expected RoomConfigError, got ${String(err)}`);
    assert.equal(err.code, 'ROOM_CONFIG_INVALID');
    return err.problems;
  }
  assert.fail('expected a RoomConfigError');
}

/** Asserts some problem matches path (exactly) and message (substring or regex). */
export function assertProblem(problems: readonly RoomProblem[], path: string, message: string | RegExp): RoomProblem {
  const hit = problems.find((p) => p.path === path && (typeof message === 'string' ? p.message.includes(message) : message.test(p.message)));
  assert.ok(hit, `no problem at ${path} matching ${String(message)}; got:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  return hit;
}
