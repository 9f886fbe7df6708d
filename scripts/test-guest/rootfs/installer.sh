# Installer mode (initramfs A): what the Debian installer does with vizor's callbacks,
# without installing anything. Fetches the preseed named by url= on the kernel command
# line, GETs each /answers/<token>/stage/<name> URL in it in file order, writes the
# embedded disk image to the first disk, GETs /answers/<token>/done and powers off.

# Lines of the preseed that are not comments, one URL of the given kind per output line.
preseed_urls() {
  local kind="$1"
  grep -v '^[[:space:]]*#' /tmp/preseed.cfg |
    grep -oE "https?://[^/[:space:]\"']+/answers/$token/$kind" | sed 's/&*$//'
}

# The first disk: virtio (vda), SATA/SCSI (sda), Xen (xvda), IDE (hda) or NVMe.
first_disk() {
  local d
  for d in vda sda xvda hda nvme0n1; do
    [ -e "/sys/block/$d" ] && { printf '%s' "$d"; return 0; }
  done
  return 1
}

run_installer() {
  local url nic disk u n=0 done_url
  url="$(cmdline_arg url)"
  [ -n "$url" ] || url="$(cmdline_arg preseed/url)"
  [ -n "$url" ] || die "no url= on the kernel command line: nothing tells the installer where its preseed is"
  log "installer mode; preseed $url"
  # the token vizor put in the preseed's URL; stage and done URLs carry the same one
  case "$url" in
    */answers/*/*) token="${url#*/answers/}"; token="${token%%/*}" ;;
    *) token='[A-Za-z0-9_-]+' ;;
  esac
  nic="$(first_nic)" || die "no network interface"
  net_dhcp "$nic" || die "no DHCP lease on $nic: $(tail -n 3 /tmp/udhcpc.log)"
  log "network: $nic $(nic_ipv4 "$nic") (DHCP server $dhcp_serverid)"
  http_get "$url" /tmp/preseed.cfg || die "could not fetch the preseed $url"
  log "preseed fetched ($(wc -c </tmp/preseed.cfg) bytes)"
  preseed_urls 'stage/[A-Za-z0-9._~%-]+(\?[A-Za-z0-9._~%=+&-]*)?' >/tmp/stages || true
  done_url="$(preseed_urls 'done' | head -n 1)"
  [ -n "$done_url" ] || die "the preseed has no .../answers/<token>/done URL"
  while IFS= read -r u; do
    http_get "$u" /dev/null || die "stage report $u failed"
    n=$((n + 1))
    log "stage $n reported: $u"
  done </tmp/stages
  settle_block_devices
  disk="$(first_disk)" || die "no disk to install to (looked for vda, sda, xvda, hda, nvme0n1)"
  log "writing the disk image to /dev/$disk"
  gunzip -c /installer/disk.img.gz | dd of="/dev/$disk" bs=1M conv=fsync 2>/tmp/dd.log ||
    die "writing /dev/$disk failed: $(tail -n 2 /tmp/dd.log)"
  sync
  log "disk written: $(tail -n 1 /tmp/dd.log)"
  http_get "$done_url" /dev/null || die "the done call $done_url failed"
  log "install done: $done_url"
  power_off
}
