import { describe, expect, it } from 'vitest';
import { parseResourcePath } from '../http/request.ts';
import { requestAttributes } from './attributes.ts';
import { ADMIN_USER } from './user.ts';

function attributesOf(method: string, url: string) {
  const parsed = new URL(url, 'https://emulator');
  const path = parseResourcePath(parsed.pathname);
  return requestAttributes(ADMIN_USER, method, parsed.pathname, path, parsed.searchParams);
}

describe('requestAttributes', () => {
  it('maps methods to verbs: get, list, watch, create, update, patch, delete, deletecollection', () => {
    const verb = (method: string, url: string) => (attributesOf(method, url) as { verb: string }).verb;
    expect(verb('GET', '/api/v1/namespaces/default/secrets/x')).toBe('get');
    expect(verb('GET', '/api/v1/namespaces/default/secrets')).toBe('list');
    expect(verb('GET', '/api/v1/namespaces/default/secrets?watch=true')).toBe('watch');
    expect(verb('GET', '/api/v1/namespaces/default/secrets?watch=1')).toBe('watch');
    expect(verb('POST', '/api/v1/namespaces/default/secrets')).toBe('create');
    expect(verb('PUT', '/api/v1/namespaces/default/secrets/x')).toBe('update');
    expect(verb('PATCH', '/api/v1/namespaces/default/secrets/x')).toBe('patch');
    expect(verb('DELETE', '/api/v1/namespaces/default/secrets/x')).toBe('delete');
    expect(verb('DELETE', '/api/v1/namespaces/default/secrets')).toBe('deletecollection');
  });

  it('reads group, namespace, resource, subresource and name from the path', () => {
    expect(
      attributesOf('PUT', '/apis/external-secrets.io/v1/namespaces/apps/externalsecrets/db/status'),
    ).toEqual({
      kind: 'resource',
      user: ADMIN_USER,
      verb: 'update',
      apiGroup: 'external-secrets.io',
      namespace: 'apps',
      resource: 'externalsecrets',
      subresource: 'status',
      name: 'db',
    });
    expect(attributesOf('POST', '/api/v1/namespaces/kvsync/serviceaccounts/kvsync/token')).toMatchObject({
      verb: 'create',
      resource: 'serviceaccounts',
      subresource: 'token',
      name: 'kvsync',
    });
    expect(attributesOf('GET', '/apis/apps/v1/deployments')).toMatchObject({ verb: 'list', namespace: '' });
  });

  it('names the object of a list or watch narrowed by a metadata.name field selector', () => {
    const url = '/api/v1/namespaces/default/secrets?watch=true&fieldSelector=metadata.name%3Dx';
    expect(attributesOf('GET', url)).toMatchObject({ verb: 'watch', name: 'x' });
    expect(
      attributesOf('GET', '/api/v1/secrets?fieldSelector=type%3Dopaque,metadata.name%3D%3Dy'),
    ).toMatchObject({
      verb: 'list',
      name: 'y',
    });
    expect(attributesOf('GET', '/api/v1/secrets?fieldSelector=metadata.name!%3Dy')).toMatchObject({
      name: '',
    });
  });

  it('puts a request on a namespace in that namespace, as upstream does', () => {
    expect(attributesOf('GET', '/api/v1/namespaces/apps')).toMatchObject({
      verb: 'get',
      resource: 'namespaces',
      namespace: 'apps',
      name: 'apps',
    });
    expect(attributesOf('PUT', '/api/v1/namespaces/apps/status')).toMatchObject({
      namespace: 'apps',
      subresource: 'status',
    });
    expect(attributesOf('GET', '/api/v1/namespaces')).toMatchObject({ verb: 'list', namespace: '' });
  });

  it('makes discovery, OpenAPI and health non-resource requests with the path as sent', () => {
    for (const url of ['/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/openapi/v3', '/version/'])
      expect(attributesOf('GET', url)).toEqual({
        kind: 'non-resource',
        user: ADMIN_USER,
        verb: 'get',
        path: url,
      });
  });
});
