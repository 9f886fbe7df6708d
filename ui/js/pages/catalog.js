// The catalog: sources with scan buttons and live scan progress, what the scans found (ISOs
// by kind, Windows editions, language packs, guest tools), and one ISO in detail.

import { ApiError, get, post, seg } from '../api.js';
import { alertBox, badge, bytes, facts, fill, h, link, section, table, when } from '../dom.js';
import { languages } from '../format.js';
import { describe, notify } from '../ui.js';

const KINDS = ['windows-install', 'windows-langpack', 'guest-tools', 'linux-installer', 'other', 'unreadable'];
// Detail requests made for language-pack and tools ISOs; a bigger catalog shows the first ones.
const DETAIL_LIMIT = 50;

/** Renders the catalog page. */
export async function render(view, _arg, scope) {
  const progress = h('div', { id: 'scan-progress', class: 'scan' });
  const sourcesBox = h('div');
  const isosBox = h('div');
  const editionsBox = h('div');
  const langBox = h('div');
  const toolsBox = h('div');
  const kindSelect = h('select', { id: 'iso-kind' }, h('option', { value: '', text: 'all kinds' }), KINDS.map((k) => h('option', { value: k, text: k })));

  const refresh = async () => {
    const [isos, editions] = await Promise.all([get('catalog/isos', {}, scope.signal), get('catalog/editions', {}, scope.signal)]);
    const kind = kindSelect.value;
    fill(isosBox, isoTable(kind ? isos.filter((i) => i.kind === kind) : isos));
    fill(editionsBox, editionTable(editions));
    await extras(isos, langBox, toolsBox, scope.signal);
  };
  const follow = (scan) => followScan(scan, progress, scope, async () => {
    await refresh();
    await loadSources();
  });
  const startScan = async (names) => {
    try {
      const scan = await post('catalog/scans', names ? { sources: names } : {}, scope.signal);
      notify(`Scan ${scan.id} started`);
      follow(scan);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'SCAN_RUNNING') {
        notify(describe(err), 'error');
        const running = (await get('catalog/scans', { limit: 1 }, scope.signal))[0];
        if (running?.status === 'running') follow(running);
        return;
      }
      throw err;
    }
  };
  const loadSources = async () => {
    const sources = await get('sources', {}, scope.signal);
    fill(sourcesBox, sourceTable(sources, (name) => runAction(() => startScan([name]))));
  };
  const runAction = async (fn) => {
    try {
      await fn();
    } catch (err) {
      notify(describe(err), 'error');
    }
  };
  kindSelect.addEventListener('change', () => void runAction(refresh));

  fill(
    view,
    h('h1', { text: 'Catalog' }),
    section('sources', 'Sources',
      h('p', {}, 'Add sources with ', h('code', { text: 'vizor source add' }), '; a scan reads each ISO in place.'),
      h('div', { class: 'toolbar' }, h('button', { type: 'button', id: 'scan-all', onclick: () => runAction(() => startScan(null)), text: 'Scan all sources' })),
      sourcesBox,
      progress),
    section('isos', 'ISOs', h('div', { class: 'toolbar' }, h('label', { for: 'iso-kind', text: 'Show' }), kindSelect), isosBox),
    section('editions', 'Windows editions', editionsBox),
    section('langpacks', 'Language packs', langBox),
    section('tools', 'Guest tools', toolsBox),
  );
  await loadSources();
  await refresh();
  // A scan started elsewhere (CLI, another tab) is followed too.
  const last = (await get('catalog/scans', { limit: 1 }, scope.signal))[0];
  if (last?.status === 'running') follow(last);
  else if (last) fill(progress, scanSummary(last));
}

function sourceTable(sources, scan) {
  return table({
    caption: 'Sources',
    captionHidden: true,
    id: 'sources-table',
    empty: 'No sources yet: add one with vizor source add.',
    rows: sources,
    columns: [
      ['Name', (s) => s.name],
      ['Kind', (s) => s.kind],
      ['URL', (s) => h('code', { text: s.url })],
      ['Last scan', (s) => when(s.lastScanAt) || 'never'],
      ['', (s) => h('button', { type: 'button', class: 'small', 'aria-label': `Scan source ${s.name}`, onclick: () => scan(s.name), text: 'Scan' })],
    ],
  });
}

/** Polls a scan until it ends, showing a progress bar; then runs `done`. */
function followScan(scan, box, scope, done) {
  let last = scan;
  scope.every(700, async () => {
    last = await get(`catalog/scans/${seg(last.id)}`, {}, scope.signal);
    fill(box, scanSummary(last));
    if (last.status === 'running') return true;
    notify(`Scan ${last.id} ${last.status}`);
    await done();
    return false;
  });
}

function scanSummary(s) {
  const c = s.counts;
  const total = s.found ?? s.processed;
  const bar = h('progress', { id: 'scan-bar', max: Math.max(total, 1), value: s.status === 'running' ? s.processed : Math.max(total, 1), 'aria-labelledby': 'scan-text' });
  const head = s.status === 'running'
    ? `Scan ${s.id} running: ${s.processed} of ${s.found ?? '?'} ISOs${s.current ? ` (now ${s.current})` : ''}`
    : `Scan ${s.id} ${s.status}: ${c.new} new, ${c.changed} changed, ${c.unchanged} unchanged, ${c.renamed} renamed, ${c.missing} missing, ${c.failed} failed; read ${bytes(c.bytesRead)}`;
  return [
    h('p', { id: 'scan-text' }, badge(s.status), ' ', head),
    bar,
    s.errors.length ? h('ul', { class: 'errors' }, s.errors.map((e) => h('li', { text: `${e.source}${e.path ? `:${e.path}` : ''}: ${e.message} (${e.code})` }))) : null,
  ];
}

function isoTable(isos) {
  return table({
    caption: 'Cataloged ISOs',
    captionHidden: true,
    id: 'isos-table',
    empty: 'No ISOs cataloged: scan a source.',
    rows: isos,
    columns: [
      ['Path', (i) => link(`catalog/${i.id}`, i.path)],
      ['Source', (i) => i.source],
      ['Kind', (i) => i.kind],
      ['Label', (i) => i.label ?? ''],
      ['Editions', (i) => String(i.editions)],
      ['Size', (i) => bytes(i.size)],
      ['State', (i) => (i.missing ? badge('missing') : i.error ? badge('error') : badge('ok'))],
    ],
  });
}

function editionTable(editions) {
  return table({
    caption: 'Windows editions',
    captionHidden: true,
    id: 'editions-table',
    empty: 'No Windows editions cataloged.',
    rows: editions,
    columns: [
      ['Index', (e) => String(e.index)],
      ['Name', (e) => e.name ?? '(unnamed)'],
      ['Edition ID', (e) => e.editionId ?? ''],
      ['Arch', (e) => e.arch ?? ''],
      ['Languages', (e) => languages(e.languages, e.defaultLanguage)],
      ['Version', (e) => e.version ?? ''],
      ['ISO', (e) => link(`catalog/${e.isoId}`, `${e.source}:${e.isoPath}`)],
    ],
  });
}

/** Language packs and tools live in each ISO's detail: fetched for those kinds only. */
async function extras(isos, langBox, toolsBox, signal) {
  const pick = (kind) => isos.filter((i) => i.kind === kind && !i.missing).slice(0, DETAIL_LIMIT);
  const details = async (list) => Promise.all(list.map((i) => get(`catalog/isos/${seg(i.id)}`, {}, signal)));
  const [langIsos, toolIsos] = await Promise.all([details(pick('windows-langpack')), details(pick('guest-tools'))]);
  fill(langBox, table({
    caption: 'Language packs', captionHidden: true, id: 'langpacks-table', empty: 'No language pack ISOs cataloged.',
    rows: langIsos.flatMap((iso) => iso.langpacks.map((lp) => ({ iso, lp }))),
    columns: [
      ['Locale', ({ lp }) => lp.locale],
      ['Arch', ({ lp }) => lp.arch ?? ''],
      ['Edition', ({ lp }) => lp.edition ?? ''],
      ['Path', ({ lp }) => h('code', { text: lp.path })],
      ['ISO', ({ iso }) => link(`catalog/${iso.id}`, `${iso.source}:${iso.path}`)],
    ],
  }));
  fill(toolsBox, table({
    caption: 'Guest tools', captionHidden: true, id: 'tools-table', empty: 'No guest tools ISOs cataloged.',
    rows: toolIsos,
    columns: [
      ['Family', (iso) => iso.tools?.family ?? '?'],
      ['Version', (iso) => iso.tools?.version ?? ''],
      ['ISO', (iso) => link(`catalog/${iso.id}`, `${iso.source}:${iso.path}`)],
    ],
  }));
}

/** Renders `#/catalog/<iso id>`. */
export async function renderIso(view, id, scope) {
  const iso = await get(`catalog/isos/${seg(id)}`, {}, scope.signal);
  fill(
    view,
    h('p', { class: 'crumbs' }, link('catalog', 'Catalog'), ' / ISO ', String(iso.id)),
    h('h1', { text: iso.path }),
    iso.error ? alertBox(`vizor could not read this ISO: ${iso.error}${iso.errorCode ? ` (${iso.errorCode})` : ''}`) : null,
    facts([
      ['Source', iso.source],
      ['Kind', iso.kind],
      ['Label', iso.label ?? '(none)'],
      ['Size', bytes(iso.size)],
      ['File systems', iso.fileSystems.join(', ') + (iso.udfRevision ? ` (UDF ${iso.udfRevision})` : '')],
      ['State', iso.missing ? badge('missing') : badge('present')],
      ['Read to catalog', bytes(iso.bytesRead)],
      ['Inspected', when(iso.inspectedAt)],
    ]),
    iso.editionList.length ? section('iso-editions', 'Editions', table({
      caption: `Editions in ${iso.path}`, captionHidden: true, id: 'iso-editions-table', rows: iso.editionList,
      columns: [
        ['Index', (e) => String(e.index)],
        ['Name', (e) => e.name ?? '(unnamed)'],
        ['Edition ID', (e) => e.editionId ?? ''],
        ['Arch', (e) => e.arch ?? ''],
        ['Version', (e) => e.version ?? ''],
        ['Languages', (e) => languages(e.languages, e.defaultLanguage)],
        ['Type', (e) => e.installationType ?? ''],
      ],
    })) : null,
    iso.langpacks.length ? section('iso-langpacks', 'Language packs', table({
      caption: `Language packs in ${iso.path}`, captionHidden: true, rows: iso.langpacks,
      columns: [
        ['Locale', (l) => l.locale],
        ['Arch', (l) => l.arch ?? ''],
        ['Edition', (l) => l.edition ?? ''],
        ['Path', (l) => h('code', { text: l.path })],
      ],
    })) : null,
    iso.tools ? section('iso-tools', 'Guest tools', facts([['Family', iso.tools.family], ['Version', iso.tools.version ?? 'unknown']])) : null,
    iso.linux ? section('iso-linux', 'Linux installer', facts([
      ['Distribution', iso.linux.distro],
      ['Release', iso.linux.release ?? ''],
      ['Codename', iso.linux.codename ?? ''],
      ['Arch', iso.linux.arch ?? ''],
      ['Kernel', iso.linux.kernelPath ? h('code', { text: iso.linux.kernelPath }) : 'not found'],
      ['Initrd', iso.linux.initrdPath ? h('code', { text: iso.linux.initrdPath }) : 'not found'],
    ])) : null,
  );
}
