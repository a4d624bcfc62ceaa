import { describe, expect, it } from 'vitest';
import { createFakeClock, createFakeKube } from '../test-support.ts';
import { serviceAccountAssertion } from './service-account-token.ts';

function jwt(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.`;
}

describe('serviceAccountAssertion', () => {
  it('requests api://AzureADTokenExchange plus extra audiences and reuses the token until 80% of its life', async () => {
    const clock = createFakeClock();
    let issued = 0;
    const kube = createFakeKube({
      issueToken: () => {
        issued++;
        const iat = Math.floor(clock.now() / 1000);
        return jwt({ iat, exp: iat + 3600 });
      },
    });
    const assertion = serviceAccountAssertion(
      kube,
      { namespace: 'apps', name: 'web', audiences: ['extra'] },
      clock,
    );
    const [a, b] = await Promise.all([assertion(), assertion()]);
    expect(a).toBe(b);
    clock.advance(47 * 60_000);
    expect(await assertion()).toBe(a);
    clock.advance(2 * 60_000);
    await assertion();
    expect(issued).toBe(2);
    expect(kube.calls).toEqual([
      'createServiceAccountToken apps/web api://AzureADTokenExchange,extra',
      'createServiceAccountToken apps/web api://AzureADTokenExchange,extra',
    ]);
  });

  it('reuses an unreadable token for five minutes, and caches nothing after a failure', async () => {
    const clock = createFakeClock();
    let fail = true;
    const kube = createFakeKube({
      issueToken: () => {
        if (fail) throw new Error('TokenRequest failed');
        return 'opaque';
      },
    });
    const assertion = serviceAccountAssertion(kube, { namespace: 'apps', name: 'web', audiences: [] }, clock);
    await expect(assertion()).rejects.toThrow('TokenRequest failed');
    fail = false;
    expect(await assertion()).toBe('opaque');
    clock.advance(4 * 60_000);
    await assertion();
    clock.advance(2 * 60_000);
    await assertion();
    expect(kube.calls).toHaveLength(3);
  });
});
