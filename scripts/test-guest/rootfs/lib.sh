# Shell functions shared by the test guest's installer and first-boot modes (busybox sh).

# Every line the guest prints starts with "vizor-guest:", on the serial port (ttyS0) and on
# the kernel console when that is another device.
log() {
  echo "vizor-guest: $*" >/dev/ttyS0 2>/dev/null
  case " $(cat /proc/cmdline) " in
    *" console=ttyS0"*) ;;
    *) echo "vizor-guest: $*" >/dev/console 2>/dev/null ;;
  esac
}

stay_up() {
  log "staying up"
  while :; do sleep 3600; done
}

power_off() {
  log "powering off"
  sync
  poweroff -f
  # without ACPI power-off, ask the kernel directly
  echo o >/proc/sysrq-trigger
  stay_up
}

# Logs an error and powers off: a test sees the VM stop and the reason on the console.
die() {
  log "error: $*"
  power_off
}

# The value of NAME=VALUE on the kernel command line (the last one wins), or nothing.
cmdline_arg() {
  local want="$1" arg value=""
  for arg in $(cat /proc/cmdline); do
    case "$arg" in "$want="*) value="${arg#*=}" ;; esac
  done
  printf '%s' "$value"
}

load_modules() {
  local rel n=0 failed=""
  while IFS= read -r rel; do
    if insmod "/lib/modules/$(uname -r)/$rel" 2>/dev/null; then n=$((n + 1)); else failed="$failed ${rel##*/}"; fi
  done </etc/vizor-guest/modules
  # a missing controller (no floppy drive, no AHCI on pc) makes its driver refuse to load
  log "loaded $n kernel modules${failed:+ (not loaded, no such hardware:$failed)}"
}

# Waits until the set of block devices has not changed for 3 seconds (at most ~15 s):
# SCSI and ATA scans run asynchronously after their drivers load.
settle_block_devices() {
  local i=0 same=0 prev="" cur
  while [ $i -lt 15 ] && [ $same -lt 3 ]; do
    cur="$(ls /sys/block)"
    if [ "$cur" = "$prev" ]; then same=$((same + 1)); else same=0; fi
    prev="$cur"
    i=$((i + 1))
    sleep 1
  done
}

# The first network interface (by name) other than lo, waiting up to 15 s for one.
first_nic() {
  local i=0 n
  while [ $i -lt 15 ]; do
    for n in $(ls /sys/class/net | sort); do
      [ "$n" = lo ] || { printf '%s' "$n"; return 0; }
    done
    i=$((i + 1))
    sleep 1
  done
  return 1
}

# Reads KEY=VALUE lines of a file into shell variables PREFIX_KEY, for the keys given,
# without evaluating anything (values may hold any character).
read_keys() {
  local file="$1" prefix="$2" line key value k
  shift 2
  while IFS= read -r line || [ -n "$line" ]; do
    line="$(printf '%s' "$line" | tr -d '\r')"
    case "$line" in ''|'#'*) continue ;; esac
    key="${line%%=*}"
    value="${line#*=}"
    [ "$key" != "$line" ] || continue
    for k in "$@"; do
      [ "$key" != "$k" ] || eval "${prefix}_$k=\$value"
    done
  done <"$file"
  return 0
}

# DHCP on an interface with busybox udhcpc; the lease lands in /run/vizor-guest/dhcp.env.
net_dhcp() {
  local nic="$1"
  dhcp_serverid='' dhcp_router='' dhcp_hostname=''
  ip link set "$nic" up
  rm -f /run/vizor-guest/dhcp.env
  udhcpc -i "$nic" -s /etc/vizor-guest/udhcpc.script -n -q -t 10 -T 3 >/tmp/udhcpc.log 2>&1 || return 1
  read_keys /run/vizor-guest/dhcp.env dhcp serverid router hostname
}

# A static address (addr/prefix, /24 when no prefix is given), optional gateway and DNS.
net_static() {
  local nic="$1" addr="$2" gw="$3" dns="$4" d
  case "$addr" in */*) ;; *) addr="$addr/24" ;; esac
  ip link set "$nic" up
  ip -4 addr flush dev "$nic"
  ip addr add "$addr" dev "$nic" || return 1
  [ -z "$gw" ] || ip route replace default via "$gw" dev "$nic" || return 1
  : >/etc/resolv.conf
  for d in $(echo "$dns" | tr ',' ' '); do echo "nameserver $d" >>/etc/resolv.conf; done
}

# The IPv4 address/prefix configured on an interface, e.g. 10.77.0.21/24.
nic_ipv4() {
  ip -4 -o addr show dev "$1" | awk '{ print $4; exit }'
}

# GET a URL into a file (- for stdout), retrying: TRIES attempts 2 s apart (default 10).
http_get() {
  local url="$1" out="$2" tries="${3:-10}" i=1
  while :; do
    # timeout, not wget -T: Debian's busybox 1.35 wget crashes with -T
    timeout 20 wget -q -O "$out" "$url" 2>/tmp/wget.err && return 0
    [ $i -lt "$tries" ] || { log "GET $url failed: $(tail -n 1 /tmp/wget.err)"; return 1; }
    i=$((i + 1))
    sleep 2
  done
}

# Percent-encodes a string for a URL query (RFC 3986 unreserved characters stay).
urlencode() {
  local h
  for h in $(printf '%s' "$1" | od -An -v -tx1); do
    # shellcheck disable=SC2059 # the format is the \xHH escape of one unreserved byte
    case "$h" in
      3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a]|2d|2e|5f|7e) printf "\\x$h" ;;
      *) printf '%%%s' "$(echo "$h" | tr a-f A-F)" ;;
    esac
  done
}
