import { describe, expect, it } from 'vitest';
import { FakeClock } from '../runtime/index.ts';
import { VaultBudget } from './budget.ts';

const VAULT = 'https://our-vault.vault.azure.net';

/** Acquires `count` tokens and records, per request, the fake time at which it was let through. */
function acquireMany(budget: VaultBudget, clock: FakeClock, count: number, vault = VAULT): number[] {
  const grantedAt: number[] = [];
  for (let i = 0; i < count; i++) void budget.acquire(vault).then(() => grantedAt.push(clock.now()));
  return grantedAt;
}

describe('VaultBudget', () => {
  it('lets the whole budget through at once, then each request when one leaves the window', async () => {
    const clock = new FakeClock(0);
    const budget = new VaultBudget({ clock, requestsPerWindow: 10, windowMs: 1000 });
    await clock.advance(500);
    const first = acquireMany(budget, clock, 10);
    await clock.advance(0);
    expect(first).toHaveLength(10);
    const later = acquireMany(budget, clock, 3);
    await clock.advance(999);
    expect(later).toEqual([]);
    await clock.advance(1);
    expect(later).toEqual([1500, 1500, 1500]);
    expect(budget.state(VAULT).available).toBe(7);
    await clock.advance(1000);
    expect(budget.state(VAULT).available).toBe(10);
  });

  it('never lets more than the budget through in any window under sustained load', async () => {
    const clock = new FakeClock(0);
    const budget = new VaultBudget({ clock, requestsPerWindow: 50, windowMs: 1000 });
    const grantedAt = acquireMany(budget, clock, 400);
    for (let t = 0; t < 8000; t += 50) await clock.advance(50);
    expect(grantedAt).toHaveLength(400);
    for (const start of grantedAt) {
      const inWindow = grantedAt.filter((t) => t >= start && t < start + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(50);
    }
    const steady = grantedAt.filter((t) => t >= 2000 && t < 3000).length;
    expect(steady).toBe(50);
  });

  it('pauses the whole vault for Retry-After after a 429, and other vaults not at all', async () => {
    const clock = new FakeClock(0);
    const budget = new VaultBudget({ clock, requestsPerWindow: 100, windowMs: 1000 });
    budget.throttled(VAULT, 3000);
    expect(budget.state(VAULT)).toMatchObject({ pausedUntilMs: 3000, throttledTotal: 1 });
    const paused = acquireMany(budget, clock, 2);
    const other = acquireMany(budget, clock, 1, 'https://other.vault.azure.net');
    await clock.advance(2999);
    expect(paused).toEqual([]);
    expect(other).toEqual([0]);
    await clock.advance(1);
    expect(paused).toEqual([3000, 3000]);
    expect(budget.state(VAULT).pausedUntilMs).toBeUndefined();
  });

  it('uses its default pause when Azure gave no Retry-After', async () => {
    const clock = new FakeClock(0);
    const budget = new VaultBudget({ clock, defaultPauseMs: 5000 });
    budget.throttled(VAULT);
    const granted = acquireMany(budget, clock, 1);
    await clock.advance(4999);
    expect(granted).toEqual([]);
    await clock.advance(1);
    expect(granted).toEqual([5000]);
  });

  it('rejects a waiter whose signal aborts, and serves the next one', async () => {
    const clock = new FakeClock(0);
    const budget = new VaultBudget({ clock, requestsPerWindow: 1, windowMs: 1000 });
    await budget.acquire(VAULT);
    const controller = new AbortController();
    const aborted = budget.acquire(VAULT, controller.signal);
    const next = acquireMany(budget, clock, 1);
    controller.abort(new Error('stopped'));
    await expect(aborted).rejects.toThrow('stopped');
    await clock.advance(1000);
    expect(next).toEqual([1000]);
  });

  it('counts each grant for the window plus the latency allowance', async () => {
    const clock = new FakeClock(0);
    const budget = new VaultBudget({ clock, requestsPerWindow: 2, windowMs: 1000, latencyAllowanceMs: 100 });
    const grantedAt = acquireMany(budget, clock, 3);
    await clock.advance(1000);
    expect(grantedAt).toEqual([0, 0]);
    await clock.advance(100);
    expect(grantedAt).toEqual([0, 0, 1100]);
  });
});
