// What the load-failure messages say on runtimes that refuse the addon for want of a permission
// (Deno), and which of the loader's attempts counts as the reason.
import { describe, expect, it } from 'vitest';

import { nativeUnavailable, type Host } from '../src/backend/select';
import { BACKEND } from './helpers/backend';

const LINUX: Host = { platform: 'linux', arch: 'x64', glibc: true };

/** A loader error shaped like binding.js's: a chain of one cause per attempt, first attempt last. */
function loaderError(...attempts: string[]): Error {
  let cause: Error | undefined;
  for (const message of [...attempts].reverse()) cause = new Error(message, cause ? { cause } : {});
  return new Error('Cannot find native binding. npm has a bug related to optional dependencies', { cause });
}

describe(`load failures on permission-checking runtimes (${BACKEND})`, () => {
  it("Deno's refusal of the .node file is the reason, and the fix is the flag it names, not a reinstall", () => {
    const err = nativeUnavailable(
      loaderError(
        'Requires write access to "/", run again with the --allow-write flag',
        'Requires ffi access to "/app/node_modules/client-sessions-native-linux-x64-gnu/client-sessions-native.linux-x64-gnu.node", run again with the --allow-ffi flag',
        "Cannot find module 'client-sessions-native-linux-x64-gnu'",
      ),
      LINUX,
    );
    const [first, second, third] = err.message.split('\n');
    expect(first).toMatch(/\(Requires ffi access to ".*\.node", run again with the --allow-ffi flag\)\.$/);
    expect(second).toMatch(/^Deno refused it: run with --allow-ffi \(the native backend needs --allow-env and --allow-ffi/);
    expect(third).toMatch(/or use backend 'js'/);
    expect(err.message).not.toMatch(/reinstall|allow-write/);
  });

  it('without a permission refusal, the first attempt that is not a missing module is the reason', () => {
    const err = nativeUnavailable(loaderError("Cannot find module 'x'", '/a/b.so: invalid ELF header', 'another failure'), LINUX);
    expect(err.message.split('\n')[0]).toMatch(/\(\/a\/b\.so: invalid ELF header\)\.$/);
    expect(err.message).toMatch(/reinstall on this machine/);
  });
});
