// What every adapter does once, when the application builds it: check the options, warn about
// unknown names, derive the keys and pick the backend. Each request then costs none of this.

import { createBackendCodec, requestedBackend } from '../backend/select';
import type { Codec } from '../codec';
import { codedError } from '../errors';
import { warnAboutUnknownOptions, type OptionsEntry } from '../option-names';
import { optionsNotAnObject, resolveCodecOptions } from '../options';
import { resolveSessionSettings, type SessionOptions, type SessionSettings } from './settings';

export interface SessionSetup {
  settings: SessionSettings;
  codec: Codec;
}

/**
 * `usage` is how the adapter is called, for the message when no options are given, e.g.
 * `sessions({ cookieName: "session", secret: process.env.SESSION_SECRET })`.
 */
export function setUpSessions(options: SessionOptions | undefined, entry: OptionsEntry, usage: string): SessionSetup {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    if (options !== undefined && options !== null) throw optionsNotAnObject(options);
    throw codedError('ERR_CLIENT_SESSIONS_OPTIONS', `no options provided: pass at least { secret }, e.g. ${usage}`, TypeError);
  }
  warnAboutUnknownOptions(options, entry);
  const codecOptions = resolveCodecOptions(options, 'strict');
  const settings = resolveSessionSettings(options, codecOptions);
  const codec = createBackendCodec(codecOptions, requestedBackend(options.backend));
  return { settings, codec };
}
