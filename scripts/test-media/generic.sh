# Sourced by build.sh: Joliet/Rock Ridge, El Torito, guest-tools and Linux installer ISOs. Uses build.sh's helpers and variables.
# shellcheck shell=bash disable=SC2154

# --- ISO 9660 + Joliet + Rock Ridge -------------------------------------------------------
build_joliet() {
  local t="$work/joliet" i
  mkdir -p "$t/many" "$t/Mixed/CaseDir"
  printf 'vizor joliet/rock ridge test image\n' >"$t/README.md"
  printf 'mixed case\n' >"$t/Mixed/CaseDir/MiXeD.TxT"
  printf 'upper\n' >"$t/UPPER.TXT"
  printf 'lower\n' >"$t/lower.txt"
  : >"$t/empty.txt"
  printf 'spaces\n' >"$t/Name With Spaces.txt"
  printf 'unicode\n' >"$t/Ünïcödé_名前.txt"
  printf 'long\n' >"$t/A_really_long_file_name_that_goes_well_beyond_the_sixty_four_character_Joliet_limit_ok.txt"
  detbytes joliet/data.bin 200000 "$t/data.bin"
  local d="$t/deep"
  # Ten levels: deeper than ISO 9660's eight, so Rock Ridge relocates (RR_MOVED, CL/PL/RE).
  for i in 2 3 4 5 6 7 8 9 10; do d="$d/level$i"; done
  mkdir -p "$d"
  printf 'deep leaf\n' >"$d/leaf.txt"
  for i in $(seq -w 1 300); do printf 'file %s\n' "$i" >"$t/many/file$i.txt"; done
  ln -s README.md "$t/link-to-readme"
  ln -s many "$t/link-to-many"
  settimes "$t"
  run genisoimage -quiet -J -R -joliet-long -iso-level 3 -input-charset utf-8 -V VIZOR_JOLIET_RR \
    -o "$outdir/joliet-rr.iso" "$t"
  keep_tree joliet-rr "$t"
  meta joliet-rr.iso <<'EOF'
{ "kind": "generic", "label": "VIZOR_JOLIET_RR", "filesystems": ["iso9660", "joliet", "rockridge"],
  "symlinks": { "link-to-readme": "README.md", "link-to-many": "many" },
  "deepFile": "deep/level2/level3/level4/level5/level6/level7/level8/level9/level10/leaf.txt",
  "multiSectorDirectory": "many",
  "notes": "10-level nesting makes genisoimage relocate deep directories into rr_moved (Rock Ridge CL/PL/RE)" }
EOF
}

build_eltorito() {
  local t="$work/eltorito"
  mkdir -p "$t/boot" "$work/floppy"
  detbytes eltorito/memtest 30000 "$work/floppy/MEMTEST.BIN"
  settimes "$work/floppy"
  fat_image "$t/boot/floppy.img" "$work/floppy/MEMTEST.BIN" ::/MEMTEST.BIN FLOPPY
  detbytes eltorito/bootx64.efi 60000 "$work/floppy/BOOTX64.EFI"
  fat_image "$t/boot/efiboot.img" "$work/floppy/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI EFIBOOT 2880
  printf 'el torito test image\n' >"$t/README.TXT"
  settimes "$t"
  run genisoimage -quiet -J -R -iso-level 3 -input-charset utf-8 -V VIZOR_ELTORITO -c boot/boot.catalog \
    -b boot/floppy.img -eltorito-alt-boot -e boot/efiboot.img -no-emul-boot \
    -o "$outdir/eltorito.iso" "$t"
  keep_tree eltorito "$t"
  meta eltorito.iso <<'EOF'
{ "kind": "generic", "label": "VIZOR_ELTORITO", "filesystems": ["iso9660", "joliet", "rockridge"],
  "boot": [
    { "platform": "bios", "emulation": "floppy-1.44", "mediaType": 2, "image": "boot/floppy.img", "size": 1474560 },
    { "platform": "uefi", "emulation": "none", "image": "boot/efiboot.img", "size": 2949120 } ],
  "catalog": "boot/boot.catalog" }
EOF
}

# --- driver / guest tools ISOs -----------------------------------------------------------
build_xen() {
  local t="$work/xen"
  mkdir -p "$t/Linux"
  detbytes xen/setup 120000 "$t/Setup.exe"
  detbytes xen/ma64 90000 "$t/managementagentx64.msi"
  detbytes xen/ma86 80000 "$t/managementagentx86.msi"
  printf '[autorun]\r\nopen=Setup.exe\r\n' >"$t/AUTORUN.INF"
  printf '#!/bin/sh\n# XenServer guest utilities installer\necho install\n' >"$t/Linux/install.sh"
  detbytes xen/deb 30000 "$t/Linux/xe-guest-utilities_8.4.0-1_amd64.deb"
  detbytes xen/rpm 30000 "$t/Linux/xe-guest-utilities-8.4.0-1.x86_64.rpm"
  settimes "$t"
  run genisoimage -quiet -J -R -iso-level 3 -input-charset utf-8 -V "XenServer Tools" \
    -o "$outdir/xen-tools.iso" "$t"
  keep_tree xen-tools "$t"
  meta xen-tools.iso <<'EOF'
{ "kind": "guest-tools", "vendor": "xenserver", "label": "XenServer Tools",
  "filesystems": ["iso9660", "joliet", "rockridge"],
  "installers": ["Setup.exe", "managementagentx64.msi", "managementagentx86.msi"] }
EOF
}

build_virtio() {
  local t="$work/virtio" drv os arch
  mkdir -p "$t"
  detbytes virtio/gt 200000 "$t/virtio-win-guest-tools.exe"
  detbytes virtio/gt64 150000 "$t/virtio-win-gt-x64.msi"
  detbytes virtio/gt86 140000 "$t/virtio-win-gt-x86.msi"
  detbytes virtio/ga64 60000 "$t/guest-agent/qemu-ga-x86_64.msi"
  detbytes virtio/ga86 60000 "$t/guest-agent/qemu-ga-i386.msi"
  for drv in NetKVM viostor vioscsi Balloon; do
    for os in w10 w11 2k22; do
      for arch in amd64 x86; do
        [ "$os" = w10 ] || [ "$arch" = amd64 ] || continue
        local lower="${drv,,}" d="$t/$drv/$os/$arch"
        mkdir -p "$d"
        printf '; %s for %s %s\r\n[Version]\r\nSignature="$WINDOWS NT$"\r\nClass=%s\r\nDriverVer=09/08/2023,100.94.104.24000\r\n' \
          "$lower" "$os" "$arch" "$drv" >"$d/$lower.inf"
        detbytes "virtio/$drv/$os/$arch/sys" 40000 "$d/$lower.sys"
        detbytes "virtio/$drv/$os/$arch/cat" 9000 "$d/$lower.cat"
      done
    done
  done
  mkdir -p "$t/data"
  printf 'virtio-win-0.1.240\n' >"$t/data/info.txt"
  settimes "$t"
  run genisoimage -quiet -J -R -iso-level 3 -input-charset utf-8 -V virtio-win-0.1.240 \
    -o "$outdir/virtio-win.iso" "$t"
  keep_tree virtio-win "$t"
  meta virtio-win.iso <<'EOF'
{ "kind": "drivers", "vendor": "virtio-win", "label": "virtio-win-0.1.240",
  "filesystems": ["iso9660", "joliet", "rockridge"],
  "drivers": ["NetKVM", "viostor", "vioscsi", "Balloon"], "sampleInf": "NetKVM/w10/amd64/netkvm.inf" }
EOF
}

# --- Linux installers ---------------------------------------------------------------------
build_debian() {
  local t="$work/debian"
  mkdir -p "$t/.disk" "$t/dists/bookworm" "$t/isolinux"
  printf 'Debian GNU/Linux 12.11.0 "Bookworm" - Official amd64 NETINST with firmware 20250517-09:51' >"$t/.disk/info"
  detbytes debian/vmlinuz 300000 "$t/install.amd/vmlinuz"
  detbytes debian/initrd 400000 "$work/debian-initrd"
  gzip -n -9 -c "$work/debian-initrd" >"$t/install.amd/initrd.gz"
  cat >"$t/dists/bookworm/Release" <<'EOF'
Origin: Debian
Label: Debian
Suite: stable
Version: 12.11
Codename: bookworm
Date: Sat, 17 May 2025 09:34:35 UTC
Acquire-By-Hash: yes
Architectures: amd64
Components: main non-free-firmware
Description: Debian 12.11 Released 17 May 2025
EOF
  detbytes debian/isolinux 38912 "$t/isolinux/isolinux.bin"
  printf 'path \ndefault vesamenu.c32\nlabel install\n\tkernel /install.amd/vmlinuz\n\tappend vga=788 initrd=/install.amd/initrd.gz --- quiet\n' >"$t/isolinux/isolinux.cfg"
  detbytes debian/grubx64 80000 "$work/debian-grubx64.efi"
  fat_image "$t/boot/grub/efi.img" "$work/debian-grubx64.efi" ::/EFI/boot/bootx64.efi DEBIAN
  printf 'See https://www.debian.org/ for information about Debian.\n' >"$t/README.txt"
  settimes "$t"
  run genisoimage -quiet -J -R -iso-level 3 -input-charset utf-8 -V "Debian 12.11.0 amd64 n" \
    -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
    -eltorito-alt-boot -e boot/grub/efi.img -no-emul-boot -o "$outdir/debian-netinst.iso" "$t"
  # -boot-info-table patched the copy inside the ISO, not the tree's isolinux.bin.
  keep_tree debian-netinst "$t"
  meta debian-netinst.iso <<'EOF'
{ "kind": "debian", "label": "Debian 12.11.0 amd64 n", "filesystems": ["iso9660", "joliet", "rockridge"],
  "diskInfo": "Debian GNU/Linux 12.11.0 \"Bookworm\" - Official amd64 NETINST with firmware 20250517-09:51",
  "kernel": "install.amd/vmlinuz", "initrd": "install.amd/initrd.gz",
  "boot": [
    { "platform": "bios", "emulation": "none", "image": "isolinux/isolinux.bin", "loadSectors": 4, "bootInfoTable": true },
    { "platform": "uefi", "emulation": "none", "image": "boot/grub/efi.img" } ],
  "notes": "isolinux/isolinux.bin in the ISO differs from the tree copy: -boot-info-table patches bytes 8-63" }
EOF
}

build_rhel() {
  local t="$work/rhel"
  mkdir -p "$t/images/pxeboot" "$t/isolinux" "$t/BaseOS/repodata"
  cat >"$t/.treeinfo" <<'EOF'
[checksums]
images/efiboot.img = sha256:0000000000000000000000000000000000000000000000000000000000000000

[general]
; WARNING.0 = This section provides compatibility with pre-productmd treeinfos.
; WARNING.1 = Read productmd documentation for details about new format.
arch = x86_64
family = Rocky Linux
name = Rocky Linux 9.4
packagedir = BaseOS/Packages
platforms = x86_64,xen
repository = BaseOS
timestamp = 1714873589
variant = BaseOS
variants = AppStream,BaseOS
version = 9.4

[header]
type = productmd.treeinfo
version = 1.2

[images-x86_64]
efiboot.img = images/efiboot.img
initrd = images/pxeboot/initrd.img
kernel = images/pxeboot/vmlinuz

[images-xen]
initrd = images/pxeboot/initrd.img
kernel = images/pxeboot/vmlinuz

[release]
name = Rocky Linux
short = Rocky
version = 9.4

[stage2]
mainimage = images/install.img

[tree]
arch = x86_64
build_timestamp = 1714873589
platforms = x86_64,xen
variants = AppStream,BaseOS

[variant-BaseOS]
id = BaseOS
name = BaseOS
packages = BaseOS/Packages
repository = BaseOS
type = variant
uid = BaseOS
EOF
  detbytes rhel/vmlinuz 350000 "$t/images/pxeboot/vmlinuz"
  detbytes rhel/initrd 500000 "$t/images/pxeboot/initrd.img"
  detbytes rhel/isolinux 38912 "$t/isolinux/isolinux.bin"
  printf 'default vesamenu.c32\nlabel linux\n  kernel vmlinuz\n  append initrd=initrd.img inst.stage2=hd:LABEL=Rocky-9-4-x86_64-dvd quiet\n' >"$t/isolinux/isolinux.cfg"
  detbytes rhel/shim 90000 "$work/rhel-bootx64.efi"
  fat_image "$t/images/efiboot.img" "$work/rhel-bootx64.efi" ::/EFI/BOOT/BOOTX64.EFI ANACONDA
  printf '[InstallMedia]\nname=Rocky Linux 9.4\nmediaid=None\nmetadata_expire=-1\ngpgcheck=0\ncost=500\n' >"$t/media.repo"
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<repomd xmlns="http://linux.duke.edu/metadata/repo"><revision>1714873589</revision></repomd>\n' \
    >"$t/BaseOS/repodata/repomd.xml"
  settimes "$t"
  run genisoimage -quiet -J -R -iso-level 3 -input-charset utf-8 -V Rocky-9-4-x86_64-dvd \
    -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
    -eltorito-alt-boot -e images/efiboot.img -no-emul-boot -o "$outdir/rhel-like.iso" "$t"
  keep_tree rhel-like "$t"
  meta rhel-like.iso <<'EOF'
{ "kind": "rhel", "label": "Rocky-9-4-x86_64-dvd", "filesystems": ["iso9660", "joliet", "rockridge"],
  "treeinfo": { "family": "Rocky Linux", "version": "9.4", "arch": "x86_64",
    "kernel": "images/pxeboot/vmlinuz", "initrd": "images/pxeboot/initrd.img" } }
EOF
}
