/** `kvsync run --help`, generated from the flag table so that every flag is documented. */
import { FLAG_SECTIONS, FLAGS, envNameOf, type FlagSpec } from './flags.ts';

const INTRO = `Usage: kvsync run [flags]

Runs the operator: keeps Kubernetes Secrets in step with Azure Key Vault for the
SecretStores, ClusterSecretStores and ExternalSecrets (external-secrets.io v1, v1beta1)
of the cluster in the kubeconfig, or of the cluster it runs in.

Every flag can also be set in the environment as KVSYNC_<FLAG> (--log-level becomes
KVSYNC_LOG_LEVEL); a flag on the command line wins over the environment. Durations use Go
syntax (15s, 5m, 1h0m0s). Booleans: --flag, --flag=false or --no-flag.
`;

function describeDefault(flag: FlagSpec): string {
  if (flag.defaultText !== undefined) return flag.defaultText;
  return flag.default === '' ? '""' : (flag.default as string);
}

function describeFlag(flag: FlagSpec): string {
  const usage = flag.valueName === undefined ? `--${flag.name}` : `--${flag.name} ${flag.valueName}`;
  const envs = [envNameOf(flag.name), ...(flag.fallbackEnv ?? [])].join(', ');
  return `  ${usage}\n      ${flag.description}\n      default: ${describeDefault(flag)}; env: ${envs}\n`;
}

function describeSection(section: string): string {
  const flags = (FLAGS as readonly FlagSpec[]).filter((flag) => flag.section === section);
  return `\n${section}:\n${flags.map(describeFlag).join('')}`;
}

export const OPERATOR_HELP: string = `${INTRO}${FLAG_SECTIONS.map(describeSection).join('')}
Other:
  -h, --help
      this help
`;
