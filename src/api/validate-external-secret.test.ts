import { describe, expect, it } from 'vitest';
import type { CreationPolicy, DeletionPolicy, ExternalSecret } from './external-secret-types.ts';
import { fullExternalSecret, incidentExternalSecret } from './test-fixtures.ts';
import { unsupportedFeatures } from './unsupported.ts';
import { validateExternalSecret } from './validate-external-secret.ts';

function withSpec(change: (es: ExternalSecret) => void): ExternalSecret {
  const es = incidentExternalSecret();
  es.apiVersion = 'external-secrets.io/v1';
  change(es);
  return es;
}

const paths = (es: unknown) => validateExternalSecret(es).map((p) => p.path);

describe('validateExternalSecret', () => {
  it('accepts the incident manifest, a v1 copy of it and the full fixture', () => {
    expect(validateExternalSecret(incidentExternalSecret())).toEqual([]);
    expect(validateExternalSecret(withSpec(() => {}))).toEqual([]);
    expect(validateExternalSecret(fullExternalSecret())).toEqual([]);
  });

  it('rejects a non-object', () => {
    expect(paths('text')).toEqual(['']);
  });

  it('requires data or dataFrom', () => {
    const es = withSpec((e) => {
      e.spec.data = [];
    });
    expect(validateExternalSecret(es)).toEqual([
      { path: 'spec', message: 'either data or dataFrom should be specified' },
    ]);
  });

  it('uses the schema of the object version: CreateOrMerge is v1 only', () => {
    const es = incidentExternalSecret();
    es.spec.target = { creationPolicy: 'CreateOrMerge' };
    expect(paths(es)).toEqual(['spec.target.creationPolicy']);
    es.apiVersion = 'external-secrets.io/v1';
    expect(paths(es)).toEqual([]);
  });

  it('reports schema problems, and then skips the ESO rules', () => {
    const es = withSpec((e) => {
      e.spec.data = [{ secretKey: 'bad key!', remoteRef: { key: 'k' } }];
      e.spec.refreshInterval = 'soon';
    });
    expect(paths(es)).toEqual(['spec.data[0].secretKey']);
  });

  it('reports an invalid refreshInterval', () => {
    for (const interval of ['soon', '10', '1d']) {
      const es = withSpec((e) => {
        e.spec.refreshInterval = interval;
      });
      expect(paths(es)).toEqual(['spec.refreshInterval']);
    }
  });

  it('ignores status', () => {
    const es = withSpec((e) => {
      e.status = { conditions: [{ type: 'Custom', status: 'True' }], refreshTime: 'garbage' };
    });
    expect(paths(es)).toEqual([]);
  });

  const policies: [CreationPolicy, DeletionPolicy, boolean][] = [
    ['Owner', 'Delete', true],
    ['Orphan', 'Delete', true],
    ['Merge', 'Delete', false],
    ['None', 'Delete', false],
    ['CreateOrMerge', 'Delete', false],
    ['None', 'Merge', false],
    ['Merge', 'Merge', true],
    ['None', 'Retain', true],
    ['Merge', 'Retain', true],
  ];
  it.each(policies)(
    'creationPolicy %s with deletionPolicy %s: valid=%s',
    (creationPolicy, deletionPolicy, ok) => {
      const es = withSpec((e) => {
        e.spec.target = { creationPolicy, deletionPolicy };
      });
      expect(paths(es)).toEqual(ok ? [] : ['spec.target.deletionPolicy']);
    },
  );

  it('needs exactly one of extract, find and generatorRef per dataFrom entry', () => {
    const es = withSpec((e) => {
      e.spec.dataFrom = [
        { extract: { key: 'a' } },
        { extract: { key: 'a' }, find: { name: { regexp: '.' } } },
        { extract: { key: 'a' }, sourceRef: { generatorRef: { kind: 'UUID', name: 'u' } } },
        { sourceRef: { storeRef: { name: 'other' } } },
        { find: { tags: { a: 'b' } }, sourceRef: { storeRef: { name: 'other' } } },
      ];
    });
    expect(paths(es)).toEqual(['spec.dataFrom[1]', 'spec.dataFrom[2]', 'spec.dataFrom[3]']);
  });

  it('rejects duplicate secret keys with deletionPolicy Retain (or unset) only', () => {
    const data = [
      { secretKey: 'password', remoteRef: { key: 'a' } },
      { secretKey: 'password', remoteRef: { key: 'b' } },
    ];
    expect(paths(withSpec((e) => (e.spec.data = data)))).toEqual(['spec.data[1].secretKey']);
    const deleting = withSpec((e) => {
      e.spec.data = data;
      e.spec.target = { deletionPolicy: 'Delete' };
    });
    expect(paths(deleting)).toEqual([]);
  });

  it('rejects bootstrap tokens and named service-account tokens as targets', () => {
    const target = (type: string, annotations?: Record<string, string>) =>
      withSpec((e) => {
        e.spec.target = { template: { type, metadata: annotations ? { annotations } : {} } };
      });
    expect(paths(target('bootstrap.kubernetes.io/token'))).toEqual(['spec.target.template.type']);
    expect(
      paths(
        target('kubernetes.io/service-account-token', { 'kubernetes.io/service-account.name': 'default' }),
      ),
    ).toEqual(['spec.target.template.type']);
    expect(paths(target('kubernetes.io/service-account-token'))).toEqual([]);
    expect(paths(target('kubernetes.io/tls'))).toEqual([]);
  });
});

describe('unsupportedFeatures', () => {
  it('is empty for the incident manifest', () => {
    expect(unsupportedFeatures(incidentExternalSecret())).toEqual([]);
  });

  it('names every feature kvsync stores but does not implement', () => {
    expect(unsupportedFeatures(fullExternalSecret()).map((p) => p.path)).toEqual([
      'spec.target.manifest',
      'spec.syncWindows',
      'spec.target.template.data',
      'spec.target.template.templateFrom',
      'spec.data[1].sourceRef.generatorRef',
      'spec.dataFrom[1].find',
      'spec.dataFrom[1].rewrite',
      'spec.dataFrom[2].sourceRef.generatorRef',
    ]);
  });
});
