// Choosing the backend from the option and the environment, and the messages around a binary
// that does not load. Imports only backend/select, so a mistake in parsing the choice fails
// these tests rather than every spec's import of the package entry (which reads the choice as
// it loads, and whose failure no test result would show).
import { afterEach, describe, expect, it, vi } from 'vitest';

import { loadNative } from '../src/backend/native';
import { BACKEND_ENV, loadFailureReason, nativeUnavailable, platformPackageName, requestedBackend, type Host } from '../src/backend/select';

// Not helpers/backend: it imports the package entry.
const BACKEND = process.env.CLIENT_SESSIONS_NATIVE_BACKEND;

const LINUX: Host = { platform: 'linux', arch: 'x64', glibc: true };
const saved = process.env[BACKEND_ENV];
afterEach(() => {
  process.env[BACKEND_ENV] = saved;
});

function refusal(run: () => unknown): Error & { code?: string } {
  try {
    run();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a refusal');
}

describe(`choosing the backend (${BACKEND})`, () => {
  it('the option, when given, is the choice whatever the environment says', () => {
    for (const env of ['native', 'js', 'auto', '', 'nonsense']) {
      process.env[BACKEND_ENV] = env;
      for (const choice of ['native', 'js', 'auto'] as const) expect(requestedBackend(choice), `${choice} with ${env}`).toBe(choice);
    }
  });

  it('without the option, the environment, trimmed and in any case, else auto', () => {
    for (const [env, choice] of [['native', 'native'], ['js', 'js'], ['auto', 'auto'], [' Native ', 'native'], ['JS', 'js'], ['\tAUTO\n', 'auto'], ['', 'auto']] as const) {
      process.env[BACKEND_ENV] = env;
      expect(requestedBackend(), JSON.stringify(env)).toBe(choice);
      expect(requestedBackend(undefined), JSON.stringify(env)).toBe(choice);
    }
    delete process.env[BACKEND_ENV];
    expect(requestedBackend()).toBe('auto');
  });

  it('anything else is refused, saying where it came from and what to write', () => {
    for (const [bad, shown] of [['rust', '"rust"'], ['JS', '"JS"'], ['', '""'], [1, '1'], [null, 'null'], [true, 'true']] as const) {
      const err = refusal(() => requestedBackend(bad));
      expect(err, String(bad)).toBeInstanceOf(TypeError);
      expect(err).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_BACKEND', message: `client-sessions-native: the backend option is ${shown}: use 'native', 'js' or 'auto'` });
    }
    process.env[BACKEND_ENV] = ' Wasm ';
    expect(refusal(() => requestedBackend()).message).toBe(`client-sessions-native: ${BACKEND_ENV} is "wasm": use 'native', 'js' or 'auto'`);
  });

  it('the binary is loaded once; in the native project it loads and exports NativeCodec', () => {
    const loaded = loadNative();
    expect(loadNative()).toBe(loaded);
    if (BACKEND === 'native') {
      expect('binding' in loaded && typeof loaded.binding.NativeCodec).toBe('function');
    } else {
      expect('binding' in loaded || loaded.error instanceof Error).toBe(true);
    }
  });

  it('platform packages: the ABI suffix napi-rs uses on each platform', () => {
    expect(platformPackageName({ platform: 'android', arch: 'arm', glibc: false })).toBe('client-sessions-native-android-arm-eabi');
    expect(platformPackageName({ platform: 'android', arch: 'arm64', glibc: false })).toBe('client-sessions-native-android-arm64');
    expect(platformPackageName({ platform: 'linux', arch: 'arm', glibc: false })).toBe('client-sessions-native-linux-arm-musleabihf');
    // The float ABI suffix is Linux's and Android's: 32-bit ARM elsewhere carries none.
    expect(platformPackageName({ platform: 'freebsd', arch: 'arm', glibc: false })).toBe('client-sessions-native-freebsd-arm');
    expect(platformPackageName({ platform: 'darwin', arch: 'arm64', glibc: false })).toBe('client-sessions-native-darwin-arm64');
    expect(platformPackageName({ platform: 'win32', arch: 'arm64', glibc: false })).toBe('client-sessions-native-win32-arm64-msvc');
  });

  it.runIf(process.platform === 'linux')("on Linux the C library is the process report's: glibc names it, musl leaves it out", () => {
    // All "Cannot find module": the message names the package this host would need.
    const missing = new Error('Cannot find native binding', { cause: new Error("Cannot find module './client-sessions-native.node'") });
    const packageFor = (glibc: boolean) => platformPackageName({ platform: 'linux', arch: process.arch, glibc });
    const report = vi.spyOn(process.report!, 'getReport');
    try {
      const cases: Array<[() => unknown, boolean]> = [
        [() => ({ header: { glibcVersionRuntime: '2.36' } }), true],
        [() => ({ header: {} }), false],
        [() => ({}), false],
        [() => undefined, false],
        // Deno without --allow-sys refuses the report; its Linux builds are glibc ones.
        [() => { throw new Error('Requires sys access'); }, true],
      ];
      for (const [getReport, glibc] of cases) {
        report.mockImplementation(getReport as never);
        expect(nativeUnavailable(missing).message, String(getReport)).toContain(`(${packageFor(glibc)} is not installed)`);
      }
    } finally {
      report.mockRestore();
    }
  });

  it('a load failure is told by its first line, cut at 300 characters', () => {
    const chain = (message: string): Error => new Error('Cannot find native binding', { cause: new Error(message) });
    expect(loadFailureReason(chain('invalid ELF header\n  at the loader\n  at more'), LINUX)).toBe('invalid ELF header');
    expect(loadFailureReason(chain('x'.repeat(300)), LINUX)).toBe('x'.repeat(300));
    expect(loadFailureReason(chain('y'.repeat(301)), LINUX)).toBe(`${'y'.repeat(300)}...`);
    expect(loadFailureReason(new Error('no cause here\nsecond line'), LINUX)).toBe('no cause here');
    expect(loadFailureReason(chain("Cannot find module 'x'"), LINUX)).toBe('client-sessions-native-linux-x64-gnu is not installed');
  });

  it('a binary that did not load is a summary error without a code, its attempts kept unprinted', async () => {
    vi.resetModules();
    vi.doMock('../src/backend/native', async (importOriginal) => ({
      ...(await importOriginal<typeof import('../src/backend/native')>()),
      loadNative: () => ({ error: new Error('Cannot find native binding', { cause: new Error('/x/client-sessions-native.node: invalid ELF header') }) }),
    }));
    try {
      const select = await import('../src/backend/select.js');
      const err = select.nativeLoadError() as Error & { attempts?: string[] };
      expect(err).toBeInstanceOf(Error);
      expect('code' in err).toBe(false);
      expect(err.message.split('\n')[0]).toBe(
        `client-sessions-native: the native binary did not load on ${process.platform}-${process.arch}: /x/client-sessions-native.node: invalid ELF header.`,
      );
      expect(err.attempts).toEqual(['/x/client-sessions-native.node: invalid ELF header']);
      expect(Object.keys(err)).toEqual([]);
      expect(select.nativeLoadError()).toBe(err);
      expect(select.resolveBackend('auto')).toBe('js');
      expect(select.resolveBackend('js')).toBe('js');
      expect(refusal(() => select.resolveBackend('native'))).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_NATIVE_UNAVAILABLE' });
      expect(refusal(() => select.createBackendCodec({ cookieName: 's', encryptionAlgorithm: 'aes256', signatureAlgorithm: 'sha256', keys: [{ secret: Buffer.from('s') }], activeDuration: 0, format: 1, absoluteDuration: 0 }, 'native'))).toMatchObject({
        code: 'ERR_CLIENT_SESSIONS_NATIVE_UNAVAILABLE',
      });
      expect(select.createBackendCodec({ cookieName: 's', encryptionAlgorithm: 'aes256', signatureAlgorithm: 'sha256', keys: [{ secret: Buffer.from('s') }], activeDuration: 0, format: 1, absoluteDuration: 0 }, 'auto').backend).toBe('js');
    } finally {
      vi.doUnmock('../src/backend/native');
      vi.resetModules();
    }
  });

  /** select.ts loaded with this binding state and a recording NODE_DEBUG=client-sessions-native log. */
  async function selectWith(loaded: unknown): Promise<{ select: typeof import('../src/backend/select'); lines: unknown[][]; sections: string[] }> {
    const lines: unknown[][] = [];
    const sections: string[] = [];
    vi.resetModules();
    vi.doMock('node:util', async (importOriginal) => ({
      ...(await importOriginal<typeof import('node:util')>()),
      debuglog: (section: string) => {
        sections.push(section);
        return (...args: unknown[]) => lines.push(args);
      },
    }));
    vi.doMock('../src/backend/native', async (importOriginal) => ({ ...(await importOriginal<typeof import('../src/backend/native')>()), loadNative: () => loaded }));
    return { select: await import('../src/backend/select.js'), lines, sections };
  }

  it('auto falling back to js is logged under NODE_DEBUG=client-sessions-native, once per process', async () => {
    try {
      const missing = await selectWith({ error: new Error('Cannot find native binding', { cause: new Error('bad ELF') }) });
      expect(missing.sections).toContain('client-sessions-native');
      expect(missing.select.resolveBackend('auto')).toBe('js');
      expect(missing.select.resolveBackend('auto')).toBe('js');
      expect(missing.lines).toEqual([['native backend unavailable, using js: %s', 'bad ELF']]);
      const wasi = await selectWith({ binding: { NativeCodec: class {}, __napiBindingTarget: 'wasm32-wasi' } });
      expect(wasi.select.resolveBackend('auto')).toBe('js');
      expect(wasi.select.resolveBackend('auto')).toBe('js');
      expect(wasi.select.resolveBackend('native')).toBe('native');
      expect(wasi.lines).toHaveLength(1);
      expect(wasi.lines[0]![0]).toBe('%s: using js');
      expect(String(wasi.lines[0]![1])).toMatch(/WebAssembly \(wasm32-wasi\)/);
      const native = await selectWith({ binding: { NativeCodec: class {} } });
      expect(native.select.resolveBackend('auto')).toBe('native');
      expect(native.lines).toEqual([]);
    } finally {
      vi.doUnmock('node:util');
      vi.doUnmock('../src/backend/native');
      vi.resetModules();
    }
  });
});
