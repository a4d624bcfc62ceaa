import { describe, expect, it } from 'vitest';
import { ANNOTATION_DATA_HASH, LABEL_CREATED_BY, LABEL_MANAGED } from '../../api/index.ts';
import { isKvsyncError, type KvsyncErrorCode } from '../../errors.ts';
import { createdByLabelValue, dataHash, dataHashOfEncoded } from './hash.ts';
import {
  MAX_SECRET_DATA_BYTES,
  checkImmutable,
  copiedMetadata,
  desiredSecret,
  secretUnchanged,
  type OwnerReference,
  type SecretObject,
  type TargetSpec,
} from './target.ts';

/* The target Secret an ExternalSecret asks for, with ESO's bookkeeping (reference eso.md §2.5). */

const OWNER = { apiVersion: 'external-secrets.io/v1', name: 'db', namespace: 'default', uid: 'es-uid' };
const OUR_REF: OwnerReference = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  name: 'db',
  uid: 'es-uid',
  controller: true,
  blockOwnerDeletion: true,
};
const DEPLOYMENT_REF: OwnerReference = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  name: 'web',
  uid: 'dep-uid',
};

function spec(partial: Partial<TargetSpec> = {}): TargetSpec {
  return {
    owner: OWNER,
    secretName: 'db-secret',
    creationPolicy: 'Owner',
    immutable: false,
    labels: {},
    annotations: {},
    ...partial,
  };
}

const fetched = (entries: Record<string, string>) =>
  new Map(Object.entries(entries).map(([key, value]) => [key, Buffer.from(value)]));
const encoded = (entries: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(entries).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
  );

function existing(
  partial: Partial<SecretObject['metadata']> = {},
  rest: Partial<SecretObject> = {},
): SecretObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'db-secret',
      namespace: 'default',
      uid: 'secret-uid',
      resourceVersion: '42',
      ...partial,
    },
    type: 'Opaque',
    data: encoded({ password: 'old', foreign: 'kept?' }),
    ...rest,
  };
}

function codeOf(run: () => unknown): KvsyncErrorCode {
  try {
    run();
  } catch (error) {
    if (isKvsyncError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a KvsyncError');
}

describe('desiredSecret', () => {
  it('creates an Owner Secret with the managed label, created-by label, data hash and controller reference', () => {
    const secret = desiredSecret(spec(), undefined, fetched({ password: 'hunter2', user: 'app' }), dataHash);
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db-secret',
        namespace: 'default',
        labels: { [LABEL_MANAGED]: 'true', [LABEL_CREATED_BY]: createdByLabelValue('default', 'db') },
        annotations: {
          [ANNOTATION_DATA_HASH]: dataHash({ password: Buffer.from('hunter2'), user: Buffer.from('app') }),
        },
        ownerReferences: [OUR_REF],
      },
      type: 'Opaque',
      data: encoded({ password: 'hunter2', user: 'app' }),
    });
  });

  it('hashes exactly the data it writes', () => {
    const secret = desiredSecret(
      spec({ creationPolicy: 'Merge' }),
      existing(),
      fetched({ password: 'new' }),
      dataHash,
    );
    expect(secret.metadata.annotations?.[ANNOTATION_DATA_HASH]).toBe(dataHashOfEncoded(secret.data));
  });

  it('under Owner replaces the data of an existing Secret, keeping its identity and foreign owners', () => {
    const secret = desiredSecret(
      spec(),
      existing({
        ownerReferences: [DEPLOYMENT_REF],
        labels: { team: 'payments' },
        annotations: { note: 'x' },
      }),
      fetched({ password: 'new' }),
      dataHash,
    );
    expect(secret.metadata.uid).toBe('secret-uid');
    expect(secret.metadata.resourceVersion).toBe('42');
    expect(secret.data).toEqual(encoded({ password: 'new' }));
    expect(secret.metadata.ownerReferences).toEqual([DEPLOYMENT_REF, OUR_REF]);
    expect(secret.metadata.labels).toMatchObject({ team: 'payments', [LABEL_MANAGED]: 'true' });
    expect(secret.metadata.annotations).toMatchObject({ note: 'x' });
  });

  it('keeps only one reference to its own ExternalSecret', () => {
    const secret = desiredSecret(
      spec(),
      existing({ ownerReferences: [OUR_REF] }),
      fetched({ password: 'new' }),
      dataHash,
    );
    expect(secret.metadata.ownerReferences).toEqual([OUR_REF]);
  });

  it('keeps the finalizers of an existing Secret (a replace without them would remove them)', () => {
    const secret = desiredSecret(
      spec(),
      existing({ finalizers: ['example.com/protect'] } as Partial<SecretObject['metadata']>),
      fetched({ password: 'new' }),
      dataHash,
    );
    expect((secret.metadata as { finalizers?: string[] }).finalizers).toEqual(['example.com/protect']);
  });

  describe.each(['Orphan', 'Merge', 'CreateOrMerge'] as const)('creationPolicy %s', (creationPolicy) => {
    it('sets no owner reference and no created-by label, but the managed label and data hash', () => {
      const secret = desiredSecret(spec({ creationPolicy }), undefined, fetched({ password: 'p' }), dataHash);
      expect(secret.metadata.ownerReferences).toBeUndefined();
      expect(secret.metadata.labels).toEqual({ [LABEL_MANAGED]: 'true' });
      expect(secret.metadata.annotations?.[ANNOTATION_DATA_HASH]).toBe(
        dataHash({ password: Buffer.from('p') }),
      );
    });

    /** A Secret written under creationPolicy Owner before the policy changed. */
    const fromOwner = () =>
      existing({
        ownerReferences: [DEPLOYMENT_REF, OUR_REF],
        labels: { [LABEL_MANAGED]: 'true', [LABEL_CREATED_BY]: createdByLabelValue('default', 'db') },
      });

    it('removes its own controller reference left from creationPolicy Owner, keeping foreign ones', () => {
      const secret = desiredSecret(
        spec({ creationPolicy }),
        fromOwner(),
        fetched({ password: 'p' }),
        dataHash,
      );
      expect(secret.metadata.ownerReferences).toEqual([DEPLOYMENT_REF]);
    });

    it('removes the created-by label left from creationPolicy Owner (ESO deletes it)', () => {
      const secret = desiredSecret(
        spec({ creationPolicy }),
        fromOwner(),
        fetched({ password: 'p' }),
        dataHash,
      );
      expect(secret.metadata.labels).toEqual({ [LABEL_MANAGED]: 'true' });
    });
  });

  it.each(['Merge', 'CreateOrMerge'] as const)(
    '%s keeps existing keys and overwrites fetched ones',
    (policy) => {
      const secret = desiredSecret(
        spec({ creationPolicy: policy }),
        existing(),
        fetched({ password: 'new', extra: 'e' }),
        dataHash,
      );
      expect(secret.data).toEqual(encoded({ extra: 'e', foreign: 'kept?', password: 'new' }));
    },
  );

  it('Orphan replaces the data like Owner', () => {
    const secret = desiredSecret(
      spec({ creationPolicy: 'Orphan' }),
      existing(),
      fetched({ password: 'n' }),
      dataHash,
    );
    expect(secret.data).toEqual(encoded({ password: 'n' }));
  });

  it('applies the given labels and annotations, but the bookkeeping ones always win', () => {
    const secret = desiredSecret(
      spec({
        labels: { app: 'web', [LABEL_MANAGED]: 'false' },
        annotations: { [ANNOTATION_DATA_HASH]: 'forged', owner: 'team-a' },
      }),
      undefined,
      fetched({ password: 'p' }),
      dataHash,
    );
    expect(secret.metadata.labels).toMatchObject({ app: 'web', [LABEL_MANAGED]: 'true' });
    expect(secret.metadata.annotations).toEqual({
      owner: 'team-a',
      [ANNOTATION_DATA_HASH]: dataHash({ password: Buffer.from('p') }),
    });
  });

  describe('owner conflicts', () => {
    it('refuses a Secret controlled by another ExternalSecret with ERR_TARGET_CONFLICT', () => {
      const other = { ...OUR_REF, name: 'other-es', uid: 'other-uid' };
      expect(
        codeOf(() =>
          desiredSecret(spec(), existing({ ownerReferences: [other] }), fetched({ a: 'b' }), dataHash),
        ),
      ).toBe('ERR_TARGET_CONFLICT');
      expect(
        codeOf(() =>
          desiredSecret(
            spec({ creationPolicy: 'Merge' }),
            existing({ ownerReferences: [other] }),
            fetched({ a: 'b' }),
            dataHash,
          ),
        ),
      ).toBe('ERR_TARGET_CONFLICT');
    });

    it('adopts a Secret controlled by an earlier ExternalSecret of the same name (deleted and re-created)', () => {
      // ESO compares the owner by group, kind and name, not uid, and SetControllerReference
      // then points the reference at the new uid.
      const stale = { ...OUR_REF, uid: 'old-uid' };
      const secret = desiredSecret(
        spec(),
        existing({ ownerReferences: [stale] }),
        fetched({ a: 'b' }),
        dataHash,
      );
      expect(secret.metadata.ownerReferences).toEqual([OUR_REF]);
    });
  });

  describe('data checks', () => {
    it.each(['has space', 'slash/key', 'ümlaut', 'x'.repeat(254)])(
      'refuses key %j with ERR_TARGET_INVALID_KEY',
      (key) => {
        expect(codeOf(() => desiredSecret(spec(), undefined, fetched({ [key]: 'v' }), dataHash))).toBe(
          'ERR_TARGET_INVALID_KEY',
        );
      },
    );

    it('accepts letters, digits, dots, dashes and underscores up to 253 characters', () => {
      const key = `.A-z_0.${'k'.repeat(246)}`;
      expect(key).toHaveLength(253);
      expect(desiredSecret(spec(), undefined, fetched({ [key]: 'v' }), dataHash).data).toHaveProperty(key);
    });

    it('never puts a value in its error', () => {
      try {
        desiredSecret(spec(), undefined, fetched({ 'bad key': 'Sup3r$ecret' }), dataHash);
      } catch (error) {
        expect((error as Error).message).not.toContain('Sup3r$ecret');
        return;
      }
      throw new Error('expected ERR_TARGET_INVALID_KEY');
    });

    it('accepts exactly 1 MiB of data and refuses one byte more with ERR_TARGET_TOO_LARGE', () => {
      const half = MAX_SECRET_DATA_BYTES / 2;
      const full = new Map([
        ['a', Buffer.alloc(half, 1)],
        ['b', Buffer.alloc(half, 2)],
      ]);
      expect(() => desiredSecret(spec(), undefined, full, dataHash)).not.toThrow();
      full.set('c', Buffer.alloc(1));
      expect(codeOf(() => desiredSecret(spec(), undefined, full, dataHash))).toBe('ERR_TARGET_TOO_LARGE');
    });

    it('counts the kept keys of a Merge towards the limit', () => {
      const big = existing({}, { data: { kept: Buffer.alloc(MAX_SECRET_DATA_BYTES).toString('base64') } });
      expect(
        codeOf(() => desiredSecret(spec({ creationPolicy: 'Merge' }), big, fetched({ more: 'x' }), dataHash)),
      ).toBe('ERR_TARGET_TOO_LARGE');
    });
  });

  describe('type and immutability', () => {
    it('uses the template type, else keeps the existing type, else Opaque', () => {
      const tls = existing({}, { type: 'kubernetes.io/tls' });
      expect(
        desiredSecret(spec({ type: 'kubernetes.io/basic-auth' }), tls, fetched({ a: 'b' }), dataHash).type,
      ).toBe('kubernetes.io/basic-auth');
      expect(desiredSecret(spec(), tls, fetched({ a: 'b' }), dataHash).type).toBe('kubernetes.io/tls');
      expect(desiredSecret(spec(), undefined, fetched({ a: 'b' }), dataHash).type).toBe('Opaque');
    });

    it('marks the Secret immutable when asked, and keeps an existing immutable flag', () => {
      expect(
        desiredSecret(spec({ immutable: true }), undefined, fetched({ a: 'b' }), dataHash).immutable,
      ).toBe(true);
      const frozen = existing({}, { immutable: true });
      expect(desiredSecret(spec(), frozen, fetched({ a: 'b' }), dataHash).immutable).toBe(true);
      expect(desiredSecret(spec(), undefined, fetched({ a: 'b' }), dataHash)).not.toHaveProperty('immutable');
    });
  });
});

describe('checkImmutable', () => {
  const frozen = existing({}, { immutable: true, data: encoded({ password: 'old' }) });

  it('refuses new data for an immutable Secret with ERR_TARGET_IMMUTABLE', () => {
    const desired = desiredSecret(spec(), frozen, fetched({ password: 'new' }), dataHash);
    expect(codeOf(() => checkImmutable(frozen, desired))).toBe('ERR_TARGET_IMMUTABLE');
  });

  it('allows the same data (e.g. a metadata-only change) and any change of a mutable or missing Secret', () => {
    const same = desiredSecret(
      spec({ labels: { new: 'label' } }),
      frozen,
      fetched({ password: 'old' }),
      dataHash,
    );
    expect(() => checkImmutable(frozen, same)).not.toThrow();
    const changed = desiredSecret(spec(), existing(), fetched({ password: 'new' }), dataHash);
    expect(() => checkImmutable(existing(), changed)).not.toThrow();
    expect(() => checkImmutable(undefined, changed)).not.toThrow();
  });
});

describe('copiedMetadata', () => {
  const esMetadata = {
    labels: { app: 'web' },
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': '{"spec":{}}',
      'force-sync': '1700000000',
    },
  };

  it("copies the ExternalSecret's labels and annotations, without kubectl's last-applied-configuration", () => {
    expect(copiedMetadata(esMetadata, undefined)).toEqual({
      labels: { app: 'web' },
      annotations: { 'force-sync': '1700000000' },
    });
  });

  it("copies only the template's metadata when the template has some", () => {
    expect(copiedMetadata(esMetadata, { labels: { tier: 'db' } })).toEqual({
      labels: { tier: 'db' },
      annotations: {},
    });
  });

  it('copies nothing from an ExternalSecret without labels or annotations', () => {
    expect(copiedMetadata({}, undefined)).toEqual({ labels: {}, annotations: {} });
  });
});

describe('secretUnchanged', () => {
  /** What the API server holds after writing `desired`. */
  const stored = (desired: SecretObject): SecretObject => ({
    ...structuredClone(desired),
    metadata: { ...structuredClone(desired.metadata), uid: 'secret-uid', resourceVersion: '7' },
  });

  it('is true when a Secret written from the same data is computed again', () => {
    const first = stored(
      desiredSecret(spec({ labels: { app: 'web' } }), undefined, fetched({ a: '1', b: '2' }), dataHash),
    );
    const again = desiredSecret(
      spec({ labels: { app: 'web' } }),
      first,
      fetched({ b: '2', a: '1' }),
      dataHash,
    );
    expect(secretUnchanged(first, again)).toBe(true);
  });

  it('is true for a Secret ESO wrote for the same ExternalSecret and data', () => {
    const eso: SecretObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db-secret',
        namespace: 'default',
        uid: 'secret-uid',
        resourceVersion: '9',
        labels: { [LABEL_CREATED_BY]: createdByLabelValue('default', 'db'), [LABEL_MANAGED]: 'true' },
        annotations: { [ANNOTATION_DATA_HASH]: dataHash({ password: Buffer.from('hunter2') }) },
        ownerReferences: [OUR_REF],
      },
      type: 'Opaque',
      data: encoded({ password: 'hunter2' }),
    };
    expect(secretUnchanged(eso, desiredSecret(spec(), eso, fetched({ password: 'hunter2' }), dataHash))).toBe(
      true,
    );
  });

  it.each<[string, (secret: SecretObject) => void]>([
    ['data', (s) => (s.data = encoded({ a: 'changed', b: '2' }))],
    ['an added key', (s) => (s.data = { ...s.data, c: 'Mw==' })],
    ['a label', (s) => (s.metadata.labels = { ...s.metadata.labels, extra: 'x' })],
    ['an annotation', (s) => (s.metadata.annotations = { ...s.metadata.annotations, extra: 'x' })],
    ['owner references', (s) => (s.metadata.ownerReferences = [])],
    ['the type', (s) => (s.type = 'kubernetes.io/tls')],
    ['immutability', (s) => (s.immutable = true)],
  ])('is false when %s differs', (_what, edit) => {
    const current = stored(desiredSecret(spec(), undefined, fetched({ a: '1', b: '2' }), dataHash));
    const desired = desiredSecret(spec(), current, fetched({ a: '1', b: '2' }), dataHash);
    edit(current);
    expect(secretUnchanged(current, desired)).toBe(false);
  });
});
