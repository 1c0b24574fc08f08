import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCorralServer } from '../support/corral-server-child';

export interface ServerProcess {
  url: string;
  token: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the real headless shell (`server/main.ts`) on a free port with a fresh data folder and
 * reads the URL and token it prints, as a person would.
 */
export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'corral-e2e-'));
  const { child, url, token } = await spawnCorralServer(dataDir, { ...process.env, ...env });
  return {
    url,
    token,
    dataDir,
    stop: () => stopChild(child).then(() => rmSync(dataDir, { recursive: true, force: true })),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}
