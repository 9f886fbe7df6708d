#!/usr/bin/env bash
# Installs the Debian packages scripts/test-media/build.sh needs to make the test images.
set -euo pipefail
packages=(genisoimage wimtools xorriso dosfstools mtools util-linux openssl)
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${packages[@]}"
