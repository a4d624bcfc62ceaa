/**
 * `kvsync` command line. The operator (`kvsync run`) and the diagnosis commands land here in
 * later issues; for now it answers --help and --version so that the bin is installable.
 */
import { readFileSync } from 'node:fs';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const USAGE = `Usage: kvsync <command>

kvsync keeps Kubernetes Secrets in step with Azure Key Vault.

Commands are arriving with the operator; see README.md.

Options:
  -h, --help     this help
  --version      print the version
`;

export function runCli(argv: readonly string[], out: (text: string) => void): number {
  const [first] = argv;
  if (first === '--version') {
    out(`${packageJson.version}\n`);
    return 0;
  }
  out(USAGE);
  return first === undefined || first === '-h' || first === '--help' ? 0 : 2;
}
