import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectSsh } from '../../native/ssh';
import { ProcedureCoverage, sshTransport } from './support/clients';
import { defineTestDriverSuite } from './support/driver-suite';
import { defineGuestSuite } from './support/guest-suite';
import { rejectionOf } from './support/wait';

const transport = sshTransport();
const coverage = new ProcedureCoverage();
afterAll(() => transport.dispose());

defineTestDriverSuite(transport, coverage);
defineGuestSuite(transport, coverage);

describe('ssh: trust', () => {
  it('refuses a host whose key does not match the pinned fingerprint', async () => {
    const env = inject('integrationEnv');
    const err = await rejectionOf(
      connectSsh({
        host: '127.0.0.1',
        port: env.sshPort,
        username: 'root',
        privateKey: readFileSync(env.sshKeyPath),
        hostKeySha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      }),
    );
    expect(String(err)).toMatch(/host key/i);
  });
});

describe('ssh: coverage', () => {
  it('exercised every procedure of the table', () => {
    expect(coverage.missing()).toEqual([]);
  });
});
