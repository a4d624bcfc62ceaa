import { describe, expect, it } from 'vitest';
import { evaluateJsonPath, evaluateParsedJsonPath } from './jsonpath-evaluate.ts';
import { JsonPathSyntaxError, parseJsonPath } from './jsonpath-parse.ts';

const pod = {
  metadata: {
    name: 'web-0',
    labels: { 'app.kubernetes.io/name': 'web', tier: 'front' },
    annotations: { note: null },
  },
  spec: {
    containers: [
      { name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }, { containerPort: 443 }] },
      { name: 'sidecar', image: 'envoy:1.30', ports: [{ containerPort: 9901 }] },
    ],
  },
  status: {
    conditions: [
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady', observedGeneration: 3 },
      { type: 'Synced', status: 'True', ok: true },
    ],
  },
};

describe('evaluateJsonPath: paths', () => {
  it('follows dotted fields', () => {
    expect(evaluateJsonPath('.metadata.name', pod)).toEqual(['web-0']);
    expect(evaluateJsonPath('{.metadata.name}', pod)).toEqual(['web-0']);
    expect(evaluateJsonPath('$.metadata.name', pod)).toEqual(['web-0']);
  });

  it('selects nothing for a missing key or a field of a scalar', () => {
    expect(evaluateJsonPath('.spec.secretStoreRef.name', pod)).toEqual([]);
    expect(evaluateJsonPath('.metadata.name.length', pod)).toEqual([]);
  });

  it('returns a selected null but does not walk into it', () => {
    expect(evaluateJsonPath('.metadata.annotations.note', pod)).toEqual([null]);
    expect(evaluateJsonPath('.metadata.annotations.note.x', pod)).toEqual([]);
  });

  it('reads keys with dots through backslash escapes, dotted or bracketed', () => {
    expect(evaluateJsonPath('.metadata.labels.app\\.kubernetes\\.io/name', pod)).toEqual(['web']);
    expect(evaluateJsonPath("{.metadata.labels['app\\.kubernetes\\.io/name']}", pod)).toEqual(['web']);
    expect(evaluateJsonPath(".metadata.labels['tier']", pod)).toEqual(['front']);
  });

  it('reads an unescaped dotted bracket key as nested fields, as upstream does', () => {
    expect(evaluateJsonPath("{.metadata.labels['app.kubernetes.io/name']}", pod)).toEqual([]);
  });

  it('indexes arrays, from the end too', () => {
    expect(evaluateJsonPath('.spec.containers[0].name', pod)).toEqual(['app']);
    expect(evaluateJsonPath('.spec.containers[-1].name', pod)).toEqual(['sidecar']);
  });

  it('selects nothing for an index out of range or on a map', () => {
    expect(evaluateJsonPath('.spec.containers[2].name', pod)).toEqual([]);
    expect(evaluateJsonPath('.metadata[0]', pod)).toEqual([]);
  });

  it('slices, with steps', () => {
    const object = { a: [0, 1, 2, 3, 4, 5] };
    expect(evaluateJsonPath('.a[1:3]', object)).toEqual([1, 2]);
    expect(evaluateJsonPath('.a[:2]', object)).toEqual([0, 1]);
    expect(evaluateJsonPath('.a[4:]', object)).toEqual([4, 5]);
    expect(evaluateJsonPath('.a[-2:]', object)).toEqual([4, 5]);
    expect(evaluateJsonPath('.a[::2]', object)).toEqual([0, 2, 4]);
    expect(evaluateJsonPath('.a[2:2]', object)).toEqual([]);
    expect(evaluateJsonPath('.a[0:9]', object)).toEqual([]);
  });

  it('expands [*] and .* into every element', () => {
    expect(evaluateJsonPath('.spec.containers[*].image', pod)).toEqual(['nginx:1.27', 'envoy:1.30']);
    expect(evaluateJsonPath('.spec.containers[*].ports[*].containerPort', pod)).toEqual([80, 443, 9901]);
    expect(evaluateJsonPath('.spec.containers.*.name', pod)).toEqual(['app', 'sidecar']);
    expect(evaluateJsonPath('.metadata.labels.*', pod)).toEqual(['web', 'front']);
  });

  it('takes unions of indexes and keys', () => {
    expect(evaluateJsonPath('.spec.containers[0,1].name', pod)).toEqual(['app', 'sidecar']);
    expect(evaluateJsonPath("{.metadata['name','labels']}", pod)).toEqual(['web-0', pod.metadata.labels]);
  });

  it('descends recursively with ..', () => {
    expect(evaluateJsonPath('..containerPort', pod)).toEqual([80, 443, 9901]);
    expect(evaluateJsonPath('.spec..name', pod)).toEqual(['app', 'sidecar']);
  });

  it('returns the whole object for @ alone', () => {
    expect(evaluateJsonPath('@', { a: 1 })).toEqual([{ a: 1 }]);
  });
});

describe('evaluateJsonPath: filters', () => {
  it('selects condition fields by type', () => {
    expect(evaluateJsonPath('.status.conditions[?(@.type=="Ready")].reason', pod)).toEqual([
      'ContainersNotReady',
    ]);
    expect(evaluateJsonPath(".status.conditions[?(@.type=='Ready')].status", pod)).toEqual(['False']);
    expect(evaluateJsonPath('.status.conditions[?(@.type == "Ready")].status', pod)).toEqual(['False']);
  });

  it('selects nothing when no element matches or the array is missing', () => {
    expect(evaluateJsonPath('.status.conditions[?(@.type=="Gone")].reason', pod)).toEqual([]);
    expect(evaluateJsonPath('.status.other[?(@.type=="Ready")].reason', pod)).toEqual([]);
  });

  it('supports != and skips elements without the field', () => {
    expect(evaluateJsonPath('.status.conditions[?(@.type!="Ready")].type', pod)).toEqual([
      'Initialized',
      'Synced',
    ]);
    expect(evaluateJsonPath('.status.conditions[?(@.reason!="x")].type', pod)).toEqual(['Ready']);
  });

  it('compares numbers and booleans', () => {
    expect(evaluateJsonPath('.status.conditions[?(@.observedGeneration==3)].type', pod)).toEqual(['Ready']);
    expect(evaluateJsonPath('.status.conditions[?(@.observedGeneration>=2.5)].type', pod)).toEqual(['Ready']);
    expect(evaluateJsonPath('.status.conditions[?(@.ok==true)].type', pod)).toEqual(['Synced']);
    expect(evaluateJsonPath('.spec.containers[*].ports[?(@.containerPort<100)].containerPort', pod)).toEqual([
      80,
    ]);
  });

  it('selects elements where a field exists', () => {
    expect(evaluateJsonPath('.status.conditions[?(@.reason)].type', pod)).toEqual(['Ready']);
  });

  it('filters arrays of scalars with @', () => {
    expect(evaluateJsonPath('.hosts[?(@ == "b")]', { hosts: ['a', 'b'] })).toEqual(['b']);
  });

  it('selects nothing when types cannot be compared, as the real evaluator fails', () => {
    expect(evaluateJsonPath('.status.conditions[?(@.type==3)].type', pod)).toEqual([]);
  });

  it('accepts a quoted value containing a parenthesis', () => {
    const object = { items: [{ name: 'a)b', v: 1 }] };
    expect(evaluateJsonPath('.items[?(@.name=="a)b")].v', object)).toEqual([1]);
  });
});

describe('parseJsonPath', () => {
  it.each([
    ['.a[', 'unterminated array'],
    ['.a[x]', 'invalid array index'],
    ['.a[?(@.b=="c"', 'unterminated filter'],
    ['.a[?(@.b=c)]', 'unrecognized filter operator ='],
    ['.a[?(@.b=="c")', 'expected ]'],
    ['.a "b', 'unterminated quoted string'],
    ['{.a', 'unclosed action'],
    ['.a range', 'unrecognized identifier range'],
    ['.a !b', 'unrecognized character'],
    ['.a.b}', 'unrecognized character'],
    ['', 'empty expression'],
    ['.a[1-2]', 'invalid array index'],
  ])('rejects %j (%s)', (expression, message) => {
    expect(() => parseJsonPath(expression)).toThrow(JsonPathSyntaxError);
    expect(() => parseJsonPath(expression)).toThrow(message);
  });

  it('throws from evaluateJsonPath with a permanent code', () => {
    try {
      evaluateJsonPath('.a[', {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(JsonPathSyntaxError);
      expect((error as JsonPathSyntaxError).code).toBe('InvalidJSONPath');
    }
  });

  it('parses filters into left, operator and right', () => {
    expect(parseJsonPath('.c[?(@.type=="Ready")]')).toEqual([
      { type: 'field', name: 'c' },
      {
        type: 'filter',
        operator: '==',
        left: [{ type: 'field', name: 'type' }],
        right: [{ type: 'literal', value: 'Ready' }],
      },
    ]);
  });

  it('lets a parsed expression be evaluated many times', () => {
    const nodes = parseJsonPath('.a');
    expect(evaluateParsedJsonPath(nodes, { a: 1 })).toEqual([1]);
    expect(evaluateParsedJsonPath(nodes, { a: 2 })).toEqual([2]);
  });
});
