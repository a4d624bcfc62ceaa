import type { Metrics } from '../observability/index.ts';
import type { ReconcileOutcome } from '../runtime/index.ts';
import type { OperatorDeps } from './operator.ts';

/** The operator's view of the metrics, mapped onto ESO's and controller-runtime's names. */
export function operatorMetrics(metrics: Metrics): OperatorDeps['metrics'] {
  return {
    syncCompleted(namespace, name, ok, durationMs) {
      metrics.externalSecretSyncCallsTotal.inc({ name, namespace });
      if (!ok) metrics.externalSecretSyncCallsError.inc({ name, namespace });
      metrics.recordExternalSecretReconcile({ name, namespace }, durationMs);
    },
    readyCondition(namespace, name, ready) {
      if (ready === undefined) metrics.forgetExternalSecret({ name, namespace });
      else metrics.setExternalSecretCondition({ name, namespace }, 'Ready', ready ? 'True' : 'False');
    },
    secretWritten(namespace, result) {
      metrics.secretWritesTotal.inc({ namespace, result });
    },
    storeCondition(kind, namespace, name, ready) {
      const ref = { kind, name, ...(namespace ? { namespace } : {}) };
      if (ready === undefined) metrics.forgetStore(ref);
      else metrics.setStoreCondition(ref, 'Ready', ready ? 'True' : 'False');
    },
    leader(isLeader) {
      metrics.setLeader(isLeader);
    },
    reconciled(outcome: ReconcileOutcome) {
      // controller-runtime's labels: a terminal error is an error, a delayed requeue `requeue_after`.
      const result =
        outcome.result === 'terminal'
          ? 'error'
          : outcome.result === 'requeue'
            ? 'requeue_after'
            : outcome.result;
      if (outcome.result === 'error') metrics.workqueueRetriesTotal.inc({ name: outcome.controller });
      metrics.recordReconcile(outcome.controller, result, outcome.durationMs);
    },
  };
}
