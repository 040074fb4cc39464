// Which backend runs is visible and can be forced; the native project proves the binary loaded.
import { describe, expect, it } from 'vitest';

import * as api from '../src/index';
import { requestedBackend } from '../src/backend/select';
import { BACKEND, SECRET } from './helpers/backend';

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

  it('every codec says which backend it runs on', () => {
    const codec = api.createCodec({ secret: SECRET, cookieName: 'x' });
    expect(codec.backend).toMatch(/^(native|js)$/);
    expect(codec.cookieName).toBe('x');
  });
});
