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
    boot: z
      .object({
        /** Interfaces the boot services answer on; empty turns DHCP and TFTP off. */
        interfaces: z.array(z.string().min(1)).default([]),
        /** Address machines use to reach vizor; default: the first IPv4 address of the first interface. */
        advertiseAddress: z.ipv4().nullable().default(null),
        /** What unknown machines boot into: their local disk, a menu, or register and wait. */
        defaultTask: z.enum(['local', 'menu', 'register']).default('local'),
        dhcp: z
          .object({
            /** off; full (addresses from a pool); proxy (boot information only, beside another DHCP server). */
            mode: z.enum(['off', 'full', 'proxy']).default('off'),
            poolStart: z.ipv4().nullable().default(null),
            poolEnd: z.ipv4().nullable().default(null),
            router: z.ipv4().nullable().default(null),
            dns: z.array(z.ipv4()).default([]),
            domain: z.string().nullable().default(null),
            leaseSeconds: z.number().int().min(60).max(7 * 86400).default(3600),
          })
          .strict()
          .prefault({}),
        tftp: z
          .object({
            port: z.number().int().min(1).max(65535).default(69),
            /** Folder served read-only (boot binaries); default <dataDir>/tftp. */
            root: z.string().nullable().default(null),
          })
          .strict()
          .prefault({}),
        /** UEFI boot file: snponly.efi uses the firmware's network driver, ipxe.efi its own. */
        efiBootFile: z.enum(['snponly.efi', 'ipxe.efi']).default('snponly.efi'),
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
    rooms: z
      .object({
        /** Folder of room files the service (API, UI) knows. */
        dir: z.string().min(1).default('/etc/vizor/rooms.d'),
      })
      .strict()
      .prefault({}),
    builds: z
      .object({
        /** How often running builds are advanced, in milliseconds. */
        tickMs: z.number().int().min(50).max(60_000).default(1000),
        /** Site defaults: template values every build starts from (then image, profile, values file, --set). */
        values: z.record(z.string(), z.string()).default({}),
      })
      .strict()
      .prefault({}),
    exposure: z
      .object({
        /** vizor's own smbd serving ISO contents and status shares to WinPE (windows-install tasks). */
        smb: z
          .object({
            enabled: z.boolean().default(false),
            /** Addresses smbd listens on; default: the boot advertise address. */
            listen: z.array(z.ipv4()).default([]),
            port: z.number().int().min(1).max(65535).default(445),
          })
          .strict()
          .prefault({}),
        /** How ISO contents become a directory for smbd: kernel loop mount when possible, else FUSE. */
        mountMethod: z.enum(['auto', 'fuse', 'loop']).default('auto'),
        /** Unmount an ISO this long after its last holder released it. */
        mountIdleSeconds: z.number().int().min(0).max(86400).default(300),
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
  VIZOR_SMB_PORT: { path: ['exposure', 'smb', 'port'], type: 'number' },
};
