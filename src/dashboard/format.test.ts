import { describe, expect, it } from 'vitest';
import type { ApiInfo } from '../server/operator-api/wire.ts';
import { humanDuration, interval, operatorLine } from './format.js';

const info: ApiInfo = {
  version: '1.2.3',
  leader: true,
  ready: true,
  actions: false,
  reloader: true,
  changeDetection: true,
  now: '2026-12-01T00:00:00Z',
};

describe('operatorLine', () => {
  it('says leader or standby, and what is missing', () => {
    expect(operatorLine(info)).toBe('operator 1.2.3, leader');
    expect(operatorLine({ ...info, leader: false, ready: false, reloader: false })).toBe(
      'operator 1.2.3, standby, caches not synced, no reloader',
    );
  });

  it('says that a sharded replica shows only its shards', () => {
    expect(operatorLine({ ...info, shards: [1, 5, 9] })).toBe(
      'operator 1.2.3, shards 1, 5, 9 only (each replica shows its own)',
    );
    expect(operatorLine({ ...info, leader: false, shards: [] })).toBe('operator 1.2.3, no shards held yet');
  });
});

describe('durations', () => {
  it('reads as kubectl prints them', () => {
    expect(humanDuration(330_000)).toBe('5m30s');
    expect(interval(3_600_000)).toBe('1h');
    expect(interval(0)).toBe('once');
  });
});
