// Virtual rooms: the room files vizor knows, and one room's VMs with their state, power and
// snapshots plus the room commands (rollout, reset, start, shut down, delete) on all VMs or
// the ticked ones, confirmed first. Commands run in the background on vizor; the room's
// lastAction reports them.

import { ApiError, get, post, seg } from '../api.js';
import { alertBox, badge, fill, h, link, section, table, when } from '../dom.js';
import { confirmAction, describe, notify } from '../ui.js';

const ACTIONS = [
  ['rollout', 'Roll out', 'clones every missing VM from its template, hands it its own identity, waits for its first boot and snapshots it'],
  ['reset', 'Reset', 'reverts each VM to its snapshot and applies the start policy'],
  ['start', 'Start', 'starts the VMs'],
  ['shutdown', 'Shut down', 'shuts the VMs down (powered off when the guest does not stop in time)'],
  ['delete', 'Delete', 'deletes the VMs (only those carrying this room’s tag) with their disks and snapshots'],
];
// Room status asks every platform: not too often, but quicker while a command runs.
const IDLE_MS = 5000;
const BUSY_MS = 1000;

/** The message for an API without rooms endpoints (older vizor). */
function missingRoomsApi(err) {
  return err instanceof ApiError && err.status === 404 && /no such endpoint/.test(err.message)
    ? alertBox(`This vizor's API has no rooms endpoints (${err.message}). Use vizor room on the host.`)
    : null;
}

/** Renders `#/rooms`. */
export async function render(view, _arg, scope) {
  fill(view, h('h1', { text: 'Rooms' }), h('p', {}, 'Rooms are defined in room files (', h('code', { text: '/etc/vizor/rooms.d' }), ').'));
  let rooms;
  try {
    rooms = await get('rooms', {}, scope.signal);
  } catch (err) {
    const missing = missingRoomsApi(err);
    if (!missing) throw err;
    view.append(missing);
    return;
  }
  view.append(section('room-list', 'All rooms', table({
    caption: 'Rooms', captionHidden: true, id: 'rooms-table', rows: rooms, empty: 'No room files found.',
    columns: [
      ['Room', (r) => link(`rooms/${r.room}`, r.room)],
      ['VMs', (r) => String(r.vms)],
      ['Rolled out', (r) => `${r.done} done, ${r.working} working, ${r.failed} failed`],
      ['Last command', (r) => (r.lastAction ? [badge(r.lastAction.state), ` ${r.lastAction.action}`] : '–')],
      ['File', (r) => (r.file ? h('code', { text: r.file }) : '')],
    ],
  })));
}

/** Renders `#/rooms/<name>`. */
export async function renderRoom(view, name, scope) {
  const path = `rooms/${seg(name)}`;
  const vmsBox = h('div', {}, h('p', { text: 'Asking the platforms…' }));
  const resultsBox = h('div', { id: 'room-results', 'aria-live': 'polite' });
  const selected = new Set();
  const toolbar = h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Room commands' });
  fill(view,
    h('p', { class: 'crumbs' }, link('rooms', 'Rooms'), ' / ', name),
    h('h1', { text: `Room ${name}` }),
    section('room-actions', 'Commands', h('p', { text: 'Commands act on the ticked VMs, or on every VM when none is ticked.' }), toolbar, resultsBox),
    section('room-vms', 'VMs', vmsBox));

  let waitingFor = null;
  const run = async (verb, label, what) => {
    const only = [...selected];
    const target = only.length ? `${only.length} ticked VM(s): ${only.join(', ')}` : 'every VM of the room';
    const ok = await confirmAction({
      title: `${label} room ${name}?`, text: `This ${what}. Applies to ${target}.`, confirmLabel: label,
      danger: verb === 'delete' || verb === 'reset', typed: verb === 'delete' ? name : null,
    });
    if (!ok) return;
    try {
      const started = await post(`${path}/actions/${verb}`, { ...(only.length ? { only } : {}), ...(verb === 'delete' ? { confirm: name } : {}) }, scope.signal);
      waitingFor = started.startedAt;
      showAction(resultsBox, started);
      notify(`Room ${name}: ${label.toLowerCase()} started`);
    } catch (err) {
      notify(describe(err), 'error');
    }
  };
  let busy = false;
  // While a command runs (or one is being confirmed) the commands are off: vizor runs one per room.
  const setButtons = (off) => {
    for (const b of toolbar.querySelectorAll('button')) b.disabled = off;
  };
  for (const [verb, label, what] of ACTIONS) {
    const b = h('button', { type: 'button', id: `room-${verb}`, class: verb === 'delete' ? 'danger' : undefined, text: label });
    b.addEventListener('click', async () => {
      setButtons(true);
      try {
        await run(verb, label, what);
      } finally {
        setButtons(busy || waitingFor !== null);
      }
    });
    toolbar.append(b);
  }

  const refresh = async () => {
    let room;
    try {
      room = await get(path, {}, scope.signal);
    } catch (err) {
      const missing = missingRoomsApi(err);
      if (missing) {
        fill(vmsBox, missing);
        return false;
      }
      if (err?.name === 'AbortError' || err?.status === 401) throw err;
      // A broken room file or an unreachable platform: say so where the VMs would be, keep polling.
      fill(vmsBox, alertBox(describe(err)));
      return true;
    }
    const last = room.lastAction;
    if (last) showAction(resultsBox, last);
    if (last && waitingFor === last.startedAt && last.state !== 'running') {
      waitingFor = null;
      notify(`Room ${name}: ${last.action} ${last.state}`, last.state === 'failed' ? 'error' : 'info');
    }
    busy = last?.state === 'running' || waitingFor !== null;
    setButtons(busy);
    fill(vmsBox, vmTable(room.vms, selected));
    return true;
  };
  // One loop whose pace follows the room: every second while a command runs, else every few.
  let lastRefresh = 0;
  const loop = async () => {
    if (scope.closed) return;
    if (busy || waitingFor !== null || Date.now() - lastRefresh >= IDLE_MS) {
      lastRefresh = Date.now();
      try {
        if (!(await refresh())) return;
      } catch (err) {
        if (scope.closed || err?.name === 'AbortError' || err?.status === 401) return;
        notify(describe(err), 'error');
      }
    }
    scope.later(BUSY_MS, loop);
  };
  await loop();
}

function showAction(box, a) {
  const rows = a.results ?? [];
  const counts = a.state === 'running' ? 'running…' : `${rows.filter((r) => r.ok).length} ok, ${rows.filter((r) => !r.ok).length} failed`;
  fill(box,
    h('p', { id: 'room-result-text' }, badge(a.state), ` ${a.action}, started `, when(a.startedAt), `: ${counts}`),
    a.error ? alertBox(a.error) : null,
    rows.length ? table({
      caption: 'Results of the last command', captionHidden: true, id: 'room-results-table', rows,
      columns: [['VM', (r) => r.name], ['Result', (r) => badge(r.ok ? 'ok' : 'failed')], ['Action', (r) => r.action], ['Error', (r) => r.error ?? '']],
    }) : null);
}

function vmTable(vms, selected) {
  return table({
    caption: 'VMs of the room', captionHidden: true, id: 'room-vms-table', rows: vms, empty: 'The room plans no VMs.',
    columns: [
      ['VM', (v) => h('label', {}, h('input', {
        type: 'checkbox', checked: selected.has(v.name), 'aria-label': `Select ${v.name}`,
        onchange: (e) => (e.target.checked ? selected.add(v.name) : selected.delete(v.name)),
      }), ` ${v.name}`)],
      ['Hostname', (v) => v.hostname],
      ['Address', (v) => v.ip ?? 'dhcp'],
      ['Exists', (v) => (v.exists ? 'yes' : 'no')],
      ['Power', (v) => (v.power ? badge(v.power) : '–')],
      ['Snapshots', (v) => (v.snapshots?.length ? v.snapshots.join(', ') : 'none')],
      ['Reset to', (v) => v.resetTo ?? `– (${v.resetProblem ?? 'no snapshot'})`],
      ['Rollout', (v) => (v.rollout ? [badge(v.rollout.state), ` ${v.rollout.step}`, v.rollout.error ? ` — ${v.rollout.error}` : ''] : '–')],
    ],
  });
}
