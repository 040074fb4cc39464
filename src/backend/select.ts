// Choosing the backend: an option, else the CLIENT_SESSIONS_NATIVE_BACKEND environment variable,
// else `auto` (native when its binary loads, js otherwise). Forcing `native` where it cannot load
// is an error that says why; `auto` falling back is logged under NODE_DEBUG=client-sessions-native.

import { debuglog } from 'node:util';

import type { BackendChoice, BackendName, TestableCodec } from '../codec';
import { codedError } from '../errors';
import type { ResolvedCodecOptions } from '../options';
import { JsCodec } from './js';
import { NativeCodec, loadNative } from './native';

export const BACKEND_ENV = 'CLIENT_SESSIONS_NATIVE_BACKEND';

const debug = debuglog('client-sessions-native');
let fallbackLogged = false;

/** The choice from an option value, else the environment, else `auto`. */
export function requestedBackend(option?: unknown): BackendChoice {
  if (option !== undefined) return parseChoice(option, 'the backend option');
  const fromEnv = process.env[BACKEND_ENV];
  if (fromEnv === undefined || fromEnv === '') return 'auto';
  return parseChoice(fromEnv.trim().toLowerCase(), `${BACKEND_ENV}`);
}

function parseChoice(value: unknown, source: string): BackendChoice {
  if (value === 'native' || value === 'js' || value === 'auto') return value;
  throw codedError(
    'ERR_CLIENT_SESSIONS_BACKEND',
    `${source} is ${JSON.stringify(value)}: use 'native', 'js' or 'auto'`,
    TypeError,
  );
}

/** Which backend a choice gives on this machine, without building a codec. */
export function resolveBackend(choice: BackendChoice): BackendName {
  if (choice === 'js') return 'js';
  const loaded = loadNative();
  if ('binding' in loaded) return 'native';
  if (choice === 'native') throw nativeUnavailable(loaded.error);
  if (!fallbackLogged) {
    fallbackLogged = true;
    debug('native backend unavailable, using js: %s', loadFailureReason(loaded.error));
  }
  return 'js';
}

export function createBackendCodec(options: ResolvedCodecOptions, choice: BackendChoice): TestableCodec {
  if (resolveBackend(choice) === 'js') return new JsCodec(options);
  const loaded = loadNative();
  if (!('binding' in loaded)) throw nativeUnavailable(loaded.error);
  return new NativeCodec(options, loaded.binding);
}

/** Why the native binary did not load, or undefined if it loaded (or was never tried). */
export function nativeLoadError(): Error | undefined {
  const loaded = loadNative();
  return 'error' in loaded ? loaded.error : undefined;
}

function nativeUnavailable(cause: Error): Error {
  const err = codedError(
    'ERR_CLIENT_SESSIONS_NATIVE_UNAVAILABLE',
    `the native backend was requested but cannot be loaded on ${process.platform}-${process.arch} ` +
      `(${loadFailureReason(cause)}). Reinstall so npm adds the platform package ` +
      `(optional dependencies must not be omitted), build it with 'npm run build:native', ` +
      `or use backend 'auto' or 'js' (${BACKEND_ENV}=js) to run on node:crypto.`,
  );
  (err as Error & { cause?: unknown }).cause = cause;
  return err;
}

/**
 * The most telling line of a load failure. The generated loader throws a generic "Cannot find
 * native binding" whose cause chain holds each attempt; a corrupt or incompatible file says more
 * than the "Cannot find module" of paths that simply are not there.
 */
export function loadFailureReason(error: Error): string {
  const attempts: string[] = [];
  for (let cause = (error as { cause?: unknown }).cause; cause instanceof Error; cause = (cause as { cause?: unknown }).cause) {
    attempts.push(firstLine(cause.message));
  }
  const specific = attempts.find((message) => !/Cannot find module/.test(message));
  if (specific !== undefined) return specific;
  if (attempts.length > 0) return `no native binary is installed for ${process.platform}-${process.arch} (${attempts[0]})`;
  return firstLine(error.message);
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? text;
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}
