/**
 * Errors of the vault data plane, carrying what Key Vault answers: status, `error.code`,
 * message and optional `innererror.code`. Messages name objects, never values.
 */
export class VaultError extends Error {
  readonly status: number;
  readonly code: string;
  readonly innerCode: string | undefined;

  constructor(status: number, code: string, message: string, innerCode?: string) {
    super(message);
    this.name = 'VaultError';
    this.status = status;
    this.code = code;
    this.innerCode = innerCode;
  }
}

export type ObjectKind = 'Secret' | 'Key' | 'Certificate';

const NOT_FOUND_CODE: Record<ObjectKind, string> = {
  Secret: 'SecretNotFound',
  Key: 'KeyNotFound',
  Certificate: 'CertificateNotFound',
};

/** 404 as Key Vault words it for a missing object (or version). */
export function notFound(kind: ObjectKind, name: string, version?: string): VaultError {
  const what = kind.toLowerCase();
  const id = version ? `${name}/${version}` : name;
  return new VaultError(
    404,
    NOT_FOUND_CODE[kind],
    `A ${what} with (name/id) ${id} was not found in this key vault. If you recently deleted this ${what} you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );
}

/** 404 for a name that is not soft-deleted (get deleted, recover, purge). */
export function deletedNotFound(kind: ObjectKind, name: string): VaultError {
  return new VaultError(404, NOT_FOUND_CODE[kind], `Deleted ${kind} not found: ${name}`);
}

/** 403 for reading a disabled object. */
export function disabled(kind: ObjectKind, operation: string): VaultError {
  return new VaultError(
    403,
    'Forbidden',
    `Operation ${operation} is not allowed on a disabled ${kind.toLowerCase()}.`,
    `${kind}Disabled`,
  );
}

/** 409 for a name that is soft-deleted. */
export function deletedButRecoverable(kind: ObjectKind, name: string): VaultError {
  const what = kind.toLowerCase();
  return new VaultError(
    409,
    'Conflict',
    `${kind} ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the ${what} can only be recovered or purged.`,
    'ObjectIsDeletedButRecoverable',
  );
}

/** 400 `BadParameter`. */
export function badParameter(message: string): VaultError {
  return new VaultError(400, 'BadParameter', message);
}
