import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import type { IntegrationEnv } from './support/provided';
import { LIBVIRT_SOCKET, ensureLibvirtd, killPid, startSshd } from './support/test-daemons';

/**
 * Starts what the integration tests need on this machine: libvirtd (+ virtlogd) when not
 * already running, and a key-only sshd on 127.0.0.1 with throwaway keys. Fails loudly; tears
 * down only what it started, by pid.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: number[] = [];
  const dirs: string[] = [];
  let sshd: ChildProcess | undefined;
  const teardown = async () => {
    if (sshd?.pid) killPid(sshd.pid);
    for (const pid of started.reverse()) killPid(pid);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    await ensureLibvirtd(started);
    const ssh = await startSshd(dirs);
    sshd = ssh.child;
    const env: IntegrationEnv = { libvirtSocket: LIBVIRT_SOCKET, ...ssh.env };
    project.provide('integrationEnv', env);
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
