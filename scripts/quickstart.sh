#!/usr/bin/env bash
# vizor's main job on embedded defaults, on a fresh Debian machine, as root.
# For now: installs vizor, builds test install media (a Windows-like UDF ISO with real
# edition XML, a Linux installer tree, ...) and inspects them in place with vizor.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
media="$(bash scripts/test-media/build.sh | tail -n1)"
for iso in win10.iso win11-esd.iso debian-netinst.iso; do
  echo "=== vizor media inspect $iso"
  ./bin/vizor.js media inspect "$media/$iso"
done
echo "=== vizor media ls win10.iso /sources"
./bin/vizor.js media ls -l "$media/win10.iso" /sources
