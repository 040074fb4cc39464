// Choosing the backend: an option, else the CLIENT_SESSIONS_NATIVE_BACKEND environment variable,
// else `auto` (native when its binary loads, js otherwise). Forcing `native` where it cannot load
// is an error that says why; `auto` falling back is logged under NODE_DEBUG=client-sessions-native.

import { debuglog } from 'node:util';

import type { BackendChoice, BackendName, TestableCodec } from '../codec';
import { PACKAGE, codedError } from '../errors';
import type { ResolvedCodecOptions } from '../options';
import { JsCodec } from './js';
import { NativeCodec, loadNative } from './native';

export const BACKEND_ENV = 'CLIENT_SESSIONS_NATIVE_BACKEND';

const debug = debuglog('client-sessions-native');
let fallbackLogged = false;

/**
 * An environment variable, or undefined where the environment cannot be read: Deno without
 * --allow-env throws NotCapable on any read, and this module is imported before the app runs.
 */
function readEnvironment(name: string): string | undefined {
  try {
    return process.env[name];
  } catch {
    return undefined;
  }
}

/** The choice from an option value, else the environment, else `auto`. */
export function requestedBackend(option?: unknown): BackendChoice {
  if (option !== undefined) return parseChoice(option, 'the backend option');
  const fromEnv = readEnvironment(BACKEND_ENV);
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
    debug('native backend unavailable, using js: %s', loadFailureReason(loaded.error, currentHost()));
  }
  return 'js';
}

export function createBackendCodec(options: ResolvedCodecOptions, choice: BackendChoice): TestableCodec {
  if (resolveBackend(choice) === 'js') return new JsCodec(options);
  const loaded = loadNative();
  if (!('binding' in loaded)) throw nativeUnavailable(loaded.error);
  return new NativeCodec(options, loaded.binding);
}

let loadErrorSummary: Error | undefined;

/**
 * Why the native binary did not load, or undefined if it loaded: the host's package and the fix
 * in a few lines. The loader's own error is a chain of one error per file and package it tried
 * (about 70 lines printed) that starts with a wasm32-wasi package and an "npm has a bug" notice;
 * its first lines are kept as `attempts`, which inspecting the error does not print.
 */
export function nativeLoadError(): Error | undefined {
  const loaded = loadNative();
  if (!('error' in loaded)) return undefined;
  loadErrorSummary ??= summarize(
    `${PACKAGE}: the native binary did not load on ${hostName(currentHost())}: ${loadFailureReason(loaded.error, currentHost())}.\n${fixFor(currentHost())}`,
    loaded.error,
  );
  return loadErrorSummary;
}

/** A short error carrying the loader's attempts as a non-enumerable `attempts` list. */
function summarize(message: string, loaderError: Error, code?: 'ERR_CLIENT_SESSIONS_NATIVE_UNAVAILABLE'): Error {
  const err = code === undefined ? new Error(message) : codedError(code, message, Error, false);
  Object.defineProperty(err, 'attempts', { value: loaderAttempts(loaderError), enumerable: false });
  return err;
}

/** What the platform package name depends on. */
export interface Host {
  platform: string;
  arch: string;
  /** Linux only: glibc rather than musl. */
  glibc: boolean;
}

/**
 * The platform packages published with each release: package.json's `napi.targets`, named as
 * binding.js requires them (a test holds the three together).
 */
export const PLATFORM_PACKAGES: readonly string[] = [
  'client-sessions-native-linux-x64-gnu',
  'client-sessions-native-linux-x64-musl',
  'client-sessions-native-linux-arm64-gnu',
  'client-sessions-native-linux-arm64-musl',
  'client-sessions-native-darwin-x64',
  'client-sessions-native-darwin-arm64',
  'client-sessions-native-win32-x64-msvc',
  'client-sessions-native-win32-arm64-msvc',
];

/** The package binding.js looks for on a host (Windows: the MSVC build, as Node is). */
export function platformPackageName(host: Host): string {
  let abi = '';
  if (host.platform === 'linux') abi = host.glibc ? '-gnu' : '-musl';
  else if (host.platform === 'win32') abi = '-msvc';
  return `client-sessions-native-${host.platform}-${host.arch}${abi}`;
}

// Node's own report says which C library it runs on: glibc fills in glibcVersionRuntime,
// musl leaves it out. Only asked on Linux, and only once loading has already failed.
function currentHost(): Host {
  let glibc = false;
  if (process.platform === 'linux') {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: unknown } } | undefined;
    glibc = report?.header?.glibcVersionRuntime !== undefined;
  }
  return { platform: process.platform, arch: process.arch, glibc };
}

/**
 * The error for a forced `native` that cannot load: why, what npm should have installed, and
 * how to run anyway. A user can follow every line of it; `host` is a parameter for the tests.
 */
export function nativeUnavailable(cause: Error, host: Host = currentHost()): Error {
  return summarize(
    `${PACKAGE}: the native backend was requested but cannot be loaded on ${hostName(host)} (${loadFailureReason(cause, host)}).\n${fixFor(host)}`,
    cause,
    'ERR_CLIENT_SESSIONS_NATIVE_UNAVAILABLE',
  );
}

function hostName(host: Host): string {
  return `${host.platform}-${host.arch}`;
}

function fixFor(host: Host): string {
  const name = platformPackageName(host);
  return PLATFORM_PACKAGES.includes(name)
    ? `npm should have installed its optional dependency ${name}: reinstall on this machine with optional dependencies included (not --omit=optional or --no-optional),\n` +
        `or use backend 'auto' or 'js' (${BACKEND_ENV}=js) to run on node:crypto.`
    : `No prebuilt binary is published for ${hostName(host)}: use backend 'auto' or 'js' (${BACKEND_ENV}=js) to run on node:crypto.`;
}

/**
 * The most telling line of a load failure. The generated loader throws a generic "Cannot find
 * native binding" whose cause chain holds each attempt; a corrupt or incompatible file says more
 * than the "Cannot find module" of paths that simply are not there.
 */
export function loadFailureReason(error: Error, host: Host): string {
  const attempts = loaderAttempts(error);
  const specific = attempts.find((message) => !/Cannot find module/.test(message));
  if (specific !== undefined) return specific;
  if (attempts.length > 0) return `${platformPackageName(host)} is not installed`;
  return firstLine(error.message);
}

/** The first line of each attempt in the generated loader's cause chain. */
function loaderAttempts(error: Error): string[] {
  const attempts: string[] = [];
  for (let cause = (error as { cause?: unknown }).cause; cause instanceof Error; cause = (cause as { cause?: unknown }).cause) {
    attempts.push(firstLine(cause.message));
  }
  return attempts;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? text;
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}
