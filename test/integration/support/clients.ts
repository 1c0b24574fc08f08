import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import type { Client } from 'ssh2';
import {
  LibvirtClient,
  connectUnixSocket,
  openSshTransport,
  procedures,
  type ProcedureName,
  type TransportFactory,
} from '../../../native/libvirt';
import { connectSsh } from '../../../native/ssh';
import type {} from './provided';

/** One way of reaching the daemon, under test. */
export interface TransportUnderTest {
  label: string;
  /** Makes the transport factory (may open a shared ssh connection first). */
  factory(): Promise<TransportFactory>;
  /** Releases what factory() opened. */
  dispose(): Promise<void>;
}

/** libvirtd's local UNIX socket. */
export function unixTransport(): TransportUnderTest {
  const env = inject('integrationEnv');
  return {
    label: 'unix',
    factory: async () => () => connectUnixSocket(env.libvirtSocket),
    dispose: async () => {},
  };
}

/** An ssh2 connection to the test sshd, exec'ing what libvirt's remote driver runs. */
export function sshTransport(): TransportUnderTest {
  const env = inject('integrationEnv');
  let ssh: Client | undefined;
  return {
    label: 'ssh',
    factory: async () => {
      ssh ??= await connectSsh({
        host: '127.0.0.1',
        port: env.sshPort,
        username: 'root',
        privateKey: readFileSync(env.sshKeyPath),
        hostKeySha256: env.sshHostFingerprint,
      });
      const conn = ssh;
      return () => openSshTransport(conn);
    },
    dispose: async () => {
      ssh?.end();
      ssh = undefined;
    },
  };
}

/** Records which procedures of the table a test run exercised. */
export class ProcedureCoverage {
  readonly seen = new Set<ProcedureName>();

  /** Connects and records every call made through the returned client. */
  async connect(t: TransportUnderTest, uri: string): Promise<LibvirtClient> {
    const client = await LibvirtClient.connect(await t.factory(), { uri });
    // The handshake ran these before we could wrap the client.
    for (const n of ['authList', 'connectSupportsFeature', 'connectOpen'] as const)
      this.seen.add(n);
    const call = client.call.bind(client);
    const openStream = client.openStream.bind(client);
    client.call = ((name: ProcedureName, ...rest: unknown[]) => {
      this.seen.add(name);
      return (call as (...a: unknown[]) => unknown)(name, ...rest);
    }) as typeof client.call;
    client.openStream = ((name: ProcedureName, ...rest: unknown[]) => {
      this.seen.add(name);
      return (openStream as (...a: unknown[]) => unknown)(name, ...rest);
    }) as typeof client.openStream;
    return client;
  }

  /** Procedures of the table never called. */
  missing(): ProcedureName[] {
    return (Object.keys(procedures) as ProcedureName[]).filter((n) => !this.seen.has(n));
  }
}
