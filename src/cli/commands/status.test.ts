import { describe, expect, it } from 'vitest';
import { manyExternalSecrets } from '../../server/operator-api/test-support.ts';
import type { EsSummary } from '../../server/operator-api/wire.ts';
import { paint } from '../output.ts';
import { isProblem, renderStatusTable, shardNote, statusRows, type OperatorView } from './status.ts';

const [failed, synced] = manyExternalSecrets(2, 1);

function view(overrides: Partial<EsSummary>, reloader = false): OperatorView {
  return {
    summaries: new Map([
      ['ns-0/es-00001', { drift: 'newer', vault: 'our-vault.vault.azure.net', ...overrides } as EsSummary],
    ]),
    vaults: new Map([
      [
        'our-vault.vault.azure.net',
        {
          host: 'our-vault.vault.azure.net',
          push: { healthy: true },
          polling: { mode: 'list' },
          externalSecrets: 2,
        },
      ],
    ]),
    reloader,
  };
}

describe('statusRows', () => {
  it('merges what the cluster shows with what the operator knows', () => {
    const rows = statusRows([failed!, synced!], view({}));
    expect(rows[0]).toMatchObject({
      name: 'es-00000',
      state: 'failed',
      message: 'boom',
      keyVaultNewer: null,
    });
    expect(rows[1]).toMatchObject({
      name: 'es-00001',
      state: 'drift',
      keyVaultNewer: true,
      vault: 'our-vault.vault.azure.net',
      pushHealthy: true,
    });
    expect(rows[1]).not.toHaveProperty('stalePods');
    expect(rows.map(isProblem)).toEqual([true, true]);
  });

  it('says null (unknown) without the operator, and counts pods when a reloader runs', () => {
    expect(statusRows([synced!], undefined)[0]).toMatchObject({
      state: 'synced',
      keyVaultNewer: null,
      stalePods: null,
    });
    const rows = statusRows([synced!], view({ drift: 'same', stalePods: 2, pendingRestarts: 1 }, true));
    expect(rows[0]).toMatchObject({
      state: 'synced',
      keyVaultNewer: false,
      stalePods: 2,
      pendingRestarts: 1,
    });
    expect(isProblem(rows[0]!)).toBe(false);
  });
});

describe('renderStatusTable', () => {
  it('prints kubectl-like columns with relative times, "-" when no reloader and "?" when unknown', () => {
    const rows = statusRows([failed!, synced!], view({}));
    const text = renderStatusTable(rows, {
      nowMs: Date.parse('2026-01-01T00:05:00Z'),
      wide: false,
      allNamespaces: true,
      paint: paint(false),
    });
    expect(text.split('\n')).toEqual([
      'NAMESPACE   NAME       STORE               INTERVAL   LAST SYNC   NEXT SYNC   STATE    KV NEWER   STALE PODS   PENDING',
      'ns-0        es-00000   SecretStore/vault   1h         5m ago      in 55m      failed   ?          -            -',
      'ns-0        es-00001   SecretStore/vault   1h         5m ago      in 55m      drift    yes        -            -',
      '',
    ]);
  });

  it('adds target, vault, push and the failure message when wide', () => {
    const text = renderStatusTable(statusRows([failed!], undefined), {
      nowMs: Date.parse('2026-01-01T00:05:00Z'),
      wide: true,
      allNamespaces: false,
      paint: paint(false),
    });
    expect(text.split('\n')[1]).toMatch(/es-00000 .* secret-0\s+\?\s+\?\s+boom$/);
  });
});

describe('shardNote', () => {
  it('says how many rows a sharded replica could not fill, and nothing otherwise', () => {
    expect(shardNote([failed!, synced!], { ...view({}), shards: [0, 2] })).toBe(
      'the replica asked holds shards 0, 2 only; 1 ExternalSecret of other shards shows "?" (kvsync why NAME names the replica to ask)',
    );
    expect(shardNote([synced!], { ...view({}), shards: [0, 2] })).toBeUndefined();
    expect(shardNote([failed!, synced!], view({}))).toBeUndefined();
  });
});
