import { describe, expect, it } from 'vitest';
import { matchesLabelSelector } from './label-selector.ts';

describe('matchesLabelSelector', () => {
  const labels = { team: 'payments', env: 'prod' };
  it.each([
    [{}, true],
    [{ matchLabels: { team: 'payments' } }, true],
    [{ matchLabels: { team: 'search' } }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'In' as const, values: ['prod', 'staging'] }] }, true],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn' as const, values: ['prod'] }] }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn' as const, values: ['x'] }] }, true],
    [{ matchExpressions: [{ key: 'team', operator: 'Exists' as const }] }, true],
    [{ matchExpressions: [{ key: 'team', operator: 'DoesNotExist' as const }] }, false],
    [
      {
        matchLabels: { team: 'payments' },
        matchExpressions: [{ key: 'env', operator: 'In' as const, values: ['dev'] }],
      },
      false,
    ],
  ])('%j → %s', (selector, expected) => {
    expect(matchesLabelSelector(selector, labels)).toBe(expected);
  });
});
