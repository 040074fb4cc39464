// What every spec needs to know about the backend it runs on.
import { createCodec, type CodecOptions } from '../../src/index';
import type { BackendName, TestableCodec } from '../../src/codec';

/** The backend this vitest project runs (set per project in vitest.config.mts). */
export const BACKEND = process.env.CLIENT_SESSIONS_NATIVE_BACKEND as BackendName;
if (BACKEND !== 'native' && BACKEND !== 'js') {
  throw new Error('run the specs through vitest.config.mts, which sets CLIENT_SESSIONS_NATIVE_BACKEND');
}
export const OTHER_BACKEND: BackendName = BACKEND === 'native' ? 'js' : 'native';

/** A codec on this project's backend, with the test-only IV hook visible. */
export function codecOn(options: CodecOptions, backend: BackendName = BACKEND): TestableCodec {
  const codec = createCodec({ ...options, backend }) as TestableCodec;
  if (codec.backend !== backend) throw new Error(`asked for ${backend}, got ${codec.backend}`);
  return codec;
}

export const SECRET = 'a test secret that is long enough to be realistic';
export const DAY = 24 * 60 * 60 * 1000;
export const T0 = 1_700_000_000_000;
