import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newSecretValue,
  startOperatorSandbox,
  waitFor,
  waitForEvent,
  waitForExternalSecret,
  waitForSecretValue,
  type OperatorSandbox,
} from './operator-support.ts';

/**
 * Push: the sandbox's Key Vault emulator delivers Event Grid events to the operator's webhook
 * (the real protocol: handshake, shared secret header). A rotation reaches the Secret in about a
 * second although the incident's ExternalSecret still says `refreshInterval: 1h`.
 */

let env: OperatorSandbox;

beforeAll(async () => {
  env = await startOperatorSandbox({ push: true });
  await waitForExternalSecret(
    env,
    'default',
    'database-credentials',
    'first sync',
    (es) => !!es.status?.refreshTime,
  );
});

afterAll(async () => {
  await env?.close();
});

describe('Event Grid push', () => {
  it('syncs a rotated secret within a second or two, with one read, despite the 1h interval', async () => {
    const probe = env.countGets('postgresql-password');
    const value = newSecretValue('pushed');
    const started = Date.now();
    const stored = await env.sandbox.secrets.setSecret('postgresql-password', value);
    await waitForSecretValue(env, 'default', 'database-credentials', 'password', value, 5_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(probe.count()).toBe(1);
    probe.remove();
    const es = await waitForExternalSecret(
      env,
      'default',
      'database-credentials',
      'the pushed version',
      (candidate) =>
        (candidate.status?.syncedVersions ?? []).some((entry) => entry.version === stored.properties.version),
    );
    // The interval still says 1h: the next periodic sync is about an hour away.
    const nextMs = Date.parse(es.status!.nextRefreshTime!) - Date.parse(es.status!.refreshTime!);
    expect(nextMs).toBeGreaterThan(50 * 60_000);
  });

  it('leaves ExternalSecrets that do not read the rotated secret alone', async () => {
    const before = (await env.externalSecret('payments', 'payments-api'))!.status!.refreshTime;
    const probe = env.countGets('payments-db');
    await env.sandbox.secrets.setSecret('postgresql-password', newSecretValue('again'));
    await waitForEvent(env, 'default', 'database-credentials', 'Normal', 'updated from');
    expect(probe.count()).toBe(0);
    expect((await env.externalSecret('payments', 'payments-api'))!.status!.refreshTime).toBe(before);
    probe.remove();
  });

  it('counts the events it received, and refuses a delivery without the shared secret', async () => {
    const url = env.sandbox.endpoints.eventGridWebhookUrl;
    const refused = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
      body: JSON.stringify([
        {
          id: 'forged-1',
          topic: '/subscriptions/x/resourceGroups/y/providers/Microsoft.KeyVault/vaults/our-vault',
          subject: 'postgresql-password',
          eventType: 'Microsoft.KeyVault.SecretNewVersionCreated',
          eventTime: new Date().toISOString(),
          dataVersion: '1',
          data: {
            Id: 'https://our-vault.vault.azure.net/secrets/postgresql-password/abc',
            VaultName: 'our-vault',
            ObjectType: 'Secret',
            ObjectName: 'postgresql-password',
            Version: 'abc',
          },
        },
      ]),
    });
    expect(refused.status).toBe(401);
    const metrics = await waitFor('the webhook metrics', async () => {
      const text = await (await fetch(env.sandbox.endpoints.metricsUrl)).text();
      return /kvsync_eventgrid_events_total\{[^}]*outcome="dispatched"[^}]*\} [1-9]/.test(text)
        ? text
        : undefined;
    });
    expect(metrics).toMatch(/kvsync_eventgrid_requests_rejected_total\{reason="[a-z_-]+"\} 1/);
  });
});
