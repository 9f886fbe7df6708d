# First-boot mode (initramfs B, booted from the installed disk): reads a payload from the
# floppy or a CD (vizor.txt, KEY=VALUE lines: hostname, ip, gateway, dns, report, nonce,
# halt), configures the network (static from the payload, else DHCP), sets the hostname and
# reports mac, hostname, ip and nonce to the payload's report= URL, or without a payload to
# http://<DHCP server>:<vizor.port>/guest/hello. Then powers off (halt=1) or stays up.

# Mounts the floppy, then each CD, read-only; the first holding vizor.txt (any case) is the
# payload. Sets payload_source, payload_dir and payload_file.
find_payload() {
  local dev fs dir f
  payload_source=none
  for dev in /dev/fd0 /dev/sr*; do
    [ -b "$dev" ] || continue
    case "$dev" in /dev/fd*) fs=vfat ;; *) fs=iso9660 ;; esac
    dir="/mnt/${dev##*/}"
    mkdir -p "$dir"
    mount -t "$fs" -o ro "$dev" "$dir" 2>/dev/null || continue
    for f in "$dir"/*; do
      [ "$(basename "$f" | tr A-Z a-z)" = vizor.txt ] || continue
      case "$dev" in /dev/fd*) payload_source=floppy ;; *) payload_source=cd ;; esac
      payload_dir="$dir"
      payload_file="$f"
      log "payload on $dev ($fs): $(ls "$dir" | tr '\n' ' ')"
      return 0
    done
    umount "$dir"
  done
  return 1
}

run_firstboot() {
  local nic mac ip name url query files halt
  log "first boot of the installed disk"
  p_hostname='' p_ip='' p_gateway='' p_dns='' p_report='' p_nonce='' p_halt='' files=''
  settle_block_devices
  find_payload || log "no payload (no vizor.txt on a floppy or CD)"
  if [ "$payload_source" != none ]; then
    read_keys "$payload_file" p hostname ip gateway dns report nonce halt
    files="$(ls "$payload_dir" | tr '\n' ',' | sed 's/,$//')"
  fi
  nic="$(first_nic)" || die "no network interface"
  mac="$(cat "/sys/class/net/$nic/address")"
  if [ -n "$p_ip" ]; then
    net_static "$nic" "$p_ip" "$p_gateway" "$p_dns" || die "could not set $p_ip on $nic"
    log "network: $nic static $(nic_ipv4 "$nic") gateway ${p_gateway:-none}"
  else
    net_dhcp "$nic" || die "no DHCP lease on $nic: $(tail -n 3 /tmp/udhcpc.log)"
    log "network: $nic DHCP $(nic_ipv4 "$nic") from $dhcp_serverid"
  fi
  name="${p_hostname:-${dhcp_hostname:-}}"
  [ -z "$name" ] || hostname "$name"
  ip="$(nic_ipv4 "$nic")"
  url="$p_report"
  if [ -z "$url" ]; then
    [ -n "$dhcp_serverid" ] || die "no report= in a payload and no DHCP server to report to"
    url="http://$dhcp_serverid:$(cmdline_arg vizor.port)/guest/hello"
  fi
  query="mac=$(urlencode "$mac")&hostname=$(urlencode "$(hostname)")&ip=$(urlencode "$ip")"
  query="$query&nonce=$(urlencode "$p_nonce")&mode=disk&source=$payload_source&files=$(urlencode "$files")"
  case "$url" in *'?'*) url="$url&$query" ;; *) url="$url?$query" ;; esac
  http_get "$url" /dev/null 30 || die "the report to $url failed"
  log "reported: $url"
  halt="${p_halt:-$(cmdline_arg vizor.halt)}"
  [ "$halt" = 1 ] && power_off
  stay_up
}
