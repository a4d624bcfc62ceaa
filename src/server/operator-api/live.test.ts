import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../runtime/index.ts';
import { LiveState, type LiveSource } from './live.ts';
import type { EsSummary, StreamDelta, VaultView } from './wire.ts';

function row(key: string, state: EsSummary['state'] = 'synced'): EsSummary {
  const [namespace, name] = key.split('/') as [string, string];
  return {
    key,
    namespace,
    name,
    store: { kind: 'SecretStore', name: 'vault' },
    target: name,
    intervalMs: 3_600_000,
    refreshPolicy: 'Periodic',
    state,
    drift: 'same',
    versions: [],
  };
}

function source(rows: Map<string, EsSummary>, vaults: VaultView[] = []): LiveSource {
  return {
    keys: () => [...rows.keys()],
    summary: (key) => rows.get(key),
    stores: () => [],
    vaults: () => vaults,
  };
}

describe('LiveState', () => {
  it('batches touches into one delta carrying only what changed', async () => {
    const clock = new FakeClock();
    const rows = new Map(['a/1', 'a/2', 'a/3'].map((key) => [key, row(key)]));
    const live = new LiveState({ clock, source: source(rows), flushDelayMs: 100 });
    const first = live.snapshot();
    expect(first.items).toHaveLength(3);
    const deltas: StreamDelta[] = [];
    live.subscribe((delta) => deltas.push(delta));
    rows.set('a/1', row('a/1', 'failed'));
    live.touch('a/1');
    live.touch('a/2');
    rows.delete('a/3');
    live.touch('a/3');
    await clock.advance(99);
    expect(deltas).toEqual([]);
    await clock.advance(1);
    expect(deltas).toHaveLength(1);
    expect(deltas[0]!.upsert.map((item) => [item.key, item.state])).toEqual([['a/1', 'failed']]);
    expect(deltas[0]!.remove).toEqual(['a/3']);
    expect(deltas[0]!.seq).toBe(first.seq + 1);
  });

  it('recomputes everything periodically while someone listens, sending views only when they change', async () => {
    const clock = new FakeClock();
    const rows = new Map([['a/1', row('a/1')]]);
    const vaults: VaultView[] = [
      { host: 'v', push: { healthy: false }, polling: { mode: 'read' }, externalSecrets: 1 },
    ];
    const live = new LiveState({
      clock,
      source: source(rows, vaults),
      flushDelayMs: 10,
      refreshEveryMs: 1000,
    });
    live.snapshot();
    const deltas: StreamDelta[] = [];
    const unsubscribe = live.subscribe((delta) => deltas.push(delta));
    await clock.advance(1010);
    expect(deltas).toEqual([]);
    vaults[0] = { ...vaults[0]!, push: { healthy: true } };
    await clock.advance(1010);
    expect(deltas.map((delta) => delta.vaults?.[0]?.push.healthy)).toEqual([true]);
    unsubscribe();
    expect(clock.pendingTimers()).toBeLessThanOrEqual(1);
    expect(live.listeners()).toBe(0);
  });

  it('takes a snapshot of 10,000 rows and a one-row delta quickly', async () => {
    const clock = new FakeClock();
    const rows = new Map(
      Array.from({ length: 10_000 }, (_, i) => [`ns-${i % 10}/es-${i}`, row(`ns-${i % 10}/es-${i}`)]),
    );
    const live = new LiveState({ clock, source: source(rows), flushDelayMs: 10 });
    const started = performance.now();
    expect(live.snapshot().items).toHaveLength(10_000);
    const deltas: StreamDelta[] = [];
    live.subscribe((delta) => deltas.push(delta));
    rows.set('ns-3/es-3', row('ns-3/es-3', 'drift'));
    live.touch('ns-3/es-3');
    await clock.advance(10);
    expect(deltas[0]!.upsert).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
