/* global document, requestAnimationFrame, CSS -- browser globals: this file runs in the dashboard's page */
// Rendering: the ExternalSecret list as a virtually scrolled table (only the rows in view, plus
// a margin, exist in the DOM, so 10,000 rows cost what 60 do), the counts per state, and the
// vault and store tables. Keyboard: arrows, Page Up/Down, Home/End move between rows.

import { STATES, count, el, interval, relative } from './format.js';
import { STATE_NAMES } from './model.js';

const ROW_HEIGHT = 34;
const OVERSCAN = 12;

function badge(state) {
  return el('span', { className: `badge state-${state}`, title: STATES[state] ?? state, text: state });
}

function spacer(heightPx, columns) {
  const row = el('tr', { className: 'spacer', 'aria-hidden': 'true' }, [
    el('td', { colspan: String(columns) }),
  ]);
  row.style.height = `${heightPx}px`;
  return row;
}

export class VirtualTable {
  /** `onOpen(key)` is called when a row is opened (click, Enter). */
  constructor({ viewport, table, tbody, onOpen }) {
    this.viewport = viewport;
    this.table = table;
    this.tbody = tbody;
    this.onOpen = onOpen;
    this.items = [];
    this.openKey = undefined;
    this.nowMs = Date.now();
    this.columns = table.tHead.rows[0].cells.length;
    let frame = 0;
    viewport.addEventListener('scroll', () => {
      if (!frame)
        frame = requestAnimationFrame(() => {
          frame = 0;
          this.render();
        });
    });
    tbody.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-key]');
      if (button) this.onOpen(button.dataset.key);
    });
    tbody.addEventListener('keydown', (event) => this.onKey(event));
  }

  setItems(items, nowMs) {
    this.items = items;
    this.nowMs = nowMs;
    this.table.setAttribute('aria-rowcount', String(items.length + 1));
    this.render();
  }

  setOpen(key) {
    this.openKey = key;
    this.render();
  }

  window() {
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const count = Math.ceil(this.viewport.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    return { first, last: Math.min(this.items.length, first + count) };
  }

  render() {
    const focused = document.activeElement?.closest?.('#rows button[data-key]')?.dataset.key;
    const { first, last } = this.window();
    const rows = [];
    if (first > 0) rows.push(spacer(first * ROW_HEIGHT, this.columns));
    for (let index = first; index < last; index += 1) rows.push(this.row(this.items[index], index));
    if (last < this.items.length) rows.push(spacer((this.items.length - last) * ROW_HEIGHT, this.columns));
    if (this.items.length === 0)
      rows.push(
        el('tr', {}, [
          el('td', { colspan: String(this.columns), className: 'empty', text: 'No ExternalSecret matches.' }),
        ]),
      );
    this.tbody.replaceChildren(...rows);
    if (focused)
      this.tbody.querySelector(`button[data-key="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
  }

  row(item, index) {
    const open = item.key === this.openKey;
    return el(
      'tr',
      {
        'aria-rowindex': String(index + 2),
        className: open ? 'open' : undefined,
        'aria-current': open ? 'true' : undefined,
      },
      [
        el('td', { className: 'c-name' }, [
          el('button', {
            type: 'button',
            className: 'row-open',
            'data-key': item.key,
            'data-index': String(index),
            text: item.name,
          }),
        ]),
        el('td', { className: 'c-ns', text: item.namespace }),
        el('td', { className: 'c-state' }, [
          badge(item.state),
          item.message ? el('span', { className: 'why', text: item.message }) : null,
        ]),
        el('td', { className: 'c-time', text: relative(item.refreshTime, this.nowMs) }),
        el('td', { className: 'c-time', text: relative(item.nextRefreshTime, this.nowMs) }),
        el('td', { className: 'c-interval', text: interval(item.intervalMs) }),
        el('td', {
          className: 'c-store',
          title: `${item.store.kind} ${item.store.name}`,
          text: `${item.store.kind === 'ClusterSecretStore' ? 'cluster/' : ''}${item.store.name}`,
        }),
        el('td', {
          className: 'c-version',
          title: item.versions.join(', '),
          text: item.versions.join(', ') || '–',
        }),
        el('td', { className: 'c-pods', text: count(item.stalePods) }),
        el('td', { className: 'c-pods', text: count(item.pendingRestarts) }),
      ],
    );
  }

  /** Moves focus to the row of `key`, when it is in the list. */
  focusKey(key) {
    const index = this.items.findIndex((item) => item.key === key);
    if (index >= 0) this.focusRow(index);
  }

  /** Moves focus to row `index`, scrolling it into view (rendering it first). */
  focusRow(index) {
    if (this.items.length === 0) return;
    const target = Math.max(0, Math.min(this.items.length - 1, index));
    const top = target * ROW_HEIGHT;
    const headPx = this.table.tHead.offsetHeight;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (top + ROW_HEIGHT + headPx > this.viewport.scrollTop + this.viewport.clientHeight)
      this.viewport.scrollTop = top + ROW_HEIGHT + headPx - this.viewport.clientHeight;
    this.render();
    this.tbody.querySelector(`button[data-index="${target}"]`)?.focus({ preventScroll: true });
  }

  onKey(event) {
    const button = event.target.closest('button[data-index]');
    if (!button) return;
    const index = Number(button.dataset.index);
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (event.key in moves) this.focusRow(index + moves[event.key]);
    else if (event.key === 'Home') this.focusRow(0);
    else if (event.key === 'End') this.focusRow(this.items.length - 1);
    else return;
    event.preventDefault();
  }
}

/** The counts per state, as toggle buttons that filter the list. */
export function renderCounts(list, counts, active, onPick) {
  list.replaceChildren(
    ...STATE_NAMES.map((state) =>
      el('li', {}, [
        el(
          'button',
          {
            type: 'button',
            className: `count state-${state}`,
            'aria-pressed': String(active === state),
            onClick: () => onPick(active === state ? '' : state),
          },
          [
            el('span', { className: 'count-number', text: String(counts[state] ?? 0) }),
            el('span', { className: 'count-label', text: ` ${state}` }),
            el('span', { className: 'visually-hidden', text: `: ${STATES[state]}` }),
          ],
        ),
      ]),
    ),
  );
}

function budgetCell(budget, nowMs) {
  if (!budget) return el('td', { text: 'no requests yet' });
  const paused = budget.pausedUntil && Date.parse(budget.pausedUntil) > nowMs;
  const max = budget.capacity ?? Math.max(budget.available, 1);
  return el('td', {}, [
    el('meter', {
      min: '0',
      max: String(max),
      value: String(budget.available),
      'aria-label': 'requests left in this 10 s window',
    }),
    ` ${budget.available}${budget.capacity ? ` / ${budget.capacity}` : ''} left`,
    budget.waiting ? `, ${budget.waiting} waiting` : '',
    paused
      ? el('strong', { className: 'warn', text: ` paused ${relative(budget.pausedUntil, nowMs)}` })
      : null,
  ]);
}

export function renderVaults(tbody, vaults, nowMs) {
  const rows = vaults.map((vault) =>
    el('tr', {}, [
      el('th', { scope: 'row', text: vault.host }),
      el('td', {}, [
        vault.push.healthy
          ? el('span', { className: 'badge state-synced', text: 'events arriving' })
          : el('span', { className: 'badge state-pending', text: 'no events' }),
        vault.push.lastEventAt ? ` last ${relative(vault.push.lastEventAt, nowMs)}` : '',
      ]),
      el('td', {
        text:
          vault.polling.mode === 'list'
            ? `listing${vault.polling.nextPollAt ? `, next ${relative(vault.polling.nextPollAt, nowMs)}` : ''}`
            : 'reads each secret when due',
      }),
      budgetCell(vault.budget, nowMs),
      el('td', { text: String(vault.budget?.throttledTotal ?? 0) }),
      el('td', { text: String(vault.externalSecrets) }),
    ]),
  );
  tbody.replaceChildren(
    ...(rows.length
      ? rows
      : [el('tr', {}, [el('td', { colspan: '6', className: 'empty', text: 'No vault yet.' })])]),
  );
}

export function renderStores(tbody, stores) {
  const rows = stores.map((store) => {
    const health =
      store.ready === undefined
        ? ['pending', 'not validated']
        : store.ready
          ? ['synced', 'Ready']
          : ['failed', 'not Ready'];
    return el('tr', {}, [
      el('th', {
        scope: 'row',
        text: `${store.kind} ${store.namespace ? `${store.namespace}/` : ''}${store.name}`,
      }),
      el('td', {}, [el('span', { className: `badge state-${health[0]}`, text: health[1] })]),
      el('td', { text: store.vault ?? '–' }),
      el('td', { text: String(store.externalSecrets) }),
      el('td', {
        className: 'message',
        text: store.ready === false ? (store.message ?? '') : (store.reason ?? ''),
      }),
    ]);
  });
  tbody.replaceChildren(
    ...(rows.length
      ? rows
      : [el('tr', {}, [el('td', { colspan: '5', className: 'empty', text: 'No store yet.' })])]),
  );
}
