import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** A running `server/main.ts` and what it printed for a person to use. */
export interface CorralServerChild {
  child: ChildProcess;
  url: string;
  token: string;
}

/**
 * Starts the real headless shell (`server/main.ts`) on a free port on `dataDir` and reads the
 * URL and token it prints, as a person would. Fails with its output if it exits or takes a minute.
 */
export async function spawnCorralServer(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CorralServerChild> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/main.ts', '--port', '0', '--data-dir', dataDir],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const { url, token } = await new Promise<{ url: string; token: string }>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${output}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const url = /Corral is serving (\S+)/.exec(output)?.[1];
      const token = /Access token: (\S+)/.exec(output)?.[1];
      if (url && token) {
        clearTimeout(timer);
        done({ url, token });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return { child, url, token };
}
