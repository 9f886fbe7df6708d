export { mediaRouter, type MediaRouterOptions } from './http-media.js';
export { OpenIsoCache, type OpenIso, type IsoLease } from './images.js';
export { decideRange, type ByteRange, type RangeDecision } from './range.js';
