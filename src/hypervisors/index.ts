export * from './types.js';
export * from './errors.js';
export { withRetry, pollUntil, DEFAULT_RETRY, type RetryPolicy } from './retry.js';
export { openDriver, parseHypervisorOptions, qemuStateDir, HYPERVISOR_OPTIONS, type HypervisorEntry } from './factory.js';
