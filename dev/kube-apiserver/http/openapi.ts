import { createHash } from 'node:crypto';
import type { ResourceRegistry } from '../resources/registry.ts';

/**
 * A minimal OpenAPI v3: enough for kubectl's default `--validate=strict` to find that the server
 * supports `fieldValidation` (it then validates server-side); create-only review kinds get a
 * POST on their collection instead of PATCH and PUT. No component schemas, so
 * `kubectl explain` is out of scope. Documents carry a content hash; kubectl caches by URL.
 */

function pathKey(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function groupVersions(registry: ResourceRegistry): [group: string, version: string][] {
  return [...registry.groups()].flatMap(([group, { versions }]) =>
    versions.map((v): [string, string] => [group, v]),
  );
}

/** The document of one group version, or undefined when it is not served. */
export function openApiDocument(
  registry: ResourceRegistry,
  group: string,
  version: string,
): object | undefined {
  const types = registry
    .all()
    .filter((t) => t.group === group && t.versions.some((v) => v.name === version && v.served));
  if (types.length === 0) return undefined;
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const paths: Record<string, object> = {};
  for (const type of types) {
    const item = type.namespaced
      ? `${prefix}/namespaces/{namespace}/${type.resource}/{name}`
      : `${prefix}/${type.resource}/{name}`;
    const gvk = { group: type.group, version, kind: type.kind };
    const operation = (verb: string) => ({
      operationId: `${verb}${type.kind}`,
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
      parameters: [
        { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
        { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
      ],
      responses: { '200': { description: 'OK' } },
    });
    if (type.ephemeral) paths[item.slice(0, -'/{name}'.length)] = { post: operation('post') };
    else paths[item] = { patch: operation('patch'), put: operation('put') };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}

/** `/openapi/v3`: one entry per served group version, each URL carrying a content hash. */
export function openApiRoot(registry: ResourceRegistry): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, version] of groupVersions(registry)) {
    const document = JSON.stringify(openApiDocument(registry, group, version));
    const hash = createHash('sha512').update(document).digest('hex').slice(0, 32).toUpperCase();
    paths[pathKey(group, version)] = {
      serverRelativeURL: `/openapi/v3/${pathKey(group, version)}?hash=${hash}`,
    };
  }
  return { paths };
}
