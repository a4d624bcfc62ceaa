import { afterEach, describe, expect, it } from 'vitest';
import { createShiftableClock } from './clock.ts';
import type { ObjectEvent } from './event-grid/envelopes.ts';
import { ExpiryWatcher, NEAR_EXPIRY_MS } from './expiry.ts';
import { createTestControls } from './index.ts';
import { startReceiver, waitFor } from './test-support.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const START_MS = Date.parse('2030-01-01T00:00:00Z');

function created(expMs: number | undefined, version = 'v1'): ObjectEvent {
  return {
    type: 'SecretNewVersionCreated',
    vault: 'our-vault',
    vaultUrl: 'https://our-vault.vault.azure.net',
    objectType: 'Secret',
    objectName: 'api-key',
    version,
    ...(expMs !== undefined ? { exp: expMs / 1000 } : {}),
  };
}

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('clock', () => {
  it('shifts, sets and resets on top of the base time', () => {
    let base = START_MS;
    const clock = createShiftableClock(() => base);
    const seen: number[] = [];
    clock.onChange((now) => seen.push(now.getTime()));
    expect(clock.now().getTime()).toBe(START_MS);
    clock.shift(5_000);
    base += 1_000;
    expect(clock.now().getTime()).toBe(START_MS + 6_000);
    clock.set(new Date('2031-01-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2031-01-01T00:00:00.000Z');
    base += 1_000;
    expect(clock.now().toISOString()).toBe('2031-01-01T00:00:01.000Z');
    clock.reset();
    expect(clock.offsetMs()).toBe(0);
    expect(seen).toHaveLength(3);
    expect(() => clock.shift(Number.NaN)).toThrow(RangeError);
  });
});

describe('expiry watcher', () => {
  function watcher(): {
    clock: ReturnType<typeof createShiftableClock>;
    events: ObjectEvent[];
    watch: ExpiryWatcher;
  } {
    const clock = createShiftableClock(() => START_MS);
    const events: ObjectEvent[] = [];
    const watch = new ExpiryWatcher(clock, (event) => events.push(event));
    closers.push(() => watch.close());
    return { clock, events, watch };
  }

  it('fires NearExpiry 30 days before exp and Expired at exp, driven by clock shifts', () => {
    const { clock, events, watch } = watcher();
    watch.observe(created(START_MS + 40 * DAY_MS));
    clock.shift(10 * DAY_MS - 1_000);
    expect(events).toEqual([]);
    clock.shift(1_000);
    expect(events.map((event) => event.type)).toEqual(['SecretNearExpiry']);
    expect(events[0]).toMatchObject({
      objectName: 'api-key',
      version: 'v1',
      exp: (START_MS + 40 * DAY_MS) / 1000,
    });
    clock.shift(NEAR_EXPIRY_MS);
    expect(events.map((event) => event.type)).toEqual(['SecretNearExpiry', 'SecretExpired']);
    clock.shift(100 * DAY_MS);
    expect(events).toHaveLength(2);
  });

  it('watches only the current version, and forgets objects', () => {
    const { clock, events, watch } = watcher();
    watch.observe(created(START_MS + 40 * DAY_MS, 'v1'));
    watch.observe(created(undefined, 'v2'));
    clock.shift(50 * DAY_MS);
    expect(events).toEqual([]);
    watch.observe(created(clock.now().getTime() + 5 * DAY_MS, 'v3'));
    expect(events.map((event) => [event.type, event.version])).toEqual([['SecretNearExpiry', 'v3']]);
    watch.forget('OUR-VAULT', 'Secret', 'api-key');
    clock.shift(10 * DAY_MS);
    expect(events).toHaveLength(1);
  });

  it('sends only Expired for a version created past its exp', () => {
    const { events, watch } = watcher();
    watch.observe(created(START_MS - DAY_MS));
    expect(events.map((event) => event.type)).toEqual(['SecretExpired']);
  });

  it('fires on its own timer as real time reaches the due time', async () => {
    const clock = createShiftableClock();
    const events: ObjectEvent[] = [];
    const watch = new ExpiryWatcher(clock, (event) => events.push(event));
    closers.push(() => watch.close());
    watch.observe(created(Date.now() + NEAR_EXPIRY_MS + 30));
    expect(events).toEqual([]);
    await waitFor(() => events.length === 1);
    expect(events[0]!.type).toBe('SecretNearExpiry');
  });

  it('delivers SecretNearExpiry to subscribers when the controls clock is shifted', async () => {
    const hook = await startReceiver();
    closers.push(() => hook.close());
    const kv = createTestControls({ now: () => START_MS });
    closers.push(() => kv.close());
    await kv.subscribe({
      endpointUrl: hook.url,
      schema: 'EventGridSchema',
      eventTypes: ['SecretNearExpiry'],
    });
    kv.hooks.onObjectEvent!({ ...created(START_MS + 31 * DAY_MS), type: 'SecretNewVersionCreated' });
    kv.clock.shift(DAY_MS);
    const [delivery] = await waitFor(() => hook.notifications().length === 1 && hook.notifications());
    const [event] = JSON.parse(delivery!.body) as Array<{ eventType: string; eventTime: string }>;
    expect(event!.eventType).toBe('Microsoft.KeyVault.SecretNearExpiry');
    expect(event!.eventTime.startsWith('2030-01-02T00:00:00.000')).toBe(true);
  });
});
