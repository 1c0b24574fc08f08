import { describe, expect, it } from 'vitest';
import {
  buildNoCloudSeed,
  CONSOLE_AUTOLOGIN_DROPIN,
  consoleAutologinDropin,
  type SeedSpec,
} from '../../core/provisioning/nocloud-seed';
import { yamlString } from '../../core/provisioning/yaml-scalar';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGM7 lab@corral';
const base: SeedSpec = { instanceId: 'iid-1', hostname: 'node-1', sshAuthorizedKeys: [KEY] };

describe('yamlString', () => {
  it('quotes every value so YAML keywords and syntax stay text', () => {
    expect(yamlString('no')).toBe('"no"');
    expect(yamlString('a: b # c')).toBe('"a: b # c"');
    expect(yamlString('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(yamlString('two\nlines\t')).toBe('"two\\nlines\\t"');
  });

  it('escapes control and non-printable characters', () => {
    expect(yamlString('\u0000\u007f\u0085\u2028')).toBe('"\\u0000\\u007f\\u0085\\u2028"');
    expect(yamlString('héllo ✓')).toBe('"héllo ✓"');
  });

  it('reads back as the same string through JSON (YAML double-quoted is a superset)', () => {
    const s = 'x"\\\n\t\u0001é';
    expect(JSON.parse(yamlString(s))).toBe(s);
  });
});

describe('buildNoCloudSeed', () => {
  it('writes meta-data and a #cloud-config user-data', () => {
    const seed = buildNoCloudSeed(base);
    expect(seed['meta-data']).toBe('instance-id: "iid-1"\nlocal-hostname: "node-1"\n');
    expect(seed['user-data'].split('\n')[0]).toBe('#cloud-config');
    expect(seed['user-data']).toContain(`ssh_authorized_keys:\n  - "${KEY}"\n`);
    expect(seed['network-config']).toBeUndefined();
  });

  it('seeds the SSH host key with newlines escaped', () => {
    const seed = buildNoCloudSeed({
      ...base,
      hostKey: {
        type: 'ed25519',
        privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n',
        publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 node-1\n',
      },
    });
    expect(seed['user-data']).toContain(
      '  ed25519_private: "-----BEGIN OPENSSH PRIVATE KEY-----\\nabc\\n-----END OPENSSH PRIVATE KEY-----\\n"',
    );
    expect(seed['user-data']).toContain(
      '  ed25519_public: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 node-1"\n',
    );
  });

  it('writes network-config v2 with a MAC match and static address', () => {
    const seed = buildNoCloudSeed({
      ...base,
      interfaces: [
        {
          name: 'eth0',
          macAddress: '52:54:00:AA:BB:CC',
          addresses: ['10.213.0.100/24'],
          gateway: '10.213.0.1',
          nameservers: ['10.213.0.1'],
        },
      ],
    });
    expect(seed['network-config']).toBe(
      [
        'version: 2',
        'ethernets:',
        '  "eth0":',
        '    match:',
        '      macaddress: "52:54:00:aa:bb:cc"',
        '    set-name: "eth0"',
        '    dhcp4: false',
        '    addresses:',
        '      - "10.213.0.100/24"',
        '    routes:',
        '      - to: "default"',
        '        via: "10.213.0.1"',
        '    nameservers:',
        '      addresses:',
        '        - "10.213.0.1"',
        '',
      ].join('\n'),
    );
  });

  it('writes write_files with content quoted, never pasted', () => {
    const seed = buildNoCloudSeed({
      ...base,
      writeFiles: [{ path: '/etc/motd', content: 'hello\n- not: yaml\n', permissions: '0644' }],
    });
    expect(seed['user-data']).toContain(
      'write_files:\n  - path: "/etc/motd"\n    content: "hello\\n- not: yaml\\n"\n    permissions: "0644"\n',
    );
  });

  it('signs a user in on the serial console through a bootcmd that gets the drop-in as data', () => {
    const seed = buildNoCloudSeed({ ...base, consoleAutologin: 'root' });
    const line = seed['user-data'].split('\n').find((l) => l.startsWith('  - ["sh"'));
    expect(seed['user-data']).toContain(`bootcmd:\n${line}\n`);
    // A flow sequence of double-quoted scalars reads back the same as JSON.
    const argv = JSON.parse(line!.slice(4)) as string[];
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv[2]).not.toContain('root');
    expect(argv.slice(3)).toEqual([
      'corral-console',
      CONSOLE_AUTOLOGIN_DROPIN,
      consoleAutologinDropin('root'),
    ]);
    expect(consoleAutologinDropin('root')).toMatch(
      /^\[Service\]\nExecStart=\nExecStart=-\/sbin\/agetty --autologin root .* - \$TERM\n$/,
    );
    expect(buildNoCloudSeed(base)['user-data']).not.toContain('bootcmd');
  });

  it.each<[string, Partial<SeedSpec>]>([
    ['a hostname with a newline', { hostname: 'a\nb' }],
    ['a hostname with YAML syntax', { hostname: 'x: y' }],
    ['an empty instance id', { instanceId: ' ' }],
    ['a key that is not a public key', { sshAuthorizedKeys: ['rm -rf /'] }],
    ['a key with a line break', { sshAuthorizedKeys: [`${KEY}\nssh-rsa AAAA x`] }],
    ['a relative file path', { writeFiles: [{ path: 'etc/x', content: '' }] }],
    ['bad permissions', { writeFiles: [{ path: '/x', content: '', permissions: 'rwx' }] }],
    ['a bad address', { interfaces: [{ name: 'eth0', addresses: ['10.0.0.300/24'] }] }],
    ['an address without prefix', { interfaces: [{ name: 'eth0', addresses: ['10.0.0.3'] }] }],
    ['a bad MAC', { interfaces: [{ name: 'eth0', macAddress: 'zz', addresses: [] }] }],
    ['a bad interface name', { interfaces: [{ name: 'eth0: x', addresses: [] }] }],
    ['a console user with shell syntax', { consoleAutologin: 'root; reboot' }],
  ])('refuses %s', (_what, patch) => {
    expect(() => buildNoCloudSeed({ ...base, ...patch })).toThrow(/seed:/);
  });
});
