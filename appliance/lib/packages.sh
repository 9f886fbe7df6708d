# The Debian packages vizor needs at run time, and Node.js >= 20. Build tools (g++, the
# -dev packages) are not here: the tree setup.sh installs is built already.
# Sourced by setup.sh; sets NODE to the node binary vizor runs with.

# Each package is named for its users in vizor, so the list can be checked against the code.
RUNTIME_PACKAGES=(
  samba           # vizor's private smbd, pdbedit, smbcontrol (windows-install shares)
  smbclient       # pulls libsmbclient (vizor_smb.node, vizor-isofs); smbclient for debugging
  cifs-utils      # mount.cifs: the kernel SMB client for SMB sources (catalog.smbClient)
  nfs-common      # mount.nfs: NFS sources
  fuse3           # libfuse3 and fusermount3: vizor-isofs, the FUSE mount of ISOs
  mount           # mount/umount: loop mounts of ISOs
  util-linux      # setpriv: smbd dies with vizor
  passwd          # useradd/userdel: per-build Samba accounts
  ipxe            # undionly.kpxe, snponly.efi, ipxe.efi served over TFTP
  qemu-utils      # qemu-img: QEMU driver disks
  xorriso         # CloudStack iPXE boot ISO
  mtools          # CloudStack iPXE boot ISO (EFI image)
  dosfstools      # CloudStack iPXE boot ISO (EFI image)
  iproute2        # ip: QEMU driver bridges and taps
  openssl         # the secrets key
  ca-certificates # --fetch-wimboot over HTTPS
  curl            # --fetch-wimboot
  bash-completion # loads vizor's bash completion
)
# --with-qemu: the local QEMU hypervisor driver (firmware included).
QEMU_PACKAGES=(qemu-system-x86 ovmf seabios ipxe-qemu)

NODE=''
NODE_MIN=20

node_major() {
  "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

# Sets NODE when a `node` >= NODE_MIN is on PATH.
find_node() {
  local n
  NODE=''
  n="$(command -v node || true)"
  if [ -n "$n" ] && [ "$(node_major "$n")" -ge "$NODE_MIN" ]; then NODE="$n"; fi
  return 0
}

# The major version of Debian's nodejs candidate, or 0 when apt knows none.
nodejs_candidate_major() {
  local v
  v="$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ {print $2}')"
  v="${v#*:}"
  case "$v" in '' | '(none)') echo 0 ;; *) echo "${v%%.*}" ;; esac
}

node_help() {
  local have
  have="$(command -v node >/dev/null 2>&1 && node --version 2>/dev/null || echo 'none')"
  cat <<EOF
vizor needs Node.js $NODE_MIN or later; node on PATH: $have; Debian's nodejs here: ${1:-unknown}.
  Debian 12 ships nodejs 18, which is too old. Either
  - use Debian 13, whose nodejs is 20 (setup.sh then installs it), or
  - install Node.js $NODE_MIN+ yourself so that \`node\` is on PATH (for example an official
    Node.js build unpacked under /usr/local), then run setup.sh again.
  setup.sh has installed nothing.
EOF
}

# Without --no-start, apt would start the daemons it installs (Debian's own smbd): in a
# chroot that means a daemon on the host's port 445. policy-rc.d tells invoke-rc.d "no".
POLICY_RC=/usr/sbin/policy-rc.d
hold_daemons() {
  if [ "$NO_START" = 1 ] && [ ! -e "$POLICY_RC" ]; then
    printf '#!/bin/sh\n# written by vizor setup.sh --no-start while it installs packages\nexit 101\n' > "$POLICY_RC"
    chmod 755 "$POLICY_RC"
    POLICY_RC_OURS=1
  fi
}
release_daemons() {
  if [ "${POLICY_RC_OURS:-0}" = 1 ]; then rm -f "$POLICY_RC"; POLICY_RC_OURS=0; fi
}

ensure_packages() {
  local wanted=("${RUNTIME_PACKAGES[@]}") missing=() p updated=0 cand
  [ "$WITH_QEMU" = 1 ] && wanted+=("${QEMU_PACKAGES[@]}")
  for p in "${wanted[@]}"; do
    if pkg_installed "$p"; then fine "package $p"; else missing+=("$p"); fi
  done
  find_node
  if is_check; then
    for p in "${missing[@]}"; do problem "package $p is not installed"; done
    if [ -n "$NODE" ]; then fine "node $("$NODE" --version) ($NODE)"; else problem "node: no Node.js >= $NODE_MIN on PATH (setup.sh installs Debian's nodejs when it is new enough)"; fi
    return 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$NODE" ]; then
    say "no Node.js >= $NODE_MIN on PATH: asking apt for Debian's nodejs"
    apt-get update -qq
    updated=1
    cand="$(nodejs_candidate_major)"
    if [ "$cand" -lt "$NODE_MIN" ]; then
      node_help "$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ {print $2}')" >&2
      exit 1
    fi
    missing+=(nodejs)
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    [ "$updated" = 1 ] || apt-get update -qq
    hold_daemons
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$WORK/apt.log" 2>&1 || {
      release_daemons
      tail -n 20 "$WORK/apt.log" >&2
      die "apt-get install failed (above: the last lines of its output)"
    }
    release_daemons
    changed "installed ${missing[*]}"
  fi
  find_node
  [ -n "$NODE" ] || { node_help "$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ {print $2}')" >&2; exit 1; }
}
