/** The checks only the operator can answer about Key Vault: access, versions, the target's keys. */
import { effectiveRefreshPolicy } from '../../api/index.ts';
import { intervalMsOf } from '../../server/operator-api/summary.ts';
import { humanDuration, intervalText, relativeTime } from '../output.ts';
import { finding, readyOf, subject, type CheckStatus, type Finding, type WhyFacts } from './facts.ts';
import { causeOfOutcome, describeOutcome, fixFor } from './fixes.ts';

export function checkVaultAccess(facts: WhyFacts): Finding {
  const title = 'Key Vault access';
  const operator = facts.operator;
  if (!operator.reachable)
    return finding('access', title, 'unknown', [
      `not checked: the operator could not be asked (${operator.message})`,
    ]);
  const probe = operator.probe;
  if (!probe)
    return finding('access', title, 'unknown', [`not checked: ${operator.probeError ?? 'no answer'}`]);
  const causes: Finding['causes'] = [];
  const lines: string[] = [];
  if (!probe.store.ok) {
    const cause = causeOfOutcome(probe.store);
    lines.push(`store: ${describeOutcome(probe.store)}`);
    causes.push({
      cause,
      summary: `The operator cannot use the store: ${describeOutcome(probe.store)}`,
      fix: fixFor(cause, facts),
    });
  } else
    lines.push(
      `store validated by the operator with its own credentials (vault ${probe.store.vault ?? '?'})`,
    );
  for (const key of probe.keys) {
    if (key.ok) {
      lines.push(`get '${key.key}': ok`);
      continue;
    }
    const cause = causeOfOutcome(key);
    lines.push(`get '${key.key}': ${describeOutcome(key)}`);
    const summary =
      cause === 'missing-get'
        ? `The store's identity may not get secret '${key.key}': ${describeOutcome(key)}`
        : cause === 'secret-missing'
          ? `Secret '${key.key}' does not exist in Key Vault: ${describeOutcome(key)}`
          : `Reading '${key.key}' from Key Vault fails: ${describeOutcome(key)}`;
    causes.push({ cause, summary, fix: fixFor(cause, facts, key.key.replace(/^secret\//, '')) });
  }
  if (probe.list) {
    if (probe.list.ok) lines.push(`list: ok (${probe.list.count ?? '?'} secrets)`);
    else {
      lines.push(`list: ${describeOutcome(probe.list)}`);
      const cause = causeOfOutcome(probe.list);
      if (cause === 'missing-get')
        causes.push({
          cause: 'missing-list',
          summary: `The store's identity may not list secrets: kvsync reads every secret at each refresh instead of listing.`,
          fix: ["grant 'list' (the 'Key Vault Secrets User' role has it) to save Key Vault requests"],
        });
      else if (cause === 'wrong-vault-url')
        causes.push({
          cause,
          summary: `The vault does not exist: ${describeOutcome(probe.list)}`,
          fix: fixFor(cause, facts),
        });
    }
  }
  const status: CheckStatus = causes.some((c) => c.cause !== 'missing-list')
    ? 'problem'
    : causes.length > 0
      ? 'warning'
      : 'ok';
  return finding('access', title, status, lines, causes);
}

function syncDue(facts: WhyFacts): { periodic: boolean; nextMs?: number } {
  const es = facts.es!;
  const intervalMs = intervalMsOf(es);
  const periodic = effectiveRefreshPolicy(es) === 'Periodic' && intervalMs > 0;
  const next = es.status?.nextRefreshTime ? Date.parse(es.status.nextRefreshTime) : NaN;
  return { periodic, ...(Number.isNaN(next) ? {} : { nextMs: next }) };
}

export function checkVersions(facts: WhyFacts): Finding {
  const title = 'Key Vault version';
  const operator = facts.operator;
  if (!operator.reachable)
    return finding('version', title, 'unknown', ['not checked: the operator could not be asked']);
  const es = facts.es!;
  const probeKeys = new Map((operator.probe?.keys ?? []).map((key) => [key.key, key]));
  const remote = operator.detail?.remote ?? [];
  const lines: string[] = [];
  const newer: string[] = [];
  const synced = es.status?.syncedVersions ?? [];
  for (const entry of synced) {
    const live = probeKeys.get(entry.key);
    const known = remote.find((view) => view.key === entry.key);
    const current = live?.vaultVersion ?? known?.known?.version;
    const isNewer = live?.vaultVersion ? live.vaultVersion !== entry.version : (known?.newer ?? false);
    const updated = live?.vaultUpdated ?? known?.known?.updated;
    const currentText = current ? current.slice(0, 8) : '?';
    lines.push(
      `${entry.key}: synced ${entry.version.slice(0, 8)}, Key Vault ${currentText}${updated ? ` (updated ${relativeTime(updated, facts.nowMs)})` : ''}${isNewer ? ' — newer in Key Vault' : ''}`,
    );
    if (isNewer) newer.push(entry.key);
  }
  if (synced.length === 0) lines.push('nothing synced yet');
  if (newer.length === 0) return finding('version', title, synced.length ? 'ok' : 'info', lines);
  const due = syncDue(facts);
  if (!due.periodic) {
    return finding('version', title, 'problem', lines, [
      {
        cause: 'never-refreshes',
        summary: `Key Vault holds a newer version of ${newer.join(', ')}, but ${subject(facts)} never refreshes (refreshInterval ${intervalText(intervalMsOf(es))}, refreshPolicy ${effectiveRefreshPolicy(es)}).`,
        fix: [
          'set spec.refreshInterval (e.g. 1h) and refreshPolicy Periodic; with refreshInterval 0 even a force-sync annotation does not sync again (ESO semantics)',
          'or delete and re-apply the ExternalSecret to sync it once more',
        ],
      },
    ]);
  }
  const when =
    due.nextMs !== undefined
      ? `the next sync is ${relativeTime(new Date(due.nextMs).toISOString(), facts.nowMs)}`
      : 'no sync is scheduled';
  lines.push(`${when} (refreshInterval ${intervalText(intervalMsOf(es))})`);
  return finding('version', title, 'problem', lines, [
    {
      cause: 'refresh-not-due',
      summary: `Key Vault holds a newer version of ${newer.join(', ')} than the Secret; ${when}${due.nextMs !== undefined && due.nextMs > facts.nowMs ? ` (in ${humanDuration(due.nextMs - facts.nowMs)})` : ''}.`,
      fix: [
        `kvsync sync ${facts.name} -n ${facts.namespace} --wait   # now`,
        'for rotations within seconds: enable Event Grid push for the vault (docs/event-grid.md); or shorten spec.refreshInterval (cheap with change detection)',
      ],
    },
  ]);
}

export function checkTarget(facts: WhyFacts): Finding {
  const title = 'Target Secret';
  const operator = facts.operator;
  const probe = operator.reachable ? operator.probe : undefined;
  if (!probe) return finding('target', title, 'unknown', ['not checked: the operator could not be asked']);
  if (!probe.target.exists) {
    const ready = readyOf(facts.es);
    return finding(
      'target',
      title,
      ready?.status === 'True' ? 'problem' : 'info',
      [`Secret ${probe.target.name} does not exist`],
      ready?.status === 'True'
        ? [
            {
              cause: 'target-missing',
              summary: `Secret ${facts.namespace}/${probe.target.name} does not exist although the ExternalSecret is Ready.`,
              fix: [`kvsync sync ${facts.name} -n ${facts.namespace} --wait`],
            },
          ]
        : [],
    );
  }
  const differing = probe.diff.filter((row) => row.state !== 'same' && row.state !== 'only-in-secret');
  const lines = [
    `Secret ${probe.target.name}${probe.target.managed ? ' (managed by kvsync/ESO)' : ' (not labelled as managed)'}`,
    ...probe.diff.map((row) => `${row.secretKey}: ${row.state}`),
  ];
  if (differing.length === 0) return finding('target', title, 'ok', lines);
  return finding('target', title, 'warning', lines, [
    {
      cause: 'target-drift',
      summary: `Keys ${differing.map((row) => row.secretKey).join(', ')} of Secret ${probe.target.name} differ from Key Vault.`,
      fix: [
        `kvsync diff ${facts.name} -n ${facts.namespace}`,
        `kvsync sync ${facts.name} -n ${facts.namespace} --wait`,
      ],
    },
  ]);
}
