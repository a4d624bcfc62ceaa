/**
 * The parts of Kubernetes objects the reloader reads, as they arrive in JSON. Only the fields
 * used are declared; everything is optional because the API server omits empty fields.
 */

export interface Meta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
  }>;
}

/** A Secret or ConfigMap. `data` of a Secret is base64; the reloader never logs or reports it. */
export interface SourceObject {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  type?: string;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

export interface KeySelector {
  name?: string;
  key?: string;
  optional?: boolean;
}

export interface EnvVar {
  name: string;
  valueFrom?: { secretKeyRef?: KeySelector; configMapKeyRef?: KeySelector };
}

export interface EnvFromSource {
  secretRef?: { name?: string; optional?: boolean };
  configMapRef?: { name?: string; optional?: boolean };
}

export interface VolumeMount {
  name: string;
  mountPath?: string;
  subPath?: string;
  subPathExpr?: string;
}

export interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  volumeMounts?: VolumeMount[];
}

export interface ProjectionSource {
  secret?: { name?: string };
  configMap?: { name?: string };
}

export interface Volume {
  name: string;
  secret?: { secretName?: string };
  configMap?: { name?: string };
  projected?: { sources?: ProjectionSource[] };
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: PodSpec;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/** Deployment, StatefulSet, DaemonSet (and Argo Rollout): the fields the reloader reads. */
export interface WorkloadObject {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec?: {
    replicas?: number;
    paused?: boolean;
    selector?: { matchLabels?: Record<string, string> };
    template?: PodTemplate;
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
    /** Argo Rollout: pods created before this time (RFC 3339, whole seconds) are to be replaced. */
    restartAt?: string;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    numberReady?: number;
    phase?: string;
    /** Argo Rollout: the `spec.restartAt` its controller has completed (or cancelled by a template change). */
    restartedAt?: string;
    conditions?: Condition[];
  };
}

export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    running?: { startedAt?: string };
    waiting?: { reason?: string; message?: string };
    terminated?: { exitCode?: number; reason?: string };
  };
}

export interface PodObject {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec?: PodSpec;
  status?: {
    phase?: string;
    startTime?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}
