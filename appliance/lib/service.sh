# The systemd unit: written from vizor.service.in, enabled when systemctl exists, started
# (or restarted after a change) when systemd runs and --no-start was not given.
# Sourced by setup.sh; expects NODE, PREFIX, HERE, DATA_DIR, BOOT_DIR, KEY_FILE, NO_START.

UNIT_FILE=/etc/systemd/system/vizor.service
# Debian's own Samba daemons: vizor runs a private smbd and needs port 445 for it.
DEBIAN_SAMBA_UNITS=(smbd.service nmbd.service)

systemd_running() { [ -d /run/systemd/system ]; }
have_systemctl() { command -v systemctl >/dev/null 2>&1; }

# ReadWritePaths: /etc (useradd), the data folder, and the boot and key folders unless
# they are already below one of those.
rw_paths() {
  local out=(/etc "$DATA_DIR") p q covered
  for p in "$BOOT_DIR" "$(dirname "$KEY_FILE")"; do
    covered=0
    for q in "${out[@]}"; do case "$p/" in "$q"/*) covered=1 ;; esac; done
    [ "$covered" = 1 ] || out+=("$p")
  done
  echo "${out[*]}"
}

ensure_unit() {
  local node=${NODE:-/usr/bin/node}
  sed -e "s|@NODE@|$node|g" -e "s|@PREFIX@|$PREFIX|g" -e "s|@RW_PATHS@|$(rw_paths)|g" "$HERE/vizor.service.in" > "$WORK/vizor.service"
  put_file "$WORK/vizor.service" "$UNIT_FILE" 644 root:root 'systemd unit'
  if [ "$WROTE" = 1 ] && ! is_check; then
    RESTART=1
    if systemd_running; then systemctl daemon-reload; fi
  fi
}

# Debian's smbd/nmbd would take port 445 (and serve [homes]): vizor's appliance runs none.
disable_debian_samba() {
  local u
  have_systemctl || return 0
  for u in "${DEBIAN_SAMBA_UNITS[@]}"; do
    if ! systemctl is-enabled --quiet "$u" 2>/dev/null; then
      fine "Debian's $u is not enabled"
      continue
    fi
    if is_check; then
      problem "Debian's $u is enabled: it would take port 445 from vizor's own smbd (setup.sh disables it)"
      continue
    fi
    if systemd_running && [ "$NO_START" != 1 ]; then systemctl disable --now --quiet "$u"; else systemctl disable --quiet "$u"; fi
    changed "disabled Debian's $u (vizor runs its own smbd)"
  done
}

ensure_service() {
  if ! have_systemctl; then
    if is_check; then say "note: systemd is not installed here: vizor.service cannot be enabled"; else say "note: systemd is not installed here: $UNIT_FILE is written but not enabled"; fi
    return 0
  fi
  if systemctl is-enabled --quiet vizor.service 2>/dev/null; then
    fine 'vizor.service enabled'
  elif is_check; then
    problem 'vizor.service is not enabled'
  else
    # Works without a running systemd (chroots, image builds): it only makes the links.
    systemctl enable --quiet vizor.service
    changed 'enabled vizor.service'
  fi
  if ! systemd_running; then
    say "note: systemd is not running here: vizor.service starts at the next boot"
    return 0
  fi
  if systemctl is-active --quiet vizor.service; then
    if [ "$RESTART" = 1 ] && ! is_check && [ "$NO_START" != 1 ]; then
      systemctl restart vizor.service || die "vizor.service did not come back after the restart: journalctl -u vizor -n 50"
      changed 'restarted vizor.service'
    else
      fine 'vizor.service running'
    fi
  elif is_check; then
    [ "$NO_START" = 1 ] || problem 'vizor.service is not running (systemctl start vizor; journalctl -u vizor says why it stopped)'
  elif [ "$NO_START" != 1 ]; then
    systemctl start vizor.service || die "vizor.service did not start: journalctl -u vizor -n 50"
    changed 'started vizor.service (it answers /readyz)'
  fi
}
