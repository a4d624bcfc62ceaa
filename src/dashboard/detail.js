// The detail panel of one ExternalSecret: its state, store, versions (synced and known in Key
// Vault), vault push and budget, pods (when a reloader runs), its timeline (updated live), and
// the actions: check Key Vault (read-only), sync now and restart stale (both need the token).

import { STATES, el, interval, relative } from './format.js';

function field(term, ...description) {
  return [el('dt', { text: term }), el('dd', {}, description)];
}

function short(version) {
  return version ? version.slice(0, 8) : '–';
}

function table(caption, headers, rows) {
  return el('table', { className: 'small' }, [
    el('caption', { text: caption }),
    el('thead', {}, [
      el(
        'tr',
        {},
        headers.map((header) => el('th', { scope: 'col', text: header })),
      ),
    ]),
    el(
      'tbody',
      {},
      rows.map((cells) =>
        el(
          'tr',
          {},
          cells.map((cell) => el('td', {}, [cell])),
        ),
      ),
    ),
  ]);
}

function timelineItem(entry, nowMs) {
  return el(
    'li',
    { className: `happening kind-${entry.kind}`, 'data-kind': entry.kind, 'data-message': entry.message },
    [
      el('time', { datetime: entry.at, title: entry.at, text: relative(entry.at, nowMs) }),
      el('span', { className: 'kind', text: entry.kind }),
      el('span', { className: 'what', text: entry.message }),
      entry.count > 1 ? el('span', { className: 'times', text: ` ×${entry.count}` }) : null,
    ],
  );
}

export class DetailPanel {
  /** `api(path, options)` fetches from the operator API; `token()` is the action token or undefined. */
  constructor({ aside, title, body, closeButton, api, token }) {
    this.aside = aside;
    this.title = title;
    this.body = body;
    this.api = api;
    this.token = token;
    this.key = undefined;
    this.onClose = undefined;
    this.timeline = undefined;
    this.loading = 0;
    closeButton.addEventListener('click', () => this.close());
    aside.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.close();
    });
  }

  async open(key) {
    this.key = key;
    this.aside.hidden = false;
    this.title.textContent = key;
    await this.refresh();
    this.title.focus();
  }

  /** Hides the panel and calls `onClose(key)` (which returns focus to the row). */
  close() {
    const key = this.key;
    this.key = undefined;
    this.aside.hidden = true;
    this.body.replaceChildren();
    this.onClose?.(key);
  }

  /** Fetches the detail again (the row changed); keeps the action and probe results. */
  async refresh() {
    const key = this.key;
    if (!key) return;
    const ticket = ++this.loading;
    const response = await this.api(`externalsecrets/${key.split('/').map(encodeURIComponent).join('/')}`);
    if (ticket !== this.loading || key !== this.key) return;
    if (!response.ok) {
      this.body.replaceChildren(
        el('p', { className: 'warn', text: `This ExternalSecret is gone (${response.status}).` }),
      );
      return;
    }
    this.render(await response.json());
  }

  /** A new timeline entry from the live stream. */
  addTimeline(key, entry) {
    if (key !== this.key || !this.timeline) return;
    const first = this.timeline.firstElementChild;
    // A repeat updates the newest entry (with its count) rather than adding one.
    if (
      first?.classList.contains('empty') ||
      (first?.dataset.kind === entry.kind && first.dataset.message === entry.message)
    )
      first.remove();
    this.timeline.prepend(timelineItem(entry, Date.now()));
  }

  render(detail) {
    const nowMs = Date.now();
    const previous = {
      actions: this.body.querySelector('#action-result'),
      probe: this.body.querySelector('#probe-result'),
    };
    const facts = el('dl', { className: 'facts' }, [
      ...field(
        'State',
        el('span', { className: `badge state-${detail.state}`, text: detail.state }),
        ` ${STATES[detail.state] ?? ''}`,
      ),
      ...(detail.message ? field('Failure', detail.message) : []),
      ...field(
        'Store',
        `${detail.store.kind} ${detail.store.name}`,
        detail.storeView
          ? ` (${detail.storeView.ready === false ? 'not Ready' : detail.storeView.ready ? 'Ready' : 'not validated'})`
          : ' (not found)',
      ),
      ...field('Target Secret', detail.target),
      ...field('Refresh interval', `${interval(detail.intervalMs)} (${detail.refreshPolicy})`),
      ...field(
        'Last sync',
        detail.refreshTime ? `${relative(detail.refreshTime, nowMs)} (${detail.refreshTime})` : 'never',
      ),
      ...field(
        'Next sync',
        detail.nextRefreshTime
          ? `${relative(detail.nextRefreshTime, nowMs)} (${detail.nextRefreshTime})`
          : 'none scheduled',
      ),
      ...field('Vault', detail.vault ?? 'unknown'),
      ...field(
        'Push',
        detail.vaultView
          ? detail.vaultView.push.healthy
            ? 'Event Grid events arrive'
            : 'no Event Grid events: changes wait for the next listing or sync'
          : 'unknown',
      ),
      ...field(
        'Key Vault newer',
        { newer: 'yes: Key Vault holds a newer version than the Secret', same: 'no', unknown: 'not known' }[
          detail.drift
        ],
      ),
    ]);
    const remote = table(
      'Versions per remote key',
      ['Remote key', 'Secret key', 'Synced', 'Known in Key Vault', 'Newer'],
      detail.remote.map((key) => [
        key.key,
        key.secretKey ?? '(all keys)',
        short(key.syncedVersion),
        key.known
          ? `${short(key.known.version)} (${key.known.source}, ${relative(key.known.learnedAt, nowMs)})`
          : 'not known',
        key.newer ? 'yes' : key.pinned ? 'pinned' : 'no',
      ]),
    );
    const pods = detail.reloader
      ? el('ul', {}, [
          ...detail.reloader.stalePods.map((pod) =>
            el('li', {
              text: `stale: ${pod.namespace}/${pod.name}${pod.workload ? ` (${pod.workload})` : ''}`,
            }),
          ),
          ...detail.reloader.pendingRestarts.map((restart) =>
            el('li', { text: `pending restart of ${restart.workload}: ${restart.reason}` }),
          ),
          detail.reloader.stalePods.length + detail.reloader.pendingRestarts.length === 0
            ? el('li', { text: 'no pod runs an old value' })
            : null,
        ])
      : el('p', { text: 'Not available: the operator runs no reloader.' });
    this.timeline = el(
      'ol',
      { className: 'timeline', 'aria-label': 'Timeline, newest first' },
      detail.timeline.length
        ? detail.timeline.map((entry) => timelineItem(entry, nowMs))
        : [el('li', { className: 'empty', text: 'Nothing recorded since the operator started.' })],
    );
    const actions = el('div', { className: 'actions' }, [
      el('button', { type: 'button', id: 'probe', onClick: () => this.probe() }, ['Check Key Vault']),
      el(
        'button',
        {
          type: 'button',
          id: 'sync-now',
          'aria-describedby': 'action-hint',
          onClick: () => this.act('sync', 'Sync requested'),
        },
        ['Sync now'],
      ),
      el(
        'button',
        {
          type: 'button',
          id: 'restart-stale',
          'aria-describedby': 'action-hint',
          onClick: () => this.act('restart-stale', 'Restart requested'),
        },
        ['Restart stale pods'],
      ),
      el('p', {
        id: 'action-hint',
        className: 'hint',
        text: "Sync now and Restart stale need the operator's action token (top right). Check Key Vault reads versions with the store's identity; no value is shown.",
      }),
      previous.actions ?? el('p', { id: 'action-result', role: 'status', 'aria-live': 'polite' }),
    ]);
    this.body.replaceChildren(
      facts,
      actions,
      previous.probe ?? el('div', { id: 'probe-result' }),
      el('h3', { text: 'Versions' }),
      remote,
      el('h3', { text: 'Pods' }),
      pods,
      el('h3', { text: 'Timeline' }),
      this.timeline,
    );
  }

  async act(action, done) {
    const result = this.body.querySelector('#action-result');
    const key = this.key;
    if (!key) return;
    result.textContent = 'Working…';
    const token = this.token();
    const response = await this.api(
      `externalsecrets/${key.split('/').map(encodeURIComponent).join('/')}/${action}`,
      {
        method: 'POST',
        headers: token ? { 'x-kvsync-token': token } : {},
      },
    );
    const body = await response.json().catch(() => ({}));
    result.className = response.ok ? 'ok' : 'warn';
    if (response.ok && action === 'restart-stale')
      result.textContent = `${done}: ${body.restarted?.length ?? 0} restarted, ${body.deferred?.length ?? 0} deferred.`;
    else result.textContent = response.ok ? `${done}.` : `Refused: ${body.message ?? response.status}`;
  }

  async probe() {
    const box = this.body.querySelector('#probe-result');
    const key = this.key;
    if (!key) return;
    box.replaceChildren(el('p', { role: 'status', text: 'Checking Key Vault…' }));
    const response = await this.api(
      `externalsecrets/${key.split('/').map(encodeURIComponent).join('/')}/probe`,
    );
    const probe = await response.json().catch(() => ({}));
    if (!response.ok) {
      box.replaceChildren(
        el('p', {
          className: 'warn',
          role: 'status',
          text: `Check failed: ${probe.message ?? response.status}`,
        }),
      );
      return;
    }
    const outcome = (check) => (check.ok ? 'ok' : `${check.code ?? 'failed'}: ${check.message ?? ''}`);
    box.replaceChildren(
      table(
        'Key Vault access (checked now by the operator)',
        ['Check', 'Result'],
        [
          ['store', outcome(probe.store)],
          ...probe.keys.map((key) => [
            `get ${key.key}`,
            key.ok ? `ok (version ${short(key.vaultVersion)})` : outcome(key),
          ]),
          ...(probe.list ? [['list', outcome(probe.list)]] : []),
        ],
      ),
      table(
        `Secret ${probe.target.name}${probe.target.exists ? '' : ' (missing)'} against Key Vault`,
        ['Key', 'State', 'Synced', 'Key Vault', 'Hash (Key Vault / Secret)'],
        probe.diff.map((row) => [
          row.secretKey,
          row.state,
          short(row.syncedVersion),
          short(row.vaultVersion),
          `${row.vaultHash ?? '–'} / ${row.secretHash ?? '–'}`,
        ]),
      ),
    );
  }
}
