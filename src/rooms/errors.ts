import { VizorError } from '../errors.js';

/** Codes of room operation errors. */
export type RoomErrorCode = 'ROOM_LOCKED' | 'ROOM_SECRET' | 'ROOM_TEMPLATE' | 'ROOM_PAYLOAD' | 'ROOM_NOT_FOUND' | 'ROOM_CONFIRM';

/** A room command could not run or a VM step failed for a room-level reason. */
export class RoomError extends VizorError {
  constructor(readonly code: RoomErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
