export * from './types.js';
export * from './errors.js';
export { withRetry, pollUntil, DEFAULT_RETRY, type RetryPolicy } from './retry.js';
