import { describe, expect, it } from 'vitest';
import { KubeStatusError } from '../errors.ts';
import type { StoreEvent } from '../storage/store.ts';
import { ManualClock } from './clock.ts';
import { ControllerManager } from './controller-manager.ts';
import type { Controller, ReconcileResult } from './controller.ts';

const event = (name: string): StoreEvent => ({
  type: 'ADDED',
  bucket: '/configmaps',
  resourceVersion: 1,
  object: { metadata: { name } },
  previous: undefined,
});

function recordingController(
  reconcile: (key: string) => ReconcileResult = () => undefined,
): Controller & { seen: string[] } {
  const seen: string[] = [];
  return {
    name: 'recording',
    seen,
    keysFor: (e) => [e.object.metadata.name!],
    initialKeys: () => ['initial'],
    reconcile(key) {
      seen.push(key);
      return reconcile(key);
    },
  };
}

describe('ControllerManager', () => {
  it('reconciles initial keys, then each queued key once however often it was queued', async () => {
    const manager = new ControllerManager(new ManualClock(), () => {});
    const controller = recordingController();
    manager.add(controller);
    manager.handleEvent(event('a'));
    manager.handleEvent(event('a'));
    manager.handleEvent(event('b'));
    expect(controller.seen).toEqual([]);
    await manager.idle();
    expect(controller.seen).toEqual(['initial', 'a', 'b']);
  });

  it('retries conflicts at once without reporting them, and reports other errors', async () => {
    const errors: string[] = [];
    const manager = new ControllerManager(new ManualClock(), (_c, key) => errors.push(key));
    let attempts = 0;
    const controller = recordingController((key) => {
      if (key !== 'flaky') return;
      attempts += 1;
      if (attempts < 3) throw new KubeStatusError(409, 'Conflict', 'modified');
      if (attempts === 3) throw new Error('boom');
    });
    manager.add(controller);
    manager.handleEvent(event('flaky'));
    await manager.idle();
    expect(attempts).toBe(4);
    expect(errors).toEqual(['flaky']);
  });

  it('requeues after the requested delay on the clock', async () => {
    const clock = new ManualClock();
    const manager = new ControllerManager(clock, () => {});
    const controller = recordingController((key) =>
      key === 'later' && controller.seen.length < 3 ? { requeueAfterMs: 1_000 } : undefined,
    );
    manager.add(controller);
    manager.handleEvent(event('later'));
    await manager.idle();
    expect(controller.seen).toEqual(['initial', 'later']);
    clock.advance(999);
    await manager.idle();
    expect(controller.seen).toHaveLength(2);
    clock.advance(1);
    await manager.idle();
    expect(controller.seen).toEqual(['initial', 'later', 'later']);
  });

  it('stop drops queued work and resolves waiting idle calls', async () => {
    const manager = new ControllerManager(new ManualClock(), () => {});
    const controller = recordingController();
    manager.add(controller);
    const idle = manager.idle();
    manager.stop();
    await idle;
    manager.handleEvent(event('ignored'));
    await manager.idle();
    expect(controller.seen).toEqual([]);
  });
});
