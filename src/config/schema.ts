import { z } from 'zod';

/**
 * The configuration schema with its built-in defaults. Every key has a default, so
 * vizor runs with no file at all. Unknown keys are errors: a typo must not be ignored.
 */
export const configSchema = z
  .object({
    /** Where vizor keeps its database, caches and generated files. */
    dataDir: z.string().min(1).default('/var/lib/vizor'),
    log: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      })
      .strict()
      .prefault({}),
    http: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        port: z.number().int().min(1).max(65535).default(8080),
      })
      .strict()
      .prefault({}),
    secrets: z
      .object({
        /** 32-byte key that encrypts stored credentials; created 0600 on first use. */
        keyFile: z.string().min(1).default('/etc/vizor/secret.key'),
      })
      .strict()
      .prefault({}),
    catalog: z
      .object({
        /** ISOs inspected at once during a scan. */
        scanConcurrency: z.number().int().min(1).max(64).default(4),
        /** SMB reads: the kernel's CIFS client when available ('auto'), always it, or vizor's user-space client. */
        smbClient: z.enum(['auto', 'kernel', 'userspace']).default('auto'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** The validated, complete configuration. */
export type VizorConfig = z.infer<typeof configSchema>;

/** Environment variables that override file values, with the key each sets and its type. */
export const envOverrides: Readonly<Record<string, { path: readonly string[]; type: 'string' | 'number' }>> = {
  VIZOR_DATA_DIR: { path: ['dataDir'], type: 'string' },
  VIZOR_LOG_LEVEL: { path: ['log', 'level'], type: 'string' },
  VIZOR_HTTP_HOST: { path: ['http', 'host'], type: 'string' },
  VIZOR_HTTP_PORT: { path: ['http', 'port'], type: 'number' },
  VIZOR_SECRETS_KEY_FILE: { path: ['secrets', 'keyFile'], type: 'string' },
  VIZOR_SCAN_CONCURRENCY: { path: ['catalog', 'scanConcurrency'], type: 'number' },
  VIZOR_SMB_CLIENT: { path: ['catalog', 'smbClient'], type: 'string' },
};
