#!/usr/bin/env bash
# vizor's main job on embedded defaults, on a fresh Debian machine, as root.
# Installs vizor, builds test install media (Windows-like UDF ISOs with real edition XML,
# language packs, guest tools, Linux installer trees), inspects one in place, catalogs the
# media folder and answers catalog queries; then, in a private network namespace, runs a
# whole build on the local QEMU driver (PXE through vizor, installer, template) and rolls
# out a small room from the template (scripts/lab-build.mjs).
# Data goes where the appliance keeps it: /var/lib/vizor and /etc/vizor/secret.key.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
media="$(bash scripts/test-media/build.sh | tail -n1)"
vizor() { ./bin/vizor.js "$@"; }

echo "=== vizor media inspect win10.iso"
vizor media inspect "$media/win10.iso"
echo "=== vizor source add test-media file://$media"
vizor source show test-media >/dev/null 2>&1 || vizor source add test-media "file://$media"
echo "=== vizor catalog scan"
vizor catalog scan test-media 2>/dev/null
echo "=== vizor catalog list"
vizor catalog list
echo "=== vizor catalog find --edition Professional"
vizor catalog find --edition Professional
echo "=== a whole build and a room on the QEMU driver in a private lab"
node scripts/lab-build.mjs
