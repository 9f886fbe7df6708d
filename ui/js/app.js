// Entry point: asks for the API token once per tab, then routes `#/<page>/<arg>` to the
// page modules. Every page renders into #view and ties its polling to a Scope.

import { ApiError, get, getToken, onUnauthorized, setToken } from './api.js';
import { alertBox, fill, h } from './dom.js';
import { describe, Scope } from './ui.js';
import * as catalog from './pages/catalog.js';
import * as nodes from './pages/nodes.js';
import * as builds from './pages/builds.js';
import * as rooms from './pages/rooms.js';
import * as hypervisors from './pages/hypervisors.js';

// Route → [nav section, renderer of the list, renderer of one item].
const ROUTES = {
  catalog: ['catalog', catalog.render, catalog.renderIso],
  nodes: ['nodes', nodes.render, nodes.renderNode],
  builds: ['builds', builds.render, builds.renderBuild],
  rooms: ['rooms', rooms.render, rooms.renderRoom],
  hypervisors: ['hypervisors', hypervisors.render, hypervisors.renderHypervisor],
};

const view = document.getElementById('view');
const login = document.getElementById('login');
const nav = document.getElementById('nav');
const signout = document.getElementById('signout');
let scope = null;

function showLogin(message) {
  scope?.close();
  scope = null;
  view.hidden = true;
  nav.hidden = true;
  signout.hidden = true;
  login.hidden = false;
  document.getElementById('login-error').textContent = message ?? '';
  document.title = 'Sign in · vizor';
  document.getElementById('token').focus();
}

function showApp() {
  login.hidden = true;
  view.hidden = false;
  nav.hidden = false;
  signout.hidden = false;
  route();
}

/** Parses `#/builds/abc` into ['builds', 'abc']; the rest of the hash stays one argument. */
function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  const page = parts.shift() || 'catalog';
  const arg = parts.length ? decodeURIComponent(parts.join('/')) : null;
  return { page, arg };
}

async function route() {
  if (!getToken() || !login.hidden) return;
  const { page, arg } = parseHash();
  const entry = ROUTES[page];
  scope?.close();
  scope = new Scope();
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.page === (entry?.[0] ?? '')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  fill(view);
  if (!entry) {
    fill(view, h('h1', { text: 'Not found' }), alertBox(`There is no page "${page}".`));
    return;
  }
  const render = arg === null ? entry[1] : entry[2];
  const mine = scope;
  try {
    await render(view, arg, mine);
  } catch (err) {
    if (mine.closed || err?.name === 'AbortError') return;
    if (err instanceof ApiError && err.status === 401) return;
    view.append(alertBox(describe(err)));
  }
  const heading = view.querySelector('h1');
  if (heading && !mine.closed) document.title = `${heading.textContent} · vizor`;
}

document.getElementById('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = document.getElementById('token');
  const token = input.value.trim();
  const error = document.getElementById('login-error');
  if (!token) {
    error.textContent = 'Paste an API token first.';
    return;
  }
  setToken(token);
  try {
    // Any read call proves the token; sources is small.
    await get('sources');
    input.value = '';
    showApp();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) {
      setToken(null);
      error.textContent = describe(err);
    }
  }
});

signout.addEventListener('click', () => {
  setToken(null);
  showLogin('Token forgotten. Paste a token to continue.');
});

onUnauthorized((err) => {
  setToken(null);
  showLogin(`vizor refused the token (401 ${err.code}): ${err.message}`);
});

window.addEventListener('hashchange', () => void route());

if (getToken()) showApp();
else showLogin();
