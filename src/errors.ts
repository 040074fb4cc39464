// Errors for misuse (bad options, bad arguments). Bad cookies are never errors.

export const PACKAGE = 'client-sessions-native';

export type ErrorCode =
  | 'ERR_CLIENT_SESSIONS_OPTIONS'
  | 'ERR_CLIENT_SESSIONS_COOKIE_NAME'
  | 'ERR_CLIENT_SESSIONS_ENCRYPTION_ALGORITHM'
  | 'ERR_CLIENT_SESSIONS_SIGNATURE_ALGORITHM'
  | 'ERR_CLIENT_SESSIONS_NO_KEYS'
  | 'ERR_CLIENT_SESSIONS_SECRET'
  | 'ERR_CLIENT_SESSIONS_ENCRYPTION_KEY'
  | 'ERR_CLIENT_SESSIONS_SIGNATURE_KEY'
  | 'ERR_CLIENT_SESSIONS_SAME_KEYS'
  | 'ERR_CLIENT_SESSIONS_DURATION'
  | 'ERR_CLIENT_SESSIONS_TIMESTAMP'
  | 'ERR_CLIENT_SESSIONS_BACKEND'
  | 'ERR_CLIENT_SESSIONS_NATIVE_UNAVAILABLE'
  | 'ERR_CLIENT_SESSIONS_IV'
  | 'ERR_CLIENT_SESSIONS_KEY_INDEX'
  | 'ERR_CLIENT_SESSIONS_CONTENT'
  | 'ERR_CLIENT_SESSIONS_COOKIE_OPTIONS'
  | 'ERR_CLIENT_SESSIONS_REQUEST_KEY'
  | 'ERR_CLIENT_SESSIONS_ON_ERROR'
  | 'ERR_CLIENT_SESSIONS_COOKIE_INVALID'
  | 'ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE'
  | 'ERR_CLIENT_SESSIONS_INSECURE_CONNECTION'
  | 'ERR_CLIENT_SESSIONS_ENCODE_FAILED'
  | 'ERR_CLIENT_SESSIONS_NOT_AN_OBJECT'
  | 'ERR_CLIENT_SESSIONS_RESERVED_KEY'
  | 'ERR_CLIENT_SESSIONS_WEAK_SECRET'
  | 'ERR_CLIENT_SESSIONS_UNKNOWN_OPTION'
  | 'ERR_CLIENT_SESSIONS_HEADERS_SENT'
  | 'ERR_CLIENT_SESSIONS_ARGUMENT'
  | 'ERR_CLIENT_SESSIONS_KEY_ID';

/**
 * A process warning of type ClientSessionsWarning. Where the runtime has no
 * process.emitWarning (Workers before compatibility date 2025-09-15, outside wrangler's
 * stand-in), console.warn says the same, rather than the warning throwing at setup.
 */
export function emitWarning(message: string, code: ErrorCode): void {
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') {
    process.emitWarning(message, { type: 'ClientSessionsWarning', code });
  } else {
    console.warn(`ClientSessionsWarning [${code}]: ${message}`);
  }
}

export interface CodedError extends Error {
  code: ErrorCode;
}

/**
 * An error whose message starts with the package name and says what to change, with a stable
 * `code`. `TypeError` when a value has the wrong type, `Error` when it has a wrong value.
 */
export function codedError(
  code: ErrorCode,
  message: string,
  Kind: ErrorConstructor | TypeErrorConstructor = Error,
  prefix = true,
): CodedError {
  const err = new Kind(prefix ? `${PACKAGE}: ${message}` : message) as CodedError;
  err.code = code;
  return err;
}
