import { describe, expect, it } from 'vitest';
import {
  isIgnoredSource,
  isSearchMatch,
  kvsyncOptions,
  parseGoBool,
  reloadSelection,
  reloadsAnything,
  rolloutStrategyOf,
} from './reload-config.ts';

/** Fixtures follow the annotation examples of stakater Reloader's README. */

const names = (patterns: readonly RegExp[]) => patterns.map((p) => p.source);

describe('stakater annotations', () => {
  it('reloader.stakater.com/auto: "true" tracks every referenced Secret and ConfigMap', () => {
    const s = reloadSelection({ 'reloader.stakater.com/auto': 'true' });
    expect(s.Secret.auto).toBe(true);
    expect(s.ConfigMap.auto).toBe(true);
    expect(reloadsAnything(s)).toBe(true);
  });

  it('takes Go booleans for auto, and "false" opts out', () => {
    for (const value of ['1', 't', 'T', 'TRUE', 'true', 'True'])
      expect(reloadSelection({ 'reloader.stakater.com/auto': value }).Secret.auto).toBe(true);
    for (const value of ['false', '0', 'yes', '', 'on']) {
      const s = reloadSelection({ 'reloader.stakater.com/auto': value });
      expect(s.Secret.auto).toBe(false);
      expect(reloadsAnything(s)).toBe(false);
    }
    expect(parseGoBool('F')).toBe(false);
    expect(parseGoBool('nope')).toBeUndefined();
  });

  it('secret.reloader.stakater.com/auto tracks Secrets only; configmap.… ConfigMaps only', () => {
    const secrets = reloadSelection({ 'secret.reloader.stakater.com/auto': 'true' });
    expect([secrets.Secret.auto, secrets.ConfigMap.auto]).toEqual([true, false]);
    const maps = reloadSelection({ 'configmap.reloader.stakater.com/auto': 'true' });
    expect([maps.Secret.auto, maps.ConfigMap.auto]).toEqual([false, true]);
  });

  it('a typed auto "true" wins over a generic "false", as Reloader ORs them', () => {
    const s = reloadSelection({
      'reloader.stakater.com/auto': 'false',
      'secret.reloader.stakater.com/auto': 'true',
    });
    expect(s.Secret.auto).toBe(true);
    expect(s.ConfigMap.auto).toBe(false);
  });

  it('secret.reloader.stakater.com/reload: "foo-secret,bar-secret" is a list of anchored regular expressions', () => {
    const s = reloadSelection({ 'secret.reloader.stakater.com/reload': 'foo-secret, bar-.*,' });
    expect(names(s.Secret.named)).toEqual(['^foo-secret$', '^bar-.*$']);
    expect(s.Secret.named[0]!.test('foo-secret')).toBe(true);
    expect(s.Secret.named[0]!.test('foo-secret-2')).toBe(false);
    expect(s.Secret.named[1]!.test('bar-x')).toBe(true);
    expect(s.ConfigMap.named).toEqual([]);
  });

  it('reports an invalid regular expression and keeps the valid ones', () => {
    const s = reloadSelection({ 'configmap.reloader.stakater.com/reload': 'good,bad(' });
    expect(names(s.ConfigMap.named)).toEqual(['^good$']);
    expect(s.problems).toHaveLength(1);
    expect(s.problems[0]).toContain('bad(');
  });

  it('reloader.stakater.com/search needs the exact text "true"; match likewise', () => {
    expect(reloadSelection({ 'reloader.stakater.com/search': 'true' }).Secret.search).toBe(true);
    expect(reloadSelection({ 'reloader.stakater.com/search': 'True' }).Secret.search).toBe(false);
    expect(isSearchMatch({ 'reloader.stakater.com/match': 'true' })).toBe(true);
    expect(isSearchMatch({ 'reloader.stakater.com/match': '1' })).toBe(false);
    expect(isIgnoredSource({ 'reloader.stakater.com/ignore': 'true' })).toBe(true);
    expect(isIgnoredSource({ 'reloader.stakater.com/ignore': 'TRUE' })).toBe(false);
  });

  it('reads the pod template only when the workload has none of that kind’s annotations', () => {
    const template = {
      'reloader.stakater.com/auto': 'true',
      'secret.reloader.stakater.com/reload': 'from-template',
    };
    const fallback = reloadSelection({}, template);
    expect(fallback.Secret.auto).toBe(true);
    expect(names(fallback.Secret.named)).toEqual(['^from-template$']);
    // A ConfigMap reload list on the workload makes ConfigMaps read from the workload only,
    // while Secrets still fall back to the template (Reloader decides per kind).
    const mixed = reloadSelection({ 'configmap.reloader.stakater.com/reload': 'cm' }, template);
    expect(mixed.ConfigMap.auto).toBe(false);
    expect(names(mixed.Secret.named)).toEqual(['^from-template$']);
    const generic = reloadSelection({ 'reloader.stakater.com/search': 'true' }, template);
    expect(generic.Secret.auto).toBe(false);
  });

  it('reads the exclude lists from the workload metadata only, as exact names', () => {
    const s = reloadSelection(
      { 'reloader.stakater.com/auto': 'true', 'secrets.exclude.reloader.stakater.com/reload': 'a, b' },
      { 'configmaps.exclude.reloader.stakater.com/reload': 'c' },
    );
    expect([...s.Secret.excluded]).toEqual(['a', 'b']);
    expect([...s.ConfigMap.excluded]).toEqual([]);
  });
});

describe('kvsync annotations', () => {
  it('reads rollback, settle period, rollout timeout and the window', () => {
    const options = kvsyncOptions({
      'kvsync.io/rollback': 'auto',
      'kvsync.io/settle-period': '30s',
      'kvsync.io/rollout-timeout': '15m',
      'kvsync.io/restart-window': 'Mon-Fri 02:00-04:00',
      'kvsync.io/restart-window-timezone': 'Europe/Berlin',
    });
    expect(options).toMatchObject({
      rollback: true,
      settlePeriodMs: 30_000,
      rolloutTimeoutMs: 900_000,
      windowsBlocked: false,
      problems: [],
    });
    expect(options.windows?.rules[0]).toMatchObject({ kind: 'daily', timeZone: 'Europe/Berlin' });
  });

  it('rollback is off unless exactly "auto"', () => {
    expect(kvsyncOptions({ 'kvsync.io/rollback': 'true' }).rollback).toBe(false);
    expect(kvsyncOptions({}).rollback).toBe(false);
  });

  it('an invalid window blocks restarts (reported) instead of allowing them at any time', () => {
    const options = kvsyncOptions({
      'kvsync.io/restart-window': 'whenever',
      'kvsync.io/settle-period': 'soon',
    });
    expect(options.windowsBlocked).toBe(true);
    expect(options.windows).toBeUndefined();
    expect(options.settlePeriodMs).toBeUndefined();
    expect(options.problems).toHaveLength(2);
  });
});

describe('rollout-strategy (Argo Rollouts)', () => {
  it('reads rollout and restart exactly as Reloader spells them; absent or empty is rollout', () => {
    const problems: string[] = [];
    expect(rolloutStrategyOf({}, problems)).toBe('rollout');
    expect(rolloutStrategyOf({ 'reloader.stakater.com/rollout-strategy': '' }, problems)).toBe('rollout');
    expect(rolloutStrategyOf({ 'reloader.stakater.com/rollout-strategy': 'rollout' }, problems)).toBe(
      'rollout',
    );
    expect(rolloutStrategyOf({ 'reloader.stakater.com/rollout-strategy': 'restart' }, problems)).toBe(
      'restart',
    );
    expect(problems).toEqual([]);
  });

  it('reports any other value and gives undefined, so the restart waits', () => {
    const problems: string[] = [];
    expect(
      rolloutStrategyOf({ 'reloader.stakater.com/rollout-strategy': 'Restart' }, problems),
    ).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('reloader.stakater.com/rollout-strategy');
  });
});
