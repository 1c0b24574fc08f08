import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Client } from 'ssh2';
import { CorralError } from '../../api/errors';
import { execArgs, nameNodeConnection } from '../../core/clusters/node-ssh';
import { connectSsh } from '../../native/ssh';
import { rejectionOf, waitUntil } from './support/wait';

/**
 * Node commands run through the same helper add-nodes uses; here against the suite's real sshd
 * on loopback, which stands in for a node (no guest needed).
 */
describe('node commands over SSH have a deadline', () => {
  let ssh: Client;
  // A duration no other process on the machine uses, so pgrep finds only this test's command.
  const marker = String(4000 + (process.pid % 1000));

  beforeAll(async () => {
    const env = inject('integrationEnv');
    ssh = await connectSsh({
      host: '127.0.0.1',
      port: env.sshPort,
      username: 'root',
      privateKey: readFileSync(env.sshKeyPath),
      hostKeySha256: env.sshHostFingerprint,
    });
    nameNodeConnection(ssh, 'deadline-node-1');
  });

  afterAll(() => ssh?.end());

  it('a command that never ends fails with a deadline error naming the node and its purpose, and is killed', async () => {
    const err = await rejectionOf(
      execArgs(ssh, ['sleep', marker], { purpose: 'waiting for nothing', timeoutMs: 1_500 }),
    );
    expect(err).toBeInstanceOf(CorralError);
    expect((err as CorralError).code).toBe('timeout');
    expect((err as CorralError).message).toBe(
      'deadline-node-1: waiting for nothing did not finish within 1.5 s; the command was stopped',
    );
    // The remote process is gone too, not only our side of the channel.
    const left = await waitUntil('the timed-out command to be killed', 10_000, async () => {
      const r = await execArgs(ssh, ['pgrep', '-x', '-f', `sleep ${marker}`], {
        purpose: 'looking for the command',
      });
      return r.code === 1 ? r : undefined;
    });
    expect(left.stdout).toBe('');
  });

  it('the connection stays usable after a deadline passed', async () => {
    await rejectionOf(execArgs(ssh, ['sleep', marker], { purpose: 'sleeping', timeoutMs: 500 }));
    const r = await execArgs(ssh, ['sh', '-c', 'cat; echo " $1"', 'sh', 'world'], {
      purpose: 'echo',
      stdin: 'hello',
    });
    expect(r).toEqual({ code: 0, stdout: 'hello world\n', stderr: '' });
  });

  it('the error does not carry the command line (it may hold secrets)', async () => {
    const err = (await rejectionOf(
      execArgs(ssh, ['sh', '-c', 'sleep 60', 'sh', 'SECRET-TOKEN'], {
        purpose: 'writing /etc/hosts',
        timeoutMs: 500,
      }),
    )) as CorralError;
    expect(err.message).toContain('writing /etc/hosts');
    expect(JSON.stringify(err.toData())).not.toContain('SECRET-TOKEN');
  });
});
