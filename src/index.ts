// The public API. In CommonJS `require('client-sessions-native')` returns this module; the ESM
// entry (esm.mts) re-exports it so both module systems share one instance.

import type { BackendName } from './codec';
import { requestedBackend, resolveBackend } from './backend/select';
import * as util from './util';

export { createCodec } from './create-codec';
export { nativeLoadError, BACKEND_ENV } from './backend/select';
export { util };
export type {
  BackendChoice,
  BackendName,
  Codec,
  DecodeResult,
  DecodeStatus,
  InvalidReason,
} from './codec';
export { MAX_COOKIE_VALUE_LENGTH } from './codec';
export type { CodecOptions, KeySetOptions } from './options';
export type { EncryptionAlgorithm, SignatureAlgorithm } from './algorithms';
export type { DecodedCookie, UtilOptions } from './util';
export type { CodedError, ErrorCode } from './errors';

/**
 * The backend codecs use unless told otherwise: `native` when the Rust binary loaded, `js` when
 * it did not or when CLIENT_SESSIONS_NATIVE_BACKEND=js. See `nativeLoadError()` for why.
 */
export const backend: BackendName = resolveBackend(requestedBackend());
