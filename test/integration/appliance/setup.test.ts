// appliance/setup.sh in a clean Debian 12 root (debootstrap minbase, no systemd), entered
// with chroot in private namespaces: it refuses Debian 12's node 18 naming the fix, then,
// with the host's node bound in, installs everything with --no-start; a second run
// changes nothing; --check fails before and passes after; the unit passes
// `systemd-analyze verify`; and vizor, started exactly as the unit starts it, answers
// /readyz on the root's own loopback. Needs root, debootstrap and (once) a Debian mirror.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_NODE, REPO, requireApplianceTools, snapshot, TestRoot, WIMBOOT_STANDIN } from './support.js';

const SETUP = ['bash', '/src/appliance/setup.sh', '--from', '/src'];
const WRITTEN = [
  'opt/vizor', 'etc/vizor', 'etc/systemd/system', 'var/lib/vizor', 'usr/local/bin/vizor', 'etc/passwd', 'etc/group', 'etc/shadow',
  'usr/share/bash-completion/completions/vizor', 'usr/share/zsh/vendor-completions/_vizor',
];
let root: TestRoot;

/** The command line of a unit directive, split on spaces (vizor's unit quotes nothing). */
function unitLine(unit: string, key: string): string[] {
  const line = unit.split('\n').find((l) => l.startsWith(`${key}=`));
  assert.ok(line, `the unit has ${key}=`);
  return line.slice(key.length + 1).split(' ');
}

/** Processes whose root directory is the test root: daemons a package started in it. */
function processesInRoot(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readlinkSync(`/proc/${pid}/root`) === root.dir) out.push(`${pid} ${readFileSync(`/proc/${pid}/comm`, 'utf8').trim()}`);
    } catch {
      // gone, or a kernel thread
    }
  }
  return out;
}

before(() => {
  requireApplianceTools([{ cmd: 'systemd-analyze', pkg: 'systemd' }]);
  root = TestRoot.create();
});

after(async () => {
  await root?.close();
});

describe('appliance/setup.sh in a clean Debian 12 root', { timeout: 15 * 60_000 }, () => {
  test("without Node.js >= 20 it stops before installing anything and says how to get one", () => {
    const r = root.run([...SETUP, '--no-start']);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /vizor needs Node\.js 20 or later/);
    assert.match(r.stderr, /Debian's nodejs here: 18\./, "it names Debian 12's nodejs version");
    assert.match(r.stderr, /use Debian 13/);
    assert.match(r.stderr, /setup\.sh has installed nothing/);
    assert.notEqual(root.run(['dpkg-query', '-W', 'samba']).status, 0, 'samba was not installed');
    assert.equal(existsSync(join(root.dir, 'opt/vizor')), false);
  });

  test('--check before setup exits 1 and lists what is missing', () => {
    root.bindNode();
    const r = root.run([...SETUP, '--check']);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    for (const want of ['package samba is not installed', 'package ipxe is not installed', 'system user vizor does not exist',
      'vizor is not installed in /opt/vizor', 'configuration /etc/vizor/vizor.yaml is missing', 'secrets key /etc/vizor/secret.key is missing',
      'wimboot: /var/lib/vizor/boot/wimboot is missing', 'systemd unit: /etc/systemd/system/vizor.service is missing']) {
      assert.ok(r.stdout.includes(`missing: ${want}`), `--check reports "${want}":\n${r.stdout}`);
    }
    assert.match(r.stdout, /^ok: +node v2\d/m);
    assert.equal(existsSync(join(root.dir, 'etc/vizor')), false, '--check changed nothing');
  });

  test('--wimboot with a file that is not wimboot fails before changing anything', () => {
    const r = root.run([...SETUP, '--no-start', '--wimboot', '/etc/os-release']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--wimboot: \/etc\/os-release is \d+ bytes \(wimboot is tens of KiB\)/);
    assert.notEqual(root.run(['dpkg-query', '-W', 'samba']).status, 0);
  });

  test('setup --no-start installs packages, vizor, user, config, key, boot files, command, completion and unit', () => {
    copyFileSync(WIMBOOT_STANDIN, join(root.dir, 'root/wimboot'));
    const r = root.run([...SETUP, '--no-start', '--wimboot', '/root/wimboot']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /installed vizor from \/src into \/opt\/vizor/);
    assert.deepEqual(processesInRoot(), [], 'no daemon was started in the root (--no-start)');
    assert.equal(existsSync(join(root.dir, 'usr/sbin/policy-rc.d')), false, 'the temporary policy-rc.d is gone');

    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    assert.equal(root.run(['vizor', '--version']).stdout.trim(), pkg.version, '/usr/local/bin/vizor runs the installed tree');
    assert.ok(existsSync(join(root.dir, 'opt/vizor/node_modules/better-sqlite3/build/Release/better_sqlite3.node')));
    assert.equal(existsSync(join(root.dir, 'opt/vizor/node_modules/typescript')), false, 'dev dependencies are not installed');
    assert.equal(existsSync(join(root.dir, 'opt/vizor/dist/test')), false, 'tests are not installed');

    const passwd = root.run(['getent', 'passwd', 'vizor']).stdout.trim().split(':');
    assert.equal(passwd[6], '/usr/sbin/nologin');
    assert.ok(Number(passwd[2]) < 1000, 'a system account');

    const yaml = readFileSync(join(root.dir, 'etc/vizor/vizor.yaml'), 'utf8');
    assert.ok(yaml.split('\n').every((l) => l === '' || l.startsWith('#')), 'every line is a comment');
    for (const key of ['dataDir', 'http', 'boot', 'secrets', 'catalog', 'exposure']) assert.match(yaml, new RegExp(`^# ${key}:`, 'm'));
    const shown = (file: string) => JSON.parse(root.run(['vizor', '--config', file, '--json', 'config', 'show']).stdout).config as unknown;
    assert.deepEqual(shown('/etc/vizor/vizor.yaml'), shown('/dev/null'), 'the commented file means the built-in defaults');
    assert.equal(statSync(join(root.dir, 'etc/vizor/vizor.yaml')).mode & 0o777, 0o640);

    const key = statSync(join(root.dir, 'etc/vizor/secret.key'));
    assert.deepEqual([key.size, key.mode & 0o777, key.uid], [32, 0o600, 0]);
    for (const name of ['undionly.kpxe', 'snponly.efi', 'ipxe.efi']) {
      assert.deepEqual(readFileSync(join(root.dir, 'var/lib/vizor/boot', name)), readFileSync(join(root.dir, 'usr/lib/ipxe', name)), name);
    }
    assert.deepEqual(readFileSync(join(root.dir, 'var/lib/vizor/boot/wimboot')), readFileSync(WIMBOOT_STANDIN));

    const unit = readFileSync(join(root.dir, 'etc/systemd/system/vizor.service'), 'utf8');
    assert.deepEqual(unitLine(unit, 'ExecStart'), [HOST_NODE, '/opt/vizor/bin/vizor.js', '--config', '/etc/vizor/vizor.yaml', 'serve']);
    assert.match(unit, /^ProtectSystem=strict$/m);
    assert.match(unit, /^ReadWritePaths=\/etc \/var\/lib\/vizor /m);
    assert.match(readFileSync(join(root.dir, 'usr/share/zsh/vendor-completions/_vizor'), 'utf8'), /^#compdef vizor\n/);
  });

  test('a second run changes nothing', () => {
    const before = snapshot(root.dir, WRITTEN);
    const r = root.run([...SETUP, '--no-start', '--wimboot', '/root/wimboot']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /nothing to do: everything was already in place/);
    assert.deepEqual(snapshot(root.dir, WRITTEN), before, 'same files, bytes, modes, owners and mtimes');
  });

  test('--check passes after setup', () => {
    const r = root.run([...SETUP, '--check']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /^missing:/m);
    assert.match(r.stdout, /everything is in place/);
  });

  test('systemd-analyze verify accepts the generated unit', () => {
    // The unit's node is the host's own (bound in at its host path), so verify finds it.
    const r = spawnSync('systemd-analyze', ['verify', join(root.dir, 'etc/systemd/system/vizor.service')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /vizor\.service/, r.stderr);
  });

  test('vizor started as the unit starts it answers /readyz, and stops on SIGTERM', async () => {
    const unit = readFileSync(join(root.dir, 'etc/systemd/system/vizor.service'), 'utf8');
    const serve = root.start(unitLine(unit, 'ExecStart'));
    const exited = new Promise<number | null>((r) => serve.once('exit', (code) => r(code)));
    const ready = root.run(unitLine(unit, 'ExecStartPost'), { net: 'private', timeoutMs: 120_000 });
    assert.equal(ready.status, 0, ready.stderr + serve.output());
    assert.match(ready.stdout, /vizor is ready \(http:\/\/127\.0\.0\.1:8080\/readyz\)/);
    const probe = root.hostRun([HOST_NODE, '-e', "fetch('http://127.0.0.1:8080/readyz').then(async (r) => console.log(r.status, await r.text()))"], 'net');
    assert.equal(probe.stdout.trim(), '200 {"status":"ready"}', probe.stderr);
    serve.kill('SIGTERM');
    assert.equal(await exited, 0, serve.output());
    assert.match(serve.output(), /"msg":"stopped"/);
  });

  test('the installed bash completion completes vizor commands', () => {
    const script = 'source /usr/share/bash-completion/completions/vizor; COMP_WORDS=(vizor no); COMP_CWORD=1; _vizor; echo "${COMPREPLY[*]}"';
    assert.equal(root.run(['bash', '-c', script]).stdout.trim(), 'node');
  });

  test('--check reports a secrets key readable by others, and setup puts it right', () => {
    root.run(['chmod', '644', '/etc/vizor/secret.key']);
    const check = root.run([...SETUP, '--check']);
    assert.equal(check.status, 1);
    assert.match(check.stdout, /^missing: secrets key: \/etc\/vizor\/secret\.key is 644 root:root, expected 600 root:root$/m);
    const fix = root.run([...SETUP, '--no-start']);
    assert.equal(fix.status, 0, fix.stderr);
    assert.match(fix.stdout, /set \/etc\/vizor\/secret\.key to 600 root:root/);
    assert.equal(root.run([...SETUP, '--check']).status, 0);
  });
});
