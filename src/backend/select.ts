// Choosing the backend: an option, else the CLIENT_SESSIONS_NATIVE_BACKEND environment variable,
// else `auto` (native when its binary loads, js otherwise). Forcing `native` where it cannot load
// is an error that says why; `auto` falling back is logged under NODE_DEBUG=client-sessions-native.

import { debuglog } from 'node:util';

import type { BackendChoice, BackendName, TestableCodec } from '../codec';
import { PACKAGE, codedError } from '../errors';
import type { ResolvedCodecOptions } from '../options';
import { JsCodec } from './js';
import { NativeCodec, loadNative } from './native';
import { autoPrefersJsOver } from './wasi-preference';

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
  if ('binding' in loaded) {
    // `auto` wants the faster codec, and the WASI build of the Rust one is not (wasi-preference.ts).
    const slower = choice === 'auto' ? autoPrefersJsOver(loaded.binding) : undefined;
    if (slower === undefined) return 'native';
    if (!fallbackLogged) {
      fallbackLogged = true;
      debug('%s: using js', slower);
    }
    return 'js';
  }
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
    describeFailure(`the native binary did not load on ${hostName(currentHost())}:`, loaded.error, currentHost(), ''),
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
  'client-sessions-native-linux-arm-gnueabihf',
  'client-sessions-native-linux-s390x-gnu',
  'client-sessions-native-freebsd-x64',
  'client-sessions-native-android-arm64',
  'client-sessions-native-wasm32-wasi',
];

/**
 * The package binding.js looks for on a host (Windows: the MSVC build, as Node is). 32-bit ARM
 * carries its float ABI as napi-rs names it: `linux-arm-gnueabihf`, `linux-arm-musleabihf`,
 * `android-arm-eabi`.
 */
export function platformPackageName(host: Host): string {
  let abi = '';
  if (host.platform === 'linux') abi = (host.glibc ? '-gnu' : '-musl') + (host.arch === 'arm' ? 'eabihf' : '');
  else if (host.platform === 'win32') abi = '-msvc';
  else if (host.platform === 'android' && host.arch === 'arm') abi = '-eabi';
  return `client-sessions-native-${host.platform}-${host.arch}${abi}`;
}

// Node's own report says which C library it runs on: glibc fills in glibcVersionRuntime,
// musl leaves it out. Only asked on Linux, and only once loading has already failed.
function currentHost(): Host {
  let glibc = false;
  if (process.platform === 'linux') {
    try {
      const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: unknown } } | undefined;
      glibc = report?.header?.glibcVersionRuntime !== undefined;
    } catch {
      // Deno without --allow-sys refuses the report; its Linux builds are glibc ones.
      glibc = true;
    }
  }
  return { platform: process.platform, arch: process.arch, glibc };
}

/**
 * The error for a forced `native` that cannot load: why, what npm should have installed, and
 * how to run anyway. A user can follow every line of it; `host` is a parameter for the tests.
 */
export function nativeUnavailable(cause: Error, host: Host = currentHost()): Error {
  return summarize(
    describeFailure(`the native backend was requested but cannot be loaded on ${hostName(host)}`, cause, host, '()'),
    cause,
    'ERR_CLIENT_SESSIONS_NATIVE_UNAVAILABLE',
  );
}

function hostName(host: Host): string {
  return `${host.platform}-${host.arch}`;
}

/** `what`, the reason (in parentheses when `brackets` is '()'), and the fix, in three lines. */
function describeFailure(what: string, loaderError: Error, host: Host, brackets: '' | '()'): string {
  const reason = loadFailureReason(loaderError, host);
  const shown = brackets === '()' ? ` (${reason})` : ` ${reason}`;
  return `${PACKAGE}: ${what}${shown}.\n${fixFor(host, reason)}`;
}

function fixFor(host: Host, reason: string): string {
  // Deno refuses the addon for want of a permission and names the flag; reinstalling is no fix.
  const flag = /run again with the (--allow-[a-z]+) flag/.exec(reason)?.[1];
  if (flag !== undefined) {
    return `Deno refused it: run with ${flag} (the native backend needs --allow-env and --allow-ffi, and on Linux --allow-sys or --allow-read=/usr/bin/ldd),\n` +
      `or use backend 'js' (${BACKEND_ENV}=js) to run on node:crypto.`;
  }
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
  // A refusal to load this host's .node file says most (Deno: "Requires ffi access to ….node");
  // the WASI flavour's own refusals come first in the chain but are not the fix.
  const specific =
    attempts.find((message) => /\.node\b/.test(message) && !/Cannot find module/.test(message)) ??
    attempts.find((message) => !/Cannot find module/.test(message));
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
