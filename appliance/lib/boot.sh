# Boot files vizor serves: Debian's iPXE binaries (package ipxe) and wimboot, which Debian
# does not ship: taken from --wimboot FILE or, with --fetch-wimboot, from iPXE's releases.
# Sourced by setup.sh; expects BOOT_DIR, WORK, WIMBOOT_FILE, FETCH_WIMBOOT.

IPXE_DIR=/usr/lib/ipxe
# The names vizor serves (src/boot/files.ts BOOT_BINARIES).
IPXE_BINARIES=(undionly.kpxe snponly.efi ipxe.efi)
WIMBOOT_URL=https://github.com/ipxe/wimboot/releases/latest/download/wimboot

# wimboot_problem FILE — prints why FILE is not a wimboot binary, or nothing when it looks
# like one. wimboot is both a Linux bzImage (BIOS, loaded by iPXE) and an EFI PE program:
# "MZ" at 0, the bzImage "HdrS" magic at 0x202, "PE\0\0" where the MZ header points.
wimboot_problem() {
  local f=$1 size pe
  [ -f "$f" ] || { echo "$f does not exist"; return 0; }
  size="$(stat -c %s "$f")"
  if [ "$size" -lt 4096 ] || [ "$size" -gt 16777216 ]; then echo "$f is $size bytes (wimboot is tens of KiB)"; return 0; fi
  [ "$(od -An -c -N 2 "$f" | tr -d ' ')" = MZ ] || { echo "$f has no MZ (EFI executable) header"; return 0; }
  [ "$(od -An -c -j 514 -N 4 "$f" | tr -d ' ')" = HdrS ] || { echo "$f has no bzImage header (HdrS at 0x202)"; return 0; }
  pe="$(od -An -t u4 -j 60 -N 4 "$f" | tr -d ' ')"
  if [ "$pe" -ge "$size" ] || [ "$(od -An -t x1 -j "$pe" -N 4 "$f" | tr -d ' ')" != 50450000 ]; then
    echo "$f has no PE header"
  fi
  return 0
}

ensure_ipxe_binaries() {
  local name
  for name in "${IPXE_BINARIES[@]}"; do
    if [ ! -f "$IPXE_DIR/$name" ]; then
      problem "boot file $name: $IPXE_DIR/$name is missing (Debian package ipxe)"
      continue
    fi
    cp "$IPXE_DIR/$name" "$WORK/$name"
    put_file "$WORK/$name" "$BOOT_DIR/$name" 644 root:root "boot file $name"
  done
}

# Checks --wimboot's file before anything changes.
preflight_wimboot() {
  local why
  [ -n "$WIMBOOT_FILE" ] || return 0
  why="$(wimboot_problem "$WIMBOOT_FILE")"
  [ -z "$why" ] || die "--wimboot: $why; give the wimboot binary from https://github.com/ipxe/wimboot/releases"
}

ensure_wimboot() {
  local dest="$BOOT_DIR/wimboot" why
  if [ -n "$WIMBOOT_FILE" ] && ! is_check; then
    cp "$WIMBOOT_FILE" "$WORK/wimboot"
    put_file "$WORK/wimboot" "$dest" 644 root:root 'wimboot'
    return 0
  fi
  if [ "$FETCH_WIMBOOT" = 1 ] && ! is_check; then
    say "downloading $WIMBOOT_URL"
    curl -fsSL --proto '=https' --proto-redir '=https' --tlsv1.2 --retry 2 --max-time 120 -o "$WORK/wimboot" "$WIMBOOT_URL" ||
      die "cannot download wimboot from $WIMBOOT_URL; download it elsewhere and run setup.sh --wimboot FILE"
    why="$(wimboot_problem "$WORK/wimboot")"
    [ -z "$why" ] || die "the download from $WIMBOOT_URL is not wimboot: $why"
    put_file "$WORK/wimboot" "$dest" 644 root:root 'wimboot'
    return 0
  fi
  if [ -f "$dest" ]; then
    why="$(wimboot_problem "$dest")"
    if [ -z "$why" ]; then fine "wimboot ($dest)"; else problem "wimboot: $why"; fi
    ensure_attrs "$dest" 644 root:root 'wimboot'
    return 0
  fi
  if is_check; then
    problem "wimboot: $dest is missing (Windows network installs need it): run setup.sh --wimboot FILE or --fetch-wimboot"
  else
    say "note: no wimboot yet; Windows network installs need it: run setup.sh --wimboot FILE or --fetch-wimboot"
  fi
}
