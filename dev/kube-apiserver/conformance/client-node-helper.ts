import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { expect } from 'vitest';
import type { StatusBody } from './http-helper.ts';

/** A KubeConfig read from the kubeconfig file the emulator wrote, as an operator would load it. */
export function loadKubeConfig(kubeconfigPath: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  return kubeConfig;
}

/**
 * Awaits a call that must fail with an `ApiException` of `code`, whose body (raw text in
 * client-node) is a Status with that code and `reason`. Returns the parsed Status.
 */
export async function expectApiException(
  call: Promise<unknown>,
  code: number,
  reason: string,
): Promise<StatusBody> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'the call should have failed').toBeInstanceOf(ApiException);
  const exception = caught as ApiException<unknown>;
  expect(exception.code, String(exception.body)).toBe(code);
  const status = (
    typeof exception.body === 'string' ? JSON.parse(exception.body) : exception.body
  ) as StatusBody;
  expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason });
  return status;
}
