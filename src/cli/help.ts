/**
 * The CLI's commands, their flags and examples: one table that `--help`, `kvsync help` and
 * shell completion are generated from, so that they cannot disagree.
 */

export interface FlagHelp {
  /** As typed: `-n, --namespace NS`. */
  usage: string;
  help: string;
  /** Long names (`--namespace`), for completion. */
  names: string[];
  /** Completion for its value: ExternalSecret names are never values; namespaces are. */
  value?: 'namespace' | 'output' | 'file' | 'context' | 'text';
}

export interface CommandHelp {
  name: string;
  summary: string;
  usage: string;
  description: string;
  flags: FlagHelp[];
  examples: string[];
  /** What positional arguments name: ExternalSecrets (completed from the cluster), or a shell. */
  positionals?: 'externalsecrets' | 'shells';
}

export const KUBE_FLAGS: FlagHelp[] = [
  {
    usage: '-n, --namespace NS',
    help: "namespace (default: the kubeconfig context's, else default)",
    names: ['--namespace', '-n'],
    value: 'namespace',
  },
  {
    usage: '--kubeconfig PATH',
    help: 'kubeconfig file (default: KUBECONFIG, else ~/.kube/config)',
    names: ['--kubeconfig'],
    value: 'file',
  },
  {
    usage: '--context NAME',
    help: 'kubeconfig context (default: the current one)',
    names: ['--context'],
    value: 'context',
  },
];

const ALL_NAMESPACES: FlagHelp = {
  usage: '-A, --all-namespaces',
  help: 'every namespace',
  names: ['--all-namespaces', '-A'],
};

export const OPERATOR_FLAGS: FlagHelp[] = [
  {
    usage: '--operator-url URL',
    help: 'reach the operator at this URL (the sandbox; env KVSYNC_OPERATOR_URL); default: through the Kubernetes API service proxy',
    names: ['--operator-url'],
    value: 'text',
  },
  {
    usage: '--operator-namespace NS',
    help: "namespace of the operator's Service (default kvsync-system)",
    names: ['--operator-namespace'],
    value: 'namespace',
  },
  {
    usage: '--operator-service NAME:PORT',
    help: "the operator's Service and port name (default kvsync:http)",
    names: ['--operator-service'],
    value: 'text',
  },
];

const COMMON_FLAGS: FlagHelp[] = [
  {
    usage: '--no-color',
    help: 'no colours (also: NO_COLOR set, or output not a terminal)',
    names: ['--no-color'],
  },
  { usage: '-h, --help', help: 'this help', names: ['--help', '-h'] },
];

function output(formats: string): FlagHelp {
  return { usage: `-o, --output FORMAT`, help: formats, names: ['--output', '-o'], value: 'output' };
}

export const COMMANDS: CommandHelp[] = [
  {
    name: 'status',
    summary: 'a table of ExternalSecrets: store, interval, last and next sync, state, drift, stale pods',
    usage: 'kvsync status [NAME...] [-n NS | -A] [-o wide|json|yaml]',
    description: `Lists ExternalSecrets with their store, refresh interval, last and next sync and state,
whether Key Vault holds a newer version than the one synced (KV NEWER), and, when the
operator runs a reloader, pods still running an old value and restarts waiting.
KV NEWER and the pod columns come from the operator: "?" means it could not be asked,
"-" that it runs no reloader.
Exit code 1 when any listed ExternalSecret failed or is behind Key Vault.`,
    flags: [
      ...KUBE_FLAGS,
      ALL_NAMESPACES,
      output('table (default), wide, json or yaml'),
      ...OPERATOR_FLAGS,
      ...COMMON_FLAGS,
    ],
    examples: [
      'kvsync status                        # the current namespace',
      'kvsync status -A -o wide             # every namespace, with vault, push and messages',
      'kvsync status -n payments -o json | jq \'.items[] | select(.state != "synced")\'',
      'kubectl kvsync status -A             # the same, as a kubectl plugin',
    ],
    positionals: 'externalsecrets',
  },
  {
    name: 'why',
    summary: 'walks the whole checklist for one ExternalSecret and prints a verdict with the fix',
    usage: 'kvsync why NAME [-n NS] [-o json|yaml]',
    description: `Answers "why is this secret stale?" in one command: the ExternalSecret's conditions and
events, its store, whether the vault is reachable and the store's identity may get and list
secrets (checked by the operator with its own credentials: no Azure login needed here), the
version Key Vault holds now against the synced one and when the next sync is due, whether
Event Grid events arrive for the vault, the request budget, and which pods still run an old
value. Prints each check, then the verdict and the fix.
Exit code 0 when nothing is wrong, 1 when something is.`,
    flags: [...KUBE_FLAGS, output('text (default), json or yaml'), ...OPERATOR_FLAGS, ...COMMON_FLAGS],
    examples: [
      'kvsync why database-credentials',
      'kvsync why payments-api -n payments',
      'kvsync why database-credentials -o json | jq .verdict',
    ],
    positionals: 'externalsecrets',
  },
  {
    name: 'sync',
    summary: 'forces a sync now (the force-sync annotation) and, with --wait, reports the result',
    usage: 'kvsync sync NAME... | --all [-n NS | -A] [--wait] [--timeout DURATION]',
    description: `Writes the annotation force-sync=<unix time> on each ExternalSecret, as
\`kubectl annotate es NAME force-sync=$(date +%s) --overwrite\` does: any metadata change makes
the operator read Key Vault at once. With --wait, waits until each has synced after the
annotation (or failed) and reports it; a progress bar shows on a terminal.
Exit code 1 when an ExternalSecret is missing, failed, or did not sync within --timeout.`,
    flags: [
      ...KUBE_FLAGS,
      ALL_NAMESPACES,
      {
        usage: '--all',
        help: 'every ExternalSecret in the namespace (or with -A, everywhere)',
        names: ['--all'],
      },
      { usage: '--wait', help: 'wait for the syncs and report their result', names: ['--wait'] },
      {
        usage: '--timeout DURATION',
        help: 'how long --wait waits (default 60s)',
        names: ['--timeout'],
        value: 'text',
      },
      output('text (default), json or yaml'),
      ...COMMON_FLAGS,
    ],
    examples: [
      'kvsync sync database-credentials --wait',
      'kvsync sync --all -n payments --wait --timeout 2m',
      'kvsync sync --all -A',
    ],
    positionals: 'externalsecrets',
  },
  {
    name: 'diff',
    summary: 'which keys differ between Key Vault and the Secret, by version and hash (never by value)',
    usage: 'kvsync diff NAME [-n NS] [-o json|yaml]',
    description: `Asks the operator to read Key Vault and the target Secret and compare them key by key.
Values never leave the operator: it answers with versions and keyed hashes, which are equal
exactly when the bytes are and tell nothing about a value.
Exit code 0 when every key is the same, 1 when any differs or cannot be read.`,
    flags: [...KUBE_FLAGS, output('text (default), json or yaml'), ...OPERATOR_FLAGS, ...COMMON_FLAGS],
    examples: ['kvsync diff database-credentials', 'kvsync diff payments-api -n payments -o json'],
    positionals: 'externalsecrets',
  },
  {
    name: 'restart-stale',
    summary: "restarts what still runs an old value, through the reloader's safe path",
    usage: 'kvsync restart-stale NAME [-n NS] [--token-file PATH]',
    description: `Asks the operator's reloader to restart the workloads whose pods still run an old value
of the ExternalSecret's Secret, with its coalescing, restart windows, health checks and
rollback. Needs the operator's action token (--token-file, or env KVSYNC_TOKEN_FILE).
Exit code 1 when the operator has no reloader, refuses the token, or a restart failed.`,
    flags: [
      ...KUBE_FLAGS,
      {
        usage: '--token-file PATH',
        help: "file holding the operator's action token",
        names: ['--token-file'],
        value: 'file',
      },
      ...OPERATOR_FLAGS,
      ...COMMON_FLAGS,
    ],
    examples: ['kvsync restart-stale database-credentials --token-file ~/.kvsync-token'],
    positionals: 'externalsecrets',
  },
  {
    name: 'completion',
    summary: 'prints a shell completion script (bash or zsh)',
    usage: 'kvsync completion bash|zsh',
    description: `Prints a script that completes commands, flags, namespaces and ExternalSecret names
for kvsync and for \`kubectl kvsync\`. Load it from your shell's start-up file.`,
    flags: [{ usage: '-h, --help', help: 'this help', names: ['--help', '-h'] }],
    examples: [
      'source <(kvsync completion bash)          # in ~/.bashrc',
      'source <(kvsync completion zsh)           # in ~/.zshrc',
      'kvsync completion bash > /etc/bash_completion.d/kvsync',
    ],
    positionals: 'shells',
  },
  {
    name: 'run',
    summary: 'runs the operator against the cluster in KUBECONFIG or in-cluster config',
    usage: 'kvsync run [flags]',
    description: 'See kvsync run --help for every flag.',
    flags: [],
    examples: ['kvsync run --namespace payments --log-format text'],
  },
];

export function commandHelp(name: string): CommandHelp | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** `kvsync <command> --help`. */
export function renderCommandHelp(command: CommandHelp): string {
  const width = Math.max(...command.flags.map((flag) => flag.usage.length), 10) + 2;
  const flags = command.flags.map((flag) => `  ${flag.usage.padEnd(width)}${flag.help}`).join('\n');
  const examples = command.examples.map((example) => `  ${example}`).join('\n');
  return `Usage: ${command.usage}

${command.description}

Flags:
${flags}

Examples:
${examples}
`;
}

/** `kvsync --help`. */
export function renderUsage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length)) + 2;
  const list = COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}`).join('\n');
  return `Usage: kvsync <command> [options]

kvsync keeps Kubernetes Secrets in step with Azure Key Vault. These commands diagnose and
drive it; each is also \`kubectl kvsync <command>\` when kubectl-kvsync is on the PATH.

Commands:
${list}
  help           help about a command

Options:
  -h, --help     this help (also: kvsync <command> --help)
  --version      print the version

Examples:
  kvsync why database-credentials      # why is this secret stale? a verdict and the fix
  kvsync status -A                     # every ExternalSecret, its last and next sync
  kvsync sync database-credentials --wait
`;
}
