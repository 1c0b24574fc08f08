import { describe, expect, it } from 'vitest';
import { parseHostUri } from '../../../api/host-uri';

describe('parseHostUri', () => {
  it('reads user, host, port and path of qemu+ssh', () => {
    expect(parseHostUri('qemu+ssh://admin@node1.example.org:2222/system')).toEqual({
      ok: true,
      value: {
        kind: 'ssh',
        driver: 'qemu',
        path: 'system',
        address: 'node1.example.org',
        port: 2222,
        user: 'admin',
      },
    });
  });

  it('defaults the port to 22 and takes keyfile= as the key path', () => {
    expect(parseHostUri('  qemu+ssh://10.213.0.11/system?keyfile=/root/.ssh/id%20lab ')).toEqual({
      ok: true,
      value: {
        kind: 'ssh',
        driver: 'qemu',
        path: 'system',
        address: '10.213.0.11',
        port: 22,
        keyPath: '/root/.ssh/id lab',
      },
    });
  });

  it('reads bracketed IPv6 addresses and a trailing slash', () => {
    const r = parseHostUri('qemu+ssh://root@[fd00::1]:22/system/');
    expect(r).toMatchObject({ ok: true, value: { address: 'fd00::1', port: 22, user: 'root' } });
  });

  it('accepts the libssh transports as SSH and ignores no_verify-like parameters', () => {
    expect(parseHostUri('qemu+libssh2://h/system?no_tty=1')).toMatchObject({
      ok: true,
      value: { kind: 'ssh', address: 'h' },
    });
  });

  it('recognises this computer', () => {
    expect(parseHostUri('qemu:///system')).toEqual({
      ok: true,
      value: { kind: 'local', driver: 'qemu', path: 'system' },
    });
    expect(parseHostUri('qemu:///session')).toMatchObject({ ok: true, value: { path: 'session' } });
  });

  it.each([
    ['', /Paste a libvirt URI/],
    ['node1', /not a URI/],
    ['xen+ssh://h/system', /"xen" URIs are not supported/],
    ['qemu+tcp://h/system', /"tcp" transport is not supported/],
    ['qemu+tls://h/system', /"tls" transport/],
    ['qemu+ssh://h/', /path must be \/system or \/session/],
    ['qemu+ssh://h/embed', /path must be/],
    ['qemu://h/system', /needs an SSH transport/],
    ['qemu+ssh:///system', /names no host/],
    ['qemu+ssh://u:secret@h/system', /do not put a password/],
    ['qemu+ssh://h:99999/system', /not a valid URI|bad port/],
    ['qemu+ssh://h/system?socket=/x&evil=1', /unknown URI parameter "evil"/],
    ['qemu+ssh://h/system?keyfile=', /keyfile= is empty/],
  ])('refuses %j with a clear message', (uri, message) => {
    const r = parseHostUri(uri);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});
