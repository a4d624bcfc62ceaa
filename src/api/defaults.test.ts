import { describe, expect, it } from 'vitest';
import {
  applyExternalSecretDefaults,
  effectiveAuthType,
  effectiveCreationPolicy,
  effectiveDeletionPolicy,
  effectiveEnvironmentType,
  effectiveRefreshIntervalMs,
  effectiveRefreshPolicy,
  effectiveRemoteRef,
  effectiveStoreRef,
  effectiveTargetName,
} from './defaults.ts';
import type { ExternalSecret } from './external-secret-types.ts';
import { isKvsyncError } from '../errors.ts';

function bare(): ExternalSecret {
  return {
    metadata: { name: 'db', namespace: 'default' },
    spec: {
      data: [{ secretKey: 'password', remoteRef: { key: 'pg' } }],
      dataFrom: [{ extract: { key: 'cfg' } }],
    },
  };
}

describe('effective values of empty fields', () => {
  it('fills ESO’s controller defaults', () => {
    const es = bare();
    expect(effectiveRefreshIntervalMs(es)).toBe(3_600_000);
    expect(effectiveRefreshPolicy(es)).toBe('Periodic');
    expect(effectiveStoreRef(es)).toEqual({ kind: 'SecretStore', name: '' });
    expect(effectiveTargetName(es)).toBe('db');
    expect(effectiveCreationPolicy(es)).toBe('Owner');
    expect(effectiveDeletionPolicy(es)).toBe('Retain');
    expect(effectiveRemoteRef({ key: 'pg' })).toEqual({
      key: 'pg',
      conversionStrategy: 'Default',
      decodingStrategy: 'None',
      metadataPolicy: 'None',
      nullBytePolicy: 'Ignore',
    });
    expect(effectiveAuthType({ vaultUrl: 'https://v.vault.azure.net' })).toBe('ServicePrincipal');
    expect(effectiveEnvironmentType({ vaultUrl: 'https://v.vault.azure.net' })).toBe('PublicCloud');
  });

  it('keeps values that are set', () => {
    const es = bare();
    es.spec.refreshInterval = '0';
    es.spec.refreshPolicy = 'OnChange';
    es.spec.secretStoreRef = { kind: 'ClusterSecretStore', name: 'shared' };
    es.spec.target = { name: 'other', creationPolicy: 'Merge', deletionPolicy: 'Merge' };
    expect(effectiveRefreshIntervalMs(es)).toBe(0);
    expect(effectiveRefreshPolicy(es)).toBe('OnChange');
    expect(effectiveStoreRef(es)).toEqual({ kind: 'ClusterSecretStore', name: 'shared' });
    expect(effectiveTargetName(es)).toBe('other');
    expect(effectiveCreationPolicy(es)).toBe('Merge');
    expect(effectiveDeletionPolicy(es)).toBe('Merge');
    expect(effectiveRemoteRef({ key: 'k', decodingStrategy: 'Base64' }).decodingStrategy).toBe('Base64');
  });

  it('throws ERR_INVALID_DURATION for an invalid interval', () => {
    const es = bare();
    es.spec.refreshInterval = 'hourly';
    expect(() => effectiveRefreshIntervalMs(es)).toThrow();
    try {
      effectiveRefreshIntervalMs(es);
    } catch (error) {
      expect(isKvsyncError(error, 'ERR_INVALID_DURATION')).toBe(true);
    }
  });
});

describe('applyExternalSecretDefaults', () => {
  it('returns a filled copy and leaves the input alone', () => {
    const es = bare();
    const before = structuredClone(es);
    const filled = applyExternalSecretDefaults(es);
    expect(es).toEqual(before);
    expect(filled.spec).toEqual({
      refreshInterval: '1h0m0s',
      refreshPolicy: 'Periodic',
      secretStoreRef: { kind: 'SecretStore' },
      target: { name: 'db', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [
        {
          secretKey: 'password',
          remoteRef: {
            key: 'pg',
            conversionStrategy: 'Default',
            decodingStrategy: 'None',
            metadataPolicy: 'None',
            nullBytePolicy: 'Ignore',
          },
        },
      ],
      dataFrom: [
        {
          extract: {
            key: 'cfg',
            conversionStrategy: 'Default',
            decodingStrategy: 'None',
            metadataPolicy: 'None',
            nullBytePolicy: 'Ignore',
          },
        },
      ],
    });
  });
});
