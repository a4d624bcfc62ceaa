/** The Kubernetes API emulator: an HTTPS server that kubectl and client-node accept unchanged. */
export { startKubeApiServer, type KubeApiServer, type KubeApiServerOptions } from './server.ts';
export { createCluster, type Cluster, type ClusterOptions, INITIAL_NAMESPACES } from './cluster.ts';
export { KubeStatusError } from './errors.ts';
export type { KubeObject, ObjectMeta } from './types.ts';
export type { AuthorizationRecord } from './rbac/audit.ts';
