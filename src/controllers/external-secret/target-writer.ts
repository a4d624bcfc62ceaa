import { createHash } from 'node:crypto';
import { FIELD_MANAGER_PREFIX, LABEL_CREATED_BY, type ExternalSecret } from '../../api/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { Clock, Informer } from '../../runtime/index.ts';
import { LatestWrites } from '../latest-writes.ts';
import { createdByLabelValue, dataHash } from './hash.ts';
import {
  checkImmutable,
  controllerOf,
  copiedMetadata,
  desiredSecret,
  secretUnchanged,
  type SecretObject,
} from './target.ts';

/**
 * The index of the managed-Secret cache that `deleteFormer` reads: `namespace/<created-by
 * label>`. Without it every sync would scan every managed Secret of the cluster.
 */
const CREATED_BY_INDEX = 'created-by';

function createdByIndexer(secret: SecretObject): string[] {
  const value = secret.metadata.labels?.[LABEL_CREATED_BY];
  return value ? [`${secret.metadata.namespace}/${value}`] : [];
}

/**
 * Reads and writes the target Secrets of ExternalSecrets: reads prefer this process's own last
 * write over an informer that has not caught up; writes go out only when something changed,
 * with ESO's field manager; deletes touch only Secrets the ExternalSecret controls.
 */

export type WriteResult = 'created' | 'updated' | 'unchanged';

export interface TargetWriterDeps {
  clock: Clock;
  kube: KubeClient;
  /** Managed Secrets (label `reconcile.external-secrets.io/managed=true`). */
  secrets: Informer<SecretObject>;
  /** Called after each Secret written or deleted. */
  onWritten(namespace: string, result: 'created' | 'updated' | 'deleted'): void;
}

/** The ExternalSecret as an object reference (events, owner references, status writes). */
export function esRef(es: ExternalSecret) {
  return {
    apiVersion: es.apiVersion ?? 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    namespace: es.metadata.namespace!,
    name: es.metadata.name!,
    uid: es.metadata.uid,
  };
}

/** The target Secret's name: `target.name`, else the ExternalSecret's own. */
export function targetName(es: ExternalSecret): string {
  return es.spec.target?.name || es.metadata.name!;
}

/** Longest field-manager name ESO writes as is; longer ones become a SHA3 form. */
const FIELD_MANAGER_MAX_LENGTH = 63;

/** ESO's field manager name for the Secret writes of one ExternalSecret. */
export function fieldManagerFor(esName: string): string {
  const name = `${FIELD_MANAGER_PREFIX}${esName}`;
  if (name.length <= FIELD_MANAGER_MAX_LENGTH) return name;
  return `${FIELD_MANAGER_PREFIX}sha3/${createHash('sha3-224').update(esName).digest('hex')}`;
}

export class TargetWriter {
  readonly #deps: TargetWriterDeps;
  readonly #written: LatestWrites<SecretObject>;

  constructor(deps: TargetWriterDeps) {
    this.#deps = deps;
    this.#written = new LatestWrites(() => deps.clock.now());
    deps.secrets.addIndex(CREATED_BY_INDEX, createdByIndexer);
    this.#written.follow(deps.secrets);
  }

  /** The target Secret now: the cache (or our newer write), else a GET for an unmanaged one. */
  async read(es: ExternalSecret): Promise<SecretObject | undefined> {
    const key = `${es.metadata.namespace}/${targetName(es)}`;
    const cached = this.#written.freshest(key, this.#deps.secrets.get(key));
    if (cached) return cached;
    return this.#deps.kube.get<SecretObject>({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: es.metadata.namespace!,
      name: targetName(es),
    });
  }

  /**
   * Writes `data` into the target as the ExternalSecret's policies say, when it changes
   * anything. Throws what `desiredSecret` and `checkImmutable` throw, and API errors.
   */
  async write(
    es: ExternalSecret,
    existing: SecretObject | undefined,
    data: Map<string, Buffer>,
  ): Promise<WriteResult> {
    const ref = esRef(es);
    const template = es.spec.target?.template;
    const desired = desiredSecret(
      {
        owner: { apiVersion: ref.apiVersion, name: ref.name, namespace: ref.namespace, uid: ref.uid ?? '' },
        secretName: targetName(es),
        creationPolicy: es.spec.target?.creationPolicy ?? 'Owner',
        immutable: es.spec.target?.immutable ?? false,
        ...(template?.type ? { type: template.type } : {}),
        ...copiedMetadata(es.metadata, template?.metadata),
      },
      existing,
      data,
      dataHash,
    );
    if (existing && secretUnchanged(existing, desired)) return 'unchanged';
    checkImmutable(existing, desired);
    const fieldManager = fieldManagerFor(ref.name);
    const written = existing
      ? await this.#deps.kube.replace<SecretObject>(desired, { fieldManager })
      : await this.#deps.kube.create<SecretObject>(desired, { fieldManager });
    this.#written.remember(`${ref.namespace}/${desired.metadata.name}`, written);
    const result = existing ? 'updated' : 'created';
    this.#deps.onWritten(ref.namespace, result);
    return result;
  }

  /** Deletes `existing` if `es` controls it; returns whether it did. */
  async delete(es: ExternalSecret, existing: SecretObject | undefined): Promise<boolean> {
    if (!existing || controllerOf(existing)?.uid !== es.metadata.uid) return false;
    const ref = {
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: es.metadata.namespace!,
      name: existing.metadata.name,
    };
    await this.#deps.kube.delete(ref, existing.metadata.uid ? { uid: existing.metadata.uid } : {});
    this.#written.forget(`${ref.namespace}/${ref.name}`);
    this.#deps.onWritten(ref.namespace, 'deleted');
    return true;
  }

  /**
   * ESO's cleanup after `target.name` changed under creationPolicy Owner: Secrets of the
   * namespace labelled created-by this ExternalSecret and controlled by it, other than the
   * current target. Returns the names deleted.
   */
  async deleteFormer(es: ExternalSecret): Promise<string[]> {
    const createdBy = createdByLabelValue(es.metadata.namespace!, es.metadata.name!);
    const former = this.#deps.secrets
      .byIndex(CREATED_BY_INDEX, `${es.metadata.namespace}/${createdBy}`)
      .filter(
        (secret) => secret.metadata.name !== targetName(es) && controllerOf(secret)?.uid === es.metadata.uid,
      );
    const deleted: string[] = [];
    for (const secret of former) if (await this.delete(es, secret)) deleted.push(secret.metadata.name);
    return deleted;
  }
}
