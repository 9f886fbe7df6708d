/**
 * Versioned schema migrations, applied in order at start. The version lives in SQLite's
 * `user_version`. SQL stays portable (no SQLite-only types or upsert forms beyond
 * `ON CONFLICT`), so a later PostgreSQL hub can reuse it.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'catalog',
    sql: `
      CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('file', 'smb', 'nfs')),
        url TEXT NOT NULL,
        secret_name TEXT,
        created_at TEXT NOT NULL,
        last_scan_at TEXT
      );
      CREATE TABLE isos (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        volume_label TEXT,
        kind TEXT NOT NULL,
        file_systems TEXT NOT NULL DEFAULT '[]',
        udf_revision TEXT,
        boot TEXT,
        install_image TEXT,
        error_code TEXT,
        error_message TEXT,
        bytes_read INTEGER NOT NULL DEFAULT 0,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        inspected_at TEXT NOT NULL,
        missing INTEGER NOT NULL DEFAULT 0,
        UNIQUE (source_id, path)
      );
      CREATE INDEX isos_kind ON isos(kind);
      CREATE TABLE editions (
        id INTEGER PRIMARY KEY,
        iso_id INTEGER NOT NULL REFERENCES isos(id) ON DELETE CASCADE,
        image_path TEXT NOT NULL,
        image_index INTEGER NOT NULL,
        name TEXT,
        description TEXT,
        edition_id TEXT,
        product_name TEXT,
        installation_type TEXT,
        arch TEXT,
        major INTEGER,
        minor INTEGER,
        build INTEGER,
        sp_build INTEGER,
        languages TEXT NOT NULL DEFAULT '[]',
        default_language TEXT,
        total_bytes INTEGER,
        UNIQUE (iso_id, image_index)
      );
      CREATE INDEX editions_lookup ON editions(edition_id, arch, build);
      CREATE TABLE langpacks (
        id INTEGER PRIMARY KEY,
        iso_id INTEGER NOT NULL REFERENCES isos(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        locale TEXT NOT NULL,
        arch TEXT,
        edition TEXT,
        UNIQUE (iso_id, path)
      );
      CREATE TABLE tools_isos (
        iso_id INTEGER PRIMARY KEY REFERENCES isos(id) ON DELETE CASCADE,
        family TEXT NOT NULL,
        version TEXT
      );
      CREATE TABLE linux_trees (
        iso_id INTEGER PRIMARY KEY REFERENCES isos(id) ON DELETE CASCADE,
        distro TEXT NOT NULL,
        release TEXT,
        codename TEXT,
        arch TEXT,
        kernel_path TEXT,
        initrd_path TEXT
      );
      CREATE TABLE scan_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
        sources TEXT NOT NULL,
        new_count INTEGER NOT NULL DEFAULT 0,
        changed_count INTEGER NOT NULL DEFAULT 0,
        unchanged_count INTEGER NOT NULL DEFAULT 0,
        renamed_count INTEGER NOT NULL DEFAULT 0,
        missing_count INTEGER NOT NULL DEFAULT 0,
        failed_count INTEGER NOT NULL DEFAULT 0,
        bytes_read INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE scan_errors (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES scan_runs(id) ON DELETE CASCADE,
        source_name TEXT NOT NULL,
        path TEXT,
        code TEXT NOT NULL,
        message TEXT NOT NULL
      );
      CREATE TABLE secrets (
        name TEXT PRIMARY KEY,
        nonce BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        tag BLOB NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'boot',
    sql: `
      CREATE TABLE nodes (
        mac TEXT PRIMARY KEY,
        name TEXT UNIQUE,
        uuid TEXT,
        task TEXT NOT NULL DEFAULT '{"kind":"default"}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_seen_at TEXT
      );
      CREATE TABLE node_events (
        id INTEGER PRIMARY KEY,
        mac TEXT NOT NULL,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX node_events_mac ON node_events(mac, id);
      CREATE TABLE dhcp_leases (
        mac TEXT PRIMARY KEY,
        ip TEXT NOT NULL UNIQUE,
        hostname TEXT,
        state TEXT NOT NULL CHECK (state IN ('offered', 'bound', 'released')),
        expires_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE dhcp_declined (
        ip TEXT PRIMARY KEY,
        until TEXT NOT NULL
      );
      CREATE TABLE dhcp_reservations (
        mac TEXT PRIMARY KEY,
        ip TEXT NOT NULL UNIQUE,
        hostname TEXT,
        owner TEXT NOT NULL DEFAULT 'manual'
      );
    `,
  },
  {
    version: 3,
    name: 'hypervisors',
    sql: `
      CREATE TABLE hypervisors (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('xenserver', 'cloudstack', 'ovirt', 'qemu')),
        url TEXT NOT NULL,
        username TEXT,
        options TEXT NOT NULL DEFAULT '{}',
        secret_name TEXT,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'builds',
    sql: `
      CREATE TABLE profiles (
        name TEXT PRIMARY KEY,
        hypervisor TEXT NOT NULL,
        spec TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE builds (
        id TEXT PRIMARY KEY,
        hypervisor TEXT NOT NULL,
        profile TEXT NOT NULL,
        iso_id INTEGER NOT NULL,
        family TEXT NOT NULL CHECK (family IN ('windows', 'debian', 'rhel')),
        spec TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'cancelling', 'cancelled')),
        stage TEXT NOT NULL,
        stage_started_at TEXT NOT NULL,
        vm_id TEXT,
        mac TEXT,
        token TEXT NOT NULL UNIQUE,
        template_id TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX builds_state ON builds(state);
      CREATE TABLE build_events (
        id INTEGER PRIMARY KEY,
        build_id TEXT NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        stage TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX build_events_build ON build_events(build_id, id);
      CREATE TABLE templates (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        hypervisor TEXT NOT NULL,
        platform_id TEXT NOT NULL,
        build_id TEXT,
        iso_id INTEGER,
        source TEXT NOT NULL DEFAULT '{}',
        published INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'present' CHECK (state IN ('present', 'missing', 'deleted')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (hypervisor, platform_id)
      );
      CREATE TABLE instances (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        hypervisor TEXT NOT NULL,
        platform_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('build', 'room')),
        owner TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '{}',
        state TEXT NOT NULL DEFAULT 'unknown',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (hypervisor, platform_id)
      );
    `,
  },
  {
    version: 5,
    name: 'rooms',
    sql: `
      CREATE TABLE room_vms (
        room TEXT NOT NULL,
        name TEXT NOT NULL,
        hypervisor TEXT NOT NULL,
        platform_id TEXT,
        mac TEXT,
        run_id TEXT NOT NULL,
        step TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'working', 'done', 'failed')),
        error TEXT,
        detail TEXT NOT NULL DEFAULT '{}',
        updated_at TEXT NOT NULL,
        PRIMARY KEY (room, name)
      );
      CREATE TABLE room_locks (
        room TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        pid INTEGER NOT NULL,
        command TEXT NOT NULL,
        acquired_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'api-tokens',
    sql: `
      CREATE TABLE IF NOT EXISTS api_tokens (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        hash BLOB NOT NULL UNIQUE,
        scope TEXT NOT NULL CHECK (scope IN ('read', 'admin')),
        created_at TEXT NOT NULL,
        expires_at TEXT,
        last_used_at TEXT,
        revoked_at TEXT
      );
      CREATE UNIQUE INDEX IF NOT EXISTS api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;
    `,
  },
];

/** The newest schema version this build knows. */
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
