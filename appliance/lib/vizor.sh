# vizor itself: the system user, the program tree in PREFIX, /etc/vizor (configuration and
# secrets key), the data folders, the `vizor` command and shell completion.
# Sourced by setup.sh; expects SRC, PREFIX, NODE, HERE, WORK.

CONFIG_FILE=/etc/vizor/vizor.yaml
# Filled from the effective configuration by read_config (these are the built-in defaults).
DATA_DIR=/var/lib/vizor
KEY_FILE=/etc/vizor/secret.key
BOOT_DIR=/var/lib/vizor/boot

vizor_cli() { "$NODE" "$PREFIX/bin/vizor.js" "$@"; }

ensure_user() {
  if user_exists vizor; then
    fine "system user vizor"
    return 0
  fi
  if is_check; then
    problem "system user vizor does not exist"
    return 0
  fi
  useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin --comment 'vizor appliance' vizor
  changed "created system user vizor"
}

# The tree is current when PREFIX holds exactly the files tree-files.mjs lists, same bytes.
tree_is_current() {
  [ -d "$PREFIX" ] || return 1
  (cd "$PREFIX" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) > "$WORK/installed.list"
  cmp -s "$WORK/tree.list" "$WORK/installed.list" || return 1
  (cd "$SRC" && tr '\n' '\0' < "$WORK/tree.list" | xargs -0 sha256sum) > "$WORK/tree.sha256"
  (cd "$PREFIX" && sha256sum --quiet --status -c "$WORK/tree.sha256")
}

# Loads each native addon with this node and these libraries: a tree built on another
# Debian release or for another Node.js fails here, not later in the service.
check_addons() {
  local dir=$1 f
  "$NODE" -e 'for (const f of process.argv.slice(1)) require(f)' \
    "$dir/build/Release/vizor_net.node" "$dir/build/Release/vizor_smb.node" \
    "$dir/node_modules/better-sqlite3/build/Release/better_sqlite3.node" 2>"$WORK/addons.err" || {
    sed -n '1,5p' "$WORK/addons.err" >&2
    die "the native addons of $SRC do not load with $NODE ($("$NODE" --version)) on this system: build the tree on this Debian release with this Node.js (bash scripts/deps.sh) and run setup.sh again"
  }
  f="$dir/build/Release/vizor-isofs"
  if ldd "$f" 2>&1 | grep -q 'not found'; then
    die "$f needs libraries this system lacks: $(ldd "$f" | awk '/not found/ {print $1}' | tr '\n' ' ')"
  fi
}

ensure_tree() {
  if [ -z "$NODE" ]; then
    problem "vizor in $PREFIX: not compared with $SRC (that needs Node.js >= $NODE_MIN)"
    return 0
  fi
  "$NODE" "$HERE/lib/tree-files.mjs" "$SRC" | LC_ALL=C sort > "$WORK/tree.list"
  if tree_is_current; then
    fine "vizor $(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$PREFIX/package.json" | head -n 1) in $PREFIX"
    return 0
  fi
  if is_check; then
    if [ -d "$PREFIX" ]; then problem "vizor in $PREFIX differs from $SRC (run setup.sh --from $SRC)"; else problem "vizor is not installed in $PREFIX"; fi
    return 0
  fi
  local stage="$PREFIX.setup-new" old="$PREFIX.setup-old"
  rm -rf "$stage" "$old"
  mkdir -p "$stage"
  tar -C "$SRC" --no-recursion -T "$WORK/tree.list" -cf - | tar -C "$stage" --no-same-owner -xf -
  chmod -R go-w,a+rX "$stage"
  chmod 755 "$stage"
  check_addons "$stage"
  # Swap whole trees: a running vizor never sees a half-copied one.
  if [ -d "$PREFIX" ]; then mv "$PREFIX" "$old"; fi
  mv "$stage" "$PREFIX"
  rm -rf "$old"
  RESTART=1
  changed "installed vizor from $SRC into $PREFIX ($(wc -l < "$WORK/tree.list") files)"
}

# /etc/vizor/vizor.yaml: every key, commented out, with its built-in default. Never
# overwritten; an existing file is validated.
ensure_config() {
  ensure_dir /etc/vizor 750 root:vizor 'configuration directory'
  if [ -f "$CONFIG_FILE" ]; then
    ensure_attrs "$CONFIG_FILE" 640 root:vizor 'configuration'
    if [ -x "$NODE" ] && [ -f "$PREFIX/bin/vizor.js" ]; then
      if env -i PATH="$PATH" HOME=/nonexistent "$NODE" "$PREFIX/bin/vizor.js" --config "$CONFIG_FILE" config show >/dev/null 2>"$WORK/config.err"; then
        fine "configuration $CONFIG_FILE"
      else
        problem "configuration $CONFIG_FILE is not valid (setup.sh does not change it): $(tr '\n' ' ' < "$WORK/config.err")"
      fi
    fi
    return 0
  fi
  if is_check; then
    problem "configuration $CONFIG_FILE is missing"
    return 0
  fi
  # --config /dev/null and an empty environment: built-in defaults, whatever else is set.
  env -i PATH="$PATH" HOME=/nonexistent "$NODE" "$PREFIX/bin/vizor.js" --config /dev/null config show > "$WORK/defaults.yaml"
  {
    echo "# $CONFIG_FILE: vizor's configuration, written once by appliance/setup.sh (never overwritten)."
    echo '#'
    echo '# Every key is listed with its built-in default, commented out: uncomment and change the'
    echo '# ones you need. Precedence: defaults < this file < VIZOR_* environment < command-line flags.'
    echo '# `vizor config show` prints the effective configuration; USAGE.md describes every key.'
    echo '# After a change: systemctl restart vizor (and run appliance/setup.sh again if you moved'
    echo '# dataDir, boot.tftp.root or secrets.keyFile: the unit lists those folders as writable).'
    echo '#'
    sed -e '/^# from /d' -e 's/^/# /' "$WORK/defaults.yaml"
  } > "$WORK/vizor.yaml"
  put_file "$WORK/vizor.yaml" "$CONFIG_FILE" 640 root:vizor 'configuration'
}

# The folders and key file the service uses, as the configuration names them.
read_config() {
  [ -n "$NODE" ] && [ -f "$PREFIX/bin/vizor.js" ] && [ -f "$CONFIG_FILE" ] || return 0
  env -i PATH="$PATH" HOME=/nonexistent "$NODE" "$PREFIX/bin/vizor.js" --config "$CONFIG_FILE" --json config show > "$WORK/config.json" 2>/dev/null || return 0
  "$NODE" -e '
    const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).config;
    console.log([c.dataDir, c.secrets.keyFile, c.boot.tftp.root ?? require("path").join(c.dataDir, "boot")].join("\n"));
  ' "$WORK/config.json" > "$WORK/config.paths"
  { IFS= read -r DATA_DIR && IFS= read -r KEY_FILE && IFS= read -r BOOT_DIR; } < "$WORK/config.paths"
}

ensure_data_dirs() {
  # 0711: vizor's per-build SMB accounts must traverse it (vizor checks); nobody lists it.
  ensure_dir "$DATA_DIR" 711 root:root 'data directory'
  ensure_dir "$BOOT_DIR" 755 root:root 'boot files directory'
}

# The 32-byte key that encrypts stored credentials. An existing key is never replaced:
# the secrets stored with it would become unreadable.
ensure_key() {
  local dir
  dir="$(dirname "$KEY_FILE")"
  if [ -f "$KEY_FILE" ]; then
    ensure_attrs "$KEY_FILE" 600 root:root 'secrets key'
    if [ "$(stat -c %s "$KEY_FILE")" = 32 ]; then fine "secrets key $KEY_FILE"; else problem "secrets key $KEY_FILE is not 32 bytes (setup.sh does not replace a key: secrets stored with it would be lost)"; fi
    return 0
  fi
  if is_check; then
    problem "secrets key $KEY_FILE is missing"
    return 0
  fi
  [ -d "$dir" ] || { mkdir -p "$dir"; chmod 700 "$dir"; }
  (umask 077 && openssl rand -out "$KEY_FILE.setup-new" 32)
  chown root:root "$KEY_FILE.setup-new"
  mv "$KEY_FILE.setup-new" "$KEY_FILE"
  RESTART=1
  changed "created the secrets key $KEY_FILE (0600)"
}

# /usr/local/bin/vizor runs this node with the installed tree, whatever PATH holds.
ensure_command() {
  printf '#!/bin/sh\n# written by vizor appliance/setup.sh\nexec %s %s/bin/vizor.js "$@"\n' "$NODE" "$PREFIX" > "$WORK/vizor.sh"
  put_file "$WORK/vizor.sh" /usr/local/bin/vizor 755 root:root 'vizor command'
}

ensure_completion() {
  if [ ! -f "$PREFIX/bin/vizor.js" ]; then
    problem "shell completion: vizor is not installed in $PREFIX"
    return 0
  fi
  if ! vizor_cli completion bash > "$WORK/completion.bash" 2>"$WORK/completion.err" ||
    ! vizor_cli completion zsh > "$WORK/completion.zsh" 2>>"$WORK/completion.err"; then
    problem "shell completion: \`vizor completion bash|zsh\` failed: $(head -n 1 "$WORK/completion.err" 2>/dev/null)"
    return 0
  fi
  put_file "$WORK/completion.bash" /usr/share/bash-completion/completions/vizor 644 root:root 'bash completion'
  put_file "$WORK/completion.zsh" /usr/share/zsh/vendor-completions/_vizor 644 root:root 'zsh completion'
}
