# Sourced by build.sh: the guest's root file system, its two initramfs images, the bootable
# disk image and the Debian-looking installer ISO. Uses build.sh's helpers and variables.
# shellcheck shell=bash disable=SC2154

disk_mib=64
# The FAT partition starts at 1 MiB, as partitioning tools place it.
part_start=2048

# Copies busybox and, when it is dynamically linked (Debian's busybox), the libraries and
# loader ldd names; busybox-static needs none.
stage_busybox() {
  local root="$1" lib
  mkdir -p "$root/bin"
  cp -L "$busybox_bin" "$root/bin/busybox"
  ln -sf busybox "$root/bin/sh"
  while IFS= read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done < <(ldd "$busybox_bin" 2>/dev/null | grep -o '/[^ ]*' || true)
}

stage_rootfs() {
  local root="$work/rootfs" d
  for d in bin sbin usr/bin usr/sbin dev proc sys run tmp mnt etc/vizor-guest; do mkdir -p "$root/$d"; done
  stage_busybox "$root"
  install -m 0755 "$here/rootfs/init" "$root/init"
  install -m 0755 "$here/rootfs/udhcpc.script" "$root/etc/vizor-guest/udhcpc.script"
  install -m 0644 "$here/rootfs/lib.sh" "$here/rootfs/installer.sh" "$here/rootfs/firstboot.sh" "$root/etc/vizor-guest/"
  printf 'vizor-guest\n' >"$root/etc/hostname"
  printf 'root:x:0:0:root:/:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\n' >"$root/etc/group"
}

# Packs a directory as a gzip'd cpio (newc) archive, owned by root, with fixed times.
pack_cpio() {
  local src="$1" out="$2"
  settimes "$src"
  (cd "$src" && find . -mindepth 1 | LC_ALL=C sort | busybox cpio -o -H newc -R 0:0 2>>"$log") | gzip -n -9 >"$out"
}

build_firstboot_initrd() {
  cp "$kernel" "$outdir/vmlinuz"
  pack_cpio "$work/rootfs" "$outdir/initrd-firstboot.gz"
}

# Writes 4 bytes little endian at a byte offset of a file.
put_le32() {
  local file="$1" off="$2" v="$3"
  printf '%b' "$(printf '\\%03o\\%03o\\%03o\\%03o' $((v & 255)) $((v >> 8 & 255)) $((v >> 16 & 255)) $((v >> 24 & 255)))" |
    dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

build_disk() {
  local img="$outdir/disk.img" sectors=$((disk_mib * 2048)) files="$work/diskfiles"
  rm -f "$img"
  truncate -s "${disk_mib}M" "$img"
  # MBR: syslinux's boot code, a disk signature, one active FAT16 (LBA) partition, 55 AA
  dd if=/usr/lib/syslinux/mbr/mbr.bin of="$img" bs=440 count=1 conv=notrunc status=none
  put_le32 "$img" 440 $((0x52495a56))
  printf '\200\376\377\377\016\376\377\377' | dd of="$img" bs=1 seek=446 conv=notrunc status=none
  put_le32 "$img" 454 "$part_start"
  put_le32 "$img" 458 $((sectors - part_start))
  printf '\125\252' | dd of="$img" bs=1 seek=510 conv=notrunc status=none
  run mkfs.fat -F 16 -n VIZORGUEST -i 56495a52 --invariant --offset "$part_start" -h "$part_start" \
    "$img" $(((sectors - part_start) / 2))
  mkdir -p "$files"
  cp "$outdir/vmlinuz" "$files/vmlinuz"
  cp "$outdir/initrd-firstboot.gz" "$files/initrd.gz"
  # SERIAL first: syslinux talks on COM1 too; vizor.port is where a disk without payload reports
  cat >"$files/syslinux.cfg" <<EOF
SERIAL 0 115200
DEFAULT guest
PROMPT 0
TIMEOUT 0
LABEL guest
  KERNEL /vmlinuz
  INITRD /initrd.gz
  APPEND console=tty0 console=ttyS0,115200n8 vizor.report=auto vizor.port=$port
EOF
  settimes "$files"
  run mcopy -m -i "$img@@$((part_start * 512))" "$files/vmlinuz" "$files/initrd.gz" "$files/syslinux.cfg" ::/
  # syslinux writes ldlinux.sys/.c32 through mtools and patches the partition's boot sector
  run syslinux --install --offset $((part_start * 512)) "$img"
}

# Initramfs A: B's archive followed by a second one holding the disk image (the kernel
# unpacks concatenated archives in order); /init runs the installer when that file exists.
build_installer_initrd() {
  local extra="$work/installer-extra"
  mkdir -p "$extra/installer"
  gzip -n -c "$outdir/disk.img" >"$extra/installer/disk.img.gz"
  cat "$outdir/initrd-firstboot.gz" >"$outdir/initrd-installer.gz"
  (settimes "$extra" && cd "$extra" && find . -mindepth 1 | LC_ALL=C sort | busybox cpio -o -H newc -R 0:0 2>>"$log") |
    gzip -n -1 >>"$outdir/initrd-installer.gz"
}

# A tree that vizor's catalog classifies as a Debian installer (.disk/info + install.amd/).
build_iso() {
  local t="$work/iso"
  mkdir -p "$t/.disk" "$t/install.amd"
  printf 'Debian GNU/Linux 12 "Bookworm" - vizor test guest amd64 NETINST' >"$t/.disk/info"
  cp "$outdir/vmlinuz" "$t/install.amd/vmlinuz"
  cp "$outdir/initrd-installer.gz" "$t/install.amd/initrd.gz"
  printf 'vizor test guest: install.amd/initrd.gz writes a bootable test disk; see scripts/test-guest.\n' >"$t/README.txt"
  settimes "$t"
  run genisoimage -quiet -J -R -iso-level 3 -input-charset utf-8 -V "Debian 12 vizor guest" \
    -o "$outdir/installer.iso" "$t"
}

write_info() {
  size() { stat -c %s "$outdir/$1"; }
  cat >"$outdir/info.json" <<EOF
{
  "kernelRelease": "$guest_abi",
  "kernelBuild": "$guest_build",
  "httpPort": $port,
  "diskPartitionOffset": $((part_start * 512)),
  "sizes": { "vmlinuz": $(size vmlinuz), "initrd-firstboot.gz": $(size initrd-firstboot.gz),
    "initrd-installer.gz": $(size initrd-installer.gz), "disk.img": $(size disk.img), "installer.iso": $(size installer.iso) },
  "modules": [$(sed 's/.*/"&"/' "$work/rootfs/etc/vizor-guest/modules" | paste -sd, -)]
}
EOF
}
