/**
 * Column descriptions, as the real printers take them from the API types' doc strings
 * (`SwaggerDoc()`). kubectl shows none of them; they are here so that the Table a client reads
 * looks like the real one.
 */

export const OBJECT_NAME =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

export const CREATION_TIMESTAMP =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export const NAMESPACE_STATUS = 'The status of the namespace';

export const SECRET_TYPE =
  'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types';

export const SECRET_DATA =
  "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4";

export const CONFIG_MAP_DATA =
  "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.";

export const SERVICE_ACCOUNT_SECRETS =
  'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret';

export const POD_READY = 'The aggregate readiness state of this pod for accepting traffic.';
export const POD_STATUS = 'The aggregate status of the containers in this pod.';
export const POD_RESTARTS =
  'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.';
export const POD_IP =
  'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.';
export const POD_NODE_NAME =
  'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename';
export const POD_NOMINATED_NODE_NAME =
  'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.';
export const POD_READINESS_GATES =
  'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates';

export const EVENT_LAST_SEEN = 'The time at which the most recent occurrence of this event was recorded.';
export const EVENT_TYPE = 'Type of this event (Normal, Warning), new types could be added in the future';
export const EVENT_REASON =
  "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.";
export const EVENT_OBJECT = 'The object that this event is about.';
export const EVENT_SUBOBJECT =
  'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.';
export const EVENT_SOURCE =
  'The component reporting this event. Should be a short machine understandable string.';
export const EVENT_MESSAGE = 'A human-readable description of the status of this operation.';
export const EVENT_FIRST_SEEN =
  'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)';
export const EVENT_COUNT = 'The number of times this event has occurred.';

export const WORKLOAD_READY = 'Number of the pod with ready state';
export const TEMPLATE_CONTAINERS = 'Names of each container in the template.';
export const TEMPLATE_IMAGES = 'Images referenced by each container in the template.';
export const DEPLOYMENT_UPDATED =
  'Total number of non-terminated pods targeted by this deployment that have the desired template spec.';
export const DEPLOYMENT_AVAILABLE =
  'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.';
export const DEPLOYMENT_SELECTOR =
  'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.';
export const REPLICA_SET_DESIRED =
  'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller';
export const REPLICA_SET_CURRENT =
  'Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller';
export const REPLICA_SET_READY = 'The number of ready replicas for this replica set.';
export const REPLICA_SET_SELECTOR =
  'Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors';
export const DAEMON_SET_DESIRED =
  'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/';
export const DAEMON_SET_CURRENT =
  'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/';
export const DAEMON_SET_READY =
  'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.';
export const DAEMON_SET_UPDATED = 'The total number of nodes that are running updated daemon pod';
export const DAEMON_SET_AVAILABLE =
  'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)';
export const DAEMON_SET_NODE_SELECTOR =
  "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/";
export const DAEMON_SET_SELECTOR =
  'A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors';

export const LEASE_HOLDER = 'holderIdentity contains the identity of the holder of a current lease.';

/** The default CRD column description, followed by the column's JSONPath. */
export const CRD_COLUMN_PREFIX = 'Custom resource definition column (in JSONPath format): ';
