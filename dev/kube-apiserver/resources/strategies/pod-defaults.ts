/** Defaults the real apiserver fills into every pod spec (and pod templates of workloads). */

type Json = Record<string, unknown>;

function defaultContainer(container: Json): void {
  container['imagePullPolicy'] ??= String(container['image'] ?? '').endsWith(':latest')
    ? 'Always'
    : 'IfNotPresent';
  container['terminationMessagePath'] ??= '/dev/termination-log';
  container['terminationMessagePolicy'] ??= 'File';
  container['resources'] ??= {};
  for (const port of (container['ports'] as Json[] | undefined) ?? []) port['protocol'] ??= 'TCP';
}

/** Mutates `spec` in place. */
export function applyPodSpecDefaults(spec: Json | undefined): void {
  if (!spec) return;
  spec['restartPolicy'] ??= 'Always';
  spec['terminationGracePeriodSeconds'] ??= 30;
  spec['dnsPolicy'] ??= 'ClusterFirst';
  spec['schedulerName'] ??= 'default-scheduler';
  spec['securityContext'] ??= {};
  for (const list of ['containers', 'initContainers']) {
    for (const container of (spec[list] as Json[] | undefined) ?? []) defaultContainer(container);
  }
}
