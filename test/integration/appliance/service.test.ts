// vizor.service under a real systemd: a clean Debian 12 root gets systemd, then setup.sh
// --no-start in a chroot (with network: packages), then boots in systemd-nspawn with only
// loopback, where the unit starts at boot and setup.sh starts it. Checked: it is active only
// once /readyz answers; a re-run neither changes nor restarts anything; its sandbox keeps
// /usr read-only yet lets useradd/userdel and mounts in the data folder work; with SMB
// exposure on, smbd runs inside it and goes when SIGTERM stops vizor.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync, appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_NODE, REPO, requireApplianceTools, TestRoot, WIMBOOT_STANDIN } from './support.js';
import { Container } from './container.js';

const SETUP = ['bash', '/src/appliance/setup.sh', '--from', '/src', '--wimboot', '/root/wimboot'];
let root: TestRoot;
let box: Container;
let preRun = '';

function ok(cmd: string[]): string {
  const r = box.exec(cmd);
  assert.equal(r.status, 0, `${cmd.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** How many processes named `comm` run in the container. */
function running(comm: string): number {
  return Number(ok(['sh', '-c', `grep -lx ${comm} /proc/[0-9]*/comm 2>/dev/null | wc -l`]).trim());
}

before(async () => {
  requireApplianceTools([{ cmd: 'systemd-nspawn', pkg: 'systemd-container' }]);
  root = TestRoot.create();
  // Packages need the network, which the booted container does not have: install them first.
  const sd = root.run(['apt-get', 'install', '-qq', '-y', '--no-install-recommends', 'systemd', 'systemd-sysv', 'dbus'], { timeoutMs: 10 * 60_000 });
  assert.equal(sd.status, 0, sd.stderr);
  root.bindNode();
  copyFileSync(WIMBOOT_STANDIN, join(root.dir, 'root/wimboot'));
  const pre = root.run([...SETUP, '--no-start']);
  assert.equal(pre.status, 0, pre.stdout + pre.stderr);
  preRun = pre.stdout;
  box = await Container.boot(root.dir, [[REPO, '/src'], [HOST_NODE, HOST_NODE]]);
});

after(async () => {
  await box?.stop();
  await root?.close();
});

describe('vizor.service in a booted Debian 12 (systemd-nspawn)', { timeout: 15 * 60_000 }, () => {
  test('enabled offline in the chroot, vizor.service starts at boot; setup.sh starts it when stopped; active means /readyz answers', () => {
    // --no-start in the chroot, systemd installed but not running: links made, nothing started.
    assert.match(preRun, /enabled vizor\.service/);
    assert.match(preRun, /disabled Debian's smbd\.service/);
    assert.match(preRun, /systemd is not running here: vizor\.service starts at the next boot/);
    assert.equal(ok(['systemctl', 'is-active', 'vizor']).trim(), 'active', 'started at boot');
    assert.equal(box.exec(['systemctl', 'is-enabled', 'smbd']).stdout.trim(), 'disabled', "Debian's smbd stays off");
    ok(['systemctl', 'stop', 'vizor']);
    const r = box.exec(SETUP);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /started vizor\.service/);
    assert.equal(ok(['systemctl', 'is-active', 'vizor']).trim(), 'active');
    const journal = ok(['journalctl', '-u', 'vizor', '-o', 'cat', '--no-pager']);
    assert.match(journal, /vizor is ready/, 'ExecStartPost waited for /readyz');
    assert.match(journal, /^\{"level":30,.*"msg":"vizor serving"\}$/m, 'JSON logs go to the journal');
    const probe = ok([HOST_NODE, '-e', "fetch('http://127.0.0.1:8080/readyz').then(async (r) => console.log(r.status, await r.text()))"]);
    assert.equal(probe.trim(), '200 {"status":"ready"}');
  });

  test('--check passes, and a second run changes nothing and does not restart vizor', () => {
    assert.equal(box.exec([...SETUP.slice(0, 4), '--check']).status, 0);
    const pid = ok(['systemctl', 'show', '-p', 'MainPID', '--value', 'vizor']).trim();
    const again = box.exec(SETUP);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /nothing to do/);
    assert.equal(ok(['systemctl', 'show', '-p', 'MainPID', '--value', 'vizor']).trim(), pid);
  });

  test("the unit's sandbox: /usr is read-only; useradd, userdel and mounts in the data folder work", () => {
    const unit = readFileSync(join(root.dir, 'etc/systemd/system/vizor.service'), 'utf8');
    const probe = [
      'set -e',
      "useradd --system --no-create-home --shell /usr/sbin/nologin --comment 'vizor build share account' vzb-probe1",
      'id -u vzb-probe1 >/dev/null',
      'userdel vzb-probe1',
      'mkdir -p /var/lib/vizor/mnt/probe',
      'mount -t tmpfs probe /var/lib/vizor/mnt/probe',
      'umount /var/lib/vizor/mnt/probe',
      'if touch /usr/lib/vizor-probe 2>/dev/null; then echo "/usr is writable"; exit 3; fi',
      'echo probe-ok',
    ].join('\n');
    writeFileSync(join(root.dir, 'usr/local/lib/vizor-probe.sh'), probe);
    // The same [Service] hardening as vizor.service, running the probe instead of vizor.
    const probeUnit = unit
      .replace(/^ExecStart=.*$/m, 'ExecStart=/bin/sh /usr/local/lib/vizor-probe.sh')
      .replace(/^ExecStartPost=.*\n/m, '')
      .replace(/^Type=simple$/m, 'Type=oneshot');
    writeFileSync(join(root.dir, 'etc/systemd/system/vizor-probe.service'), probeUnit);
    ok(['systemctl', 'daemon-reload']);
    const r = box.exec(['systemctl', 'start', 'vizor-probe']);
    const log = ok(['journalctl', '-u', 'vizor-probe', '-o', 'cat', '--no-pager']);
    assert.equal(r.status, 0, log);
    assert.match(log, /probe-ok/);
    assert.doesNotMatch(ok(['cat', '/etc/passwd']), /vzb-probe1/);
  });

  test('with SMB exposure on, smbd runs inside the unit and goes when SIGTERM stops vizor', () => {
    appendFileSync(join(root.dir, 'etc/vizor/vizor.yaml'), 'exposure:\n  smb:\n    enabled: true\n    listen: [127.0.0.1]\n');
    ok(['systemctl', 'restart', 'vizor']);
    assert.match(ok(['journalctl', '-u', 'vizor', '-o', 'cat', '--no-pager']), /"msg":"smbd listening"/);
    assert.ok(running('smbd') > 0, 'smbd runs');
    ok(['systemctl', 'stop', 'vizor']);
    assert.equal(running('smbd'), 0, 'smbd stopped with vizor');
    assert.equal(ok(['systemctl', 'show', '-p', 'ExecMainStatus', '--value', 'vizor']).trim(), '0', 'vizor exited 0 on SIGTERM');
    assert.match(ok(['journalctl', '-u', 'vizor', '-o', 'cat', '--no-pager']), /"msg":"stopped"/);
  });
});
