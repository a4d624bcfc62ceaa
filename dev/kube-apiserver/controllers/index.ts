import type { LocalClient } from '../api/local-client.ts';
import { KubeStatusError } from '../errors.ts';
import { createArgoRolloutController } from './argo-rollout-controller.ts';
import { realClock, type ControllerClock } from './clock.ts';
import { createClusterRoleAggregationController } from './cluster-role-aggregation-controller.ts';
import { ControllerManager, type ControllerErrorHandler } from './controller-manager.ts';
import { createDaemonSetController } from './daemon-set-controller.ts';
import { createDeploymentController } from './deployment-controller.ts';
import { createGarbageCollector } from './garbage-collector.ts';
import { createKubelet } from './kubelet.ts';
import { createNamespaceController } from './namespace-controller.ts';
import { createReplicaSetController } from './replica-set-controller.ts';
import { createServiceAccountController } from './service-account-controller.ts';
import { createStatefulSetController } from './stateful-set-controller.ts';

/**
 * The simulated cluster controllers that run inside the emulator: garbage collector, namespace
 * lifecycle, default ServiceAccounts, ClusterRole aggregation, Deployment, ReplicaSet, StatefulSet and DaemonSet
 * controllers, an Argo Rollouts stand-in (once its CRD exists), and the kubelet of one node. See
 * README.md for what they model and what not.
 */

export { ManualClock, realClock, type ControllerClock, type TimerHandle } from './clock.ts';
export type { ControllerErrorHandler } from './controller-manager.ts';
export { POD_BEHAVIOR_ANNOTATION, type PodBehavior } from './pod-status.ts';
export { NODE_NAME } from './workload-helpers.ts';
export { DEPLOYMENT_CONDITION, DEPLOYMENT_REASON } from './deployment-status.ts';
export { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION } from './deployment-controller.ts';
export {
  argoRolloutsCrd,
  ROLLOUTS_POD_TEMPLATE_HASH_LABEL,
  ROLLOUTS_RESOURCE,
} from './argo-rollout-controller.ts';

export interface ControllerOptions {
  /** Time for delays and deadlines (default: real time). */
  clock?: ControllerClock;
  /** Time between a pod's creation and its start by the kubelet (default 20 ms). */
  podStartDelayMs?: number;
  /**
   * Called when a reconcile fails with anything but a 409 (the key is retried with back-off).
   * Default: API errors (`KubeStatusError`) are ignored, anything else is a bug and is logged.
   */
  onError?: ControllerErrorHandler;
}

export interface RunningControllers {
  /** Stops reacting to changes and cancels timers. Idempotent. */
  stop(): void;
  /** Resolves when no work is queued or in flight. Pending timers (start delays, deadlines) are not work. */
  idle(): Promise<void>;
}

const logUnexpected: ControllerErrorHandler = (controller, key, error) => {
  if (error instanceof KubeStatusError) return;
  console.error(`kube-apiserver emulator: controller ${controller} failed on ${key}:`, error);
};

/** Starts every simulated controller on `client`; they first reconcile what already exists. */
export function startControllers(client: LocalClient, options: ControllerOptions = {}): RunningControllers {
  const clock = options.clock ?? realClock;
  const manager = new ControllerManager(clock, options.onError ?? logUnexpected);
  manager.add(createGarbageCollector(client));
  manager.add(createNamespaceController(client));
  manager.add(createServiceAccountController(client));
  manager.add(createClusterRoleAggregationController(client));
  manager.add(createDeploymentController(client, clock));
  manager.add(createReplicaSetController(client, clock));
  manager.add(createStatefulSetController(client, clock));
  manager.add(createDaemonSetController(client, clock));
  manager.add(createArgoRolloutController(client, clock));
  const kubeletOptions =
    options.podStartDelayMs === undefined ? { clock } : { clock, podStartDelayMs: options.podStartDelayMs };
  manager.add(createKubelet(client, kubeletOptions));
  const unsubscribe = client.onAnyChange(manager.handleEvent);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      manager.stop();
    },
    idle: () => manager.idle(),
  };
}
