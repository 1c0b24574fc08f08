import { createHash } from 'node:crypto';

/**
 * OpenSSH known_hosts lines, pure: `[addr]:port keytype base64` (plain `addr` for port 22), so the
 * file Corral keeps can be read by `ssh -o UserKnownHostsFile=...` and vice versa. Hashed names
 * (`|1|...`), markers (`@revoked`, `@cert-authority`) and wildcard patterns are kept verbatim but
 * never matched: Corral only trusts keys it was shown and a person confirmed.
 */
export interface KnownHostKey {
  /** The host pattern as written: `addr` or `[addr]:port`. */
  host: string;
  keyType: string;
  /** The public key blob, base64 as in the file. */
  keyBase64: string;
}

/** One line of the file: a key Corral can match, or anything else, kept as is. */
export type KnownHostsLine = { kind: 'key'; key: KnownHostKey } | { kind: 'other'; text: string };

/** The known_hosts name of a host: `addr` for port 22, else `[addr]:port`. */
export function knownHostName(address: string, port: number): string {
  const addr = address.toLowerCase();
  return port === 22 ? addr : `[${addr}]:${port}`;
}

/** Parses a known_hosts file; never throws (unknown lines are kept as `other`). */
export function parseKnownHosts(text: string): KnownHostsLine[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line): KnownHostsLine => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith('@')) return other(line);
    const [hosts, keyType, keyBase64] = trimmed.split(/\s+/);
    if (!hosts || !keyType || !keyBase64 || !/^[A-Za-z0-9+/]+=*$/.test(keyBase64))
      return other(line);
    // One line may list several names (`a,b`); Corral writes one per line and matches each.
    return { kind: 'key', key: { host: hosts, keyType, keyBase64 } };
  });
}

/** Formats lines back into file text (one trailing newline). */
export function formatKnownHosts(lines: readonly KnownHostsLine[]): string {
  const out = lines.map((l) =>
    l.kind === 'other' ? l.text : `${l.key.host} ${l.key.keyType} ${l.key.keyBase64}`,
  );
  return out.length ? `${out.join('\n')}\n` : '';
}

/** The trusted keys of `[addr]:port` (exact, case-insensitive names; no patterns or hashes). */
export function keysFor(
  lines: readonly KnownHostsLine[],
  address: string,
  port: number,
): KnownHostKey[] {
  const name = knownHostName(address, port);
  return lines.flatMap((l) =>
    l.kind === 'key' && l.key.host.toLowerCase().split(',').includes(name) ? [l.key] : [],
  );
}

/** Replaces every key of `[addr]:port` with `key` (the explicit "replace key" and first trust). */
export function withKey(
  lines: readonly KnownHostsLine[],
  address: string,
  port: number,
  key: { keyType: string; keyBase64: string },
): KnownHostsLine[] {
  const name = knownHostName(address, port);
  return [...withoutHost(lines, address, port), { kind: 'key', key: { host: name, ...key } }];
}

/**
 * Drops every key of `[addr]:port` (host removed, key replaced). A line naming several hosts
 * keeps its other names: only this host's trust goes.
 */
export function withoutHost(
  lines: readonly KnownHostsLine[],
  address: string,
  port: number,
): KnownHostsLine[] {
  const name = knownHostName(address, port);
  return lines.flatMap((l): KnownHostsLine[] => {
    if (l.kind !== 'key') return [l];
    const names = l.key.host.split(',');
    const rest = names.filter((n) => n.toLowerCase() !== name);
    if (rest.length === names.length) return [l];
    return rest.length ? [{ kind: 'key', key: { ...l.key, host: rest.join(',') } }] : [];
  });
}

/** `SHA256:<base64, no padding>` of a key blob given as base64, as `ssh-keygen -l` prints it. */
export function fingerprintOf(keyBase64: string): string {
  const digest = createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

function other(text: string): KnownHostsLine {
  return { kind: 'other', text };
}
