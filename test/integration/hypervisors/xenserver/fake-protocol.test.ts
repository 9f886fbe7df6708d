import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'xen-api';
import { startXapiFake, type XapiFake } from '../../../fakes/xapi/index.js';

/** Raw JSON-RPC against the fake: status, content-type and parsed body. */
async function raw(fake: XapiFake, body: unknown): Promise<{ status: number; type: string | null; json: Record<string, unknown> | undefined; text: string }> {
  const res = await fetch(`${fake.url}/jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, type: res.headers.get('content-type'), json, text };
}

const call = (method: string, params: unknown[], id: number | string = 1) => ({ jsonrpc: '2.0', method, params, id });

async function login(fake: XapiFake): Promise<string> {
  const r = await raw(fake, call('session.login_with_password', [fake.user, fake.password, '1.0', 'test']));
  return String(r.json?.['result']);
}

describe('XAPI fake: the wire protocol', () => {
  test('Content-Type is exactly application/json and results use JSON-RPC 2.0', async () => {
    const fake = await startXapiFake();
    try {
      const r = await raw(fake, call('session.login_with_password', [fake.user, fake.password], 7));
      assert.equal(r.status, 200);
      assert.equal(r.type, 'application/json');
      assert.equal(r.json?.['jsonrpc'], '2.0');
      assert.equal(r.json?.['id'], 7);
      assert.match(String(r.json?.['result']), /^OpaqueRef:[0-9a-f-]{36}$/);
    } finally {
      await fake.close();
    }
  });

  test('unknown method: MESSAGE_METHOD_UNKNOWN as a JSON-RPC 2.0 error object', async () => {
    const fake = await startXapiFake();
    try {
      const s = await login(fake);
      const r = await raw(fake, call('VM.frobnicate', [s, 'x'], 3));
      assert.deepEqual(r.json, { jsonrpc: '2.0', error: { code: 1, message: 'MESSAGE_METHOD_UNKNOWN', data: ['VM.frobnicate'] }, id: 3 });
      const a = await raw(fake, call('Async.VM.get_record', [s, 'x'], 4));
      assert.equal((a.json?.['error'] as { message: string }).message, 'MESSAGE_METHOD_UNKNOWN', 'getters have no Async variant');
    } finally {
      await fake.close();
    }
  });

  test('wrong arity: MESSAGE_PARAMETER_COUNT_MISMATCH counting the session', async () => {
    const fake = await startXapiFake();
    try {
      const s = await login(fake);
      const r = await raw(fake, call('VM.start', [s, 'OpaqueRef:x'], 5));
      assert.deepEqual(r.json?.['error'], { code: 1, message: 'MESSAGE_PARAMETER_COUNT_MISMATCH', data: ['VM.start', '4', '2'] });
    } finally {
      await fake.close();
    }
  });

  test('sessions: bad login, bad session, HANDLE_INVALID; JSON-RPC 1.0 errors are arrays', async () => {
    const fake = await startXapiFake();
    try {
      const bad = await raw(fake, call('session.login_with_password', [fake.user, 'nope']));
      assert.deepEqual(bad.json?.['error'], { code: 1, message: 'SESSION_AUTHENTICATION_FAILED', data: [fake.user, 'Authentication failure'] });
      const inv = await raw(fake, call('VM.get_all', ['OpaqueRef:forged']));
      assert.deepEqual(inv.json?.['error'], { code: 1, message: 'SESSION_INVALID', data: ['OpaqueRef:forged'] });
      const s = await login(fake);
      const h = await raw(fake, call('VM.get_record', [s, 'OpaqueRef:gone']));
      assert.deepEqual(h.json?.['error'], { code: 1, message: 'HANDLE_INVALID', data: ['VM', 'OpaqueRef:gone'] });
      const v1 = await raw(fake, { method: 'VM.get_record', params: [s, 'OpaqueRef:gone'], id: 'x' });
      assert.deepEqual(v1.json, { result: null, error: ['HANDLE_INVALID', 'VM', 'OpaqueRef:gone'], id: 'x' });
      fake.expireSessions();
      const e = await raw(fake, call('VM.get_all', [s]));
      assert.equal((e.json?.['error'] as { message: string }).message, 'SESSION_INVALID');
    } finally {
      await fake.close();
    }
  });

  test('malformed requests get HTTP 500 HTML; other paths 404', async () => {
    const fake = await startXapiFake();
    try {
      const r = await raw(fake, '{not json');
      assert.equal(r.status, 500);
      assert.match(r.type ?? '', /text\/html/);
      const noId = await raw(fake, { jsonrpc: '2.0', method: 'system.listMethods', params: [] });
      assert.equal(noId.status, 500, 'notifications (no id) are not accepted');
      const res = await fetch(`${fake.url}/xmlrpc`, { method: 'POST', body: '<methodCall/>' });
      assert.equal(res.status, 404);
    } finally {
      await fake.close();
    }
  });

  test('Async calls return a task that goes pending → success with an XML-RPC encoded result, seen by event.from', async () => {
    const fake = await startXapiFake();
    try {
      const s = await login(fake);
      const token = (await raw(fake, call('event.inject', [s, 'pool', fake.inventory.pool]))).json?.['result'];
      const task = String((await raw(fake, call('Async.VM.clone', [s, fake.inventory.template, 'copy']))).json?.['result']);
      assert.match(task, /^OpaqueRef:/);
      // The task's events arrive in order: created pending, then finished.
      const states: Array<Record<string, unknown>> = [];
      let from = token;
      while (!states.some((t) => t['status'] !== 'pending')) {
        const r = (await raw(fake, call('event.from', [s, ['task'], from, 30.0]))).json?.['result'] as { events: Array<Record<string, unknown>>; token: string; valid_ref_counts: Record<string, number> };
        assert.equal(r.valid_ref_counts['task'], 1);
        from = r.token;
        states.push(...r.events.filter((e) => e['ref'] === task).map((e) => e['snapshot'] as Record<string, unknown>));
      }
      assert.equal(states[0]!['status'], 'pending');
      const done = states.at(-1)!;
      assert.equal(done['status'], 'success');
      assert.match(String(done['result']), /^<value>OpaqueRef:[0-9a-f-]{36}<\/value>$/);
    } finally {
      await fake.close();
    }
  });

  test('the real xen-api client connects over JSON-RPC and decodes task results and failures', async () => {
    const fake = await startXapiFake();
    const xapi = createClient({ url: fake.url, auth: { user: fake.user, password: fake.password }, watchEvents: ['task'], debounce: 10 });
    try {
      await xapi.connect();
      const vm = await xapi.callAsync<string>('VM.clone', fake.inventory.template, 'via-client');
      assert.equal(fake.record(vm)?.['name_label'], 'via-client');
      await assert.rejects(xapi.callAsync('VM.start', fake.inventory.template, false, false), (e: { code?: string; task?: unknown }) => e.code === 'VM_IS_TEMPLATE' && e.task !== undefined);
      // The fake serves no /xmlrpc: had the client judged JSON-RPC unsupported, connect() would have failed.
      assert.deepEqual(fake.calls.slice(0, 3).map((c) => c.method), ['session.login_with_password', 'pool.get_all_records', 'system.listMethods']);
    } finally {
      await xapi.disconnect();
      await fake.close();
    }
  });

  test('event.from blocks until something changes, then returns it', async () => {
    const fake = await startXapiFake();
    try {
      const s = await login(fake);
      const token = (await raw(fake, call('event.inject', [s, 'pool', fake.inventory.pool]))).json?.['result'];
      const waiting = raw(fake, call('event.from', [s, ['VM'], token, 30.0]));
      let settled = false;
      void waiting.then(() => (settled = true));
      await raw(fake, call('VM.get_all', [s]));
      assert.equal(settled, false, 'a read changes nothing, so event.from is still waiting');
      await raw(fake, call('VM.set_name_label', [s, fake.inventory.foreignVm, 'renamed']));
      const r = (await waiting).json?.['result'] as { events: Array<{ class: string; operation: string; ref: string }> };
      assert.deepEqual(r.events.map((e) => [e.class, e.operation, e.ref]), [['vm', 'mod', fake.inventory.foreignVm]]);
    } finally {
      await fake.close();
    }
  });
});
