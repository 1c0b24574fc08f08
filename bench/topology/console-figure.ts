import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { createClient } from '../../api/client';
import { consoleApi } from '../../api/console-api';
import { corralAccess } from '../../api/corral-access';
import { serve } from '../../api/dispatcher';
import { createInMemoryPair } from '../../api/in-memory-transport';
import type { VmRef } from '../../api/inventory-api';
import { ConsoleService } from '../../core/console/console-service';
import type { HostConnections } from '../../core/hosts/host-connections';
import type { DomainRef, LibvirtClient } from '../../native/libvirt';
import { EchoProbe } from './echo-probe';

/** VIR_DOMAIN_CONSOLE_FORCE: each side takes the console over from the previous one. */
const CONSOLE_FORCE = 1;
const api = { console: consoleApi } as const;

/**
 * What a console pane in Corral gets: ConsoleService (libvirt console stream over the host's SSH
 * connection, headless-xterm replay) served through the contract's dispatcher and client, with
 * the ByteStream flow control both ways; only the transport is the in-memory one.
 */
export async function corralConsoleSamples(
  hosts: HostConnections,
  ref: VmRef,
  n: number,
): Promise<number[]> {
  // No accounts in this figure: every pane may open the console it measures.
  const service = new ConsoleService(hosts, {
    canSee: () => true,
  });
  const [serverEnd, clientEnd] = createInMemoryPair();
  const served = serve({
    contract: api,
    impl: {
      console: {
        open: (r, s) => service.open(r, s),
        sessions: (f, ctx) => service.sessions(f, ctx),
      },
    },
    // Measures the console path alone; no accounts in this figure.
    access: { console: corralAccess.console },
    authorize: () => {},
    transport: serverEnd,
    context: { sessionId: 'bench' },
  });
  const conn = createClient(api, clientEnd);
  try {
    const stream = await conn.api.console.open(ref);
    const probe = new EchoProbe((text) => stream.write(Buffer.from(text, 'latin1')));
    stream.onData((bytes) => probe.feed(Buffer.from(bytes).toString('latin1')));
    await probe.ready();
    const samples = await probe.sample(n);
    stream.end();
    return samples;
  } finally {
    clientEnd.close();
    served.dispose();
    service.dispose();
  }
}

/** The layer under it: native/libvirt's console stream alone, on the same SSH connection. */
export async function libvirtStreamSamples(
  client: LibvirtClient,
  dom: DomainRef,
  n: number,
): Promise<number[]> {
  const con = await client.openStream('domainOpenConsole', {
    dom,
    devName: null,
    flags: CONSOLE_FORCE,
  });
  try {
    const probe = new EchoProbe((text) => void con.write(Buffer.from(text, 'latin1')));
    con.on('data', (b: Buffer) => probe.feed(b.toString('latin1')));
    await probe.ready();
    return await probe.sample(n);
  } finally {
    con.destroy();
  }
}

/** The reference: `virsh console` over libvirt's ssh transport, on a pty, driven by Python. */
export function virshConsoleSamples(
  uri: string,
  env: NodeJS.ProcessEnv,
  domain: string,
  n: number,
): Promise<number[]> {
  const script = join(import.meta.dirname, 'virsh-console-echo.py');
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      [script, uri, domain, String(n)],
      { env, encoding: 'utf8', timeout: 300_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`virsh console: ${stderr || err.message}`));
        resolve(JSON.parse(stdout) as number[]);
      },
    );
  });
}
