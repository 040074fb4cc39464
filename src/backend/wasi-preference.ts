// `auto` and the WebAssembly build of the Rust codec. Where no .node file can load (StackBlitz-style
// in-browser Node), binding.js falls back to the wasm32-wasip1-threads build and says which
// artifact it loaded in `__napiBindingTarget`: 'native' for a .node addon, 'wasm32-wasi' for that.
//
// Measured with `node scripts/bench-wasi.mjs` (Node 20.20, linux-x64, a 375-byte session, median
// of 15 interleaved rounds, both backends in one process): on an idle machine encode took 19.9 µs
// on WASI against 7.8 µs on js (2.56x slower) and decode 13.1 µs against 6.8 µs (1.92x); over four
// runs WASI was 1.9-2.8x slower on encode and 1.9-2.2x on decode. Every call crosses into wasm
// through emnapi, and AES and HMAC run as wasm instead of OpenSSL's assembly, so node:crypto wins:
// `auto` runs js over a WASI binding. A forced `native` still runs it.

/** Whether the WASI build measured faster than the js backend. It did not (see above). */
export const WASI_FASTER_THAN_JS = false;

/** Which artifact the generated loader loaded: 'native', or the name of a WASI flavour. */
export function bindingFlavour(binding: object): string {
  const target = (binding as { __napiBindingTarget?: unknown }).__napiBindingTarget;
  // A loader from before napi-rs stamped its artifact only ever loaded .node files.
  return typeof target === 'string' ? target : 'native';
}

/** Why `auto` should run js instead of this binding, or undefined where the binding is faster. */
export function autoPrefersJsOver(binding: object): string | undefined {
  const flavour = bindingFlavour(binding);
  if (flavour === 'native' || WASI_FASTER_THAN_JS) return undefined;
  return `the Rust codec loaded as WebAssembly (${flavour}), which is slower than node:crypto here`;
}
