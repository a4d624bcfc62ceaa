/** The checks of what the cluster shows: the ExternalSecret, its last sync, its events, its store. */
import { effectiveRefreshPolicy, unsupportedFeatures, validateExternalSecret } from '../../api/index.ts';
import { intervalMsOf } from '../../server/operator-api/summary.ts';
import { intervalText, relativeTime } from '../output.ts';
import { ES_TITLE, finding, readyOf, subject, type Finding, type WhyFacts } from './facts.ts';

export function checkExternalSecret(facts: WhyFacts): Finding {
  const { es } = facts;
  if (!es) {
    const hint = facts.elsewhere?.length
      ? ` (an ExternalSecret of that name exists in ${facts.elsewhere.join(', ')})`
      : '';
    return finding(
      ES_TITLE,
      ES_TITLE,
      'problem',
      [`not found in namespace ${facts.namespace}${hint}`],
      [
        {
          cause: 'not-found',
          summary: `ExternalSecret ${subject(facts)} does not exist${hint}.`,
          fix: facts.elsewhere?.length
            ? [`kvsync why ${facts.name} -n ${facts.elsewhere[0]}`]
            : [`kubectl get externalsecrets -A   # find the right name and namespace`],
        },
      ],
    );
  }
  const problems = validateExternalSecret(es);
  if (problems.length > 0)
    return finding(
      ES_TITLE,
      ES_TITLE,
      'problem',
      problems.map((p) => `${p.path}: ${p.message}`),
      [
        {
          cause: 'invalid',
          summary: `ExternalSecret ${subject(facts)} is invalid: ${problems[0]!.path}: ${problems[0]!.message}.`,
          fix: [`fix the manifest, then kubectl apply -f it`],
        },
      ],
    );
  const unsupported = unsupportedFeatures(es);
  if (unsupported.length > 0)
    return finding(
      ES_TITLE,
      ES_TITLE,
      'problem',
      unsupported.map((p) => `${p.path} ${p.message}`),
      [
        {
          cause: 'unsupported',
          summary: `ExternalSecret ${subject(facts)} uses ${unsupported.map((p) => p.path).join(', ')}, which kvsync does not support yet.`,
          fix: [
            'remove the unsupported fields, or keep this ExternalSecret on external-secrets-operator for now',
          ],
        },
      ],
    );
  const intervalMs = intervalMsOf(es);
  const policy = effectiveRefreshPolicy(es);
  return finding(ES_TITLE, ES_TITLE, 'ok', [
    `refreshInterval ${intervalText(intervalMs)}, refreshPolicy ${policy}, store ${facts.storeKind}/${facts.storeName}, target Secret ${es.spec.target?.name || es.metadata.name}`,
  ]);
}

export function checkLastSync(facts: WhyFacts): Finding {
  const es = facts.es!;
  const ready = readyOf(es);
  const last = es.status?.refreshTime
    ? `last sync ${relativeTime(es.status.refreshTime, facts.nowMs)}`
    : 'never synced';
  const next = es.status?.nextRefreshTime
    ? `next sync ${relativeTime(es.status.nextRefreshTime, facts.nowMs)} (${es.status.nextRefreshTime})`
    : 'no periodic sync scheduled';
  if (!ready)
    return finding(
      'sync',
      'Last sync',
      'warning',
      ['not reconciled yet: no Ready condition'],
      [
        {
          cause: 'not-reconciled',
          summary: `The operator has not reconciled ${subject(facts)} yet.`,
          fix: [
            'check that the operator runs and leads: kubectl -n kvsync-system get pods, kvsync status',
            `check that the store's spec.controller matches the operator's --controller-class`,
          ],
        },
      ],
    );
  if (ready.status !== 'True')
    return finding(
      'sync',
      'Last sync',
      'problem',
      [`failing: ${ready.message ?? ready.reason}`, last],
      [
        {
          cause: 'sync-failed',
          summary: `The last sync of ${subject(facts)} failed: ${ready.message ?? ready.reason}`,
          fix: [
            'see the events below and kubectl describe externalsecret',
            `after fixing: kvsync sync ${facts.name} -n ${facts.namespace} --wait`,
          ],
        },
      ],
    );
  return finding('sync', 'Last sync', 'ok', [`Ready (${ready.reason ?? 'True'}), ${last}; ${next}`]);
}

export function checkEvents(facts: WhyFacts): Finding {
  const warnings = facts.events.filter((event) => event.type === 'Warning');
  const lines = facts.events.slice(0, 4).map((event) => {
    const when = event.lastTimestamp ? relativeTime(event.lastTimestamp, facts.nowMs) : '';
    const count = event.count && event.count > 1 ? ` (x${event.count})` : '';
    return `${event.type} ${event.reason}${count} ${when}: ${event.message}`;
  });
  return finding(
    'events',
    'Events',
    warnings.length > 0 ? 'warning' : 'ok',
    lines.length > 0 ? lines : ['none'],
  );
}

export function checkStore(facts: WhyFacts): Finding {
  const ref = `${facts.storeKind} ${facts.storeKind === 'SecretStore' ? `${facts.namespace}/` : ''}${facts.storeName}`;
  if (!facts.store)
    return finding(
      'store',
      'Store',
      'problem',
      [`${ref} not found`],
      [
        {
          cause: 'store-not-found',
          summary: `${ref} does not exist${facts.storeKind === 'SecretStore' ? ' (a SecretStore serves only its own namespace)' : ''}.`,
          fix: [
            `create it, or point spec.secretStoreRef at an existing store: kubectl get secretstores -n ${facts.namespace}; kubectl get clustersecretstores`,
          ],
        },
      ],
    );
  const ready = readyOf(facts.store);
  const vault = facts.store.spec.provider?.azurekv?.vaultUrl ?? '(no azurekv.vaultUrl)';
  if (!ready) return finding('store', 'Store', 'warning', [`${ref}: not validated yet; vault ${vault}`]);
  if (ready.status !== 'True')
    return finding(
      'store',
      'Store',
      'problem',
      [`${ref} not Ready (${ready.reason}): ${ready.message}`],
      [
        {
          cause: 'store-not-ready',
          summary: `${ref} is not Ready: ${ready.message ?? ready.reason}`,
          fix: [
            `kubectl describe ${facts.storeKind.toLowerCase()} ${facts.storeName}${facts.storeKind === 'SecretStore' ? ` -n ${facts.namespace}` : ''}`,
            'fix spec.provider.azurekv as the message says; the ExternalSecrets sync as soon as it is Ready',
          ],
        },
      ],
    );
  return finding('store', 'Store', 'ok', [`${ref} Ready (${ready.reason ?? 'True'}); vault ${vault}`]);
}
