import { randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';
import { RoomError } from './errors.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes the room's lock now (ROOM_LOCKED when a live process holds it, CLI or service alike)
 * and returns the function that releases it.
 */
export function lockRoom(store: Store, room: string, command: string): () => void {
  const holder = randomBytes(8).toString('hex');
  const held = store.rooms.lock(room, holder, command, alive);
  if (held) throw new RoomError('ROOM_LOCKED', `room ${room} is busy: "${held.command}" (pid ${held.pid}) has held it since ${held.acquiredAt}`);
  return () => store.rooms.unlock(room, holder);
}

/** Runs `fn` holding the room's lock; a second command on the same room is refused while it runs. */
export async function withRoomLock<T>(store: Store, room: string, command: string, fn: () => Promise<T>): Promise<T> {
  const release = lockRoom(store, room, command);
  try {
    return await fn();
  } finally {
    release();
  }
}
