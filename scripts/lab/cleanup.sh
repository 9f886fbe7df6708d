#!/usr/bin/env bash
# Removes lab namespaces (vz-*) left behind by killed test runs, with their processes and
# temp dirs. Without --force only abandoned labs go (owner process dead, or older than 2 h):
# the same rule createLab() applies on its own. --force removes every vz-* namespace.
# Needs root and a build (npm run build).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" = "--force" ]; then
  for ns in $(ip netns list | awk '$1 ~ /^vz-/ {print $1}'); do
    for pid in $(ip netns pids "$ns"); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns"
    rm -rf "/tmp/vizor-$ns" "/run/vizor-lab/$ns.json"
    echo "removed $ns"
  done
  exit 0
fi
node --input-type=module -e "
const { cleanupStaleLabs } = await import('$PWD/dist/test/helpers/lab.js');
for (const name of cleanupStaleLabs()) console.log('removed', name);
"
