import { unsupportedMediaType } from '../errors.ts';
import { formatTime } from '../api/objects.ts';

/**
 * Decoding of the protobuf bodies that kubectl's typed clients send (`kubectl create namespace`,
 * `create secret`, `create configmap`, `create serviceaccount`, `create token`, `create role`
 * and the other RBAC kinds, `auth can-i`, `auth whoami`): client-go sends
 * `application/vnd.kubernetes.protobuf` for built-in types and does not fall back to JSON on 415.
 * The emulator reads those few messages into their JSON form and answers in JSON, which
 * client-go accepts. Any other protobuf body gets 415.
 */

type Scalar = 'string' | 'bytes' | 'int' | 'bool' | 'time';
interface FieldSpec {
  name: string;
  type: Scalar | 'message' | 'map';
  message?: MessageSpec;
  repeated?: boolean;
  /** For maps: how values are encoded (bytes become base64 strings, as in JSON). */
  values?: 'string' | 'bytes';
}
type MessageSpec = Record<number, FieldSpec>;

const s = (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, type: 'string', ...extra });
const message = (name: string, spec: MessageSpec, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type: 'message',
  message: spec,
  ...extra,
});

const OWNER_REFERENCE: MessageSpec = {
  1: s('kind'),
  3: s('name'),
  4: s('uid'),
  5: s('apiVersion'),
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};

const OBJECT_META: MessageSpec = {
  1: s('name'),
  2: s('generateName'),
  3: s('namespace'),
  5: s('uid'),
  6: s('resourceVersion'),
  7: { name: 'generation', type: 'int' },
  11: { name: 'labels', type: 'map', values: 'string' },
  12: { name: 'annotations', type: 'map', values: 'string' },
  13: message('ownerReferences', OWNER_REFERENCE, { repeated: true }),
  14: s('finalizers', { repeated: true }),
};

const OBJECT_REFERENCE: MessageSpec = {
  1: s('kind'),
  2: s('namespace'),
  3: s('name'),
  4: s('uid'),
  5: s('apiVersion'),
};

const MESSAGES: Record<string, MessageSpec> = {
  'v1/Namespace': {
    1: message('metadata', OBJECT_META),
    2: message('spec', { 1: s('finalizers', { repeated: true }) }),
  },
  'v1/Secret': {
    1: message('metadata', OBJECT_META),
    2: { name: 'data', type: 'map', values: 'bytes' },
    3: s('type'),
    4: { name: 'stringData', type: 'map', values: 'string' },
    5: { name: 'immutable', type: 'bool' },
  },
  'v1/ConfigMap': {
    1: message('metadata', OBJECT_META),
    2: { name: 'data', type: 'map', values: 'string' },
    3: { name: 'binaryData', type: 'map', values: 'bytes' },
    4: { name: 'immutable', type: 'bool' },
  },
  'v1/ServiceAccount': {
    1: message('metadata', OBJECT_META),
    2: message('secrets', OBJECT_REFERENCE, { repeated: true }),
    3: message('imagePullSecrets', { 1: s('name') }, { repeated: true }),
    4: { name: 'automountServiceAccountToken', type: 'bool' },
  },
  'authentication.k8s.io/v1/TokenRequest': {
    1: message('metadata', OBJECT_META),
    2: message('spec', {
      1: s('audiences', { repeated: true }),
      3: message('boundObjectRef', { 1: s('kind'), 2: s('apiVersion'), 3: s('name'), 4: s('uid') }),
      4: { name: 'expirationSeconds', type: 'int' },
    }),
  },
};

const RESOURCE_ATTRIBUTES: MessageSpec = {
  1: s('namespace'),
  2: s('verb'),
  3: s('group'),
  4: s('version'),
  5: s('resource'),
  6: s('subresource'),
  7: s('name'),
};
const NON_RESOURCE_ATTRIBUTES: MessageSpec = { 1: s('path'), 2: s('verb') };
const ACCESS_REVIEW_SPEC: MessageSpec = {
  1: message('resourceAttributes', RESOURCE_ATTRIBUTES),
  2: message('nonResourceAttributes', NON_RESOURCE_ATTRIBUTES),
};
const SUBJECT_ACCESS_REVIEW_SPEC: MessageSpec = {
  ...ACCESS_REVIEW_SPEC,
  3: s('user'),
  4: s('groups', { repeated: true }),
  6: s('uid'),
};

const POLICY_RULE: MessageSpec = {
  1: s('verbs', { repeated: true }),
  2: s('apiGroups', { repeated: true }),
  3: s('resources', { repeated: true }),
  4: s('resourceNames', { repeated: true }),
  5: s('nonResourceURLs', { repeated: true }),
};
const LABEL_SELECTOR: MessageSpec = {
  1: { name: 'matchLabels', type: 'map', values: 'string' },
  2: message(
    'matchExpressions',
    { 1: s('key'), 2: s('operator'), 3: s('values', { repeated: true }) },
    { repeated: true },
  ),
};
const ROLE_BINDING: MessageSpec = {
  1: message('metadata', OBJECT_META),
  2: message(
    'subjects',
    { 1: s('kind'), 2: s('apiGroup'), 3: s('name'), 4: s('namespace') },
    { repeated: true },
  ),
  3: message('roleRef', { 1: s('apiGroup'), 2: s('kind'), 3: s('name') }),
};

/** The RBAC kinds of `kubectl create role|clusterrole|rolebinding|clusterrolebinding`. */
const RBAC_MESSAGES: Record<string, MessageSpec> = {
  'rbac.authorization.k8s.io/v1/Role': {
    1: message('metadata', OBJECT_META),
    2: message('rules', POLICY_RULE, { repeated: true }),
  },
  'rbac.authorization.k8s.io/v1/ClusterRole': {
    1: message('metadata', OBJECT_META),
    2: message('rules', POLICY_RULE, { repeated: true }),
    3: message('aggregationRule', { 1: message('clusterRoleSelectors', LABEL_SELECTOR, { repeated: true }) }),
  },
  'rbac.authorization.k8s.io/v1/RoleBinding': ROLE_BINDING,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ROLE_BINDING,
};

/** The access reviews kubectl's typed clients send (`kubectl auth can-i`, `auth whoami`). */
const REVIEW_MESSAGES: Record<string, MessageSpec> = {
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: message('metadata', OBJECT_META),
    2: message('spec', ACCESS_REVIEW_SPEC),
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': {
    1: message('metadata', OBJECT_META),
    2: message('spec', { 1: s('namespace') }),
  },
  'authorization.k8s.io/v1/SubjectAccessReview': {
    1: message('metadata', OBJECT_META),
    2: message('spec', SUBJECT_ACCESS_REVIEW_SPEC),
  },
  'authorization.k8s.io/v1/LocalSubjectAccessReview': {
    1: message('metadata', OBJECT_META),
    2: message('spec', SUBJECT_ACCESS_REVIEW_SPEC),
  },
  'authentication.k8s.io/v1/SelfSubjectReview': { 1: message('metadata', OBJECT_META) },
};

const ENVELOPE: MessageSpec = {
  1: message('typeMeta', { 1: s('apiVersion'), 2: s('kind') }),
  2: { name: 'raw', type: 'bytes' },
  3: s('contentEncoding'),
  4: s('contentType'),
};

class Reader {
  readonly #bytes: Buffer;
  position = 0;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  get done(): boolean {
    return this.position >= this.#bytes.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.#bytes[this.position++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  bytes(): Buffer {
    const length = Number(this.varint());
    const start = this.position;
    this.position += length;
    if (this.position > this.#bytes.length) throw new Error('truncated field');
    return this.#bytes.subarray(start, this.position);
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.position += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.position += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

function decodeScalar(type: Scalar, reader: Reader): unknown {
  switch (type) {
    case 'string':
      return reader.bytes().toString('utf8');
    case 'bytes':
      return reader.bytes().toString('base64');
    case 'int':
      return Number(reader.varint());
    case 'bool':
      return reader.varint() !== 0n;
    case 'time': {
      const time = decodeMessage(reader.bytes(), { 1: { name: 'seconds', type: 'int' } }) as {
        seconds?: number;
      };
      return formatTime(new Date((time.seconds ?? 0) * 1000));
    }
  }
}

function decodeMapEntry(bytes: Buffer, values: 'string' | 'bytes'): [string, unknown] {
  const entry = decodeMessage(bytes, { 1: s('key'), 2: { name: 'value', type: values } }) as {
    key?: string;
    value?: unknown;
  };
  return [entry.key ?? '', entry.value ?? ''];
}

function decodeMessage(bytes: Buffer, spec: MessageSpec): Record<string, unknown> {
  const reader = new Reader(bytes);
  const out: Record<string, unknown> = {};
  while (!reader.done) {
    const key = Number(reader.varint());
    const field = spec[key >> 3];
    if (!field) {
      reader.skip(key & 7);
      continue;
    }
    let value: unknown;
    if (field.type === 'message') value = decodeMessage(reader.bytes(), field.message!);
    else if (field.type === 'map') {
      const [k, v] = decodeMapEntry(reader.bytes(), field.values ?? 'string');
      out[field.name] = { ...(out[field.name] as object), [k]: v };
      continue;
    } else value = decodeScalar(field.type, reader);
    // gogo-protobuf writes Go zero values; in JSON they are simply absent.
    if (!field.repeated && (value === '' || value === 0)) continue;
    if (field.repeated) out[field.name] = [...((out[field.name] as unknown[]) ?? []), value];
    else out[field.name] = value;
  }
  return out;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The JSON form of a protobuf-encoded Kubernetes object; 415 for kinds this emulator cannot read. */
export function decodeKubernetesProtobuf(body: Buffer): Record<string, unknown> {
  const unsupported = () => unsupportedMediaType(['application/json', 'application/yaml']);
  if (!body.subarray(0, 4).equals(MAGIC)) throw unsupported();
  const envelope = decodeMessage(body.subarray(4), ENVELOPE) as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: string;
  };
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  const key = `${apiVersion}/${kind}`;
  const spec = MESSAGES[key] ?? RBAC_MESSAGES[key] ?? REVIEW_MESSAGES[key];
  if (!spec || envelope.raw === undefined) throw unsupported();
  return { apiVersion, kind, ...decodeMessage(Buffer.from(envelope.raw, 'base64'), spec) };
}
