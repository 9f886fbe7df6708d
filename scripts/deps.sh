#!/usr/bin/env bash
# Installs everything vizor needs to build and test on a fresh Debian 12/13 machine, as
# root: Debian packages with apt-get, then the npm dependencies (npm ci), then a build.
# Idempotent; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tools the test suite and the test-media builder use. Keep in step with USAGE.md.
APT_PACKAGES=(
  ca-certificates git python3 make g++
  genisoimage xorriso wimtools dosfstools mtools udftools udfclient util-linux 7zip openssl
  ipxe grub-rescue-pc isolinux syslinux-common syslinux
  samba smbclient libsmbclient-dev pkg-config libfuse3-dev fuse3
  iproute2 busybox isc-dhcp-client kea-admin dnsmasq-base curl
  qemu-system-x86 qemu-utils ovmf ipxe-qemu seabios
  atftp tftp-hpa
  debootstrap systemd-container zsh
  chromium fonts-dejavu-core
  debian-installer-12-netboot-amd64
)

need_node() {
  command -v node >/dev/null 2>&1 || return 0
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -lt 20 ]
}

if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/deps.sh: run as root (it installs Debian packages with apt-get)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if need_node; then missing+=(nodejs npm); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if need_node; then
  echo "scripts/deps.sh: vizor needs Node.js >= 20; this Debian's nodejs is $(node --version 2>/dev/null || echo missing). Use Debian 13, or install Node 20+." >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
