import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpxeQuery, planScript, scriptUrlFor } from '../../../src/boot/index.js';
import { TemplateRenderer, TemplateError } from '../../../src/templates/index.js';
import type { NodeRow } from '../../../src/store/index.js';

describe('/boot/ipxe query', () => {
  const cases: { q: Record<string, unknown>; ok?: object; problem?: RegExp }[] = [
    { q: { mac: '52:54:00:AA:bb:01', uuid: '8f3e0d2a-1c2b-4a5d-9e6f-0a1b2c3d4e5f', buildarch: 'x86_64', platform: 'efi' }, ok: { mac: '52:54:00:aa:bb:01', uuid: '8f3e0d2a-1c2b-4a5d-9e6f-0a1b2c3d4e5f', buildarch: 'x86_64', platform: 'efi' } },
    { q: { mac: '52-54-00-aa-bb-01' }, ok: { mac: '52:54:00:aa:bb:01', uuid: null, buildarch: null, platform: null } },
    { q: { mac: '525400aabb01', platform: '' }, ok: { mac: '52:54:00:aa:bb:01', uuid: null, buildarch: null, platform: null } },
    { q: {}, problem: /mac must be a MAC/ },
    { q: { mac: '52:54:00:aa:bb' }, problem: /mac must be a MAC/ },
    { q: { mac: '52:54:00:aa:bb:01', platform: 'efi\nshell' }, problem: /platform is not valid/ },
    { q: { mac: '52:54:00:aa:bb:01', uuid: 'not-a-uuid' }, problem: /uuid is not valid/ },
    { q: { mac: ['52:54:00:aa:bb:01', 'x'] }, ok: { mac: '52:54:00:aa:bb:01', uuid: null, buildarch: null, platform: null } },
  ];
  for (const c of cases) {
    test(JSON.stringify(c.q), () => {
      const r = parseIpxeQuery(c.q);
      if (c.ok) assert.deepEqual(r, c.ok);
      else assert.match((r as { problem: string }).problem, c.problem!);
    });
  }
});

describe('planning and rendering scripts', () => {
  const q = { mac: '52:54:00:aa:bb:01', uuid: null, buildarch: 'x86_64', platform: 'pcbios' };
  const url = scriptUrlFor('10.77.0.1:8080', q)!;
  const node = (task: NodeRow['task'], name: string | null = 'pc1'): NodeRow => ({ mac: q.mac, name, uuid: null, task, createdAt: '', updatedAt: '', lastSeenAt: null });
  const renderer = new TemplateRenderer();
  const cases: { name: string; node: NodeRow | null; def: 'local' | 'menu' | 'register'; task: string; has: RegExp[] }[] = [
    { name: 'unknown machine, default local', node: null, def: 'local', task: 'local', has: [/sanboot --no-describe --drive 0x80/, /iseq \$\{platform\} efi && exit/] },
    { name: 'unknown machine, default register', node: null, def: 'register', task: 'register', has: [/chain --autofree http:\/\/10\.77\.0\.1:8080\/boot\/ipxe\?mac=/, /sleep 10/] },
    { name: 'node with default task follows the default', node: node({ kind: 'default' }), def: 'menu', task: 'menu', has: [/menu vizor: pc1/] },
    { name: 'node with its own task', node: node({ kind: 'local' }), def: 'menu', task: 'local', has: [/booting pc1 from local disk/] },
    { name: 'custom script', node: node({ kind: 'script', script: 'echo hello from vizor\nshell' }), def: 'local', task: 'script', has: [/^#!ipxe\n/, /echo hello from vizor\nshell/] },
    { name: 'a task this build cannot serve waits', node: node({ kind: 'windows-install' }), def: 'local', task: 'unsupported:windows-install', has: [/waiting for a task/] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const plan = planScript(c.node, q, c.def, url);
      assert.equal(plan.task, c.task);
      const script = renderer.render(plan.template, plan.context);
      assert.ok(script.startsWith('#!ipxe\n'), 'an iPXE script');
      for (const re of c.has) assert.match(script, re);
    });
  }

  test('an unsafe value cannot reach an iPXE script', () => {
    const plan = planScript(node({ kind: 'menu' }, 'pc1\nshell'), q, 'local', url);
    assert.throws(() => renderer.render(plan.template, plan.context), (e: unknown) => e instanceof TemplateError && /not safe in an iPXE script/.test(e.message));
  });

  test('an undefined template variable is an error, not an empty string', () => {
    assert.throws(() => renderer.render('ipxe/register.ipxe.njk', { mac: q.mac }), (e: unknown) => e instanceof TemplateError && /undefined/i.test(e.message));
  });

  test('the retry URL keeps only validated parts and refuses a strange Host', () => {
    assert.equal(scriptUrlFor('vizor.example:8080', q), 'http://vizor.example:8080/boot/ipxe?mac=52%3A54%3A00%3Aaa%3Abb%3A01&buildarch=x86_64&platform=pcbios');
    assert.equal(scriptUrlFor('evil.example/x?', q), null);
    assert.equal(scriptUrlFor('a b', q), null);
  });
});
