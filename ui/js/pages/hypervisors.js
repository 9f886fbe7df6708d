// Platforms vizor creates VMs on, each with a test button, and one platform with the VMs
// and templates vizor made there (found by vizor's tag), with start and power-off.

import { get, post, seg } from '../api.js';
import { alertBox, badge, button, facts, fill, h, link, pairs, section, table, when } from '../dom.js';
import { confirmAction, describe, notify } from '../ui.js';

/** Renders `#/hypervisors`. */
export async function render(view, _arg, scope) {
  const hypervisors = await get('hypervisors', {}, scope.signal);
  const results = h('div', { id: 'hv-results', 'aria-live': 'polite' });
  const test = async (hv) => {
    const out = h('div', { class: 'hv-result', 'data-hypervisor': hv.name }, h('p', { text: `Testing ${hv.name}…` }));
    results.querySelector(`[data-hypervisor="${CSS.escape(hv.name)}"]`)?.remove();
    results.prepend(out);
    try {
      const r = await post(`hypervisors/${seg(hv.name)}/test`, {}, scope.signal);
      fill(out, h('p', {}, badge('ok'), ` ${hv.name}: ${r.kind} ${r.version} at ${r.endpoint}; ${r.vizorVms} vizor VMs; networks: ${r.networks.join(', ') || '(none)'}`));
      notify(`${hv.name}: test passed`);
    } catch (err) {
      fill(out, alertBox(`${hv.name}: ${describe(err)}`));
    }
  };
  fill(view,
    h('h1', { text: 'Hypervisors' }),
    h('p', {}, 'Add platforms with ', h('code', { text: 'vizor hypervisor add' }), '; passwords and secret keys are never shown.'),
    section('hv-list', 'Platforms', table({
      caption: 'Hypervisors', captionHidden: true, id: 'hypervisors-table', rows: hypervisors, empty: 'No hypervisors yet.',
      columns: [
        ['Name', (hv) => link(`hypervisors/${hv.name}`, hv.name)],
        ['Kind', (hv) => hv.kind],
        ['URL', (hv) => h('code', { text: hv.url })],
        ['User', (hv) => hv.username ?? ''],
        ['Secret', (hv) => (hv.hasSecret ? 'stored' : 'none')],
        ['Options', (hv) => pairs(hv.options)],
        ['Added', (hv) => when(hv.createdAt)],
        ['', (hv) => button('Test', () => test(hv), { class: 'small', 'aria-label': `Test hypervisor ${hv.name}` })],
      ],
    })),
    section('hv-tests', 'Test results', results));
}

/** Renders `#/hypervisors/<name>`. */
export async function renderHypervisor(view, name, scope) {
  const hv = await get(`hypervisors/${seg(name)}`, {}, scope.signal);
  const vmsBox = h('div', {}, h('p', { text: 'Asking the platform…' }));
  fill(view,
    h('p', { class: 'crumbs' }, link('hypervisors', 'Hypervisors'), ' / ', hv.name),
    h('h1', { text: hv.name }),
    facts([['Kind', hv.kind], ['URL', h('code', { text: hv.url })], ['User', hv.username ?? ''], ['Options', pairs(hv.options) || '(none)'], ['Added', when(hv.createdAt)]]),
    section('hv-vms', 'VMs and templates vizor made', vmsBox));

  const power = async (vm, verb) => {
    const ok = await confirmAction({ title: `${verb === 'start' ? 'Start' : 'Power off'} ${vm.name}?`, text: verb === 'stop' ? 'The VM is powered off at once, without a guest shutdown.' : 'The VM is started.', danger: verb === 'stop' });
    if (!ok) return;
    try {
      await post(`hypervisors/${seg(name)}/vms/${seg(vm.id)}/${verb}`, {}, scope.signal);
      notify(`${vm.name}: ${verb} done`);
    } catch (err) {
      notify(describe(err), 'error');
    }
  };
  scope.every(5000, async () => {
    const vms = await get(`hypervisors/${seg(name)}/vms`, {}, scope.signal);
    fill(vmsBox, table({
      caption: `VMs on ${name}`, captionHidden: true, id: 'vms-table', rows: vms, empty: 'No VMs carry vizor’s tag here.',
      columns: [
        ['Name', (v) => v.name],
        ['Power', (v) => (v.isTemplate ? badge('template') : badge(v.power))],
        ['Role', (v) => (v.tag ? `${v.tag.role} ${v.tag.owner}` : '')],
        ['MACs', (v) => v.macs.join(', ')],
        ['Platform id', (v) => h('code', { text: v.id })],
        ['', (v) => (v.isTemplate || !v.tag ? '' : h('span', { class: 'row-actions' },
          button('Start', () => power(v, 'start'), { class: 'small', 'aria-label': `Start ${v.name}`, disabled: v.power === 'running' }),
          button('Power off', () => power(v, 'stop'), { class: 'small', 'aria-label': `Power off ${v.name}`, disabled: v.power === 'halted' })))],
      ],
    }));
  });
}
