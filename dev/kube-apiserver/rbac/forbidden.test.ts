import { describe, expect, it } from 'vitest';
import type { ResourceAttributes } from './attributes.ts';
import { forbidden } from './forbidden.ts';
import { serviceAccountUser } from './user.ts';

const user = serviceAccountUser('kvsync', 'kvsync', 'uid-1');
const getSecret: ResourceAttributes = {
  kind: 'resource',
  user,
  verb: 'get',
  apiGroup: '',
  namespace: 'default',
  resource: 'secrets',
  subresource: '',
  name: 'x',
};

describe('forbidden', () => {
  it('words a named object in a namespace exactly as apiserver does', () => {
    expect(forbidden(getSecret, '').toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'secrets "x" is forbidden: User "system:serviceaccount:kvsync:kvsync" cannot get resource "secrets" in API group "" in the namespace "default"',
      reason: 'Forbidden',
      details: { name: 'x', kind: 'secrets' },
      code: 403,
    });
  });

  it('qualifies the resource by group, names the subresource, and says "at the cluster scope"', () => {
    const status = forbidden(
      {
        ...getSecret,
        verb: 'list',
        apiGroup: 'external-secrets.io',
        resource: 'externalsecrets',
        namespace: '',
        name: '',
      },
      '',
    ).toStatus();
    expect(status.message).toBe(
      'externalsecrets.external-secrets.io is forbidden: User "system:serviceaccount:kvsync:kvsync" cannot list resource "externalsecrets" in API group "external-secrets.io" at the cluster scope',
    );
    expect(status.details).toEqual({ group: 'external-secrets.io', kind: 'externalsecrets' });
    const sub = forbidden(
      {
        ...getSecret,
        verb: 'patch',
        apiGroup: 'external-secrets.io',
        resource: 'externalsecrets',
        subresource: 'status',
        name: 'db',
      },
      '',
    );
    expect(sub.message).toBe(
      'externalsecrets.external-secrets.io "db" is forbidden: User "system:serviceaccount:kvsync:kvsync" cannot patch resource "externalsecrets/status" in API group "external-secrets.io" in the namespace "default"',
    );
  });

  it('appends the authorizer reason and words non-resource paths', () => {
    expect(forbidden(getSecret, 'RBAC: role.rbac.authorization.k8s.io "r" not found').message).toMatch(
      /in the namespace "default": RBAC: role\.rbac\.authorization\.k8s\.io "r" not found$/,
    );
    const status = forbidden({ kind: 'non-resource', user, verb: 'get', path: '/apis' }, '').toStatus();
    expect(status.message).toBe(
      'forbidden: User "system:serviceaccount:kvsync:kvsync" cannot get path "/apis"',
    );
    expect(status.details).toEqual({});
  });
});
