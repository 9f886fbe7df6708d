#!/usr/bin/env bash
# Builds the test images (ISOs and WIMs) that the media tests read, into OUTDIR.
# Usage: scripts/test-media/build.sh [OUTDIR]
#   OUTDIR defaults to $VIZOR_TEST_MEDIA, else <repo>/.cache/test-media.
# Cached: OUTDIR/.stamp holds a hash of this script, windows.sh, generic.sh and manifest.mjs; nothing is rebuilt
# while it matches and every output exists. Set VIZOR_TEST_MEDIA_FORCE=1 to rebuild.
# See OUTDIR/manifest.json for what each image holds.
set -Eeuo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
outdir="${1:-${VIZOR_TEST_MEDIA:-$repo/.cache/test-media}}"
export PATH="$PATH:/usr/sbin:/sbin"
export LC_ALL=C.UTF-8 TZ=UTC MTOOLS_SKIP_CHECK=1
# Fixed epoch: tree mtimes, genisoimage dates and mkfs.fat honour it, so trees are
# byte-identical between builds. WIM GUIDs and XML times still differ per build.
export SOURCE_DATE_EPOCH=1700000000

# --- tools ------------------------------------------------------------------------------
declare -A tool_pkg=(
  [genisoimage]=genisoimage [wimlib-imagex]=wimtools [xorriso]=xorriso [mkfs.fat]=dosfstools
  [mcopy]=mtools [mmd]=mtools [fallocate]=util-linux [flock]=util-linux [openssl]=openssl
  [sha256sum]=coreutils [node]=nodejs
)
missing_pkgs=()
for tool in "${!tool_pkg[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing_pkgs+=("${tool_pkg[$tool]}")
done
if [ "${#missing_pkgs[@]}" -gt 0 ]; then
  mapfile -t missing_pkgs < <(printf '%s\n' "${missing_pkgs[@]}" | sort -u)
  echo "test-media: missing tools; install the Debian packages: ${missing_pkgs[*]}" >&2
  echo "test-media: (run: bash scripts/test-media/deps.sh)" >&2
  exit 3
fi

# --- cache check --------------------------------------------------------------------------
outputs=(win10.iso win11-esd.iso win-split.iso joliet-rr.iso eltorito.iso langpack.iso
  xen-tools.iso virtio-win.iso debian-netinst.iso rhel-like.iso win11-big.iso manifest.json
  wims/win10-install.wim wims/win10-boot.wim wims/win11-install.esd wims/win11-boot.wim
  wims/split-install.swm wims/split-install2.swm wims/win11-big-install.wim)
stamp="$(cat "$here/build.sh" "$here/windows.sh" "$here/generic.sh" "$here/manifest.mjs" | sha256sum | cut -d' ' -f1)"

up_to_date() {
  [ "${VIZOR_TEST_MEDIA_FORCE:-0}" != 1 ] || return 1
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
mkdir -p "$work" "$outdir/wims" "$outdir/trees" "$outdir/meta"
: >"$log"

fail() {
  echo "test-media: $*" >&2
  echo "test-media: last lines of $log:" >&2
  tr '\r' '\n' <"$log" | grep -v '^Archiving\|^Splitting\|^Setting the\|^$' | tail -n 30 >&2 || true
  exit 1
}
# Runs a tool with its chatter in the build log.
run() {
  echo "+ $*" >>"$log"
  "$@" >>"$log" 2>&1 || fail "command failed: $*"
}
trap 'fail "failed at line $LINENO"' ERR

# Writes N deterministic pseudo-random bytes derived from SEED (AES-CTR over zeros).
detbytes() {
  local seed="$1" n="$2" file="$3" key
  key="$(printf '%s' "$seed" | sha256sum | cut -c1-32)"
  mkdir -p "$(dirname "$file")"
  head -c "$n" /dev/zero | openssl enc -aes-128-ctr -nosalt -K "$key" -iv 00000000000000000000000000000000 >"$file"
}
# Writes text (from stdin) with CRLF line ends, like Windows media.
crlf() { mkdir -p "$(dirname "$1")"; sed 's/$/\r/' >"$1"; }
# Gives every file and directory of a tree the fixed epoch as mtime.
settimes() { find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +; }

# A FAT12 floppy image (1.44 MB unless KIB says otherwise) holding FILE at PATH (::/A/B/NAME).
fat_image() {
  local img="$1" file="$2" path="$3" label="$4" kib="${5:-1440}"
  local rel="${path#::/}" stage
  stage="$(mktemp -d "$work/fat.XXXXXX")"
  mkdir -p "$(dirname "$img")" "$(dirname "$stage/$rel")"
  cp "$file" "$stage/$rel"
  settimes "$stage"
  rm -f "$img"
  run mkfs.fat -C -F 12 -i 12345678 -n "$label" --invariant "$img" "$kib"
  # One recursive copy with -m: mmd would stamp directories with the current time.
  run mcopy -s -m -i "$img" "$stage/${rel%%/*}" ::/
  rm -rf "$stage"
}

# Keeps a copy of a tree's small files for byte comparisons in tests.
keep_tree() {
  local name="$1" src="$2"
  mkdir -p "$outdir/trees/$name"
  cp -a "$src/." "$outdir/trees/$name/"
}

# Writes OUTDIR/meta/NAME.json (stdin): what the manifest says about an image.
meta() { cat >"$outdir/meta/$1.json"; }

# shellcheck source=windows.sh
source "$here/windows.sh"
# shellcheck source=generic.sh
source "$here/generic.sh"

# --- build everything ---------------------------------------------------------------------
for step in build_win10 build_win11_esd build_split build_joliet build_eltorito build_langpack \
  build_xen build_virtio build_debian build_rhel build_big; do
  t0=$(date +%s)
  echo "== $step" >>"$log"
  "$step"
  echo "test-media: $step done in $(($(date +%s) - t0))s" >&2
done

# Checks an ISO's El Torito catalog (as xorriso reports it) against regexes.
check_boot() {
  local iso="$1" report want
  shift
  report="$(xorriso -indev "$outdir/$iso" -report_el_torito plain 2>>"$log")"
  for want in "$@"; do
    grep -Eq "El Torito boot img : +$want" <<<"$report" || fail "$iso: no El Torito entry matching /$want/"
  done
}
check_boot win10.iso '1 +BIOS +y +none +0x0000 +0x00 +8 ' '2 +UEFI +y +none '
check_boot win11-big.iso '1 +BIOS +y +none +0x0000 +0x00 +8 ' '2 +UEFI +y +none '
check_boot eltorito.iso '1 +BIOS +y +fd1.4 ' '2 +UEFI +y +none '
check_boot debian-netinst.iso '1 +BIOS +y +none +0x0000 +0x00 +4 ' '2 +UEFI +y +none '
check_boot rhel-like.iso '1 +BIOS +y +none +0x0000 +0x00 +4 ' '2 +UEFI +y +none '

rm -rf "$work"
run node "$here/manifest.mjs" "$outdir" "$stamp"
rm -rf "$outdir/meta"
printf '%s\n' "$stamp" >"$outdir/.stamp"
echo "test-media: built in $(($(date +%s) - started))s into $outdir ($(du -sh "$outdir" | cut -f1) on disk)" >&2
echo "$outdir"
