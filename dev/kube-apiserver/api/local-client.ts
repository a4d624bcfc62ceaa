import type { StoreEvent, StoreListener } from '../storage/store.ts';
import { storageVersion } from '../resources/resource-type.ts';
import type { KubeObject } from '../types.ts';
import { deleteObject, type DeleteOptions, type DeleteResult } from './delete.ts';
import { listObjects } from './list.ts';
import { toServed } from './objects.ts';
import type { ObjectApi, Target } from './object-api.ts';
import { patchObject } from './patch.ts';

/**
 * The in-process client of the simulated controllers (garbage collector, workload controllers,
 * kubelet). It goes through the same semantics as HTTP requests, in each type's storage version,
 * so controllers see exactly what clients see. Resources are named `group/resource`, or just
 * `resource` for the core group: `apps/deployments`, `pods`.
 */
export class LocalClient {
  readonly api: ObjectApi;

  constructor(api: ObjectApi) {
    this.api = api;
  }

  /** Resolves a resource name; throws when the type is not served (e.g. a CRD not yet created). */
  target(resource: string, namespace?: string): Target {
    const [group, plural] = resource.includes('/') ? resource.split('/', 2) : ['', resource];
    const type = this.api.registry.find(group!, plural!);
    if (!type) throw new Error(`resource ${resource} is not served`);
    return { type, version: storageVersion(type).name, namespace };
  }

  /** True when the resource is served right now. */
  serves(resource: string): boolean {
    const [group, plural] = resource.includes('/') ? resource.split('/', 2) : ['', resource];
    return this.api.registry.find(group!, plural!) !== undefined;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.api.find(this.target(resource, namespace), name);
  }

  /** Objects of one namespace, or of all namespaces when `namespace` is undefined. */
  list(resource: string, namespace?: string, labelSelector?: string): KubeObject[] {
    return listObjects(this.api, this.target(resource, namespace), { labelSelector }).items;
  }

  create(resource: string, object: KubeObject): KubeObject {
    return this.api.create(this.target(resource, object.metadata.namespace), object).object;
  }

  /** Replaces the object; a resourceVersion in it is checked (409 on conflict). */
  update(resource: string, object: KubeObject): KubeObject {
    const { namespace, name } = object.metadata;
    return this.api.update(this.target(resource, namespace), name!, object).object;
  }

  /** Replaces the status only. */
  updateStatus(resource: string, object: KubeObject): KubeObject {
    const { namespace, name } = object.metadata;
    return this.api.update(this.target(resource, namespace), name!, object, { subresource: 'status' }).object;
  }

  /** JSON merge patch of the main resource (or of its status). */
  mergePatch(
    resource: string,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    subresource?: 'status',
  ): KubeObject {
    const options = subresource ? { subresource } : {};
    return patchObject(this.api, this.target(resource, namespace), name, 'merge', patch, options).object;
  }

  /** Deletes; undefined when the object is already gone. */
  delete(
    resource: string,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): DeleteResult | undefined {
    const target = this.target(resource, namespace);
    if (!this.api.find(target, name)) return undefined;
    return deleteObject(this.api, target, name, options);
  }

  /** Calls `listener` synchronously on every change of `resource`. Returns the unsubscribe function. */
  onChange(resource: string, listener: StoreListener): () => void {
    return this.api.store.subscribe(this.target(resource).type.bucket, listener);
  }

  /** Calls `listener` on every change of every resource (objects in storage form). */
  onAnyChange(listener: StoreListener): () => void {
    return this.api.store.subscribeAll(listener);
  }

  /** The served (storage-version) form of an object carried by a store event. */
  served(resource: string, event: StoreEvent): KubeObject {
    const { type, version } = this.target(resource);
    return toServed(type, version, event.object);
  }
}
