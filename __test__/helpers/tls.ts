// A self-signed certificate for 127.0.0.1, made at test time with the openssl CLI, so the TLS
// specs run a real HTTPS server (node:https) and no key is committed. Made once per process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { TlsCredentials } from './http';

let made: TlsCredentials | undefined;

export function selfSignedCertificate(): TlsCredentials {
  if (made !== undefined) return made;
  const dir = mkdtempSync(join(tmpdir(), 'client-sessions-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
        '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile],
      { stdio: 'pipe' },
    );
    made = { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
    return made;
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'the openssl command is not installed'
      : `openssl failed: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim()}`;
    throw new Error(`the TLS specs need the openssl CLI to make a self-signed certificate, and ${why} (install openssl, e.g. apt-get install openssl)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
