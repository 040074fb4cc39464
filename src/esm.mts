// ESM entry: the CommonJS build is the one implementation, so `import` and `require` in the
// same process share its state (one binary load, one default backend).
import clientSessions from './index.js';

export const { util, createCodec, backend, nativeLoadError, BACKEND_ENV, MAX_COOKIE_VALUE_LENGTH, crossOriginProtection } = clientSessions;
export default clientSessions;

export type SessionOptions = clientSessions.SessionOptions;
export type CookieOptions = clientSessions.CookieOptions;
export type SessionMiddleware<T extends object = Record<string, any>> = clientSessions.SessionMiddleware<T>;
export type ClientSession<T extends object = Record<string, any>> = clientSessions.ClientSession<T>;
export type SessionMethods = clientSessions.SessionMethods;
export type SecureSessionMethods<T extends object = Record<string, any>> = clientSessions.SecureSessionMethods<T>;
export type CallbackOrPromise = clientSessions.CallbackOrPromise;
export type SessionProblem = clientSessions.SessionProblem;
export type ErrorHandler = clientSessions.ErrorHandler;
export type BackendChoice = clientSessions.BackendChoice;
export type BackendName = clientSessions.BackendName;
export type Codec = clientSessions.Codec;
export type DecodeResult = clientSessions.DecodeResult;
export type ValidDecodeResult = clientSessions.ValidDecodeResult;
export type ExpiredDecodeResult = clientSessions.ExpiredDecodeResult;
export type InvalidDecodeResult = clientSessions.InvalidDecodeResult;
export type AbsentDecodeResult = clientSessions.AbsentDecodeResult;
export type DecodeStatus = clientSessions.DecodeStatus;
export type InvalidReason = clientSessions.InvalidReason;
export type CodecOptions = clientSessions.CodecOptions;
export type KeySetOptions = clientSessions.KeySetOptions;
export type EncryptionAlgorithm = clientSessions.EncryptionAlgorithm;
export type SignatureAlgorithm = clientSessions.SignatureAlgorithm;
export type DecodedCookie<T = unknown> = clientSessions.DecodedCookie<T>;
export type UtilOptions = clientSessions.UtilOptions;
export type HmacOptions = clientSessions.HmacOptions;
export type CodedError = clientSessions.CodedError;
export type ErrorCode = clientSessions.ErrorCode;
export type CrossOriginProtectionOptions = clientSessions.CrossOriginProtectionOptions;
export type CrossOriginProtectionMiddleware = clientSessions.CrossOriginProtectionMiddleware;
export type CrossOriginOptions = clientSessions.CrossOriginOptions;
