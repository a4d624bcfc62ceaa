import { describe, expect, it } from 'vitest';
import { uniqueName } from './eventually.ts';
import { esPath, externalSecret, toYaml } from './fixtures.ts';
import {
  MERGE_PATCH,
  STRATEGIC_MERGE_PATCH,
  apiRequest,
  createObject,
  expectStatus,
  resourcePath,
  type StatusBody,
} from './http-helper.ts';
import { useKubeEnvironment } from './test-env.ts';

const secrets = resourcePath('v1', 'secrets', 'default');

/** The field names a 422 Status names, from its causes. */
function causeFields(status: StatusBody): string[] {
  return (status.details?.causes ?? []).map((cause) => cause.field ?? '');
}

describe('bad input gets the Status a real server returns, and the server keeps serving', () => {
  const env = useKubeEnvironment({ externalSecretCrd: true });

  it('malformed JSON in a create answers 400 BadRequest', async () => {
    const response = await apiRequest(env.server, secrets, {
      method: 'POST',
      body: '{"metadata": {"name": "x"',
    });
    expectStatus(response, 400, 'BadRequest');
  });

  it('a JSON body that is not an object answers 400 BadRequest', async () => {
    const response = await apiRequest(env.server, secrets, { method: 'POST', body: '[1, 2, 3]' });
    expectStatus(response, 400, 'BadRequest');
  });

  it('malformed YAML given to kubectl apply fails in kubectl, and nothing is created', async () => {
    const name = uniqueName('yaml');
    const result = await env.kubectl.run(['apply', '-f', '-'], {
      stdin: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n data: [unclosed\n`,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/error/i);
    expect((await apiRequest(env.server, resourcePath('v1', 'configmaps', 'default', name))).status).toBe(
      404,
    );
  });

  it('an unknown resource path answers 404 NotFound', async () => {
    for (const path of [
      '/apis/example.com/v1/namespaces/default/widgets',
      '/api/v1/namespaces/default/nonsense',
      '/apis/apps/v1/namespaces/default/deploymentz/x',
      '/not-an-api',
    ]) {
      const status = expectStatus(await apiRequest(env.server, path), 404, 'NotFound');
      expect(status.message, path).toBeTruthy();
    }
  });

  it('kubectl get of an unknown type says the server does not have it', async () => {
    const result = await env.kubectl.run(['get', 'widgets']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`the server doesn't have a resource type "widgets"`);
  });

  it('a missing object answers 404 NotFound with details', async () => {
    const status = expectStatus(await apiRequest(env.server, `${secrets}/nope`), 404, 'NotFound');
    expect(status.message).toBe('secrets "nope" not found');
    expect(status.details).toMatchObject({ name: 'nope', kind: 'secrets' });
  });

  it('creating in a missing namespace answers 404 NotFound for the namespace', async () => {
    const response = await apiRequest(env.server, resourcePath('v1', 'secrets', 'no-such-namespace'), {
      method: 'POST',
      body: { metadata: { name: 'x' }, stringData: { a: 'b' } },
    });
    const status = expectStatus(response, 404, 'NotFound');
    expect(status.message).toBe('namespaces "no-such-namespace" not found');
  });

  it('an invalid object name answers 422 Invalid naming metadata.name', async () => {
    const response = await apiRequest(env.server, secrets, {
      method: 'POST',
      body: { metadata: { name: 'Not_A_Valid_Name' }, stringData: { a: 'b' } },
    });
    const status = expectStatus(response, 422, 'Invalid');
    expect(status.message).toContain('Secret "Not_A_Valid_Name" is invalid');
    expect(status.details).toMatchObject({ name: 'Not_A_Valid_Name', kind: 'Secret' });
    expect(status.details?.causes).toEqual([
      expect.objectContaining({ reason: 'FieldValueInvalid', field: 'metadata.name' }),
    ]);
  });

  it('a name in the body that differs from the URL answers 400 BadRequest', async () => {
    const name = uniqueName('secret');
    await createObject(env.server, secrets, { metadata: { name }, stringData: { a: 'b' } });
    const response = await apiRequest(env.server, `${secrets}/${name}`, {
      method: 'PUT',
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'other-name' }, stringData: { a: 'c' } },
    });
    expectStatus(response, 400, 'BadRequest');
  });

  it('a custom resource of the wrong type answers 422 Invalid naming the field', async () => {
    const body = externalSecret({ name: uniqueName('es-type') });
    body.spec.refreshInterval = 5;
    const status = expectStatus(
      await apiRequest(env.server, esPath('default'), { method: 'POST', body }),
      422,
      'Invalid',
    );
    expect(status.message).toContain('spec.refreshInterval');
    expect(causeFields(status)).toContain('spec.refreshInterval');
    expect(status.details).toMatchObject({ group: 'external-secrets.io', kind: 'ExternalSecret' });
  });

  it('a custom resource missing a required field answers 422 Invalid with FieldValueRequired', async () => {
    const body = externalSecret({ name: uniqueName('es-required') });
    delete body.spec.secretStoreRef;
    const status = expectStatus(
      await apiRequest(env.server, esPath('default'), { method: 'POST', body }),
      422,
      'Invalid',
    );
    expect(status.message).toContain('spec.secretStoreRef');
    expect(status.details?.causes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'FieldValueRequired', field: 'spec.secretStoreRef' }),
      ]),
    );
  });

  it('a custom resource outside an enum answers 422 Invalid', async () => {
    const body = externalSecret({ name: uniqueName('es-enum') });
    body.spec.secretStoreRef = { name: 'store', kind: 'VaultOfSecrets' };
    const status = expectStatus(
      await apiRequest(env.server, esPath('default'), { method: 'POST', body }),
      422,
      'Invalid',
    );
    expect(causeFields(status)).toContain('spec.secretStoreRef.kind');
    expect(status.details?.causes).toEqual([expect.objectContaining({ reason: 'FieldValueNotSupported' })]);
  });

  it('a schema violation through a patch answers 422 and leaves the object alone', async () => {
    const name = uniqueName('es-patch-invalid');
    const created = await createObject(env.server, esPath('default'), externalSecret({ name }));
    const response = await apiRequest(env.server, esPath('default', name), {
      method: 'PATCH',
      contentType: MERGE_PATCH,
      body: { spec: { secretStoreRef: null } },
    });
    expectStatus(response, 422, 'Invalid');
    const stored = await apiRequest<{ metadata: { resourceVersion: string } }>(
      env.server,
      esPath('default', name),
    );
    expect(stored.json.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it('kubectl apply of an invalid custom resource prints the server error', async () => {
    const body = externalSecret({ name: uniqueName('es-kubectl') });
    body.spec.refreshInterval = 5;
    const result = await env.kubectl.run(['apply', '-f', '-'], { stdin: toYaml(body) });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/is invalid|Invalid value/);
    expect(result.stderr).toContain('spec.refreshInterval');
  });

  it('an unknown field with fieldValidation=Strict answers 400 naming the field', async () => {
    const body = externalSecret({ name: uniqueName('es-strict') });
    body.spec.refreshIntervall = '1h';
    const response = await apiRequest(env.server, `${esPath('default')}?fieldValidation=Strict`, {
      method: 'POST',
      body,
    });
    const status = expectStatus(response, 400, 'BadRequest');
    expect(status.message).toContain('refreshIntervall');
    expect(status.message).toMatch(/unknown field/);

    const secret = await apiRequest(env.server, `${secrets}?fieldValidation=Strict`, {
      method: 'POST',
      body: { metadata: { name: uniqueName('secret-strict') }, stringDatta: { a: 'b' } },
    });
    expect(expectStatus(secret, 400, 'BadRequest').message).toContain('stringDatta');
  });

  it('kubectl apply rejects an unknown field by default (strict validation)', async () => {
    const body = externalSecret({ name: uniqueName('es-typo') });
    body.spec.refreshIntervall = '1h';
    const result = await env.kubectl.run(['apply', '-f', '-'], { stdin: toYaml(body) });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('refreshIntervall');
  });

  it('an update with a stale resourceVersion answers 409 Conflict', async () => {
    const name = uniqueName('secret-stale');
    const created = await createObject(env.server, secrets, { metadata: { name }, stringData: { a: '1' } });
    const update = (value: string) =>
      apiRequest(env.server, `${secrets}/${name}`, {
        method: 'PUT',
        body: { ...created, stringData: { a: value } },
      });
    expect((await update('2')).status).toBe(200);
    const status = expectStatus(await update('3'), 409, 'Conflict');
    expect(status.details).toMatchObject({ name, kind: 'secrets' });

    const patch = await apiRequest(env.server, `${secrets}/${name}`, {
      method: 'PATCH',
      contentType: MERGE_PATCH,
      body: { metadata: { resourceVersion: created.metadata.resourceVersion }, stringData: { a: '4' } },
    });
    expectStatus(patch, 409, 'Conflict');
  });

  it('an unsupported patch content type answers 415 UnsupportedMediaType', async () => {
    const name = uniqueName('secret-415');
    await createObject(env.server, secrets, { metadata: { name }, stringData: { a: '1' } });
    const response = await apiRequest(env.server, `${secrets}/${name}`, {
      method: 'PATCH',
      contentType: 'text/plain',
      body: '{"metadata":{"labels":{"a":"b"}}}',
    });
    expectStatus(response, 415, 'UnsupportedMediaType');

    const es = uniqueName('es-415');
    await createObject(env.server, esPath('default'), externalSecret({ name: es }));
    const strategic = await apiRequest(env.server, esPath('default', es), {
      method: 'PATCH',
      contentType: STRATEGIC_MERGE_PATCH,
      body: { spec: { refreshInterval: '1m' } },
    });
    const status = expectStatus(strategic, 415, 'UnsupportedMediaType');
    expect(status.message).toContain('application/json-patch+json');
    expect(status.message).toContain('application/merge-patch+json');
  });

  it('an unsupported method answers 405 MethodNotAllowed', async () => {
    const response = await apiRequest(env.server, secrets, {
      method: 'PUT',
      body: { metadata: { name: 'x' } },
    });
    expectStatus(response, 405, 'MethodNotAllowed');
  });

  it('a malformed label selector and an unknown field selector answer 400 BadRequest', async () => {
    expectStatus(
      await apiRequest(env.server, `${secrets}?labelSelector=${encodeURIComponent('a in (b')}`),
      400,
      'BadRequest',
    );
    const status = expectStatus(
      await apiRequest(env.server, `${secrets}?fieldSelector=${encodeURIComponent('spec.nothing=x')}`),
      400,
      'BadRequest',
    );
    expect(status.message).toContain('spec.nothing');
  });

  it('a request without the token, or with a wrong one, answers 401 Unauthorized', async () => {
    expectStatus(await apiRequest(env.server, secrets, { token: null }), 401, 'Unauthorized');
    expectStatus(await apiRequest(env.server, secrets, { token: 'not-the-token' }), 401, 'Unauthorized');
  });

  it('a dryRun value other than All answers 400 BadRequest and stores nothing', async () => {
    const name = uniqueName('secret-dry');
    const response = await apiRequest(env.server, `${secrets}?dryRun=Sometimes`, {
      method: 'POST',
      body: { metadata: { name }, stringData: { a: 'b' } },
    });
    expectStatus(response, 400, 'BadRequest');
    expect((await apiRequest(env.server, `${secrets}/${name}`)).status).toBe(404);
  });

  // Declared last: vitest runs a file's tests in order.
  it('still serves after all of the above', async () => {
    const response = await apiRequest(env.server, '/api/v1/namespaces/default');
    expect(response.status).toBe(200);
    expect(await env.kubectl.ok(['get', 'namespace', 'default', '-o', 'name'])).toBe('namespace/default\n');
  });
});
