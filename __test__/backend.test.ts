// Which backend runs is visible and can be forced; the native project proves the binary loaded.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';

import { describe, expect, it } from 'vitest';

import * as api from '../src/index';
import { PLATFORM_PACKAGES, nativeUnavailable, platformPackageName, requestedBackend, type Host } from '../src/backend/select';
import { BACKEND, SECRET } from './helpers/backend';

const ROOT = join(__dirname, '..');

/** What binding.js throws when neither the local file nor the platform package is there. */
function missingBinaryError(name: string): Error {
  const local = new Error(`Cannot find module './${name.replace('client-sessions-native-', 'client-sessions-native.')}.node'\nRequire stack: ...`);
  const installed = new Error(`Cannot find module '${name}'\nRequire stack: ...`, { cause: local });
  return new Error('Cannot find native binding. npm has a bug related to optional dependencies', { cause: installed });
}

describe(`backend selection (${BACKEND})`, () => {
  it('the default backend is the one this test project forces', () => {
    expect(process.env.CLIENT_SESSIONS_NATIVE_BACKEND).toBe(BACKEND);
    expect(api.backend).toBe(BACKEND);
    expect(api.createCodec({ secret: SECRET }).backend).toBe(BACKEND);
  });

  if (BACKEND === 'native') {
    it('the native binary really loaded', () => {
      expect(api.nativeLoadError()).toBeUndefined();
      expect(api.createCodec({ secret: SECRET, backend: 'auto' }).backend).toBe('native');
    });
  }

  it('the option overrides the environment', () => {
    expect(api.createCodec({ secret: SECRET, backend: 'js' }).backend).toBe('js');
  });

  it('reads CLIENT_SESSIONS_NATIVE_BACKEND, case-insensitively, and refuses unknown values', () => {
    const saved = process.env.CLIENT_SESSIONS_NATIVE_BACKEND;
    try {
      process.env.CLIENT_SESSIONS_NATIVE_BACKEND = ' JS ';
      expect(requestedBackend()).toBe('js');
      process.env.CLIENT_SESSIONS_NATIVE_BACKEND = '';
      expect(requestedBackend()).toBe('auto');
      process.env.CLIENT_SESSIONS_NATIVE_BACKEND = 'wasm';
      expect(() => requestedBackend()).toThrow(/CLIENT_SESSIONS_NATIVE_BACKEND is "wasm": use 'native', 'js' or 'auto'/);
    } finally {
      process.env.CLIENT_SESSIONS_NATIVE_BACKEND = saved;
    }
  });

  it('a native backend that cannot load says what npm should have installed, and how to run anyway', () => {
    const hosts: Array<[Host, string]> = [
      [{ platform: 'linux', arch: 'x64', glibc: true }, 'client-sessions-native-linux-x64-gnu'],
      [{ platform: 'linux', arch: 'arm64', glibc: false }, 'client-sessions-native-linux-arm64-musl'],
      [{ platform: 'darwin', arch: 'arm64', glibc: false }, 'client-sessions-native-darwin-arm64'],
      [{ platform: 'win32', arch: 'x64', glibc: false }, 'client-sessions-native-win32-x64-msvc'],
    ];
    for (const [host, name] of hosts) {
      expect(platformPackageName(host)).toBe(name);
      const cause = new Error('boom', { cause: new Error('/app/node_modules/x.node: invalid ELF header') });
      const err = nativeUnavailable(cause, host) as Error & { code?: string; cause?: unknown; attempts?: string[] };
      expect(err.code).toBe('ERR_CLIENT_SESSIONS_NATIVE_UNAVAILABLE');
      // No cause chain to print: the loader's attempts are kept, one line each, unprinted.
      expect(err.cause).toBeUndefined();
      expect(err.attempts).toEqual(['/app/node_modules/x.node: invalid ELF header']);
      expect(Object.keys(err)).toEqual(['code']);
      expect(err.message).toBe(
        `client-sessions-native: the native backend was requested but cannot be loaded on ${host.platform}-${host.arch} (/app/node_modules/x.node: invalid ELF header).\n` +
          `npm should have installed its optional dependency ${name}: reinstall on this machine with optional dependencies included (not --omit=optional or --no-optional),\n` +
          `or use backend 'auto' or 'js' (CLIENT_SESSIONS_NATIVE_BACKEND=js) to run on node:crypto.`,
      );
      expect(err.message).not.toContain('build:native');
    }
  });

  it('where no binary is published, the error says so instead of naming a package', () => {
    const err = nativeUnavailable(new Error('Unsupported architecture on FreeBSD: ia32'), { platform: 'freebsd', arch: 'ia32', glibc: false });
    expect(err.message).toBe(
      'client-sessions-native: the native backend was requested but cannot be loaded on freebsd-ia32 (Unsupported architecture on FreeBSD: ia32).\n' +
        "No prebuilt binary is published for freebsd-ia32: use backend 'auto' or 'js' (CLIENT_SESSIONS_NATIVE_BACKEND=js) to run on node:crypto.",
    );
  });

  it('the published platform packages are the napi targets, under the names binding.js requires', () => {
    const targets = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { napi: { targets: string[] } }).napi.targets;
    const arch: Record<string, string> = { x86_64: 'x64', aarch64: 'arm64' };
    const system: Record<string, string> = { 'unknown-linux-gnu': 'linux-gnu', 'unknown-linux-musl': 'linux-musl', 'apple-darwin': 'darwin', 'pc-windows-msvc': 'win32-msvc' };
    const fromTargets = targets.map((triple) => {
      const [cpu, ...rest] = triple.split('-');
      const [os, abi] = (system[rest.join('-')] ?? `unknown:${triple}`).split('-');
      return `client-sessions-native-${os}-${arch[cpu!] ?? cpu}${abi === undefined ? '' : `-${abi}`}`;
    });
    expect([...PLATFORM_PACKAGES].sort()).toEqual(fromTargets.sort());
    const loader = readFileSync(join(ROOT, 'binding.js'), 'utf8');
    for (const name of PLATFORM_PACKAGES) expect(loader, name).toContain(`require('${name}')`);
  });

  if (BACKEND === 'native') {
    it("on this machine the error names the package for the binary that loaded (glibc or musl told apart)", () => {
      const err = nativeUnavailable(missingBinaryError('client-sessions-native-none'));
      const name = /optional dependency (client-sessions-native-\S+):/.exec(err.message)?.[1];
      expect(name).toBeDefined();
      expect(existsSync(join(ROOT, `${name!.replace('client-sessions-native-', 'client-sessions-native.')}.node`))).toBe(true);
      expect(err.message).toContain(`cannot be loaded on ${process.platform}-${process.arch} (${name} is not installed).`);
      expect(err.message).not.toContain('wasm32');
      // Three lines of message, then the stack: no chain of every file the loader tried.
      expect(err.message.split('\n')).toHaveLength(3);
      expect(inspect(err)).not.toContain('[cause]');
    });
  }

  it('every codec says which backend it runs on', () => {
    const codec = api.createCodec({ secret: SECRET, cookieName: 'x' });
    expect(codec.backend).toMatch(/^(native|js)$/);
    expect(codec.cookieName).toBe('x');
  });
});
