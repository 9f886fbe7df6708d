// Builds: the list (refreshed every 2 s), and one build with a stage progress bar
// (stages of its family), its log polled with after=<last id>, and cancel/retry.

import { get, post, seg } from '../api.js';
import { alertBox, badge, facts, fill, h, link, pairs, section, table, when } from '../dom.js';
import { stagesOf, stageStates } from '../format.js';
import { confirmAction, describe, notify } from '../ui.js';

const ENDED = new Set(['done', 'failed', 'cancelled']);
const STATES = ['running', 'done', 'failed', 'cancelling', 'cancelled'];

/** Renders `#/builds`. */
export async function render(view, _arg, scope) {
  const box = h('div');
  const filter = h('select', { id: 'build-state' }, h('option', { value: '', text: 'all states' }), STATES.map((s) => h('option', { value: s, text: s })));
  fill(view,
    h('h1', { text: 'Builds' }),
    h('p', {}, 'Start builds with ', h('code', { text: 'vizor build start' }), ' or POST /api/v1/builds.'),
    section('build-list', 'All builds', h('div', { class: 'toolbar' }, h('label', { for: 'build-state', text: 'State' }), filter), box));

  const load = async () => {
    const builds = await get('builds', { state: filter.value || undefined }, scope.signal);
    fill(box, table({
      caption: 'Builds', captionHidden: true, id: 'builds-table', rows: builds, empty: 'No builds.',
      columns: [
        ['Build', (b) => link(`builds/${b.id}`, b.id)],
        ['State', (b) => badge(b.state)],
        ['Stage', (b) => {
          const stages = stagesOf(b);
          const i = stages.indexOf(b.stage);
          return `${b.stage} (${i + 1}/${stages.length})`;
        }],
        ['Family', (b) => b.family],
        ['Hypervisor', (b) => b.hypervisor],
        ['Profile', (b) => b.profile],
        ['ISO', (b) => link(`catalog/${b.isoId}`, String(b.isoId))],
        ['Started', (b) => when(b.createdAt)],
        ['Updated', (b) => when(b.updatedAt)],
      ],
    }));
    return builds;
  };
  filter.addEventListener('change', () => void load());
  scope.every(2000, load);
}

/** Renders `#/builds/<id>`. */
export async function renderBuild(view, id, scope) {
  const path = `builds/${seg(id)}`;
  let build = await get(path, {}, scope.signal);
  const head = h('div');
  const progress = h('div', { id: 'stage-progress' });
  const logBody = h('tbody');
  const log = h('table', { id: 'build-log' },
    h('caption', { class: 'visually-hidden', text: `Log of build ${id}` }),
    h('thead', {}, h('tr', {}, ['#', 'Time', 'Stage', 'Event', 'Details'].map((t) => h('th', { scope: 'col', text: t })))),
    logBody);
  const cancel = h('button', { type: 'button', id: 'build-cancel', class: 'danger', text: 'Cancel build' });
  const retry = h('button', { type: 'button', id: 'build-retry', text: 'Retry build' });
  fill(view,
    h('p', { class: 'crumbs' }, link('builds', 'Builds'), ' / ', id),
    h('h1', { text: `Build ${id}` }),
    head,
    section('stages', 'Progress', progress, h('div', { class: 'toolbar' }, cancel, retry)),
    section('log', 'Log', log));

  const draw = () => {
    fill(head, build.error ? alertBox(`Build ${build.state}: ${build.error}`) : null, facts([
      ['State', badge(build.state)],
      ['Family', build.family],
      ['Hypervisor', build.hypervisor],
      ['Profile', build.profile],
      ['ISO', link(`catalog/${build.isoId}`, String(build.isoId))],
      ['VM', build.vmId ?? '(none yet)'],
      ['MAC', build.mac ? link(`nodes/${build.mac}`, build.mac) : '(none yet)'],
      ['Template', build.templateId ?? '(none yet)'],
      ['Started', when(build.createdAt)],
      ['Stage since', when(build.stageStartedAt)],
      ['Finished', build.finishedAt ? when(build.finishedAt) : null],
    ]));
    const states = stageStates(build);
    const done = states.filter((s) => s.state === 'done').length;
    fill(progress,
      h('p', { id: 'stage-text' }, `Stage ${done} of ${states.length}: `, h('strong', { text: build.stage }), build.state === 'running' ? ` — working on ${states[done]?.name ?? '…'}` : ` — ${build.state}`),
      h('progress', { id: 'stage-bar', max: states.length, value: done, 'aria-labelledby': 'stage-text' }),
      h('ol', { class: 'stages', 'aria-label': 'Stages' }, states.map((s) => h('li', { class: `stage-${s.state}`, 'data-stage': s.name, 'aria-current': s.state === 'current' ? 'step' : undefined }, h('span', { class: 'name', text: s.name }), h('span', { class: 'visually-hidden', text: ` (${s.state})` })))));
    cancel.disabled = build.state !== 'running';
    retry.disabled = !(build.state === 'failed' || build.state === 'cancelled');
  };
  draw();

  const act = async (verb, text) => {
    if (!(await confirmAction({ title: `${verb[0].toUpperCase()}${verb.slice(1)} build ${id}?`, text, confirmLabel: `${verb[0].toUpperCase()}${verb.slice(1)} build`, danger: verb === 'cancel' }))) return;
    try {
      build = await post(`${path}/${verb}`, {}, scope.signal);
      notify(`Build ${id}: ${verb} requested`);
      draw();
      if (!polling) startPolling();
    } catch (err) {
      notify(describe(err), 'error');
    }
  };
  cancel.addEventListener('click', () => act('cancel', 'vizor stops the build and removes the VM it made (unless the build keeps it).'));
  retry.addEventListener('click', () => act('retry', 'The build runs again from the start.'));

  let after = 0;
  let polling = false;
  const startPolling = () => {
    polling = true;
    scope.every(1000, async () => {
      const events = await get(`${path}/logs`, { after }, scope.signal);
      for (const e of events) {
        after = Math.max(after, e.id);
        logBody.append(h('tr', { class: `kind-${e.kind.replace(/[^a-z0-9-]/gi, '')}` },
          h('td', { text: String(e.id) }), h('td', {}, when(e.at)), h('td', { text: e.stage }), h('th', { scope: 'row', text: e.kind }), h('td', { text: pairs(e.detail) })));
      }
      build = await get(path, {}, scope.signal);
      draw();
      // One more round after the end picks up the last lines, then polling stops.
      if (ENDED.has(build.state) && events.length === 0) {
        polling = false;
        return false;
      }
      return true;
    });
  };
  startPolling();
}
