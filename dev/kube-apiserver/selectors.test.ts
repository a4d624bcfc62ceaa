import { describe, expect, it } from 'vitest';
import { KubeStatusError } from './errors.ts';
import {
  formatLabelSelector,
  labelSelectorFromSpec,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  supportedFieldSelectors,
} from './selectors.ts';

function parseFails(text: string): KubeStatusError {
  try {
    parseLabelSelector(text);
  } catch (error) {
    if (error instanceof KubeStatusError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

describe('parseLabelSelector', () => {
  it('parses every operator, sorted by key', () => {
    expect(
      parseLabelSelector('tier in (b, a),app=web,env==prod,zone!=x,!legacy,ready, team notin (ops)'),
    ).toEqual([
      { key: 'app', operator: '=', values: ['web'] },
      { key: 'env', operator: '==', values: ['prod'] },
      { key: 'legacy', operator: '!', values: [] },
      { key: 'ready', operator: 'exists', values: [] },
      { key: 'team', operator: 'notin', values: ['ops'] },
      { key: 'tier', operator: 'in', values: ['a', 'b'] },
      { key: 'zone', operator: '!=', values: ['x'] },
    ]);
  });

  it('treats empty and blank text as no requirements', () => {
    expect(parseLabelSelector('')).toEqual([]);
    expect(parseLabelSelector('   ')).toEqual([]);
  });

  it('accepts prefixed keys, empty values and in/notin as values', () => {
    expect(parseLabelSelector('app.kubernetes.io/name=')).toEqual([
      { key: 'app.kubernetes.io/name', operator: '=', values: [''] },
    ]);
    expect(parseLabelSelector('x in (in,notin,)')).toEqual([
      { key: 'x', operator: 'in', values: ['', 'in', 'notin'] },
    ]);
    expect(parseLabelSelector('x in ()')).toEqual([{ key: 'x', operator: 'in', values: [''] }]);
  });

  it('parses gt and lt', () => {
    expect(parseLabelSelector('weight>5')).toEqual([{ key: 'weight', operator: 'gt', values: ['5'] }]);
    expect(matchesLabels(parseLabelSelector('weight<5'), { weight: '3' })).toBe(true);
    expect(matchesLabels(parseLabelSelector('weight<5'), { weight: 'x' })).toBe(false);
  });

  it('throws 400 BadRequest with the Go parser wording', () => {
    const error = parseFails('app=web,');
    expect(error.code).toBe(400);
    expect(error.reason).toBe('BadRequest');
    expect(error.message).toBe("found '', expected: identifier after ','");
    expect(parseFails('app web').message).toBe(
      "unable to parse requirement: found 'web', expected: '=', '!=', '==', 'in', notin'",
    );
    expect(parseFails('app=web extra').message).toBe("found 'extra', expected: ',' or 'end of string'");
    expect(parseFails('x in a').message).toBe("unable to parse requirement: found 'a' expected: '('");
    expect(parseFails('=x').message).toBe("found '=', expected: !, identifier, or 'end of string'");
  });

  it('rejects invalid keys and values', () => {
    expect(parseFails('a/b/c=x').message).toMatch(
      /^unable to parse requirement: key: Invalid value: "a\/b\/c"/,
    );
    expect(parseFails('app=a/b').message).toMatch(
      /^unable to parse requirement: values\[0\]\[app\]: Invalid value: "a\/b": a valid label must be/,
    );
    expect(parseFails('weight>x').message).toMatch(/the value must be an integer/);
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'front' };

  it('applies set and equality semantics', () => {
    const cases: [string, boolean][] = [
      ['app=web', true],
      ['app=db', false],
      ['app!=db', true],
      ['missing!=x', true],
      ['tier in (front,back)', true],
      ['tier notin (front)', false],
      ['missing notin (x)', true],
      ['missing in (x)', false],
      ['app', true],
      ['!app', false],
      ['!missing', true],
      ['app=web,tier=front', true],
      ['app=web,tier=back', false],
      ['', true],
    ];
    for (const [selector, expected] of cases) {
      expect([selector, matchesLabels(parseLabelSelector(selector), labels)]).toEqual([selector, expected]);
    }
  });

  it('treats undefined labels as none', () => {
    expect(matchesLabels(parseLabelSelector('!app'), undefined)).toBe(true);
    expect(matchesLabels(parseLabelSelector('app'), undefined)).toBe(false);
  });
});

describe('labelSelectorFromSpec and formatLabelSelector', () => {
  const spec = {
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['b', 'a'] },
      { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'ready', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' },
    ],
  };

  it('converts matchLabels and matchExpressions', () => {
    const requirements = labelSelectorFromSpec(spec);
    expect(requirements.map((r) => r.key)).toEqual(['app', 'env', 'legacy', 'ready', 'tier']);
    expect(matchesLabels(requirements, { app: 'web', tier: 'a', ready: '' })).toBe(true);
    expect(matchesLabels(requirements, { app: 'web', tier: 'a', ready: '', legacy: 'y' })).toBe(false);
  });

  it('formats like metav1.FormatLabelSelector', () => {
    expect(formatLabelSelector({ matchLabels: { app: 'web' } })).toBe('app=web');
    expect(formatLabelSelector(spec)).toBe('app=web,env notin (dev),!legacy,ready,tier in (a,b)');
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector(undefined)).toBe('<none>');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Near' }] })).toBe('<error>');
  });

  it('rejects unknown operators and bad values with 400', () => {
    expect(() => labelSelectorFromSpec({ matchExpressions: [{ key: 'a', operator: 'Near' }] })).toThrow(
      '"Near" is not a valid label selector operator',
    );
    expect(() =>
      labelSelectorFromSpec({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
    ).toThrow(/values set can't be empty/);
  });
});

describe('parseFieldSelector', () => {
  it('parses =, == and != for metadata fields on any kind', () => {
    expect(
      parseFieldSelector(
        'metadata.name=es1,metadata.namespace!=kube-system',
        'ExternalSecret',
        'external-secrets.io',
      ),
    ).toEqual([
      { field: 'metadata.name', operator: '=', value: 'es1' },
      { field: 'metadata.namespace', operator: '!=', value: 'kube-system' },
    ]);
    expect(parseFieldSelector('metadata.name==x', 'ConfigMap', '')).toEqual([
      { field: 'metadata.name', operator: '==', value: 'x' },
    ]);
    expect(parseFieldSelector('', 'Pod', '')).toEqual([]);
  });

  it('rejects unknown fields with the default message for kinds without their own fields', () => {
    expect(() => parseFieldSelector('foo.bar=baz', 'Ingress', 'networking.k8s.io')).toThrow(
      '"foo.bar" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });

  it('rejects unknown fields with the conversion function message for kinds with their own fields', () => {
    expect(() => parseFieldSelector('spec.foo=x', 'Pod', '')).toThrow('field label not supported: spec.foo');
  });

  it('knows the per-kind fields', () => {
    expect(parseFieldSelector('type=Opaque', 'Secret', '')).toHaveLength(1);
    expect(parseFieldSelector('status.phase=Running,spec.nodeName=n1', 'Pod', '')).toHaveLength(2);
    expect(parseFieldSelector('status.replicas=0', 'ReplicaSet', 'apps')).toHaveLength(1);
    expect(parseFieldSelector('status.phase=Active', 'Namespace', '')).toHaveLength(1);
    expect(
      parseFieldSelector('regarding.name=x,reportingController=k', 'Event', 'events.k8s.io'),
    ).toHaveLength(2);
    expect(() => parseFieldSelector('involvedObject.name=x', 'Event', 'events.k8s.io')).toThrow(
      KubeStatusError,
    );
    expect(supportedFieldSelectors('Event', '')).toContain('involvedObject.uid');
  });

  it('accepts extra selectable fields for custom resources', () => {
    expect(parseFieldSelector('spec.color=red', 'Shirt', 'example.com', ['spec.color'])).toHaveLength(1);
  });

  it('unescapes values and rejects malformed terms', () => {
    expect(parseFieldSelector('metadata.name=a\\,b\\=c', 'Secret', '')).toEqual([
      { field: 'metadata.name', operator: '=', value: 'a,b=c' },
    ]);
    expect(() => parseFieldSelector('metadata.name', 'Secret', '')).toThrow(
      "invalid selector: 'metadata.name'; can't understand 'metadata.name'",
    );
    expect(() => parseFieldSelector('metadata.name=a=b', 'Secret', '')).toThrow(/unescaped character/);
    expect(() => parseFieldSelector('metadata.name=a\\x', 'Secret', '')).toThrow(/invalid escape sequence/);
  });
});

describe('matchesFields', () => {
  const event = {
    metadata: { name: 'es1.17a', namespace: 'default' },
    involvedObject: { kind: 'ExternalSecret', name: 'es1', namespace: 'default', uid: 'u1' },
    reason: 'Updated',
    type: 'Normal',
    source: {},
    reportingComponent: 'kvsync',
  };

  it('matches the kubectl describe event query', () => {
    const selector =
      'involvedObject.name=es1,involvedObject.namespace=default,involvedObject.kind=ExternalSecret,involvedObject.uid=u1';
    expect(matchesFields(parseFieldSelector(selector, 'Event', ''), event, 'Event', '')).toBe(true);
    const other = parseFieldSelector('involvedObject.uid=u2', 'Event', '');
    expect(matchesFields(other, event, 'Event', '')).toBe(false);
  });

  it('reads core Event source from source.component, else reportingController', () => {
    const bySource = parseFieldSelector('source=kubelet', 'Event', '');
    expect(matchesFields(bySource, { ...event, source: { component: 'kubelet' } }, 'Event', '')).toBe(true);
    const byController = parseFieldSelector('source=kvsync-controller', 'Event', '');
    expect(
      matchesFields(byController, { ...event, reportingController: 'kvsync-controller' }, 'Event', ''),
    ).toBe(true);
  });

  it('reads missing fields as empty and renders booleans and numbers as text', () => {
    const pod = { metadata: { name: 'p' }, spec: { hostNetwork: false }, status: { phase: 'Pending' } };
    const unscheduled = parseFieldSelector('spec.nodeName=,spec.hostNetwork=false', 'Pod', '');
    expect(matchesFields(unscheduled, pod, 'Pod', '')).toBe(true);
    const notRunning = parseFieldSelector('status.phase!=Running', 'Pod', '');
    expect(matchesFields(notRunning, pod, 'Pod', '')).toBe(true);
    const rs = { metadata: { name: 'r' }, status: { replicas: 0 } };
    expect(
      matchesFields(parseFieldSelector('status.replicas=0', 'ReplicaSet', 'apps'), rs, 'ReplicaSet', 'apps'),
    ).toBe(true);
  });

  it('matches metadata.namespace as empty for cluster-scoped objects', () => {
    const ns = { metadata: { name: 'default' }, status: { phase: 'Active' } };
    expect(
      matchesFields(parseFieldSelector('metadata.namespace=', 'Namespace', ''), ns, 'Namespace', ''),
    ).toBe(true);
  });
});
