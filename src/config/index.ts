/** Configuration: the only code in src/ that reads argv and the environment. */
export { OPERATOR_HELP } from './help.ts';
export {
  parseOperatorConfig,
  type AzureConfig,
  type EventGridConfig,
  type HostFacts,
  type HttpConfig,
  type KubernetesConfig,
  type LeaderElectionConfig,
  type LogConfig,
  type OperatorConfig,
  type ReconcileConfig,
  type SecretKeyRef,
} from './operator-config.ts';
export { isHelpRequested } from './raw-flags.ts';
