import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  answerContext, asLinuxInstall, checkAnswerValues, checkKernelArgs, isAnswerToken, linuxFamilyOf, makeLinuxInstallTask, newAnswerToken,
  planScript, scriptUrlFor, type LinuxInstallTask, type LinuxTreePaths,
} from '../../../src/boot/index.js';
import { TemplateRenderer } from '../../../src/templates/index.js';
import type { NodeRow } from '../../../src/store/index.js';

const q = { mac: '52:54:00:aa:bb:01', uuid: null, buildarch: 'x86_64', platform: 'pcbios' };
const url = scriptUrlFor('10.77.0.1:8080', q)!;
const token = 'AbCdEfGhIjKlMnOpQrStUvWx';
const node = (task: NodeRow['task'], name: string | null = 'pc1'): NodeRow => ({ mac: q.mac, name, uuid: null, task, createdAt: '', updatedAt: '', lastSeenAt: null });
const debianTree: LinuxTreePaths = { distro: 'debian', kernelPath: '/install.amd/vmlinuz', initrdPath: '/install.amd/initrd.gz' };
const rhelTree: LinuxTreePaths = { distro: 'rocky', kernelPath: '/images/pxeboot/vmlinuz', initrdPath: '/images/pxeboot/initrd.img' };
const trees: Record<number, LinuxTreePaths> = { 7: debianTree, 8: rhelTree, 9: { distro: 'debian', kernelPath: null, initrdPath: null } };
const lookup = (id: number) => trees[id] ?? null;
const task = (over: Partial<LinuxInstallTask> = {}): LinuxInstallTask => ({ kind: 'linux-install', isoId: 7, family: 'debian', token, ...over });
const renderer = new TemplateRenderer();

describe('linux-install script planning', () => {
  test('Debian: kernel and initrd from /media, preseed URL on the Host the node used, d-i asks nothing', () => {
    const plan = planScript(node(task()), q, 'local', url, lookup);
    assert.equal(plan.task, 'linux-install');
    assert.equal(plan.template, 'ipxe/linux-install.ipxe.njk');
    const script = renderer.render(plan.template, plan.context);
    assert.match(script, /^#!ipxe\n/);
    assert.match(script, new RegExp(`^kernel http://10\\.77\\.0\\.1:8080/media/7/install\\.amd/vmlinuz initrd=initrd auto=true priority=critical url=http://10\\.77\\.0\\.1:8080/answers/${token}/preseed\\.cfg interface=auto netcfg/choose_interface=auto hostname=pc1 `, 'm'));
    assert.match(script, /^initrd --name initrd http:\/\/10\.77\.0\.1:8080\/media\/7\/install\.amd\/initrd\.gz \|\| goto failed$/m);
    assert.match(script, /^boot \|\| goto failed$/m);
    assert.match(script, /chain --autofree http:\/\/10\.77\.0\.1:8080\/boot\/ipxe\?mac=/);
  });

  test('RHEL-like: inst.ks and inst.repo under /media/<id>/', () => {
    const plan = planScript(node(task({ isoId: 8, family: 'rhel', kernelArgs: 'console=ttyS0,115200n8' })), q, 'local', url, lookup);
    const script = renderer.render(plan.template, plan.context);
    assert.match(script, new RegExp(`kernel http://10\\.77\\.0\\.1:8080/media/8/images/pxeboot/vmlinuz initrd=initrd inst\\.ks=http://10\\.77\\.0\\.1:8080/answers/${token}/kickstart\\.cfg inst\\.repo=http://10\\.77\\.0\\.1:8080/media/8/ ip=dhcp console=ttyS0,115200n8 `));
  });

  test('a gone or unbootable ISO, a malformed task or no catalog lookup: wait and ask again', () => {
    for (const [t, expect] of [[task({ isoId: 99 }), 'unavailable:linux-install'], [task({ isoId: 9 }), 'unavailable:linux-install'], [{ kind: 'linux-install', isoId: 7 }, 'unsupported:linux-install']] as const) {
      const plan = planScript(node(t), q, 'local', url, lookup);
      assert.equal(plan.task, expect);
      assert.match(renderer.render(plan.template, plan.context), /waiting for a task/);
    }
    assert.equal(planScript(node(task()), q, 'local', url).task, 'unsupported:linux-install');
  });

  test('a node without a name gets a hostname from its MAC', () => {
    const plan = planScript(node(task(), null), q, 'local', url, lookup);
    assert.match(String(plan.context.args), /hostname=node-525400aabb01 /);
  });
});

describe('linux-install tasks and values', () => {
  test('tokens are random and URL-safe', () => {
    const a = newAnswerToken();
    assert.ok(isAnswerToken(a));
    assert.notEqual(a, newAnswerToken());
    for (const bad of ['short', 'x'.repeat(65), 'has/slash-and-more-chars-xx', 42, null]) assert.equal(isAnswerToken(bad), false);
  });

  test('family from the catalog distro', () => {
    assert.deepEqual(['debian', 'ubuntu', 'rocky', 'almalinux', 'rhel', 'fedora', 'centos', 'arch', 'unknown'].map(linuxFamilyOf),
      ['debian', 'debian', 'rhel', 'rhel', 'rhel', 'rhel', 'rhel', null, null]);
  });

  const cases: { values: Record<string, unknown>; problem: RegExp | null }[] = [
    { values: { hostname: 'web1', root_password_hash: '$6$salt$abc/def.', disk: '/dev/vda' }, problem: null },
    { values: { hostname: 'web1\nd-i preseed/late_command string rm -rf /' }, problem: /one line/ },
    { values: { username: 'a\rb' }, problem: /one line/ },
    { values: { username: 'a\u2028b' }, problem: /one line/ },
    { values: { username: 'tab\there' }, problem: /one line/ },
    { values: { 'Bad-Key': 'x' }, problem: /value name/ },
    { values: { n: 5 }, problem: /must be a string/ },
    { values: { n: 'x'.repeat(1025) }, problem: /longer than 1024/ },
  ];
  for (const c of cases) {
    test(`values ${JSON.stringify(c.values).slice(0, 70)}`, () => {
      const p = checkAnswerValues(c.values);
      if (c.problem) assert.match(p ?? '', c.problem);
      else assert.equal(p, null);
    });
  }

  test('kernel arguments cannot end an iPXE line or chain a command', () => {
    assert.equal(checkKernelArgs('console=ttyS0,115200n8 quiet'), null);
    for (const bad of ['quiet\nshell', 'a || shell', 'a;b', '${x}']) assert.match(checkKernelArgs(bad) ?? '', /kernel arguments/);
  });

  test('makeLinuxInstallTask validates and asLinuxInstall reads back only well-formed tasks', () => {
    const t = makeLinuxInstallTask({ isoId: 3, family: 'debian', values: { hostname: 'a' } });
    assert.ok(!('problem' in t));
    assert.deepEqual(asLinuxInstall(JSON.parse(JSON.stringify(t))), t);
    assert.match((makeLinuxInstallTask({ isoId: 0, family: 'debian' }) as { problem: string }).problem, /positive integer/);
    assert.match((makeLinuxInstallTask({ isoId: 1, family: 'arch' as 'debian' }) as { problem: string }).problem, /family/);
    assert.match((makeLinuxInstallTask({ isoId: 1, family: 'rhel', values: { x: 'a\nb' } }) as { problem: string }).problem, /one line/);
    assert.equal(asLinuxInstall({ kind: 'linux-install', isoId: 1, family: 'debian', token: 'bad' }), null);
    assert.equal(asLinuxInstall({ kind: 'local' }), null);
  });
});

describe('answer-file templates', () => {
  const n = node(task(), 'web1');
  test('defaults: no password hash means locked accounts, never a known password; suite from the codename', () => {
    const pre = renderer.render('linux/preseed.cfg.njk', answerContext(n, task(), 'http://10.77.0.1:8080', 'Bookworm'));
    assert.match(pre, /^d-i passwd\/root-login boolean false$/m);
    assert.match(pre, /^d-i passwd\/user-password-crypted password !$/m);
    assert.match(pre, /^d-i mirror\/suite string bookworm$/m);
    assert.doesNotMatch(pre, /partman-auto\/disk/);
    assert.doesNotMatch(pre, /\{\{|\{%/);
    const ks = renderer.render('linux/kickstart.cfg.njk', answerContext(n, task({ family: 'rhel' }), 'http://10.77.0.1:8080'));
    assert.match(ks, /^rootpw --lock$/m);
    assert.doesNotMatch(ks, /^user /m);
    assert.match(ks, /^poweroff$/m);
  });

  test('values override defaults, each on its own line', () => {
    const t = task({ values: { disk: '/dev/vda', locale: 'de_DE.UTF-8', hostname: 'db 2', suite: 'trixie' } });
    const pre = renderer.render('linux/preseed.cfg.njk', answerContext(n, t, 'http://h', 'bookworm'));
    assert.match(pre, /^d-i partman-auto\/disk string \/dev\/vda$/m);
    assert.match(pre, /^d-i debian-installer\/locale string de_DE\.UTF-8$/m);
    assert.match(pre, /^d-i netcfg\/get_hostname string db-2$/m, 'host names are sanitised');
    assert.match(pre, /^d-i mirror\/suite string trixie$/m);
    const ks = renderer.render('linux/kickstart.cfg.njk', answerContext(n, { ...t, family: 'rhel' }, 'http://h'));
    assert.match(ks, /^ignoredisk --only-use=\/dev\/vda$/m);
  });
});
