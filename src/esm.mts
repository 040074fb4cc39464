// ESM entry: the CommonJS build is the one implementation, so `import` and `require` in the
// same process share its state (one binary load, one default backend).
import cjs from './index.js';

export const { createCodec, util, backend, nativeLoadError, BACKEND_ENV, MAX_COOKIE_VALUE_LENGTH } = cjs;
export default cjs;
export type * from './index.js';
