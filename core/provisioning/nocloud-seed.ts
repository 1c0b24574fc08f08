import { yamlString } from './yaml-scalar';

/** A file the guest writes at first boot (cloud-config `write_files`). */
export interface SeedFile {
  /** Absolute path in the guest. */
  path: string;
  content: string;
  /** Octal mode as text, e.g. `0644`. */
  permissions?: string;
}

/** A statically addressed interface (network-config version 2, `ethernets`). */
export interface SeedInterface {
  /** Interface id; also the name to give the NIC (`set-name`) when `macAddress` matches. */
  name: string;
  /** Match the NIC by MAC (recommended: kernel names are not stable on real images). */
  macAddress?: string;
  /** CIDR addresses, e.g. `10.213.0.100/24`. */
  addresses: string[];
  /** Default gateway, if any. */
  gateway?: string;
  nameservers?: string[];
}

/** The typed description of a guest's first boot. */
export interface SeedSpec {
  /** Changes on every new VM: cloud-init runs per-instance steps once per id. */
  instanceId: string;
  /** RFC 1123 host name (a single label). */
  hostname: string;
  /** OpenSSH public keys authorised for root (single-line `type base64 [comment]`). */
  sshAuthorizedKeys: string[];
  /**
   * Pre-generated SSH host key, so whoever created the VM knows its fingerprint before the first
   * connection instead of trusting on first use.
   */
  hostKey?: { type: 'ed25519'; privateKey: string; publicKey: string };
  writeFiles?: SeedFile[];
  interfaces?: SeedInterface[];
  /**
   * Signs this user in on the serial console without a password (a systemd
   * serial-getty@ttyS0 drop-in), so the console pane opens on a shell. Keys still guard SSH.
   */
  consoleAutologin?: string;
}

/** The three files of a NoCloud seed, by their names on the `cidata` volume. */
export interface SeedFiles {
  'meta-data': string;
  'user-data': string;
  'network-config'?: string;
}

const HOSTNAME = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
const PUBLIC_KEY =
  /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]+) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;
const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const MODE = /^0?[0-7]{3,4}$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;

/** The serial console's getty drop-in (systemd reads drop-ins beside the template instance). */
export const CONSOLE_AUTOLOGIN_DROPIN =
  '/etc/systemd/system/serial-getty@ttyS0.service.d/corral-autologin.conf';

// bootcmd runs in cloud-init's network stage, before systemd-user-sessions and so before any
// getty starts; write_files comes later in that stage, too late for the unit already loaded. So
// a fixed script writes the drop-in (path and content arrive as positional parameters, never
// pasted into it) and reloads systemd. Images without systemd skip it.
const WRITE_DROPIN_AND_RELOAD =
  'command -v systemctl >/dev/null || exit 0; mkdir -p "$(dirname "$1")" && printf %s "$2" > "$1" && systemctl daemon-reload';

/**
 * Builds NoCloud seed files (what cloud-init reads from a `cidata` disk) from a typed spec. Every
 * value is validated and emitted as a quoted YAML scalar; nothing from the spec is pasted raw.
 */
export function buildNoCloudSeed(spec: SeedSpec): SeedFiles {
  validate(spec);
  const meta = [
    `instance-id: ${yamlString(spec.instanceId)}`,
    `local-hostname: ${yamlString(spec.hostname)}`,
  ];
  const user = ['#cloud-config', `hostname: ${yamlString(spec.hostname)}`];
  user.push('ssh_pwauth: false', 'disable_root: false');
  if (spec.sshAuthorizedKeys.length > 0) {
    user.push('ssh_authorized_keys:', ...spec.sshAuthorizedKeys.map((k) => `  - ${yamlString(k)}`));
  }
  if (spec.hostKey) {
    user.push(
      'ssh_deletekeys: true',
      'ssh_keys:',
      `  ${spec.hostKey.type}_private: ${yamlString(spec.hostKey.privateKey)}`,
      `  ${spec.hostKey.type}_public: ${yamlString(spec.hostKey.publicKey.trim())}`,
    );
  }
  if (spec.consoleAutologin !== undefined) {
    const argv = ['sh', '-c', WRITE_DROPIN_AND_RELOAD, 'corral-console'];
    argv.push(CONSOLE_AUTOLOGIN_DROPIN, consoleAutologinDropin(spec.consoleAutologin));
    user.push('bootcmd:', `  - [${argv.map(yamlString).join(', ')}]`);
  }
  if (spec.writeFiles && spec.writeFiles.length > 0) {
    user.push('write_files:');
    for (const f of spec.writeFiles) {
      user.push(`  - path: ${yamlString(f.path)}`, `    content: ${yamlString(f.content)}`);
      if (f.permissions) user.push(`    permissions: ${yamlString(f.permissions)}`);
    }
  }
  const files: SeedFiles = {
    'meta-data': `${meta.join('\n')}\n`,
    'user-data': `${user.join('\n')}\n`,
  };
  if (spec.interfaces && spec.interfaces.length > 0) {
    files['network-config'] = networkConfig(spec.interfaces);
  }
  return files;
}

/** Replaces the getty's command with one that signs `user` in (Debian's agetty options kept). */
export function consoleAutologinDropin(user: string): string {
  return [
    '[Service]',
    'ExecStart=',
    `ExecStart=-/sbin/agetty --autologin ${user} --noclear --keep-baud 115200,57600,38400,9600 - $TERM`,
    '',
  ].join('\n');
}

function networkConfig(interfaces: SeedInterface[]): string {
  const lines = ['version: 2', 'ethernets:'];
  for (const i of interfaces) {
    lines.push(`  ${yamlString(i.name)}:`);
    if (i.macAddress) {
      lines.push('    match:', `      macaddress: ${yamlString(i.macAddress.toLowerCase())}`);
      lines.push(`    set-name: ${yamlString(i.name)}`);
    }
    lines.push(
      '    dhcp4: false',
      '    addresses:',
      ...i.addresses.map((a) => `      - ${yamlString(a)}`),
    );
    if (i.gateway) {
      lines.push('    routes:', `      - to: "default"`, `        via: ${yamlString(i.gateway)}`);
    }
    if (i.nameservers && i.nameservers.length > 0) {
      lines.push('    nameservers:', '      addresses:');
      lines.push(...i.nameservers.map((n) => `        - ${yamlString(n)}`));
    }
  }
  return `${lines.join('\n')}\n`;
}

function validate(spec: SeedSpec): void {
  if (!spec.instanceId.trim() || /[\r\n]/.test(spec.instanceId)) {
    throw new Error('seed: instanceId must be a non-empty single line');
  }
  if (!HOSTNAME.test(spec.hostname))
    throw new Error(`seed: invalid hostname ${JSON.stringify(spec.hostname)}`);
  for (const k of spec.sshAuthorizedKeys) {
    if (!PUBLIC_KEY.test(k.trim()))
      throw new Error(`seed: not an OpenSSH public key: ${JSON.stringify(k.slice(0, 40))}`);
  }
  if (spec.hostKey) {
    if (!spec.hostKey.privateKey.includes('PRIVATE KEY'))
      throw new Error('seed: hostKey.privateKey is not a PEM/OpenSSH private key');
    if (!PUBLIC_KEY.test(spec.hostKey.publicKey.trim()))
      throw new Error('seed: hostKey.publicKey is not an OpenSSH public key');
  }
  if (spec.consoleAutologin !== undefined && !USER.test(spec.consoleAutologin)) {
    throw new Error(`seed: invalid console user ${JSON.stringify(spec.consoleAutologin)}`);
  }
  for (const f of spec.writeFiles ?? []) {
    if (!f.path.startsWith('/') || /[\0\r\n]/.test(f.path))
      throw new Error(`seed: invalid file path ${JSON.stringify(f.path)}`);
    if (f.permissions !== undefined && !MODE.test(f.permissions))
      throw new Error(`seed: invalid permissions ${f.permissions}`);
  }
  for (const i of spec.interfaces ?? []) {
    if (!/^[a-z0-9_.-]{1,15}$/i.test(i.name))
      throw new Error(`seed: invalid interface name ${JSON.stringify(i.name)}`);
    if (i.macAddress !== undefined && !MAC.test(i.macAddress))
      throw new Error(`seed: invalid MAC ${i.macAddress}`);
    for (const a of i.addresses) {
      const [ip, len, ...rest] = a.split('/');
      const n = Number(len);
      if (rest.length > 0 || !ip || !IPV4.test(ip) || !Number.isInteger(n) || n < 0 || n > 32) {
        throw new Error(`seed: invalid IPv4 CIDR address ${JSON.stringify(a)}`);
      }
    }
    for (const g of [i.gateway, ...(i.nameservers ?? [])]) {
      if (g !== undefined && !IPV4.test(g))
        throw new Error(`seed: invalid IPv4 address ${JSON.stringify(g)}`);
    }
  }
}
