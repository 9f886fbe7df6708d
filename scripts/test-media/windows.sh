# Sourced by build.sh: Windows-like install media (UDF bridge ISOs, WIM/ESD/SWM). Uses build.sh's helpers and variables.
# shellcheck shell=bash disable=SC2154

# --- Windows media pieces -----------------------------------------------------------------
windows_readme() {
  printf 'This disc contains a "UDF" file system and requires an operating system\r\nthat supports the ISO-13346 "UDF" file system specification.\r\n' >"$1/README.TXT"
}

# The boot files and loose files every Windows-like tree shares.
windows_skeleton() {
  local t="$1" tag="$2"
  mkdir -p "$t/sources"
  windows_readme "$t"
  detbytes "$tag/setup.exe" 102400 "$t/setup.exe"
  detbytes "$tag/bootmgr" 409600 "$t/bootmgr"
  detbytes "$tag/bootmgr.efi" 1510400 "$t/bootmgr.efi"
  printf '[AutoRun.Amd64]\r\nopen=setup.exe\r\nicon=setup.exe,0\r\n\r\n[AutoRun]\r\nopen=sources\\SetupError.exe x64\r\nicon=sources\\SetupError.exe,0\r\n' >"$t/autorun.inf"
  detbytes "$tag/boot/bcd" 16384 "$t/boot/bcd"
  detbytes "$tag/boot/boot.sdi" 3170304 "$t/boot/boot.sdi"
  detbytes "$tag/boot/etfsboot.com" 4096 "$t/boot/etfsboot.com"
  detbytes "$tag/boot/fonts/segmono_boot.ttf" 43000 "$t/boot/fonts/segmono_boot.ttf"
  detbytes "$tag/efi/boot/bootx64.efi" 1000000 "$t/efi/boot/bootx64.efi"
  detbytes "$tag/efi/microsoft/boot/bcd" 16384 "$t/efi/microsoft/boot/bcd"
  fat_image "$t/efi/microsoft/boot/efisys.bin" "$t/efi/boot/bootx64.efi" ::/EFI/BOOT/BOOTX64.EFI EFISECTOR
  printf '[Available UI Languages]\r\nen-US = 3\r\n\r\n[Fallback Languages]\r\nen-US = en-us\r\n' >"$t/sources/lang.ini"
  detbytes "$tag/sources/SxS/microsoft-windows-netfx3-ondemand-package~31bf3856ad364e35~amd64~~.cab" 65536 \
    "$t/sources/SxS/microsoft-windows-netfx3-ondemand-package~31bf3856ad364e35~amd64~~.cab"
  detbytes "$tag/sources/setup.exe" 300000 "$t/sources/setup.exe"
  local i
  # Real sources/ folders hold hundreds of entries: a directory spanning many sectors.
  for i in $(seq -w 1 300); do
    printf 'vizor test file %s of sources/\r\n' "$i" >"$t/sources/api-ms-win-core-$i.dll"
  done
}

# A small tree to capture as a WIM image; EXTRA names an edition-specific file.
image_tree() {
  local t="$1" tag="$2" extra="$3"
  mkdir -p "$t/Windows/System32/config" "$t/Program Files/Common Files" "$t/Users/Default"
  detbytes "$tag/ntoskrnl.exe" 200000 "$t/Windows/System32/ntoskrnl.exe"
  detbytes "$tag/kernel32.dll" 70000 "$t/Windows/System32/kernel32.dll"
  detbytes "$tag/SOFTWARE" 90000 "$t/Windows/System32/config/SOFTWARE"
  detbytes "$tag/NTUSER.DAT" 8192 "$t/Users/Default/NTUSER.DAT"
  printf 'edition %s\r\n' "$extra" >"$t/Windows/System32/$extra.xrm-ms"
  # A hard link makes HARDLINKBYTES non-zero.
  ln -f "$t/Windows/System32/kernel32.dll" "$t/Windows/System32/kernelbase.dll"
  settimes "$t"
}

# Properties common to the Windows client editions of one build.
client_props() {
  local build="$1" spbuild="$2"
  props=(
    --image-property WINDOWS/ARCH=9
    --image-property "WINDOWS/PRODUCTNAME=Microsoft® Windows® Operating System"
    --image-property WINDOWS/HAL=acpiapic
    --image-property WINDOWS/PRODUCTTYPE=WinNT
    --image-property "WINDOWS/PRODUCTSUITE=Terminal Server"
    --image-property WINDOWS/INSTALLATIONTYPE=Client
    --image-property WINDOWS/LANGUAGES/LANGUAGE=en-US
    --image-property WINDOWS/LANGUAGES/DEFAULT=en-US
    --image-property WINDOWS/VERSION/MAJOR=10
    --image-property WINDOWS/VERSION/MINOR=0
    --image-property "WINDOWS/VERSION/BUILD=$build"
    --image-property "WINDOWS/VERSION/SPBUILD=$spbuild"
    --image-property WINDOWS/VERSION/SPLEVEL=0
    --image-property WINDOWS/SYSTEMROOT=WINDOWS
  )
}

# boot.wim as Windows ships it: WinPE as image 1, Setup as image 2 (the boot image).
boot_wim() {
  local wim="$1" build="$2" src="$work/bootsrc"
  rm -rf "$src"
  image_tree "$src" "boot-$build" WindowsPE
  local pe=(
    --image-property WINDOWS/ARCH=9
    --image-property "WINDOWS/PRODUCTNAME=Microsoft® Windows® Operating System"
    --image-property WINDOWS/EDITIONID=WindowsPE
    --image-property WINDOWS/INSTALLATIONTYPE=WindowsPE
    --image-property WINDOWS/PRODUCTTYPE=WinNT
    --image-property WINDOWS/LANGUAGES/LANGUAGE=en-US
    --image-property WINDOWS/LANGUAGES/DEFAULT=en-US
    --image-property WINDOWS/VERSION/MAJOR=10
    --image-property WINDOWS/VERSION/MINOR=0
    --image-property "WINDOWS/VERSION/BUILD=$build"
    --image-property WINDOWS/VERSION/SPBUILD=1
    --image-property WINDOWS/SYSTEMROOT=WINDOWS
  )
  rm -f "$wim"
  run wimlib-imagex capture "$src" "$wim" "Microsoft Windows PE (amd64)" "Microsoft Windows PE (amd64)" \
    --flags=9 "${pe[@]}"
  run wimlib-imagex append "$src" "$wim" "Microsoft Windows Setup (amd64)" "Microsoft Windows Setup (amd64)" \
    --flags=2 --boot "${pe[@]}"
}

# Makes an ISO whose ISO 9660 tree shows only README.TXT while UDF holds everything,
# with El Torito BIOS (etfsboot.com) and UEFI (efisys.bin) entries when BOOT=boot.
windows_iso() {
  local src="$1" iso="$2" label="$3" boot="${4:-boot}" hide=() name
  for name in "$src"/* "$src"/.[!.]*; do
    [ -e "$name" ] || continue
    name="${name##*/}"
    [ "$name" = README.TXT ] || hide+=(-hide "$name")
  done
  local bootargs=()
  if [ "$boot" = boot ]; then
    bootargs=(-b boot/etfsboot.com -no-emul-boot -boot-load-size 8 -hide boot.catalog
      -eltorito-alt-boot -e efi/microsoft/boot/efisys.bin -no-emul-boot)
  fi
  run genisoimage -quiet -udf -iso-level 3 -allow-limited-size -input-charset utf-8 -V "$label" \
    "${hide[@]}" "${bootargs[@]}" -o "$iso" "$src"
}

# --- win10.iso ----------------------------------------------------------------------------
build_win10() {
  local t="$work/win10"
  windows_skeleton "$t" win10
  boot_wim "$t/sources/boot.wim" 19041
  local w="$t/sources/install.wim" props
  client_props 19041 1
  image_tree "$work/img-edu" w10edu Education
  image_tree "$work/img-ent" w10ent Enterprise
  image_tree "$work/img-pro" w10pro Professional
  run wimlib-imagex capture "$work/img-edu" "$w" "Windows 10 Education" "Windows 10 Education" \
    --flags=Education "${props[@]}" --image-property WINDOWS/EDITIONID=Education \
    --image-property "DISPLAYNAME=Windows 10 Education" \
    --image-property "DISPLAYDESCRIPTION=Windows 10 Education"
  run wimlib-imagex append "$work/img-ent" "$w" "Windows 10 Enterprise" "Windows 10 Enterprise" \
    --flags=Enterprise "${props[@]}" --image-property WINDOWS/EDITIONID=Enterprise \
    --image-property "WINDOWS/LANGUAGES/LANGUAGE[2]=de-DE" \
    --image-property "DISPLAYNAME=Windows 10 Enterprise" \
    --image-property "DISPLAYDESCRIPTION=Windows 10 Enterprise"
  run wimlib-imagex append "$work/img-pro" "$w" "Windows 10 Pro" "Windows 10 Pro" \
    --flags=Professional "${props[@]}" --image-property WINDOWS/EDITIONID=Professional \
    --image-property "DISPLAYNAME=Windows 10 Pro" \
    --image-property "DISPLAYDESCRIPTION=Windows 10 Pro"
  settimes "$t"
  windows_iso "$t" "$outdir/win10.iso" CCCOMA_X64FRE_EN-US_DV9
  cp "$w" "$outdir/wims/win10-install.wim"
  cp "$t/sources/boot.wim" "$outdir/wims/win10-boot.wim"
  keep_tree win10 "$t"
  meta win10.iso <<'EOF'
{ "kind": "windows", "label": "CCCOMA_X64FRE_EN-US_DV9", "filesystems": ["iso9660", "udf"],
  "udfRevision": "1.02 (genisoimage)", "iso9660Visible": ["README.TXT"],
  "boot": [
    { "platform": "bios", "emulation": "none", "image": "boot/etfsboot.com", "loadSectors": 8 },
    { "platform": "uefi", "emulation": "none", "image": "efi/microsoft/boot/efisys.bin" } ],
  "wims": [
    { "path": "sources/install.wim", "copy": "wims/win10-install.wim", "images": 3, "bootIndex": 0,
      "names": ["Windows 10 Education", "Windows 10 Enterprise", "Windows 10 Pro"] },
    { "path": "sources/boot.wim", "copy": "wims/win10-boot.wim", "images": 2, "bootIndex": 2,
      "names": ["Microsoft Windows PE (amd64)", "Microsoft Windows Setup (amd64)"] } ],
  "multiSectorDirectory": "sources" }
EOF
}

# --- win11-esd.iso ------------------------------------------------------------------------
build_win11_esd() {
  local t="$work/win11" w="$work/win11-install.wim" props
  windows_skeleton "$t" win11
  boot_wim "$t/sources/boot.wim" 22631
  client_props 22631 2861
  image_tree "$work/img11-home" w11home Core
  image_tree "$work/img11-pro" w11pro Professional
  image_tree "$work/img11-arm" w11arm ProfessionalArm
  image_tree "$work/img11-srv" w11srv ServerStandard
  # Home: sparse XML (no DISPLAYNAME/DESCRIPTION/PRODUCTSUITE/HAL).
  run wimlib-imagex capture "$work/img11-home" "$w" "Windows 11 Home" --flags=Core \
    --image-property WINDOWS/ARCH=9 --image-property WINDOWS/EDITIONID=Core \
    --image-property WINDOWS/INSTALLATIONTYPE=Client --image-property WINDOWS/PRODUCTTYPE=WinNT \
    --image-property WINDOWS/LANGUAGES/LANGUAGE=en-US --image-property WINDOWS/LANGUAGES/DEFAULT=en-US \
    --image-property WINDOWS/VERSION/MAJOR=10 --image-property WINDOWS/VERSION/BUILD=22631
  run wimlib-imagex append "$work/img11-pro" "$w" "Windows 11 Pro" "Windows 11 Pro" \
    --flags=Professional "${props[@]}" --image-property WINDOWS/EDITIONID=Professional \
    --image-property "WINDOWS/LANGUAGES/LANGUAGE[2]=de-DE" \
    --image-property "WINDOWS/LANGUAGES/LANGUAGE[3]=fr-FR" \
    --image-property WINDOWS/LANGUAGES/DEFAULT=de-DE \
    --image-property "DISPLAYNAME=Windows 11 Pro" --image-property "DISPLAYDESCRIPTION=Windows 11 Pro"
  run wimlib-imagex append "$work/img11-arm" "$w" "Windows 11 Pro ARM64" "Windows 11 Pro for ARM64 PCs" \
    --flags=Professional "${props[@]}" --image-property WINDOWS/ARCH=12 \
    --image-property WINDOWS/EDITIONID=Professional --image-property WINDOWS/HAL=arm64 \
    --image-property "DISPLAYNAME=Windows 11 Pro" --image-property "DISPLAYDESCRIPTION=Windows 11 Pro (ARM64)"
  run wimlib-imagex append "$work/img11-srv" "$w" "Windows Server 2022 SERVERSTANDARD" \
    "Windows Server 2022 SERVERSTANDARD" --flags=ServerStandard "${props[@]}" \
    --image-property WINDOWS/EDITIONID=ServerStandard --image-property WINDOWS/INSTALLATIONTYPE=Server \
    --image-property WINDOWS/PRODUCTTYPE=ServerNT --image-property WINDOWS/VERSION/BUILD=20348 \
    --image-property WINDOWS/VERSION/SPBUILD=2113 --image-property WINDOWS/VERSION/SPLEVEL=0 \
    --image-property "DISPLAYNAME=Windows Server 2022 Standard (Desktop Experience)" \
    --image-property "DISPLAYDESCRIPTION=This option installs the full Windows graphical environment."
  run wimlib-imagex export "$w" all "$t/sources/install.esd" --solid
  local version
  version="$(wimlib-imagex info "$t/sources/install.esd" --header | sed -n 's/^Version *= *//p')"
  [ "$version" = 0xe00 ] || fail "install.esd has version $version, expected 0xe00"
  settimes "$t"
  windows_iso "$t" "$outdir/win11-esd.iso" CCCOMA_X64FRE_EN-US_DV9
  cp "$t/sources/install.esd" "$outdir/wims/win11-install.esd"
  cp "$t/sources/boot.wim" "$outdir/wims/win11-boot.wim"
  keep_tree win11-esd "$t"
  meta win11-esd.iso <<'EOF'
{ "kind": "windows", "label": "CCCOMA_X64FRE_EN-US_DV9", "filesystems": ["iso9660", "udf"],
  "iso9660Visible": ["README.TXT"],
  "boot": [
    { "platform": "bios", "emulation": "none", "image": "boot/etfsboot.com", "loadSectors": 8 },
    { "platform": "uefi", "emulation": "none", "image": "efi/microsoft/boot/efisys.bin" } ],
  "wims": [
    { "path": "sources/install.esd", "copy": "wims/win11-install.esd", "images": 4, "bootIndex": 0,
      "solid": true, "version": "0xe00",
      "names": ["Windows 11 Home", "Windows 11 Pro", "Windows 11 Pro ARM64", "Windows Server 2022 SERVERSTANDARD"],
      "architectures": ["x64", "x64", "arm64", "x64"] },
    { "path": "sources/boot.wim", "copy": "wims/win11-boot.wim", "images": 2, "bootIndex": 2 } ] }
EOF
}

# --- win-split.iso ------------------------------------------------------------------------
build_split() {
  local t="$work/split" src="$work/img-split" w="$work/split.wim" i
  windows_skeleton "$t" split
  rm -f "$t/sources/api-ms-win-core-"*.dll
  image_tree "$src" split Professional
  # Incompressible blobs: with the tree's ~370 KB, a 1 MiB part limit makes exactly two parts.
  for i in 1 2; do detbytes "split/blob$i" 409600 "$src/Windows/System32/blob$i.bin"; done
  settimes "$src"
  local props
  client_props 19045 3803
  run wimlib-imagex capture "$src" "$w" "Windows 10 Pro" "Windows 10 Pro" --flags=Professional \
    "${props[@]}" --image-property WINDOWS/EDITIONID=Professional
  run wimlib-imagex append "$src" "$w" "Windows 10 Home" "Windows 10 Home" --flags=Core \
    "${props[@]}" --image-property WINDOWS/EDITIONID=Core
  run wimlib-imagex split "$w" "$t/sources/install.swm" 1
  [ -f "$t/sources/install2.swm" ] && [ ! -e "$t/sources/install3.swm" ] \
    || fail "wimlib split did not make exactly 2 parts: $(ls "$t/sources")"
  settimes "$t"
  windows_iso "$t" "$outdir/win-split.iso" CCCOMA_X64FRE_EN-US_DV9
  cp "$t/sources/install.swm" "$outdir/wims/split-install.swm"
  cp "$t/sources/install2.swm" "$outdir/wims/split-install2.swm"
  keep_tree win-split "$t"
  meta win-split.iso <<'EOF'
{ "kind": "windows", "label": "CCCOMA_X64FRE_EN-US_DV9", "filesystems": ["iso9660", "udf"],
  "iso9660Visible": ["README.TXT"],
  "wims": [
    { "path": "sources/install.swm", "copy": "wims/split-install.swm", "images": 2, "part": 1, "totalParts": 2 },
    { "path": "sources/install2.swm", "copy": "wims/split-install2.swm", "images": 2, "part": 2, "totalParts": 2 },
    { "path": "sources/boot.wim", "images": 2, "bootIndex": 2 } ] }
EOF
}

# --- win11-big.iso: install.wim > 4 GiB with its XML beyond 4 GiB -------------------------
build_big() {
  local t="$work/big" src="$work/img-big" w i
  windows_skeleton "$t" big
  rm -f "$t/sources/api-ms-win-core-"*.dll
  boot_wim "$t/sources/boot.wim" 22631
  image_tree "$src" big Professional
  local huge="$src/Windows/System32/huge.bin" size=4700000000
  truncate -s "$size" "$huge"
  # Distinctive bytes so a reader that drops the high bits of an offset reads the wrong ones.
  for i in 0 1073741824 4294967296 4294971392 4699999000; do
    printf 'VIZOR-MARKER@%s' "$i" | dd of="$huge" bs=1 seek="$i" conv=notrunc status=none
  done
  settimes "$src"
  w="$t/sources/install.wim"
  local props
  client_props 22631 2861
  run wimlib-imagex capture "$src" "$w" "Windows 11 Pro" "Windows 11 Pro" --compress=none \
    --flags=Professional "${props[@]}" --image-property WINDOWS/EDITIONID=Professional \
    --image-property "DISPLAYNAME=Windows 11 Pro" --image-property "DISPLAYDESCRIPTION=Windows 11 Pro"
  rm -f "$huge"
  image_tree "$work/img-big2" big2 Education
  run wimlib-imagex append "$work/img-big2" "$w" "Windows 11 Education" "Windows 11 Education" \
    --flags=Education "${props[@]}" --image-property WINDOWS/EDITIONID=Education
  local xmloff
  xmloff="$(wimlib-imagex info "$w" --header | sed -n 's/^XML Data Offset *= *//p')"
  [ "$xmloff" -gt 4294967296 ] || fail "big install.wim XML offset $xmloff is not beyond 4 GiB"
  run fallocate --dig-holes "$w"
  settimes "$t"
  windows_iso "$t" "$outdir/win11-big.iso" CCCOMA_X64FRE_EN-US_DV9
  run fallocate --dig-holes "$outdir/win11-big.iso"
  mv "$w" "$outdir/wims/win11-big-install.wim"
  keep_tree win11-big "$t"
  cat >"$outdir/meta/win11-big.iso.json" <<EOF
{ "kind": "windows", "label": "CCCOMA_X64FRE_EN-US_DV9", "filesystems": ["iso9660", "udf"],
  "iso9660Visible": ["README.TXT"],
  "boot": [
    { "platform": "bios", "emulation": "none", "image": "boot/etfsboot.com", "loadSectors": 8 },
    { "platform": "uefi", "emulation": "none", "image": "efi/microsoft/boot/efisys.bin" } ],
  "wims": [
    { "path": "sources/install.wim", "copy": "wims/win11-big-install.wim", "images": 2,
      "compression": "none", "xmlOffset": $xmloff,
      "names": ["Windows 11 Pro", "Windows 11 Education"] },
    { "path": "sources/boot.wim", "images": 2, "bootIndex": 2 } ],
  "largeFiles": [ { "path": "sources/install.wim", "copy": "wims/win11-big-install.wim" } ],
  "treeOmits": ["sources/install.wim"],
  "hugeFileInWim": { "path": "Windows/System32/huge.bin", "size": $size,
    "markers": "ASCII 'VIZOR-MARKER@<offset>' at offsets 0, 1073741824, 4294967296, 4294971392, 4699999000" } }
EOF
}

# --- language packs -----------------------------------------------------------------------
build_langpack() {
  local t="$work/langpack" a l
  mkdir -p "$t"
  windows_readme "$t"
  for a in x64 x86; do
    for l in de-de fr-fr; do
      detbytes "lp/$a/$l" 50000 "$t/$a/langpacks/Microsoft-Windows-Client-Language-Pack_${a}_${l}.cab"
    done
  done
  detbytes lp/old/de-de 20000 "$t/langpacks/de-de/lp.cab"
  detbytes lp/old/fr-fr 20000 "$t/langpacks/fr-fr/lp.cab"
  settimes "$t"
  windows_iso "$t" "$outdir/langpack.iso" 19041_LP_X64_X86 noboot
  keep_tree langpack "$t"
  meta langpack.iso <<'EOF'
{ "kind": "windows-langpack", "label": "19041_LP_X64_X86", "filesystems": ["iso9660", "udf"],
  "iso9660Visible": ["README.TXT"],
  "languages": { "x64": ["de-de", "fr-fr"], "x86": ["de-de", "fr-fr"], "legacy": ["de-de", "fr-fr"] } }
EOF
}
