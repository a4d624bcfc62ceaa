import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createCertificateAuthority,
  issueServerCertificate,
  type CertificateAuthority,
  type ServerCertificate,
} from '../tls/index.ts';

/**
 * The emulator's CA and serving certificate. With a state directory the CA is kept there
 * (`ca.pem`, `ca-key.pem`), so clients that trust `ca.pem` keep working across restarts;
 * otherwise it lives in a fresh temporary directory that `dispose()` removes.
 */

export interface TlsMaterial {
  ca: CertificateAuthority;
  /** Serves `*.vault.azure.net`, `localhost`, `127.0.0.1` and `::1`. */
  server: ServerCertificate;
  caFile: string;
  /** Removes the temporary directory, if one was made. */
  dispose(): void;
}

function loadOrCreateCa(dir: string): CertificateAuthority {
  const certFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'ca-key.pem');
  if (existsSync(certFile) && existsSync(keyFile))
    return { certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8') };
  const ca = createCertificateAuthority('kvsync Key Vault emulator CA');
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyFile, ca.keyPem, { mode: 0o600 });
  writeFileSync(certFile, ca.certPem);
  return ca;
}

/** Creates (or, with `dir`, reuses) the CA and issues a fresh serving certificate. */
export function prepareTls(dir: string | undefined): TlsMaterial {
  const temporary = dir ? undefined : mkdtempSync(join(tmpdir(), 'kvsync-keyvault-'));
  const home = dir ?? temporary!;
  const ca = dir ? loadOrCreateCa(dir) : createCertificateAuthority('kvsync Key Vault emulator CA');
  const caFile = join(home, 'ca.pem');
  if (!dir) writeFileSync(caFile, ca.certPem);
  const server = issueServerCertificate(ca, {
    commonName: '*.vault.azure.net',
    dnsNames: ['*.vault.azure.net', 'localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
  });
  return {
    ca,
    server,
    caFile,
    dispose: () => {
      if (temporary) rmSync(temporary, { recursive: true, force: true });
    },
  };
}
