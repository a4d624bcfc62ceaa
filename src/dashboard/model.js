// The dashboard's state: every ExternalSecret summary the live stream sent (a snapshot, then
// deltas), the stores and vaults, and the filter. No DOM here. Filtering 10,000 rows is a
// linear scan per change of filter or data; the result is cached until either changes.

export const STATE_NAMES = ['synced', 'drift', 'failed', 'pending'];

function matches(item, filter) {
  if (filter.namespace && item.namespace !== filter.namespace) return false;
  if (filter.state && item.state !== filter.state) return false;
  if (!filter.text) return true;
  const haystack = `${item.key} ${item.store.kind}/${item.store.name} ${item.vault ?? ''} ${item.target} ${item.message ?? ''}`;
  return haystack.toLowerCase().includes(filter.text);
}

export class Model {
  constructor() {
    /** key → EsSummary */
    this.items = new Map();
    this.sortedKeys = [];
    this.stores = [];
    this.vaults = [];
    this.info = undefined;
    this.seq = 0;
    this.filter = { text: '', namespace: '', state: '' };
    this.visibleCache = undefined;
  }

  /** Replaces everything with a snapshot. */
  reset(snapshot) {
    this.items = new Map(snapshot.items.map((item) => [item.key, item]));
    this.sortedKeys = [...this.items.keys()].sort();
    this.stores = snapshot.stores;
    this.vaults = snapshot.vaults;
    this.info = snapshot.info;
    this.seq = snapshot.seq;
    this.visibleCache = undefined;
  }

  /** Applies a delta; returns the keys that changed (upserted or removed). */
  apply(delta) {
    const changed = new Set();
    let added = false;
    for (const item of delta.upsert) {
      if (!this.items.has(item.key)) added = true;
      this.items.set(item.key, item);
      changed.add(item.key);
    }
    for (const key of delta.remove) {
      this.items.delete(key);
      changed.add(key);
    }
    if (added || delta.remove.length > 0) this.sortedKeys = [...this.items.keys()].sort();
    if (delta.stores) this.stores = delta.stores;
    if (delta.vaults) this.vaults = delta.vaults;
    this.seq = delta.seq;
    if (changed.size > 0) this.visibleCache = undefined;
    return changed;
  }

  /** Sets part of the filter (`text` is matched case-insensitively). */
  setFilter(partial) {
    this.filter = { ...this.filter, ...partial };
    this.filter.text = (this.filter.text ?? '').trim().toLowerCase();
    this.visibleCache = undefined;
  }

  /** The summaries the filter lets through, sorted by key. */
  visible() {
    if (!this.visibleCache) {
      const out = [];
      for (const key of this.sortedKeys) {
        const item = this.items.get(key);
        if (item && matches(item, this.filter)) out.push(item);
      }
      this.visibleCache = out;
    }
    return this.visibleCache;
  }

  /** How many ExternalSecrets are in each state (all, ignoring the filter). */
  counts() {
    const counts = Object.fromEntries(STATE_NAMES.map((state) => [state, 0]));
    for (const item of this.items.values()) counts[item.state] = (counts[item.state] ?? 0) + 1;
    return counts;
  }

  namespaces() {
    return [...new Set([...this.items.values()].map((item) => item.namespace))].sort();
  }
}
