/* global document, fetch, requestAnimationFrame, EventSource, setInterval -- browser globals: this file runs in the dashboard's page */
// The kvsync dashboard: a live view of every ExternalSecret the operator watches, fed by the
// operator API's server-sent events (a snapshot, then deltas). Plain modules, no build step.
// The API is reached by relative URLs, so the page works on the dashboard's own address and
// through the Kubernetes API's Service proxy alike. The action token stays in this tab's memory.

import { DetailPanel } from './detail.js';
import { el, operatorLine } from './format.js';
import { Model } from './model.js';
import { VirtualTable, renderCounts, renderStores, renderVaults } from './render.js';

const API = new URL('../api/v1/', document.baseURI);
const $ = (id) => document.getElementById(id);

const model = new Model();
let token;
let frame = 0;

function api(path, options = {}) {
  return fetch(new URL(path, API), {
    ...options,
    headers: { accept: 'application/json', ...(options.headers ?? {}) },
  });
}

const table = new VirtualTable({
  viewport: $('list'),
  table: $('es-table'),
  tbody: $('rows'),
  onOpen: (key) => {
    document.querySelector('.workspace').classList.add('detail-open');
    table.setOpen(key);
    void detail.open(key);
  },
});

const detail = new DetailPanel({
  aside: $('detail'),
  title: $('detail-title'),
  body: $('detail-body'),
  closeButton: $('detail-close'),
  api,
  token: () => token,
});
// Closing the panel returns focus to its row (re-rendered since, so found by key).
detail.onClose = (key) => {
  document.querySelector('.workspace').classList.remove('detail-open');
  table.setOpen(undefined);
  table.focusKey(key);
};

function renderNamespaces() {
  const select = $('namespace');
  const chosen = select.value;
  const names = model.namespaces();
  const current = [...select.options].slice(1).map((option) => option.value);
  if (current.join('\n') === names.join('\n')) return;
  select.replaceChildren(
    el('option', { value: '', text: 'All namespaces' }),
    ...names.map((name) => el('option', { value: name, text: name })),
  );
  select.value = names.includes(chosen) ? chosen : '';
}

function renderOperator() {
  const info = model.info;
  if (!info) return;
  $('operator').textContent = operatorLine(info);
  if (!info.actions) {
    $('token-form').replaceChildren(
      el('p', { className: 'read-only', text: 'Read-only: the operator has no action token configured.' }),
    );
  }
}

function renderAll() {
  frame = 0;
  const nowMs = Date.now();
  const visible = model.visible();
  table.setItems(visible, nowMs);
  $('shown').textContent = `${visible.length} of ${model.items.size} shown`;
  renderCounts($('counts'), model.counts(), model.filter.state, (state) => {
    $('state').value = state;
    model.setFilter({ state });
    schedule();
  });
  renderNamespaces();
  renderVaults($('vaults').tBodies[0], model.vaults, nowMs);
  renderStores($('stores').tBodies[0], model.stores);
}

function schedule() {
  if (!frame) frame = requestAnimationFrame(renderAll);
}

function connect() {
  const source = new EventSource(new URL('stream', API));
  const status = $('connection');
  source.addEventListener('snapshot', (event) => {
    model.reset(JSON.parse(event.data));
    renderOperator();
    status.textContent = 'Live';
    status.className = 'connection live';
    schedule();
    if (detail.key) void detail.refresh();
  });
  source.addEventListener('delta', (event) => {
    const delta = JSON.parse(event.data);
    const changed = model.apply(delta);
    for (const { key, entry } of delta.timeline) detail.addTimeline(key, entry);
    if (detail.key && changed.has(detail.key)) void detail.refresh();
    schedule();
  });
  source.addEventListener('error', () => {
    status.textContent = 'Reconnecting…';
    status.className = 'connection lost';
  });
}

$('search').addEventListener('input', (event) => {
  model.setFilter({ text: event.target.value });
  $('list').scrollTop = 0;
  schedule();
});
$('namespace').addEventListener('change', (event) => {
  model.setFilter({ namespace: event.target.value });
  $('list').scrollTop = 0;
  schedule();
});
$('state').addEventListener('change', (event) => {
  model.setFilter({ state: event.target.value });
  $('list').scrollTop = 0;
  schedule();
});

$('token-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('token');
  const candidate = input.value.trim();
  const status = $('token-status');
  if (!candidate) return;
  const response = await api('auth', { method: 'POST', headers: { 'x-kvsync-token': candidate } });
  input.value = '';
  if (response.status === 204) {
    token = candidate;
    status.textContent = 'Actions unlocked for this tab.';
    $('lock').hidden = false;
  } else {
    token = undefined;
    const body = await response.json().catch(() => ({}));
    status.textContent = `Token refused: ${body.message ?? response.status}`;
  }
});
$('lock').addEventListener('click', () => {
  token = undefined;
  $('lock').hidden = true;
  $('token-status').textContent = 'Actions locked.';
});

// Relative times age without data changing.
setInterval(schedule, 15_000);
connect();
