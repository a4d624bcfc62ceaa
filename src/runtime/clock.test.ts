import { describe, expect, it } from 'vitest';
import { FakeClock, systemClock } from './clock.ts';

describe('FakeClock', () => {
  it('fires due timers in time order, each seeing its due time', async () => {
    const clock = new FakeClock(1000);
    const fired: string[] = [];
    clock.setTimer(300, () => fired.push(`c@${clock.now()}`));
    clock.setTimer(100, () => fired.push(`a@${clock.now()}`));
    clock.setTimer(100, () => fired.push(`b@${clock.now()}`));
    clock.setTimer(500, () => fired.push('late'));
    await clock.advance(300);
    expect(fired).toEqual(['a@1100', 'b@1100', 'c@1300']);
    expect(clock.now()).toBe(1300);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('lets promise chains run between timers, so a timer set after an await still fires', async () => {
    const clock = new FakeClock(0);
    const seen: number[] = [];
    const loop = async () => {
      for (let i = 0; i < 3; i += 1) {
        await clock.sleep(10);
        await Promise.resolve();
        seen.push(clock.now());
      }
    };
    const done = loop();
    await clock.advance(30);
    await done;
    expect(seen).toEqual([10, 20, 30]);
  });

  it('cancelled timers do not fire', async () => {
    const clock = new FakeClock();
    let fired = false;
    clock.setTimer(10, () => (fired = true)).cancel();
    await clock.advance(20);
    expect(fired).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('sleep rejects with the signal reason on abort, and at once when already aborted', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(clock.pendingTimers()).toBe(0);
    await expect(clock.sleep(1, controller.signal)).rejects.toThrow('stop');
  });
});

describe('systemClock', () => {
  it('sleeps on real timers and cancels them', async () => {
    const before = systemClock.now();
    await systemClock.sleep(5);
    expect(systemClock.now()).toBeGreaterThanOrEqual(before + 4);
    let fired = false;
    systemClock.setTimer(1, () => (fired = true)).cancel();
    await systemClock.sleep(10);
    expect(fired).toBe(false);
  });
});
