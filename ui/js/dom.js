// DOM helpers. Text always goes in through textContent, never innerHTML: names of ISOs,
// VMs and error messages come from file servers and platforms, not from vizor.

/**
 * Creates an element. `attrs` keys: `class`, `text`, `on<event>` handlers, booleans
 * (set when true), anything else as an attribute; children are nodes or strings.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') el.textContent = String(v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * A data table: `columns` are [header, cell(row) → node|string] pairs; the caption names
 * the table for screen readers; `empty` is shown as one row when there are no rows.
 */
export function table({ caption, columns, rows, empty = 'Nothing here yet.', rowAttrs, id, captionHidden = false }) {
  const head = h('thead', {}, h('tr', {}, columns.map(([title]) => h('th', { scope: 'col', text: title }))));
  const body = h('tbody');
  if (rows.length === 0) body.append(h('tr', { class: 'empty' }, h('td', { colspan: columns.length, text: empty })));
  for (const row of rows) {
    body.append(h('tr', rowAttrs ? rowAttrs(row) : {}, columns.map(([, cell], i) => (i === 0 ? h('th', { scope: 'row' }, cell(row)) : h('td', {}, cell(row))))));
  }
  return h('table', { id }, caption ? h('caption', { text: caption, class: captionHidden ? 'visually-hidden' : undefined }) : null, head, body);
}

/** A definition list from [term, value] pairs (values may be nodes); null values are skipped. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));
}

/** A section with a heading of the given level; its id ties the heading to the region. */
export function section(id, title, ...children) {
  return h('section', { 'aria-labelledby': `${id}-h`, id }, h('h2', { id: `${id}-h`, text: title }), ...children);
}

/** A small coloured state label; the state is the text (colour is only decoration). */
export function badge(state) {
  return h('span', { class: `badge state-${String(state).replace(/[^a-z0-9-]/gi, '')}`, text: state });
}

/** An in-page error or warning (role=alert so it is announced). */
export function alertBox(message, kind = 'error') {
  return h('p', { class: `alert ${kind}`, role: 'alert', text: message });
}

/** A human size: 11.2 MiB. */
export function bytes(n) {
  if (n === null || n === undefined) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Number(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** A timestamp as local `YYYY-MM-DD HH:MM:SS` inside a <time> element. */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = (n) => String(n).padStart(2, '0');
  const text = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return h('time', { datetime: iso, text });
}

/** A JSON object as `key=value` pairs, for event details and options. */
export function pairs(obj) {
  if (!obj || typeof obj !== 'object') return '';
  return Object.entries(obj)
    .map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

/** A link inside the UI (hash route). */
export function link(route, text) {
  return h('a', { href: `#/${route}`, text });
}

/** A button that disables itself while `action` runs. */
export function button(text, action, attrs = {}) {
  const b = h('button', { type: 'button', ...attrs, text });
  b.addEventListener('click', async () => {
    if (b.disabled) return;
    b.disabled = true;
    b.setAttribute('aria-busy', 'true');
    try {
      await action(b);
    } finally {
      b.removeAttribute('aria-busy');
      if (b.isConnected && !b.dataset.keepDisabled) b.disabled = false;
    }
  });
  return b;
}
