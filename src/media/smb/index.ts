export { SmbClient, type SmbDirEntry, type SmbStat } from './client.js';
export { SmbError, type SmbErrorCode } from './errors.js';
export { SmbFileSource } from './source.js';
export type { SmbTarget, SmbLocation } from './url.js';
