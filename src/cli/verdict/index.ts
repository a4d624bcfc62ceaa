/**
 * `kvsync why`'s reasoning, pure: from what the cluster and the operator say about one
 * ExternalSecret to the incident checklist (each check with its finding) and one verdict, the
 * most fundamental problem found, with the fix. The order of CAUSES is the order of diagnosis:
 * a missing store explains a failed sync, a failed sync explains a stale Secret, and so on.
 */
import { checkEvents, checkExternalSecret, checkLastSync, checkStore } from './cluster-checks.ts';
import { CAUSES, subject, type Check, type Verdict, type WhyFacts } from './facts.ts';
import { checkBudget, checkOperator, checkPods, checkPush } from './runtime-checks.ts';
import { checkTarget, checkVaultAccess, checkVersions } from './vault-checks.ts';

export {
  CAUSES,
  type Cause,
  type Check,
  type CheckStatus,
  type KubeEventView,
  type OperatorFacts,
  type Verdict,
  type WhyFacts,
} from './facts.ts';
export { causeOfOutcome } from './fixes.ts';

/** Every check in checklist order, and the verdict. */
export function walkChecklist(facts: WhyFacts): { checks: Check[]; verdict: Verdict } {
  const first = checkExternalSecret(facts);
  const findings = facts.es
    ? [
        first,
        checkLastSync(facts),
        checkEvents(facts),
        checkStore(facts),
        checkVaultAccess(facts),
        checkVersions(facts),
        checkTarget(facts),
        checkPush(facts),
        checkBudget(facts),
        checkPods(facts),
        checkOperator(facts),
      ]
    : [first];
  const causes = findings.flatMap((f) => f.causes);
  const chosen = CAUSES.map((cause) => causes.find((candidate) => candidate.cause === cause)).find(Boolean);
  const verdict: Verdict = chosen
    ? { cause: chosen.cause, ok: false, summary: chosen.summary, fix: chosen.fix }
    : {
        cause: 'healthy',
        ok: true,
        summary: `${subject(facts)} is in step with Key Vault; nothing is wrong.`,
        fix: [],
      };
  return { checks: findings.map((f) => f.check), verdict };
}
