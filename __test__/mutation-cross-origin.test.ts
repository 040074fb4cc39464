// A trustedOrigins case no other spec pinned (mutation testing found it: scripts/mutation-equivalent.md).
// The origin pattern is anchored at both ends, so a line break after the host is not read as the
// end of an origin with a path: the whole text is not in the shape of an origin at all.
import { describe, expect, it } from 'vitest';

import sessions from '../src/index';
import { BACKEND } from './helpers/backend';

function setupError(options: unknown): Error & { code?: string } {
  try {
    sessions.crossOriginProtection(options as never);
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected the options to be refused');
}

describe(`crossOriginProtection trustedOrigins (${BACKEND})`, () => {
  it('an origin with a line break after a path is refused as no origin at all, not as one with a path', () => {
    for (const origin of ['https://app.example.com/\n', 'https://app.example.com/x\nhttps://evil.example']) {
      expect(setupError({ trustedOrigins: [origin] }), JSON.stringify(origin)).toMatchObject({
        code: 'ERR_CLIENT_SESSIONS_OPTIONS',
        message: `client-sessions-native: trustedOrigins: "${origin}" has no scheme://; write an origin as browsers send it in the Origin header, scheme://host[:port] with no path, e.g. "https://app.example.com"`,
      });
    }
  });
});
