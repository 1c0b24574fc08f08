import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CorralCore } from '../core/corral-core';
import { startCorralServer } from './http-server';

/** `npm run web`: the headless shell for a jump host or a browser on this machine. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: process.env.CORRAL_HOST ?? '127.0.0.1' },
      port: { type: 'string', default: process.env.CORRAL_PORT ?? '8420' },
      'data-dir': { type: 'string', default: process.env.CORRAL_DATA_DIR },
      'static-dir': {
        type: 'string',
        default: process.env.CORRAL_STATIC_DIR ?? resolve('dist/renderer'),
      },
    },
  });
  const dataDir = values['data-dir'] ?? join(homedir(), '.local', 'share', 'corral');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`bad port ${values.port}`);

  const core = new CorralCore({ dataDir, shell: 'server' });
  const server = await startCorralServer({
    core,
    staticDir: values['static-dir'],
    host: values.host,
    port,
    token: process.env.CORRAL_TOKEN,
    sessionIdleMs: idleMs(process.env.CORRAL_SESSION_IDLE_SECONDS),
  });
  // The token goes in the fragment: browsers never send it to the server or into logs.
  console.log(`Corral is serving ${server.url}`);
  console.log(`Access token: ${server.token}`);
  console.log(`Open: ${server.url}#token=${server.token}`);

  const stop = () => {
    void server.close().then(() => {
      core.dispose();
      // What the tasks journal has queued reaches the disk before the process goes.
      void core.tasks.close().finally(() => process.exit(0));
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The session idle timeout from the environment (seconds), or the default. */
function idleMs(seconds: string | undefined): number | undefined {
  if (seconds === undefined || seconds === '') return undefined;
  const n = Number(seconds);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`bad CORRAL_SESSION_IDLE_SECONDS ${seconds}`);
  return n * 1000;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
