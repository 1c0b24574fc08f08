/**
 * Parsing of libvirt connection URIs into the fields of the host form ("paste a libvirt
 * URI to fill the form"). Pure and browser-safe: the renderer fills the form with it, and the
 * same rules apply wherever a URI is accepted.
 */

/** What a URI says about a host. `local` is this computer's socket (no SSH). */
export type ParsedHostUri =
  | { kind: 'local'; driver: 'qemu'; path: 'system' | 'session' }
  | {
      kind: 'ssh';
      driver: 'qemu';
      path: 'system' | 'session';
      address: string;
      port: number;
      user?: string;
      /** From `?keyfile=`: a private key path on this computer. */
      keyPath?: string;
    };

/** The result of {@link parseHostUri}: the fields, or a message a person can act on. */
export type HostUriResult = { ok: true; value: ParsedHostUri } | { ok: false; error: string };

const SUPPORTED = 'qemu+ssh://user@host:port/system or qemu:///system';
/** Query parameters libvirt's ssh transport knows that Corral has no use for; accepted, ignored. */
const IGNORED_PARAMS = new Set(['no_verify', 'no_tty', 'command', 'socket', 'mode', 'proxy']);

/**
 * Parses `qemu+ssh://user@host:port/system`, `qemu+ssh://host/system?keyfile=...` or
 * `qemu:///system`; anything else is refused with a message saying what is supported.
 */
export function parseHostUri(input: string): HostUriResult {
  const text = input.trim();
  if (!text) return fail('Paste a libvirt URI first');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (!scheme) return fail(`"${text}" is not a URI; expected ${SUPPORTED}`);
  const [driver, transport] = scheme.split('+', 2);
  if (driver !== 'qemu')
    return fail(`Corral manages QEMU/KVM hosts; "${driver}" URIs are not supported`);
  if (
    transport !== undefined &&
    transport !== 'ssh' &&
    transport !== 'libssh2' &&
    transport !== 'libssh'
  )
    return fail(`the "${transport}" transport is not supported; use qemu+ssh:// (${SUPPORTED})`);

  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(`"${text}" is not a valid URI; expected ${SUPPORTED}`);
  }
  const pathName = decodeURIComponent(url.pathname).replace(/\/+$/, '');
  if (pathName !== '/system' && pathName !== '/session')
    return fail(`the path must be /system or /session, not "${pathName || '/'}"`);
  const path = pathName.slice(1) as 'system' | 'session';
  const hasAuthority = url.hostname !== '';

  if (transport === undefined) {
    if (hasAuthority)
      return fail('a remote host needs an SSH transport: write qemu+ssh://user@host/system');
    return { ok: true, value: { kind: 'local', driver: 'qemu', path } };
  }
  if (!hasAuthority) return fail('the URI names no host: qemu+ssh://user@HOST/system');

  let address = url.hostname;
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  if (!/^[A-Za-z0-9.:-]+$/.test(address)) return fail(`"${address}" is not a host name or address`);
  const port = url.port ? Number(url.port) : 22;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`bad port "${url.port}"`);
  if (url.password) return fail('do not put a password in the URI; choose Password below instead');
  const user = url.username ? decodeURIComponent(url.username) : undefined;

  let keyPath: string | undefined;
  for (const [name, value] of url.searchParams) {
    if (name === 'keyfile') {
      if (!value) return fail('keyfile= is empty');
      keyPath = value;
    } else if (!IGNORED_PARAMS.has(name)) {
      return fail(`unknown URI parameter "${name}"`);
    }
  }
  return {
    ok: true,
    value: {
      kind: 'ssh',
      driver: 'qemu',
      path,
      address,
      port,
      ...(user ? { user } : {}),
      ...(keyPath ? { keyPath } : {}),
    },
  };
}

function fail(error: string): HostUriResult {
  return { ok: false, error };
}
