export * from './config/index.js';
export { rolloutRoom, templateId, ROLLOUT_STEPS } from './rollout.js';
export { roomStatus, deleteRoomVms, resetRoomVms, powerRoomVms, resetSnapshot, type RoomVmStatus } from './actions.js';
export { bounded, ownerOf, roomVmsOn, type RoomContext, type VmResult } from './context.js';
export { payloadFiles, writePayloadImage, removePayload } from './payload.js';
export { RoomError, type RoomErrorCode } from './errors.js';
export { lockRoom, withRoomLock } from './lock.js';
