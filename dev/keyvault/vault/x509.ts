import { createHash, createPrivateKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { badParameter } from './errors.ts';

/**
 * Certificate material: reading PEM and PFX imports, writing the backing secret's PEM or PFX,
 * and issuing self-signed certificates. Node's crypto holds keys; node-forge reads and writes
 * PKCS#12 and signs X.509 (RSA only, a node-forge limit).
 */

export interface CertificateMaterial {
  /** Leaf first, then the rest of the chain, each as PEM. */
  chainPem: string[];
  privateKey: KeyObject;
}

const CERT_PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_PEM =
  /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

function orderLeafFirst(chainPem: string[], privateKey: KeyObject): string[] {
  const leaf = chainPem.findIndex((pem) => new X509Certificate(pem).checkPrivateKey(privateKey));
  if (leaf < 0) throw badParameter('The private key does not match any certificate in the import.');
  return [chainPem[leaf]!, ...chainPem.filter((_, index) => index !== leaf)];
}

/** Reads PEM text with one or more certificates and a private key (optionally encrypted with `password`). */
export function parsePem(text: string, password: string | undefined): CertificateMaterial {
  const chainPem = text.match(CERT_PEM) ?? [];
  const keyPem = KEY_PEM.exec(text)?.[0];
  if (!chainPem.length) throw badParameter('The PEM import contains no certificate.');
  if (!keyPem) throw badParameter('The certificate import must contain the private key.');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: keyPem, ...(password ? { passphrase: password } : {}) });
  } catch {
    throw badParameter('The private key of the PEM import cannot be read (wrong password?).');
  }
  return {
    chainPem: orderLeafFirst(
      chainPem.map((pem) => `${pem}\n`),
      privateKey,
    ),
    privateKey,
  };
}

/** Reads a base64 PFX (PKCS#12) with an RSA key. */
export function parsePfx(base64: string, password: string | undefined): CertificateMaterial {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.decode64(base64));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, password ?? '');
  } catch {
    throw badParameter('The PFX import cannot be read (not PKCS#12, or wrong password).');
  }
  const bags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ??
      []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const key = bags.find((bag) => bag.key)?.key;
  if (!key) throw badParameter('The PFX import must contain an RSA private key.');
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const chainPem = certBags.flatMap((bag) => (bag.cert ? [forge.pki.certificateToPem(bag.cert)] : []));
  if (!chainPem.length) throw badParameter('The PFX import contains no certificate.');
  const privateKey = createPrivateKey(forge.pki.privateKeyToPem(key as forge.pki.rsa.PrivateKey));
  return { chainPem: orderLeafFirst(chainPem, privateKey), privateKey };
}

/** The backing secret in PEM form: PKCS#8 private key, then the chain. */
export function toPemBundle(material: CertificateMaterial): string {
  const keyPem = material.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return [keyPem.trim(), ...material.chainPem.map((pem) => pem.trim())].join('\n') + '\n';
}

/** The backing secret in PFX form, base64, with an empty password (as Key Vault returns it). */
export function toPfxBase64(material: CertificateMaterial): string {
  if (material.privateKey.asymmetricKeyType !== 'rsa')
    throw badParameter(
      'Only RSA certificates can be kept as application/x-pkcs12 in the emulator; use application/x-pem-file.',
    );
  const key = forge.pki.privateKeyFromPem(
    material.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
  );
  const certs = material.chainPem.map((pem) => forge.pki.certificateFromPem(pem));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, '', { algorithm: '3des' });
  return forge.util.encode64(forge.asn1.toDer(asn1).getBytes());
}

/** DER (base64), SHA-1 thumbprint (base64url) and validity of the leaf. */
export function leafFacts(material: CertificateMaterial): {
  cer: string;
  x5t: string;
  nbf: number;
  exp: number;
  subject: string;
} {
  const leaf = new X509Certificate(material.chainPem[0]!);
  return {
    cer: leaf.raw.toString('base64'),
    x5t: createHash('sha1').update(leaf.raw).digest('base64url'),
    nbf: Math.floor(new Date(leaf.validFrom).getTime() / 1000),
    exp: Math.floor(new Date(leaf.validTo).getTime() / 1000),
    subject: leaf.subject.split('\n').join(', '),
  };
}

const SUBJECT_NAMES: Record<string, string> = {
  CN: 'CN',
  O: 'O',
  OU: 'OU',
  L: 'L',
  ST: 'ST',
  S: 'ST',
  C: 'C',
  E: 'E',
};

function subjectAttributes(subject: string): forge.pki.CertificateField[] {
  const parts = subject
    .split(/,(?=\s*[A-Za-z]+=)/)
    .map((part) => part.trim())
    .filter(Boolean);
  if (!parts.length) throw badParameter("The policy's x509_props.subject is required, e.g. CN=example.");
  return parts.map((part) => {
    const [key, ...rest] = part.split('=');
    const shortName = SUBJECT_NAMES[(key ?? '').trim().toUpperCase()];
    if (!shortName || !rest.length)
      throw badParameter(`Unsupported subject attribute in '${part.slice(0, 60)}'.`);
    return shortName === 'E'
      ? { name: 'emailAddress', value: rest.join('=') }
      : { shortName, value: rest.join('=') };
  });
}

/** What a self-signed certificate is made from (the policy's `x509_props`). */
export interface SelfSignedRequest {
  subject: string;
  dnsNames: string[];
  validityMonths: number;
  /** OIDs; default server and client authentication. */
  ekus: string[];
  nowSeconds: number;
}

/** Issues a self-signed certificate for an RSA `privateKey`. */
export function selfSign(privateKey: KeyObject, request: SelfSignedRequest): CertificateMaterial {
  const forgeKey = forge.pki.privateKeyFromPem(
    privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
  );
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(request.nowSeconds * 1000);
  const notAfter = new Date(request.nowSeconds * 1000);
  notAfter.setUTCMonth(notAfter.getUTCMonth() + request.validityMonths);
  cert.validity.notAfter = notAfter;
  const subject = subjectAttributes(request.subject);
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    // node-forge looks keys up in its OID table (which maps both ways): known OIDs go by name.
    {
      name: 'extKeyUsage',
      ...Object.fromEntries(request.ekus.map((oid) => [forge.pki.oids[oid] ?? oid, true])),
    },
    ...(request.dnsNames.length
      ? [{ name: 'subjectAltName', altNames: request.dnsNames.map((value) => ({ type: 2, value })) }]
      : []),
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());
  return { chainPem: [forge.pki.certificateToPem(cert)], privateKey };
}
