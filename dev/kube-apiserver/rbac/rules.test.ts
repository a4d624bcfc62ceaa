import { describe, expect, it } from 'vitest';
import type { NonResourceAttributes, ResourceAttributes } from './attributes.ts';
import { ruleAllows, type PolicyRule } from './rules.ts';
import { serviceAccountUser } from './user.ts';

const user = serviceAccountUser('kvsync', 'kvsync', 'uid-1');

function request(overrides: Partial<ResourceAttributes> = {}): ResourceAttributes {
  return {
    kind: 'resource',
    user,
    verb: 'get',
    apiGroup: '',
    namespace: 'default',
    resource: 'secrets',
    subresource: '',
    name: 'x',
    ...overrides,
  };
}

function path(path: string, verb = 'get'): NonResourceAttributes {
  return { kind: 'non-resource', user, verb, path };
}

const secretsRule: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets'] };

describe('ruleAllows on resource requests', () => {
  it('matches verb, group and resource exactly', () => {
    expect(ruleAllows(request(), secretsRule)).toBe(true);
    expect(ruleAllows(request({ verb: 'watch' }), secretsRule)).toBe(false);
    expect(ruleAllows(request({ apiGroup: 'apps' }), secretsRule)).toBe(false);
    expect(ruleAllows(request({ resource: 'configmaps' }), secretsRule)).toBe(false);
  });

  it('treats * as any verb, group or resource', () => {
    const all: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
    expect(
      ruleAllows(request({ verb: 'deletecollection', apiGroup: 'apps', resource: 'deployments' }), all),
    ).toBe(true);
    expect(ruleAllows(request({ subresource: 'status' }), all)).toBe(true);
  });

  it('needs the subresource named: a rule on the resource does not cover its subresources', () => {
    const status = request({
      apiGroup: 'external-secrets.io',
      resource: 'externalsecrets',
      subresource: 'status',
    });
    const main: PolicyRule = {
      verbs: ['update'],
      apiGroups: ['external-secrets.io'],
      resources: ['externalsecrets'],
    };
    const sub: PolicyRule = { ...main, resources: ['externalsecrets/status'] };
    expect(ruleAllows({ ...status, verb: 'update' }, main)).toBe(false);
    expect(ruleAllows({ ...status, verb: 'update' }, sub)).toBe(true);
    expect(ruleAllows({ ...status, verb: 'update', subresource: '' }, sub)).toBe(false);
  });

  it('matches */<subresource> on any resource', () => {
    const anyStatus: PolicyRule = { verbs: ['patch'], apiGroups: ['*'], resources: ['*/status'] };
    expect(ruleAllows(request({ verb: 'patch', resource: 'pods', subresource: 'status' }), anyStatus)).toBe(
      true,
    );
    expect(ruleAllows(request({ verb: 'patch', resource: 'pods', subresource: 'scale' }), anyStatus)).toBe(
      false,
    );
    expect(ruleAllows(request({ verb: 'patch', resource: 'pods' }), anyStatus)).toBe(false);
  });

  it('restricts to resourceNames, which never match a request without a name', () => {
    const named: PolicyRule = { ...secretsRule, resourceNames: ['x'] };
    expect(ruleAllows(request({ name: 'x' }), named)).toBe(true);
    expect(ruleAllows(request({ name: 'y' }), named)).toBe(false);
    expect(ruleAllows(request({ verb: 'list', name: '' }), named)).toBe(false);
  });

  it('ignores nonResourceURLs rules for resource requests', () => {
    expect(ruleAllows(request(), { verbs: ['*'], nonResourceURLs: ['*'] })).toBe(false);
  });
});

describe('ruleAllows on non-resource requests', () => {
  it('matches a URL exactly, or by prefix when the rule ends in *', () => {
    const rule: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/version', '/apis/*'] };
    expect(ruleAllows(path('/version'), rule)).toBe(true);
    expect(ruleAllows(path('/version/'), rule)).toBe(false);
    expect(ruleAllows(path('/apis/apps/v1'), rule)).toBe(true);
    expect(ruleAllows(path('/apis'), rule)).toBe(false);
    expect(ruleAllows(path('/version', 'post'), rule)).toBe(false);
  });

  it('treats * as any URL and ignores resource rules', () => {
    expect(ruleAllows(path('/anything'), { verbs: ['get'], nonResourceURLs: ['*'] })).toBe(true);
    expect(ruleAllows(path('/version'), { verbs: ['*'], apiGroups: ['*'], resources: ['*'] })).toBe(false);
  });
});
