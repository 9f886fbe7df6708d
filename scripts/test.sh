#!/usr/bin/env bash
# The full test suite on a fresh Debian machine, as root: installs what it needs,
# builds the cached test media, builds vizor and runs every test with node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/test-media/build.sh
node scripts/run-tests.mjs "$@"
