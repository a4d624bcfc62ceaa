/** One row of the request counters. `status` 0 means the connection was reset without an answer. */
export interface CounterEntry {
  vault: string;
  operation: string;
  status: number;
  count: number;
}

/** A snapshot of the counters: rows plus the usual sums (keys of `byStatus` are status codes). */
export interface CountersSnapshot {
  total: number;
  entries: CounterEntry[];
  byVault: Record<string, number>;
  byOperation: Record<string, number>;
  byStatus: Record<string, number>;
  /** When counting started (creation or the last reset), in real time. */
  since: string;
}

/** Counts data-plane requests by vault, operation and status. Cheap enough for benchmarks. */
export class RequestCounters {
  readonly #counts = new Map<string, CounterEntry>();
  #since = new Date();

  record(vault: string, operation: string, status: number): void {
    const key = `${vault}\u0000${operation}\u0000${status}`;
    const entry = this.#counts.get(key);
    if (entry) entry.count++;
    else this.#counts.set(key, { vault, operation, status, count: 1 });
  }

  /** A copy; later requests do not change it. Rows are sorted by vault, operation, status. */
  snapshot(): CountersSnapshot {
    const entries = [...this.#counts.values()]
      .map((entry) => ({ ...entry }))
      .sort(
        (a, b) =>
          a.vault.localeCompare(b.vault) || a.operation.localeCompare(b.operation) || a.status - b.status,
      );
    const sums = { byVault: {}, byOperation: {}, byStatus: {} } as Pick<
      CountersSnapshot,
      'byVault' | 'byOperation' | 'byStatus'
    >;
    let total = 0;
    for (const entry of entries) {
      total += entry.count;
      add(sums.byVault, entry.vault, entry.count);
      add(sums.byOperation, entry.operation, entry.count);
      add(sums.byStatus, String(entry.status), entry.count);
    }
    return { total, entries, ...sums, since: this.#since.toISOString() };
  }

  reset(): void {
    this.#counts.clear();
    this.#since = new Date();
  }
}

function add(sums: Record<string, number>, key: string, count: number): void {
  sums[key] = (sums[key] ?? 0) + count;
}
