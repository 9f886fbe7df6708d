#!/usr/bin/env bash
# Builds the clean Debian root the appliance tests start from, as a tar file: a minbase
# debootstrap of Debian 12 plus the .deb files (downloaded, not installed) of the packages
# setup.sh installs and of systemd, so each test run installs them without downloading.
# Costs one debootstrap (about 1.5 min, ~290 MB) once; the tests cache the result.
# Usage: base-root.sh OUT.tar   (as root; needs debootstrap and a Debian mirror)
set -euo pipefail
out=$1
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
mirror=http://deb.debian.org/debian
dir="$(mktemp -d /var/tmp/vizor-base-root.XXXXXX)"
trap 'rm -rf "$dir"' EXIT

debootstrap --variant=minbase bookworm "$dir" "$mirror" > "$dir.log" 2>&1 || {
  tail -n 20 "$dir.log" >&2
  rm -f "$dir.log"
  echo "base-root.sh: debootstrap of bookworm from $mirror failed (above)" >&2
  exit 1
}
rm -f "$dir.log"
cat > "$dir/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF

# The package list is setup.sh's own, so the cache follows it.
# shellcheck source=../../../appliance/lib/packages.sh
. "$repo/appliance/lib/packages.sh"
packages=("${RUNTIME_PACKAGES[@]}" systemd systemd-sysv dbus)
cp /etc/resolv.conf "$dir/etc/resolv.conf"
# A private mount namespace: /proc is gone with it, whatever happens.
unshare -m --propagation private -- bash -c '
  set -e
  dir=$1; shift
  mount -t proc proc "$dir/proc"
  chroot "$dir" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive chroot "$dir" apt-get install -qq -y --download-only --no-install-recommends "$@" >/dev/null
' _ "$dir" "${packages[@]}"
rm -f "$dir/etc/resolv.conf"
chmod 755 "$dir" # mktemp's 0700 would be the root's "/"
mkdir -p "$(dirname "$out")"
tar -C "$dir" -cf "$out.tmp" .
mv "$out.tmp" "$out"
