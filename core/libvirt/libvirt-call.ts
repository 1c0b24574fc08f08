import type {
  ArgsOf,
  CallOptions,
  CallProcedureName,
  LibvirtClient,
  LibvirtStream,
  RetOf,
  StreamProcedureName,
  StreamReadOptions,
} from '../../native/libvirt';
import { LibvirtError, LibvirtRpcError } from '../../native/libvirt';
import { Logger } from '../logging/logger';

/** A procedure's arguments as LibvirtClient.call takes them (none for a void procedure). */
export type CallArgs<N extends CallProcedureName> =
  ArgsOf<N> extends void
    ? [args?: undefined, opts?: CallOptions]
    : [args: ArgsOf<N>, opts?: CallOptions];

// Turned on with CORRAL_DEBUG=libvirt; replaceable so a test can read what it logs.
let log = new Logger('libvirt');
const hostNames = new WeakMap<LibvirtClient, string>();

/** Swaps the logger of every libvirt call; returns the previous one. */
export function useLibvirtLogger(next: Logger): Logger {
  const previous = log;
  log = next;
  return previous;
}

/** Names the host a client talks to, so each logged call says where it went. */
export function nameLibvirtHost(client: LibvirtClient, host: string): void {
  hostNames.set(client, host);
}

function describe(err: unknown): string {
  if (err instanceof LibvirtError) return `libvirt ${err.code}: ${err.message}`;
  if (err instanceof LibvirtRpcError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * The one place every libvirt request passes through: it logs procedure, host, duration and
 * error at debug level and hands back exactly what the client returned or threw.
 */
async function logged<T>(client: LibvirtClient, procedure: string, run: () => Promise<T>) {
  if (!log.debugEnabled) return run();
  const host = hostNames.get(client) ?? 'unnamed';
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const result = await run();
    log.debug('call', { procedure, host, ms: ms() });
    return result;
  } catch (err) {
    log.debug('call failed', { procedure, host, ms: ms(), error: describe(err) });
    throw err;
  }
}

/** Calls a procedure through the choke point. */
export function libvirtCall<N extends CallProcedureName>(
  client: LibvirtClient,
  name: N,
  ...rest: CallArgs<N>
): Promise<RetOf<N>> {
  return logged(client, name, () => (client.call as CallOf<N>)(name, ...rest));
}

type CallOf<N extends CallProcedureName> = (name: N, ...rest: CallArgs<N>) => Promise<RetOf<N>>;

/** Opens a stream (console, volume upload) through the choke point. */
export function libvirtStream<N extends StreamProcedureName>(
  client: LibvirtClient,
  name: N,
  args: ArgsOf<N>,
  opts?: CallOptions & StreamReadOptions,
): Promise<LibvirtStream> {
  return logged(client, name, () => client.openStream(name, args, opts));
}

/** A typed wrapper of one procedure: `(client, args, opts)` as the procedure table defines it. */
export function procedure<N extends CallProcedureName>(name: N) {
  return (client: LibvirtClient, ...rest: CallArgs<N>): Promise<RetOf<N>> =>
    libvirtCall(client, name, ...rest);
}
