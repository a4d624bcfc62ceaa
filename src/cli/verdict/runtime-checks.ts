/** The checks of the operator's own state: push, the request budget, pods (reloader), the operator itself. */
import { relativeTime } from '../output.ts';
import { finding, type Finding, type WhyFacts } from './facts.ts';
import { fixFor } from './fixes.ts';

export function checkPush(facts: WhyFacts): Finding {
  const title = 'Push (Event Grid)';
  const operator = facts.operator;
  const vault = operator.reachable ? operator.detail?.vaultView : undefined;
  if (!vault)
    return finding('push', title, 'unknown', [
      'not known (the operator could not be asked, or the vault is not known to it)',
    ]);
  const polling =
    vault.polling.mode === 'list'
      ? `changes found by listing the vault${vault.polling.nextPollAt ? `, next listing ${relativeTime(vault.polling.nextPollAt, facts.nowMs)}` : ''}`
      : 'each due sync reads its secrets (no listing)';
  if (vault.push.declared && !vault.push.lastEventAt)
    return finding('push', title, 'ok', [
      `declared to push (--push-vaults) for ${vault.host}, no event seen since the operator started: if rotations wait for the next listing, check the Event Grid subscription`,
      polling,
    ]);
  if (vault.push.healthy)
    return finding('push', title, 'ok', [
      `events arrive for ${vault.host}${vault.push.lastEventAt ? ` (last ${relativeTime(vault.push.lastEventAt, facts.nowMs)}, ${vault.push.events ?? '?'} in all)` : ''}: rotations sync within seconds`,
      polling,
    ]);
  return finding('push', title, 'info', [
    `no Event Grid events seen for ${vault.host}: a rotation waits for the next listing or sync`,
    polling,
  ]);
}

export function checkBudget(facts: WhyFacts): Finding {
  const title = 'Request budget';
  const operator = facts.operator;
  const vault = operator.reachable ? operator.detail?.vaultView : undefined;
  const budget = vault?.budget;
  if (!budget)
    return finding('budget', title, vault ? 'ok' : 'unknown', [
      vault ? 'no Key Vault requests yet' : 'not known',
    ]);
  const lines = [
    `${budget.available}${budget.capacity ? ` of ${budget.capacity}` : ''} requests left in this 10 s window; ${budget.waiting} waiting; ${budget.throttledTotal} throttled (429) since start`,
  ];
  if (budget.pausedUntil && Date.parse(budget.pausedUntil) > facts.nowMs) {
    lines.push(
      `paused by Key Vault until ${budget.pausedUntil} (${relativeTime(budget.pausedUntil, facts.nowMs)})`,
    );
    return finding('budget', title, 'problem', lines, [
      {
        cause: 'throttled',
        summary: `Key Vault throttles ${vault!.host}: every request waits until ${budget.pausedUntil}.`,
        fix: fixFor('throttled', facts),
      },
    ]);
  }
  return finding('budget', title, budget.throttledTotal > 0 ? 'warning' : 'ok', lines);
}

export function checkPods(facts: WhyFacts): Finding {
  const title = 'Pods';
  const operator = facts.operator;
  if (!operator.reachable)
    return finding('pods', title, 'unknown', ['not known: the operator could not be asked']);
  const reloader = operator.detail?.reloader;
  if (!operator.info.reloader || !reloader)
    return finding('pods', title, 'info', [
      'not available: the operator runs no reloader (pods keep the value they started with)',
    ]);
  const lines = [
    ...reloader.stalePods.map(
      (pod) =>
        `stale: pod ${pod.namespace}/${pod.name}${pod.workload ? ` of ${pod.workload}` : ''}${pod.since ? ` since ${relativeTime(pod.since, facts.nowMs)}` : ''}`,
    ),
    ...reloader.pendingRestarts.map(
      (restart) =>
        `pending restart of ${restart.workload}: ${restart.reason}${restart.notBefore ? ` (not before ${restart.notBefore})` : ''}`,
    ),
  ];
  if (reloader.pendingRestarts.length > 0) {
    const first = reloader.pendingRestarts[0]!;
    return finding('pods', title, 'warning', lines, [
      {
        cause: 'restart-pending',
        summary: `A restart of ${first.workload} is pending: ${first.reason}${first.notBefore ? `; it happens at ${first.notBefore}` : ''}. ${reloader.stalePods.length} pod(s) run an old value until then.`,
        fix: [
          'nothing to do: the reloader restarts it when its window opens',
          "to change the window: the workload's restart-window annotation",
        ],
      },
    ]);
  }
  if (reloader.stalePods.length > 0)
    return finding('pods', title, 'problem', lines, [
      {
        cause: 'pods-stale',
        summary: `${reloader.stalePods.length} pod(s) still run an old value of Secret ${facts.es?.spec.target?.name || facts.name}, and no restart is pending.`,
        fix: [
          `kvsync restart-stale ${facts.name} -n ${facts.namespace}   # through the reloader's safe path`,
          'or opt the workload in: annotation reloader.stakater.com/auto: "true"',
        ],
      },
    ]);
  return finding('pods', title, 'ok', ['no pod runs an old value']);
}

export function checkOperator(facts: WhyFacts): Finding {
  const title = 'Operator';
  const operator = facts.operator;
  if (!operator.reachable)
    return finding(
      'operator',
      title,
      'problem',
      [`could not be asked: ${operator.message}`],
      [
        {
          cause: 'operator-unreachable',
          summary: `The operator could not be asked (${operator.message}); Key Vault access, versions and pods were not checked.`,
          fix: [
            'in a cluster: kubectl -n kvsync-system get pods,svc (or --operator-namespace / --operator-service)',
            'elsewhere: --operator-url http://HOST:PORT (e.g. after kubectl port-forward)',
          ],
        },
      ],
    );
  if (operator.detailError?.error === 'NotHeldHere')
    return finding(
      'operator',
      title,
      'warning',
      [`${operator.where}: ${operator.detailError.message}`],
      [
        {
          cause: 'operator-not-holder',
          summary:
            'The replica asked does not hold this ExternalSecret’s shard, so it knows nothing of its versions or Key Vault access.',
          fix: [operator.detailError.message],
        },
      ],
    );
  const role = operator.info.shards
    ? `holds shards ${operator.info.shards.join(', ') || 'none'}`
    : operator.info.leader
      ? 'leader'
      : 'standby (not the leader: what it knows of versions may be incomplete)';
  return finding('operator', title, operator.info.leader || operator.info.shards ? 'ok' : 'warning', [
    `${operator.where}: ${role}, version ${operator.info.version}`,
  ]);
}

/** Every check in checklist order, and the verdict. */
