// Machines vizor boots: the registered ones and a live feed of boot events from any MAC,
// and one machine with its lease and boot timeline, polled with after=<last id>.

import { get, seg } from '../api.js';
import { badge, facts, fill, h, link, pairs, section, table, when } from '../dom.js';
import { BOOT_PHASES, eventSummary, phaseOf } from '../format.js';

// Rows kept in the live feed.
const FEED_ROWS = 50;

/** Renders `#/nodes`. */
export async function render(view, _arg, scope) {
  const listBox = h('div');
  const feedBody = h('tbody');
  const feed = h('table', { id: 'node-feed' },
    h('caption', { class: 'visually-hidden', text: 'Recent boot events' }),
    h('thead', {}, h('tr', {}, ['Time', 'MAC', 'Phase', 'Event', 'Details'].map((t) => h('th', { scope: 'col', text: t })))),
    feedBody);
  fill(view,
    h('h1', { text: 'Nodes' }),
    section('node-list', 'Registered machines', h('p', {}, 'Register machines with ', h('code', { text: 'vizor node add' }), ' or let a build do it.'), listBox),
    section('node-activity', 'Recent boot activity', feed));

  scope.every(3000, async () => {
    const nodes = await get('nodes', {}, scope.signal);
    fill(listBox, table({
      caption: 'Registered machines', captionHidden: true, id: 'nodes-table', rows: nodes, empty: 'No machines registered.',
      columns: [
        ['MAC', (n) => link(`nodes/${n.mac}`, n.mac)],
        ['Name', (n) => n.name ?? ''],
        ['Task', (n) => String(n.task?.kind ?? '')],
        ['Last seen', (n) => when(n.lastSeenAt) || 'never'],
        ['Registered', (n) => when(n.createdAt)],
      ],
    }));
  });

  let cursor;
  scope.every(2000, async () => {
    const answer = await get('events', cursor === undefined ? { limit: FEED_ROWS } : { after: cursor, limit: FEED_ROWS }, scope.signal);
    cursor = answer.cursor;
    const rows = answer.events.filter((e) => e.source === 'node');
    // Newest on top.
    for (const e of rows) {
      feedBody.prepend(h('tr', {},
        h('td', {}, when(e.at)),
        h('th', { scope: 'row' }, link(`nodes/${e.mac}`, e.mac)),
        h('td', { text: phaseOf(e.kind) }),
        h('td', { text: e.kind }),
        h('td', { text: eventSummary(e.kind, e.detail) })));
    }
    while (feedBody.rows.length > FEED_ROWS) feedBody.lastElementChild.remove();
    if (feedBody.rows.length === 0) feedBody.append(h('tr', { class: 'empty' }, h('td', { colspan: 5, text: 'No boot events yet.' })));
    else feedBody.querySelector('tr.empty')?.remove();
  });
}

/** Renders `#/nodes/<mac or name>`. */
export async function renderNode(view, ref, scope) {
  const detail = await get(`nodes/${seg(ref)}`, {}, scope.signal);
  const node = detail.node;
  const strip = h('ol', { class: 'phases', 'aria-label': 'Boot phases reached' });
  const body = h('tbody');
  const timeline = h('table', { id: 'timeline' },
    h('caption', { class: 'visually-hidden', text: `Boot timeline of ${detail.mac}` }),
    h('thead', {}, h('tr', {}, ['#', 'Time', 'Phase', 'Event', 'Details'].map((t) => h('th', { scope: 'col', text: t })))),
    body);
  fill(view,
    h('p', { class: 'crumbs' }, link('nodes', 'Nodes'), ' / ', detail.mac),
    h('h1', { text: node?.name ? `${node.name} (${detail.mac})` : detail.mac }),
    facts([
      ['MAC', detail.mac],
      ['Registered', node ? when(node.createdAt) : 'no (only seen on the network)'],
      ['Task', node ? `${node.task.kind}${Object.keys(node.task).length > 1 ? ` (${pairs(Object.fromEntries(Object.entries(node.task).filter(([k]) => k !== 'kind')))})` : ''}` : null],
      ['Last seen', node ? when(node.lastSeenAt) || 'never' : null],
      ['Lease', detail.lease ? `${detail.lease.ip} (${detail.lease.state})${detail.lease.hostname ? `, ${detail.lease.hostname}` : ''}` : 'none'],
    ]),
    section('boot', 'Boot timeline', strip, timeline));

  const reached = new Set();
  const drawStrip = () => fill(strip, BOOT_PHASES.map((p) => h('li', { class: reached.has(p) ? 'reached' : 'pending' }, `${p} `, badge(reached.has(p) ? 'seen' : 'not yet'))));
  drawStrip();
  let after;
  scope.every(1500, async () => {
    const events = await get(`nodes/${seg(ref)}/events`, after === undefined ? {} : { after }, scope.signal);
    for (const e of events) {
      after = Math.max(after ?? 0, e.id);
      const phase = phaseOf(e.kind);
      reached.add(phase);
      body.append(h('tr', { 'data-phase': phase.toLowerCase() },
        h('td', { text: String(e.id) }),
        h('td', {}, when(e.at)),
        h('td', { text: phase }),
        h('th', { scope: 'row', text: e.kind }),
        h('td', { text: eventSummary(e.kind, e.detail) })));
    }
    if (events.length) drawStrip();
    if (body.rows.length === 0) body.append(h('tr', { class: 'empty' }, h('td', { colspan: 5, text: 'No boot events yet: power the machine on.' })));
    else if (events.length) body.querySelector('tr.empty')?.remove();
  });
}
