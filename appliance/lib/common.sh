# Shared helpers for setup.sh: messages, and "make this file/dir look like that" steps that
# change nothing when it already does (idempotence) and only report in --check mode.
# Sourced by setup.sh; expects MODE (setup|check) and WORK (a private temp dir).

CHANGED=0          # things setup changed in this run
RESTART=0          # set when something the running service reads has changed
PROBLEMS=()        # what --check (or setup, for what it cannot fix) found missing

say() { printf 'setup: %s\n' "$*"; }
warn() { printf 'setup: warning: %s\n' "$*" >&2; }
die() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}

# A change made (setup mode only).
changed() {
  CHANGED=$((CHANGED + 1))
  say "$*"
}

# Something is not as it should be; setup mode calls this only for what it must not fix.
problem() {
  PROBLEMS+=("$*")
  if [ "$MODE" = check ]; then printf 'missing: %s\n' "$*"; else warn "$*"; fi
}

# An item that is already right: listed by --check, silent in setup mode.
fine() {
  if [ "$MODE" = check ]; then printf 'ok:      %s\n' "$*"; fi
  return 0
}

is_check() { [ "$MODE" = check ]; }

# ensure_attrs PATH MODE OWNER:GROUP WHAT — mode and ownership, fixed or reported.
ensure_attrs() {
  local path=$1 mode=$2 owner=$3 what=$4 have
  have="$(stat -c '%a %U:%G' "$path" 2>/dev/null || echo '? ?')"
  [ "$have" = "$mode $owner" ] && return 0
  if is_check; then
    problem "$what: $path is ${have%% *} ${have#* }, expected $mode $owner"
    return 0
  fi
  chown "$owner" "$path"
  chmod "$mode" "$path"
  changed "set $path to $mode $owner"
}

# ensure_dir PATH MODE OWNER:GROUP WHAT
ensure_dir() {
  local path=$1 mode=$2 owner=$3 what=$4
  if [ ! -d "$path" ]; then
    if is_check; then
      problem "$what: directory $path does not exist"
      return 0
    fi
    mkdir -p "$path"
    chown "$owner" "$path"
    chmod "$mode" "$path"
    changed "created $path"
    return 0
  fi
  ensure_attrs "$path" "$mode" "$owner" "$what"
  fine "$what ($path)"
}

# put_file NEW DEST MODE OWNER:GROUP WHAT — installs the file NEW (in WORK) as DEST
# unless DEST already has the same bytes; replaces atomically. Sets WROTE=1 when DEST
# was written (or, in --check mode, is missing or different), else WROTE=0.
WROTE=0
put_file() {
  local new=$1 dest=$2 mode=$3 owner=$4 what=$5
  WROTE=0
  if [ -f "$dest" ] && cmp -s "$new" "$dest"; then
    ensure_attrs "$dest" "$mode" "$owner" "$what"
    fine "$what ($dest)"
    return 0
  fi
  if is_check; then
    if [ -e "$dest" ]; then problem "$what: $dest differs from what setup.sh writes"; else problem "$what: $dest is missing"; fi
    WROTE=1
    return 0
  fi
  mkdir -p "$(dirname "$dest")"
  install -m "$mode" -o "${owner%%:*}" -g "${owner#*:}" "$new" "$dest.setup-new"
  mv -f "$dest.setup-new" "$dest"
  changed "wrote $dest"
  WROTE=1
}

# user_exists NAME
user_exists() { getent passwd "$1" >/dev/null 2>&1; }

# pkg_installed NAME — true when dpkg has the package fully installed.
pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}
