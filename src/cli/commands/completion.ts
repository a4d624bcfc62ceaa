/**
 * Shell completion: `kvsync completion bash|zsh` prints a script that asks `kvsync __complete
 * WORDS…` for candidates (commands, flags, output formats, namespaces, contexts, ExternalSecret
 * names), for `kvsync` and for the kubectl plugin's `kubectl-kvsync`. Candidates that need the
 * cluster are read with the kubeconfig and namespace the words name; errors give no candidates.
 */
import type { ExternalSecret } from '../../api/index.ts';
import { createKubeClient } from '../../kube/index.ts';
import { usageError } from '../args.ts';
import { COMMANDS, commandHelp, renderCommandHelp, type FlagHelp } from '../help.ts';
import { EXIT_OK, type CliIo } from '../io.ts';

const BASH = `# kvsync completion for bash. Load it with: source <(kvsync completion bash)
_kvsync_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local IFS=$'\\n'
  COMPREPLY=( $(compgen -W "$(kvsync __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" -- "$cur") )
}
complete -o default -F _kvsync_complete kvsync kubectl-kvsync
`;

const ZSH = `#compdef kvsync kubectl-kvsync
# kvsync completion for zsh. Load it with: source <(kvsync completion zsh)   (after compinit)
_kvsync_complete() {
  local -a candidates
  candidates=("\${(@f)$(kvsync __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _kvsync_complete kvsync kubectl-kvsync
`;

export const COMPLETION_SCRIPTS: Readonly<Record<string, string>> = { bash: BASH, zsh: ZSH };

export function completionCommand(argv: readonly string[], io: CliIo): number {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.out(renderCommandHelp(commandHelp('completion')!));
    return EXIT_OK;
  }
  const script = argv.length === 1 ? COMPLETION_SCRIPTS[argv[0]!] : undefined;
  if (!script)
    throw usageError('completion', `name one shell: ${Object.keys(COMPLETION_SCRIPTS).join(' or ')}`);
  io.out(script);
  return EXIT_OK;
}

function flagOf(flags: readonly FlagHelp[], word: string): FlagHelp | undefined {
  return flags.find((flag) => flag.names.includes(word));
}

/** The value following `names` among `words`, if any. */
function valueOf(words: readonly string[], names: readonly string[]): string | undefined {
  const index = words.findIndex((word) => names.includes(word));
  return index >= 0 ? words[index + 1] : undefined;
}

async function clusterCandidates(
  what: 'namespace' | 'context' | 'externalsecrets',
  words: readonly string[],
  env: CliIo['env'],
): Promise<string[]> {
  const kubeconfig =
    valueOf(words, ['--kubeconfig']) ?? (env['KUBECONFIG']?.includes(':') ? undefined : env['KUBECONFIG']);
  const context = valueOf(words, ['--context']);
  const kube = createKubeClient({
    ...(kubeconfig ? { kubeconfigPath: kubeconfig } : {}),
    ...(context ? { context } : {}),
  });
  if (what === 'context') return kube.kubeConfig.getContexts().map((entry) => entry.name);
  if (what === 'namespace')
    return (await kube.list<{ metadata: { name: string } }>({ apiVersion: 'v1', kind: 'Namespace' })).map(
      (ns) => ns.metadata.name,
    );
  const config = kube.kubeConfig;
  const namespace =
    valueOf(words, ['-n', '--namespace']) ??
    (config.getContextObject(config.getCurrentContext())?.namespace || 'default');
  const items = await kube.list<ExternalSecret>({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    namespace,
  });
  return items.map((es) => es.metadata.name ?? '');
}

/**
 * Candidates for the last of `words` (the word being completed; the words before it are the
 * command line after `kvsync`). Never throws: a failure means no candidates.
 */
export async function completeWords(words: readonly string[], env: CliIo['env']): Promise<string[]> {
  const current = words[words.length - 1] ?? '';
  const before = words.slice(0, -1);
  if (before.length === 0)
    return [...COMMANDS.map((command) => command.name), 'help'].filter((n) => n.startsWith(current));
  const command = before[0] === 'help' ? undefined : commandHelp(before[0]!);
  if (!command)
    return before[0] === 'help' ? COMMANDS.map((c) => c.name).filter((n) => n.startsWith(current)) : [];
  const previous = flagOf(command.flags, before[before.length - 1]!);
  try {
    if (previous?.value === 'output')
      return ['text', 'wide', 'json', 'yaml'].filter((f) => f.startsWith(current));
    if (previous?.value === 'namespace' || previous?.value === 'context')
      return (await clusterCandidates(previous.value, words, env)).filter((n) => n.startsWith(current));
    if (previous?.value) return [];
    if (current.startsWith('-'))
      return command.flags
        .flatMap((flag) => flag.names.filter((name) => name.startsWith('--')))
        .filter((n) => n.startsWith(current));
    if (command.positionals === 'shells')
      return Object.keys(COMPLETION_SCRIPTS).filter((s) => s.startsWith(current));
    if (command.positionals === 'externalsecrets')
      return (await clusterCandidates('externalsecrets', words, env)).filter((n) => n.startsWith(current));
  } catch {
    return [];
  }
  return [];
}
