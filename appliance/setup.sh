#!/usr/bin/env bash
# Turns a Debian 12 or 13 machine into a vizor appliance, as root. Idempotent: a second
# run changes nothing; --check only reports what is missing. See appliance/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: appliance/setup.sh [options]

Installs the Debian packages vizor needs, vizor itself (into /opt/vizor), the system user
vizor, /etc/vizor/vizor.yaml (commented defaults; never overwritten), the secrets key,
the boot files (Debian's iPXE binaries, wimboot) and the systemd unit vizor.service,
then enables and starts it. Run it again at any time: it changes only what differs.

  --from DIR        the built vizor tree to install (default: the checkout holding this
                    script); build it first with: bash scripts/deps.sh
  --prefix DIR      where vizor is installed (default: /opt/vizor)
  --wimboot FILE    copy FILE as the wimboot boot file (Windows network installs)
  --fetch-wimboot   download the latest wimboot from https://github.com/ipxe/wimboot
  --with-qemu       also install QEMU and its firmware (the local QEMU hypervisor driver)
  --no-start        start nothing: not vizor, not the daemons of the packages installed
                    (chroots, image builds); vizor.service is still enabled if systemctl exists
  --check           change nothing; list what is missing or different, exit 1 if anything is
  -h, --help        this text
EOF
}

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODE=setup
SRC="$(dirname "$HERE")"
PREFIX=/opt/vizor
WIMBOOT_FILE=''
FETCH_WIMBOOT=0
WITH_QEMU=0
NO_START=0

need_value() { [ $# -ge 2 ] && [ -n "$2" ] || { echo "setup.sh: $1 needs a value (see --help)" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --from) need_value "$@"; SRC="$2"; shift 2 ;;
    --prefix) need_value "$@"; PREFIX="$2"; shift 2 ;;
    --wimboot) need_value "$@"; WIMBOOT_FILE="$2"; shift 2 ;;
    --fetch-wimboot) FETCH_WIMBOOT=1; shift ;;
    --with-qemu) WITH_QEMU=1; shift ;;
    --no-start) NO_START=1; shift ;;
    --check) MODE=check; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "setup.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ -n "$WIMBOOT_FILE" ] && [ "$FETCH_WIMBOOT" = 1 ]; then
  echo "setup.sh: give --wimboot FILE or --fetch-wimboot, not both" >&2
  exit 2
fi

WORK="$(mktemp -d /tmp/vizor-setup.XXXXXX)"
cleanup() {
  if declare -F release_daemons >/dev/null; then release_daemons; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"
# shellcheck source=lib/packages.sh
. "$HERE/lib/packages.sh"
# shellcheck source=lib/vizor.sh
. "$HERE/lib/vizor.sh"
# shellcheck source=lib/boot.sh
. "$HERE/lib/boot.sh"
# shellcheck source=lib/service.sh
. "$HERE/lib/service.sh"

preflight() {
  [ "$(id -u)" = 0 ] || die "run as root: setup.sh installs packages, creates a system user and writes /etc"
  local id='' version='' f
  if [ -r /etc/os-release ]; then
    id="$(. /etc/os-release && echo "${ID:-}")"
    version="$(. /etc/os-release && echo "${VERSION_ID:-}")"
  fi
  case "$id/$version" in
    debian/12 | debian/13) ;;
    *) die "vizor's appliance setup supports Debian 12 and 13; this is ${id:-unknown} ${version:-(no version)}" ;;
  esac
  SRC="$(cd "$SRC" 2>/dev/null && pwd)" || die "--from: no such directory"
  PREFIX="${PREFIX%/}"
  case "$PREFIX" in /?*) ;; *) die "--prefix must be an absolute path" ;; esac
  for f in package.json package-lock.json bin/vizor.js dist/src/cli/main.js build/Release/vizor_net.node \
    build/Release/vizor_smb.node build/Release/vizor-isofs node_modules/better-sqlite3/build/Release/better_sqlite3.node; do
    [ -f "$SRC/$f" ] || die "$SRC is not a built vizor tree ($f is missing): run 'bash scripts/deps.sh' there first"
  done
  preflight_wimboot
}

preflight
if [ "$MODE" = check ]; then say "checking (changing nothing)"; else say "setting up vizor from $SRC"; fi
ensure_packages
ensure_user
ensure_tree
ensure_config
read_config
ensure_data_dirs
ensure_key
ensure_ipxe_binaries
ensure_wimboot
ensure_command
ensure_completion
ensure_unit
disable_debian_samba
ensure_service

if [ "$MODE" = check ]; then
  if [ "${#PROBLEMS[@]}" -gt 0 ]; then
    say "${#PROBLEMS[@]} thing(s) missing or different: run appliance/setup.sh to fix them"
    exit 1
  fi
  say "everything is in place"
  exit 0
fi
if [ "${#PROBLEMS[@]}" -gt 0 ]; then
  say "done, but ${#PROBLEMS[@]} problem(s) need you (above)"
  exit 1
fi
if [ "$CHANGED" = 0 ]; then say "nothing to do: everything was already in place"; else say "done: $CHANGED change(s)"; fi
