import type { CallContext, MethodTable } from '../context.js';
import { XapiFault } from '../faults.js';
import type { XapiRecord } from '../schema.js';
import { str } from './args.js';

/** session.*, system.listMethods, event.inject/event.from and task.create/cancel/destroy. */
export function sessionEventMethods(table: MethodTable): void {
  table.set('session.login_with_password', {
    params: 2,
    optional: 2,
    session: false,
    run: (c, [user, password]) => c.sessions.login(user, password),
  });
  table.set('session.logout', { params: 0, run: (c) => c.sessions.logout(c.session) });
  table.set('system.listMethods', {
    params: 0,
    session: false,
    run: () => [...table.entries()].flatMap(([name, def]) => (def.async ? [name, `Async.${name}`] : [name])).sort(),
  });
  table.set('event.inject', {
    params: 2,
    run: (c, [cls, ref]) => {
      const name = c.db.className(str(cls, 'class'));
      if (!name) throw new XapiFault('HANDLE_INVALID', [String(cls), String(ref)]);
      c.db.update(name, str(ref, 'ref'), {});
      return c.events.token();
    },
  });
  table.set('event.from', { params: 3, run: (c, [classes, token, timeout]) => eventFrom(c, classes, token, timeout) });
  table.set('task.create', { params: 2, run: (c, [label, desc]) => c.tasks.create(str(label, 'label'), str(desc, 'description')) });
  table.set('task.cancel', { params: 1, async: true, run: (c, [ref]) => c.tasks.cancel(str(ref, 'task')) });
  table.set('task.destroy', { params: 1, run: (c, [ref]) => c.db.destroy('task', (c.db.get('task', ref), String(ref))) });
}

/**
 * event.from(classes, token, timeout): every change after `token` to the wanted classes;
 * blocks up to `timeout` seconds while there is none. An empty token means "everything
 * that exists now", sent as `add` events.
 */
async function eventFrom(c: CallContext, classes: unknown, token: unknown, timeout: unknown): Promise<XapiRecord> {
  if (!Array.isArray(classes)) throw new XapiFault('FIELD_TYPE_ERROR', ['classes']);
  if (typeof timeout !== 'number') throw new XapiFault('FIELD_TYPE_ERROR', ['timeout']);
  const wanted = new Set<string>();
  for (const x of classes) {
    const name = str(x, 'classes');
    if (name === '*') wanted.add('*');
    else if (c.db.className(name)) wanted.add(name.toLowerCase());
  }
  const counts = (): XapiRecord =>
    Object.fromEntries([...wanted].filter((w) => w !== '*').map((w) => [w, c.db.count(c.db.className(w)!)]));
  if (token === '') {
    const events = [...wanted].filter((w) => w !== '*').flatMap((w) => {
      const cls = c.db.className(w)!;
      return c.db.all(cls).map(([ref, r]) => ({ id: 0, timestamp: '', class: w, operation: 'add', ref, snapshot: structuredClone(r) }));
    });
    return { events, valid_ref_counts: counts(), token: c.events.token() };
  }
  const from = str(token, 'token');
  const deadline = Date.now() + timeout * 1000;
  for (;;) {
    const events = c.events.since(from, wanted);
    if (events.length > 0 || Date.now() >= deadline) {
      return { events: structuredClone(events) as unknown as XapiRecord[], valid_ref_counts: counts(), token: c.events.token() };
    }
    const why = await c.events.wait(c.session, deadline - Date.now());
    if (why === 'session' || !c.sessions.valid(c.session)) throw new XapiFault('SESSION_INVALID', [c.session]);
    if (why === 'closed') return { events: [], valid_ref_counts: counts(), token: c.events.token() };
  }
}
