import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashConsolePassword } from '../../core/clusters/console-sign-in';
import { buildNoCloudSeed, type SeedSpec } from '../../core/provisioning/nocloud-seed';
import { GUEST_FILES } from '../lab/guest-files';

const SCRIPT = '/usr/local/sbin/corral-console-signin';
const base: SeedSpec = { instanceId: 'iid-1', hostname: 'node-1', sshAuthorizedKeys: [] };

/**
 * The lab image's own sign-in script, laid out as the image recipe lays it out, run on seeds the
 * real builder makes, against a small root tree (the real chpasswd, told to work in that tree).
 */
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'corral-signin-'));
  for (const [path, file] of Object.entries(GUEST_FILES)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), file.content);
    chmodSync(join(root, path), file.mode);
  }
  mkdirSync(join(root, 'run'));
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
  writeFileSync(join(root, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o640 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function signIn(spec: SeedSpec): { out: string; autologin?: string; shadow: string } {
  const ud = join(root, 'user-data');
  writeFileSync(ud, buildNoCloudSeed(spec)['user-data']);
  const file = join(root, 'run/corral-console-autologin');
  const out = execFileSync('sh', [join(root, SCRIPT), ud, file, root], { encoding: 'utf8' });
  return {
    out,
    autologin: existsSync(file) ? readFileSync(file, 'utf8') : undefined,
    shadow: readFileSync(join(root, 'etc/shadow'), 'utf8'),
  };
}

describe("the lab image's console sign-in from the seed", () => {
  it("sets root's password from the seed's hash, and no automatic sign-in", () => {
    const hash = hashConsolePassword('corral console 42');
    const r = signIn({ ...base, consolePassword: { user: 'root', hash } });
    expect(r.shadow.split(':').slice(0, 2)).toEqual(['root', hash]);
    expect(r.autologin).toBeUndefined();
    expect(r.out).toContain('console password set for root');
    expect(r.out).not.toContain(hash);
  });

  it('names the user the console signs in by itself, from the getty drop-in the seed carries', () => {
    const r = signIn({ ...base, consoleAutologin: 'root' });
    expect(r.autologin).toBe('root\n');
    expect(r.shadow).toBe('root:*:19000:0:99999:7:::\n');
  });

  it('leaves the console at its login prompt when the seed asks for neither', () => {
    writeFileSync(join(root, 'run/corral-console-autologin'), 'root\n');
    const r = signIn(base);
    expect(r.autologin).toBeUndefined();
    expect(r.shadow).toBe('root:*:19000:0:99999:7:::\n');
  });
});

describe("the lab image's getty", () => {
  it('signs the named user in on ttyS0, and otherwise asks who is there', () => {
    const getty = GUEST_FILES['/usr/local/sbin/corral-getty']!.content;
    expect(getty).toContain('exec /sbin/agetty --autologin "$user" -L 115200 ttyS0 vt100');
    expect(getty).toContain('exec /sbin/agetty -L 115200 ttyS0 vt100');
    expect(GUEST_FILES['/etc/inittab']!.content).toContain(
      'ttyS0::respawn:/usr/local/sbin/corral-getty',
    );
  });
});
