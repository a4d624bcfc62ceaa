import { expect } from 'vitest';
import { KubeStatusError } from '../errors.ts';

/** Runs `action`, expecting a `KubeStatusError` with `code` and `reason`; returns it for more checks. */
export function expectStatusError(action: () => unknown, code: number, reason: string): KubeStatusError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KubeStatusError);
  const status = caught as KubeStatusError;
  expect({ code: status.code, reason: status.reason }).toEqual({ code, reason });
  return status;
}

/** Deep-freezes a JSON value so that a test fails loudly if the code under test mutates it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
