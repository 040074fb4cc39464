// The codec API: one object per cookie name, keys derived once, on the chosen backend.

import type { Codec } from './codec';
import { createBackendCodec, requestedBackend } from './backend/select';
import { warnAboutUnknownOptions } from './option-names';
import { resolveCodecOptions, type CodecOptions } from './options';

/**
 * Builds a codec for one cookie name. Options are checked here, with client-sessions' rules
 * (key lengths, distinct keys) and a valid cookie name; every error says what to change.
 */
export function createCodec(options: CodecOptions): Codec {
  // First, so a misspelt name is heard even when the options are then refused for it.
  warnAboutUnknownOptions(options, 'createCodec');
  const choice = requestedBackend(options?.backend);
  return createBackendCodec(resolveCodecOptions(options, 'strict'), choice);
}
