import { describe, expect, it } from 'vitest';
import {
  fingerprintOf,
  formatKnownHosts,
  keysFor,
  knownHostName,
  parseKnownHosts,
  withKey,
  withoutHost,
} from '../../../core/hosts/known-hosts';

// A real ed25519 host key and the fingerprint `ssh-keygen -l` printed for it.
const ED = 'AAAAC3NzaC1lZDI1NTE5AAAAIEzZB7BO3wpU8fGsKBQ0jbkBlHayHLbaHfApRIucb1mD';
const ED_FP = 'SHA256:sxlEVETB7he+Wu6ZXBRFGnkYx80xHmVoztYePSimoV4';
const OTHER = 'AAAAC3NzaC1lZDI1NTE5AAAAIBmLCsg0cuKmTq0IMHk9n1mv5FvYLqRuSMUsyJxqXdst';

describe('known_hosts', () => {
  it('names hosts as OpenSSH does', () => {
    expect(knownHostName('Node1.Example.org', 22)).toBe('node1.example.org');
    expect(knownHostName('10.213.0.11', 2222)).toBe('[10.213.0.11]:2222');
  });

  it('parses keys and keeps comments, markers and hashed names verbatim', () => {
    const text = [
      '# managed by Corral',
      `[10.0.0.1]:2222 ssh-ed25519 ${ED}`,
      `|1|abc=|def= ssh-ed25519 ${OTHER}`,
      `@cert-authority *.example.org ssh-ed25519 ${OTHER}`,
      `a.example.org,b.example.org ssh-ed25519 ${OTHER} comment here`,
      'garbage',
      '',
    ].join('\n');
    const lines = parseKnownHosts(text);
    expect(lines.filter((l) => l.kind === 'key')).toHaveLength(3);
    expect(keysFor(lines, '10.0.0.1', 2222)).toEqual([
      { host: '[10.0.0.1]:2222', keyType: 'ssh-ed25519', keyBase64: ED },
    ]);
    expect(keysFor(lines, '10.0.0.1', 22)).toEqual([]);
    expect(keysFor(lines, 'B.example.org', 22)).toHaveLength(1);
    // Round trip loses nothing but the trailing comment Corral does not need.
    expect(formatKnownHosts(lines)).toBe(text.replace(' comment here', ''));
  });

  it('never matches hashed names, wildcards or markers', () => {
    const lines = parseKnownHosts(
      `*.example.org ssh-ed25519 ${OTHER}\n@revoked h ssh-ed25519 ${OTHER}\n`,
    );
    expect(keysFor(lines, 'x.example.org', 22)).toEqual([]);
    expect(keysFor(lines, 'h', 22)).toEqual([]);
  });

  it('replaces a host key and keeps the other names of a shared line', () => {
    let lines = parseKnownHosts(`a,[b]:2222 ssh-ed25519 ${OTHER}\nc ssh-ed25519 ${OTHER}\n`);
    lines = withKey(lines, 'b', 2222, { keyType: 'ssh-ed25519', keyBase64: ED });
    expect(formatKnownHosts(lines)).toBe(
      `a ssh-ed25519 ${OTHER}\nc ssh-ed25519 ${OTHER}\n[b]:2222 ssh-ed25519 ${ED}\n`,
    );
    lines = withoutHost(lines, 'c', 22);
    expect(formatKnownHosts(lines)).toBe(`a ssh-ed25519 ${OTHER}\n[b]:2222 ssh-ed25519 ${ED}\n`);
    expect(formatKnownHosts([])).toBe('');
  });

  it('computes the SHA-256 fingerprint as ssh-keygen prints it', () => {
    expect(fingerprintOf(ED)).toBe(ED_FP);
  });
});
