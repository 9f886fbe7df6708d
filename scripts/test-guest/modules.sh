# Sourced by build.sh: finds the d-i kernel's ABI, gets the matching Debian kernel modules
# and stages the drivers the guest needs (with their dependencies, in load order).
# shellcheck shell=bash disable=SC2154

# Drivers the guest loads: NICs (virtio, e1000, e1000e), disks (virtio-blk, virtio-scsi, AHCI
# on q35, PIIX IDE on pc), CD (sr_mod, iso9660), floppy, and FAT with long names.
guest_modules=(
  virtio_pci virtio_net e1000 e1000e virtio_blk virtio_scsi ahci ata_piix ata_generic sd_mod
  sr_mod isofs floppy vfat nls_cp437 nls_ascii nls_utf8 nls_iso8859_1
)

# Prints the kernel release and the Debian build of a bzImage, e.g. "6.1.0-50-amd64 6.1.176-1",
# from the version string the x86 boot header points at (boot protocol: kernel_version, 0x20e).
kernel_release() {
  local k="$1" magic ptr text
  magic="$(dd if="$k" bs=1 skip=514 count=4 2>/dev/null)"
  [ "$magic" = HdrS ] || fail "$k is not an x86 bzImage (no HdrS boot header)"
  ptr="$(dd if="$k" bs=1 skip=526 count=2 2>/dev/null | od -An -tu2 | tr -d ' ')"
  text="$(dd if="$k" bs=1 skip=$((ptr + 512)) count=256 2>/dev/null | tr '\0' '\n' | head -n 1)"
  local release="${text%% *}" build
  build="$(sed -n 's/.* Debian \([^ ]*\) .*/\1/p' <<<"$text")"
  [ -n "$release" ] || fail "no version string in $k"
  printf '%s %s\n' "$release" "${build:-unknown}"
}

# Unpacks lib/modules/<abi> of linux-image-<abi> into $1 (from the installed package, or a
# .deb fetched once into $debdir), and prints the modules directory.
kernel_module_tree() {
  local dest="$1" abi="$2" build="$3" pkg="linux-image-$2" deb
  if [ -d "/lib/modules/$abi/kernel" ]; then
    echo "/lib/modules/$abi"
    return
  fi
  mkdir -p "$debdir"
  exec 8>"$debdir/.lock"
  flock 8
  deb="$(find "$debdir" -maxdepth 1 -name "${pkg}_*_amd64.deb" | sort | tail -n 1)"
  if [ -z "$deb" ]; then
    echo "test-guest: fetching the Debian package $pkg (modules of the d-i kernel) into $debdir" >&2
    # the exact build of the d-i kernel first; the same ABI from a later upload loads as well
    (cd "$debdir" && { apt-get download "$pkg=$build" || apt-get download "$pkg"; }) >>"$log" 2>&1 ||
      fail "could not fetch the Debian package $pkg with apt-get download (run apt-get update, or apt-get install $pkg)"
    deb="$(find "$debdir" -maxdepth 1 -name "${pkg}_*_amd64.deb" | sort | tail -n 1)"
  fi
  flock -u 8
  mkdir -p "$dest"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dest" "./lib/modules/$abi" 2>>"$log" || fail "$deb holds no lib/modules/$abi"
  echo "$dest/lib/modules/$abi"
}

# The NUL-separated .modinfo field of a module, e.g. depends, as one line.
modinfo_field() { tr '\0' '\n' <"$1" | grep -a -m 1 "^$2=" | cut -d= -f2- || true; }

stage_modules() {
  local abi build tree release
  release="$(kernel_release "$kernel")"
  read -r abi build <<<"$release"
  guest_abi="$abi"
  guest_build="$build"
  tree="$(kernel_module_tree "$work/kernel" "$abi" "$build")"
  # module name (dashes as underscores) -> path below the tree
  declare -A path_of=()
  local rel name
  while IFS= read -r rel; do
    name="${rel##*/}"
    name="${name%.ko}"
    path_of["${name//-/_}"]="kernel/$rel"
  done < <(find "$tree/kernel" -name '*.ko' -printf '%P\n')
  [ "${#path_of[@]}" -gt 0 ] || fail "no .ko files below $tree (compressed modules are not handled)"

  local root="$work/rootfs" order=()
  declare -A seen=()
  # depth first: a module's dependencies are listed (and loaded) before it
  visit() {
    local m="${1//-/_}" dep
    [ -z "${seen[$m]:-}" ] || return 0
    seen[$m]=1
    [ -n "${path_of[$m]:-}" ] || fail "kernel module $m is not in linux-image-$guest_abi"
    local deps
    deps="$(modinfo_field "$tree/${path_of[$m]}" depends)"
    for dep in ${deps//,/ }; do visit "$dep"; done
    order+=("${path_of[$m]}")
  }
  local m
  for m in "${guest_modules[@]}"; do visit "$m"; done
  mkdir -p "$root/lib/modules/$abi" "$root/etc/vizor-guest"
  for rel in "${order[@]}"; do
    mkdir -p "$root/lib/modules/$abi/$(dirname "$rel")"
    cp "$tree/$rel" "$root/lib/modules/$abi/$rel"
  done
  printf '%s\n' "${order[@]}" >"$root/etc/vizor-guest/modules"
  echo "modules for $abi ($build): ${order[*]}" >>"$log"
  rm -rf "$work/kernel"
}
