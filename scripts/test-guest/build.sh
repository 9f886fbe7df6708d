#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Builds the test guest: a small Linux (Debian's d-i kernel, its modules, busybox) that plays
# an OS installer and an installed OS in end-to-end tests. Outputs, in OUTDIR:
#   vmlinuz              the kernel of debian-installer-12-netboot-amd64
#   initrd-firstboot.gz  initramfs B: the "installed OS" (reads a floppy/CD payload, reports)
#   initrd-installer.gz  initramfs A: B plus disk.img.gz; fetches url=, calls the stage and
#                        done URLs of the preseed, writes disk.img to the first disk
#   disk.img             64 MiB raw disk: MBR + FAT16 partition, syslinux, vmlinuz + B
#   installer.iso        Debian-looking ISO with install.amd/{vmlinuz,initrd.gz} = kernel + A
#   info.json            kernel ABI, HTTP port, sizes
# Usage: scripts/test-guest/build.sh [OUTDIR]
#   OUTDIR defaults to $VIZOR_TEST_GUEST/p<port>, else <repo>/.cache/test-guest/p<port>.
#   VIZOR_GUEST_HTTP_PORT (default 8080): the port the disk reports to when it has no payload.
# Cached: OUTDIR/.stamp holds a hash of these scripts, the port, the d-i kernel and busybox;
# nothing is rebuilt while it matches and every output exists. VIZOR_TEST_GUEST_FORCE=1 rebuilds.
# The kernel modules come from the Debian package linux-image-<abi> of the d-i kernel: the
# installed /lib/modules/<abi> when present, else a .deb fetched once with apt-get download
# into <cache>/debs (d-i's netboot initrd has no disk, CD or floppy drivers).
set -Eeuo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
port="${VIZOR_GUEST_HTTP_PORT:-8080}"
if ! [[ "$port" =~ ^[0-9]{1,5}$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  echo "test-guest: VIZOR_GUEST_HTTP_PORT must be a port number 1-65535, got '$port'" >&2
  exit 2
fi
cacheroot="${VIZOR_TEST_GUEST:-$repo/.cache/test-guest}"
outdir="${1:-$cacheroot/p$port}"
debdir="$cacheroot/debs"
kernel="${VIZOR_GUEST_KERNEL:-/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64/linux}"
export PATH="$PATH:/usr/sbin:/sbin"
export LC_ALL=C.UTF-8 TZ=UTC MTOOLS_SKIP_CHECK=1
# Fixed epoch: file times in the cpio archives, the FAT partition and the ISO.
export SOURCE_DATE_EPOCH=1700000000

# --- tools ------------------------------------------------------------------------------
declare -A tool_pkg=(
  [busybox]=busybox [mkfs.fat]=dosfstools [mcopy]=mtools [syslinux]=syslinux
  [genisoimage]=genisoimage [dpkg-deb]=dpkg [gzip]=gzip [sha256sum]=coreutils [flock]=util-linux
  [ldd]=libc-bin [truncate]=coreutils
)
missing_pkgs=()
for tool in "${!tool_pkg[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing_pkgs+=("${tool_pkg[$tool]}")
done
[ -f /usr/lib/syslinux/mbr/mbr.bin ] || missing_pkgs+=(syslinux-common)
[ -f "$kernel" ] || missing_pkgs+=(debian-installer-12-netboot-amd64)
if [ "${#missing_pkgs[@]}" -gt 0 ]; then
  mapfile -t missing_pkgs < <(printf '%s\n' "${missing_pkgs[@]}" | sort -u)
  echo "test-guest: missing tools; install the Debian packages: ${missing_pkgs[*]}" >&2
  exit 3
fi

# --- cache check --------------------------------------------------------------------------
outputs=(vmlinuz initrd-firstboot.gz initrd-installer.gz disk.img installer.iso info.json)
busybox_bin="$(command -v busybox)"
stamp="$( (cat "$here"/*.sh "$here"/rootfs/*; printf 'port=%s\n' "$port"; sha256sum "$kernel" "$busybox_bin") | sha256sum | cut -d' ' -f1)"

up_to_date() {
  [ "${VIZOR_TEST_GUEST_FORCE:-0}" != 1 ] || return 1
  [ -f "$outdir/.stamp" ] && [ "$(cat "$outdir/.stamp")" = "$stamp" ] || return 1
  local f
  for f in "${outputs[@]}"; do [ -e "$outdir/$f" ] || return 1; done
}

mkdir -p "$outdir"
exec 9>"$outdir/.lock"
# Test files run in parallel processes; only one of them builds, the others wait here.
flock 9
if up_to_date; then
  echo "$outdir"
  exit 0
fi

started=$(date +%s)
find "$outdir" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
work="$outdir/work"
log="$outdir/build.log"
mkdir -p "$work"
: >"$log"

fail() {
  echo "test-guest: $*" >&2
  echo "test-guest: last lines of $log:" >&2
  tail -n 30 "$log" >&2 || true
  exit 1
}
# Runs a tool with its chatter in the build log.
run() {
  echo "+ $*" >>"$log"
  "$@" >>"$log" 2>&1 || fail "command failed: $*"
}
trap 'fail "failed at line $LINENO"' ERR
# Gives every file and directory of a tree the fixed epoch as mtime.
settimes() { find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +; }

# shellcheck source=modules.sh
source "$here/modules.sh"
# shellcheck source=image.sh
source "$here/image.sh"

for step in stage_modules stage_rootfs build_firstboot_initrd build_disk build_installer_initrd build_iso write_info; do
  t0=$(date +%s)
  echo "== $step" >>"$log"
  "$step"
  echo "test-guest: $step done in $(($(date +%s) - t0))s" >&2
done

rm -rf "$work"
printf '%s\n' "$stamp" >"$outdir/.stamp"
echo "test-guest: built in $(($(date +%s) - started))s into $outdir ($(du -sh "$outdir" | cut -f1) on disk)" >&2
echo "$outdir"
