// Which backend runs is visible and can be forced; the native project proves the binary loaded.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';

import { describe, expect, it, vi } from 'vitest';

import * as api from '../src/index';
import { PLATFORM_PACKAGES, nativeUnavailable, platformPackageName, requestedBackend, type Host } from '../src/backend/select';
import { WASI_FASTER_THAN_JS, autoPrefersJsOver, bindingFlavour } from '../src/backend/wasi-preference';
import { BACKEND, SECRET } from './helpers/backend';

const ROOT = join(__dirname, '..');
/** Where `npm run build:native` puts a platform package's binary (binding.js tries it first). */
const binaryFor = (name: string): string => join(ROOT, `${name.replace('client-sessions-native-', 'client-sessions-native.')}.node`);
/** Whether a binary (a .node, or the WASI build) was built here: none in the js-only CI job. */
const builtHere = (): boolean => readdirSync(ROOT).some((f) => /^client-sessions-native\.[a-z0-9-]+\.(?:node|wasm)$/.test(f));

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

  it('the native project proves the binary loaded; the js project runs js whether or not one did', () => {
    // Both projects: the forced choice wins; a load error is there exactly when no binary was
    // built here (the js-only CI job builds none), and then auto runs js. In the native project
    // the binary must have loaded and auto must run it.
    const loadError = api.nativeLoadError();
    const auto = api.createCodec({ secret: SECRET, backend: 'auto' }).backend;
    const seen = { forced: api.createCodec({ secret: SECRET }).backend, loaded: loadError === undefined, auto };
    if (BACKEND === 'native') expect(seen).toEqual({ forced: 'native', loaded: true, auto: 'native' });
    else expect(seen).toEqual({ forced: 'js', loaded: builtHere(), auto: builtHere() ? auto : 'js' });
    if (loadError !== undefined) expect(loadError.message).toMatch(/^client-sessions-native: the native binary did not load on /);
  });

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
      [{ platform: 'linux', arch: 'arm', glibc: true }, 'client-sessions-native-linux-arm-gnueabihf'],
      [{ platform: 'linux', arch: 's390x', glibc: true }, 'client-sessions-native-linux-s390x-gnu'],
      [{ platform: 'freebsd', arch: 'x64', glibc: false }, 'client-sessions-native-freebsd-x64'],
      [{ platform: 'android', arch: 'arm64', glibc: false }, 'client-sessions-native-android-arm64'],
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
    // napi-rs's names: Node's process.arch, then the OS and ABI (32-bit ARM keeps its float
    // ABI); the WASI build is one package whatever its Rust target is called.
    const arch: Record<string, string> = { x86_64: 'x64', aarch64: 'arm64', armv7: 'arm', s390x: 's390x' };
    const system: Record<string, (cpu: string) => string> = {
      'unknown-linux-gnu': (cpu) => `linux-${cpu}-gnu`,
      'unknown-linux-gnueabihf': (cpu) => `linux-${cpu}-gnueabihf`,
      'unknown-linux-musl': (cpu) => `linux-${cpu}-musl`,
      'linux-android': (cpu) => `android-${cpu}`,
      'unknown-freebsd': (cpu) => `freebsd-${cpu}`,
      'apple-darwin': (cpu) => `darwin-${cpu}`,
      'pc-windows-msvc': (cpu) => `win32-${cpu}-msvc`,
      'wasip1-threads': () => 'wasm32-wasi',
    };
    const fromTargets = targets.map((triple) => {
      const [cpu, ...rest] = triple.split('-');
      const name = system[rest.join('-')];
      return `client-sessions-native-${name === undefined ? `unknown:${triple}` : name(arch[cpu!] ?? `unknown:${cpu}`)}`;
    });
    expect(fromTargets.length).toBeGreaterThanOrEqual(13);
    expect([...PLATFORM_PACKAGES].sort()).toEqual(fromTargets.sort());
    const loader = readFileSync(join(ROOT, 'binding.js'), 'utf8');
    for (const name of PLATFORM_PACKAGES) expect(loader, name).toContain(`require('${name}')`);
  });

  it("on this machine the error names this host's package, the one whose binary is here when one is (glibc or musl told apart)", () => {
    const err = nativeUnavailable(missingBinaryError('client-sessions-native-none'));
    const name = /optional dependency (client-sessions-native-\S+):/.exec(err.message)?.[1];
    expect(name).toBeDefined();
    expect(PLATFORM_PACKAGES).toContain(name);
    expect(name!.startsWith(`client-sessions-native-${process.platform}-${process.arch}`)).toBe(true);
    // Any .node built here is that package's binary (in the native project one always is).
    const built = readdirSync(ROOT).filter((f) => /^client-sessions-native\.[a-z0-9-]+\.node$/.test(f));
    expect(built.map((f) => join(ROOT, f))).toEqual(BACKEND === 'native' || built.length > 0 ? [binaryFor(name!)] : []);
    expect(existsSync(binaryFor(name!))).toBe(built.length > 0);
    expect(err.message).toContain(`cannot be loaded on ${process.platform}-${process.arch} (${name} is not installed).`);
    expect(err.message).not.toContain('wasm32');
    // Three lines of message, then the stack: no chain of every file the loader tried.
    expect(err.message.split('\n')).toHaveLength(3);
    expect(inspect(err)).not.toContain('[cause]');
  });

  it('auto runs js rather than a WASI build of the Rust codec, which measured slower; native still runs it', async () => {
    expect(bindingFlavour({})).toBe('native');
    expect(bindingFlavour({ __napiBindingTarget: 'native' })).toBe('native');
    expect(bindingFlavour({ __napiBindingTarget: 'wasm32-wasi' })).toBe('wasm32-wasi');
    expect(autoPrefersJsOver({ __napiBindingTarget: 'native' })).toBeUndefined();
    expect(WASI_FASTER_THAN_JS).toBe(false);
    expect(autoPrefersJsOver({ __napiBindingTarget: 'wasm32-wasi' })).toMatch(/WebAssembly \(wasm32-wasi\), which is slower than node:crypto/);
    // The same choice through resolveBackend, with binding.js faked to have loaded the WASI build.
    vi.resetModules();
    vi.doMock('../src/backend/native', async (importOriginal) => ({
      ...(await importOriginal<typeof import('../src/backend/native')>()),
      loadNative: () => ({ binding: { NativeCodec: class {}, __napiBindingTarget: 'wasm32-wasi' } }),
    }));
    try {
      const select = await import('../src/backend/select.js');
      expect(select.resolveBackend('auto')).toBe('js');
      expect(select.resolveBackend('native')).toBe('native');
      expect(select.resolveBackend('js')).toBe('js');
    } finally {
      vi.doUnmock('../src/backend/native');
      vi.resetModules();
    }
  });

  it('every codec says which backend it runs on', () => {
    const codec = api.createCodec({ secret: SECRET, cookieName: 'x' });
    expect(codec.backend).toBe(BACKEND);
    expect(codec.cookieName).toBe('x');
    expect(api.createCodec({ secret: SECRET, backend: 'js' }).backend).toBe('js');
    if (api.nativeLoadError() === undefined) expect(api.createCodec({ secret: SECRET, backend: 'native' }).backend).toBe('native');
    else expect(() => api.createCodec({ secret: SECRET, backend: 'native' })).toThrow(expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_NATIVE_UNAVAILABLE' }));
  });
});
