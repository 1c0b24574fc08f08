import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountStore } from '../../../core/accounts/account-store';
import { ClusterKeyStore } from '../../../core/clusters/cluster-key-store';
import { HostStore } from '../../../core/hosts/host-store';
import { KnownHostsStore } from '../../../core/hosts/known-hosts-store';
import { OperationJournal } from '../../../core/journal/operation-journal';
import type { DataProblem } from '../../../core/persistence/data-problems';
import { FileKeyCipher } from '../../../core/secrets/file-key-cipher';
import { SettingsService } from '../../../core/settings/settings-service';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'corral-corrupt-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A report that keeps what the store said. */
function recorder() {
  const problems: DataProblem[] = [];
  return { problems, report: (p: DataProblem) => void problems.push(p) };
}

/** The one set-aside copy of `name` in `dir`: its path, after checking it is private. */
function asideOf(dir: string, name: string): string {
  const found = readdirSync(dir).filter((f) => f.startsWith(`${name}.corrupt-`));
  expect(found).toHaveLength(1);
  const path = join(dir, found[0]!);
  expect(statSync(path).mode & 0o777).toBe(0o600);
  return path;
}

/** The report names the file, what was wrong, and where the original went. */
function expectReported(problems: DataProblem[], dir: string, name: string, what: RegExp) {
  expect(problems).toHaveLength(1);
  expect(problems[0]!.file).toBe(join(dir, name));
  expect(problems[0]!.setAsideAs).toBe(asideOf(dir, name));
  expect(problems[0]!.message).toMatch(what);
  expect(problems[0]!.message).toContain(problems[0]!.setAsideAs);
}

const HOST = {
  id: 'h-0123456789ab',
  name: 'rack-1',
  address: '10.0.0.5',
  port: 22,
  user: 'root',
  auth: { kind: 'agent' },
};
const ACCOUNT = {
  id: 'u1',
  username: 'ada',
  passwordHash: 'scrypt$x',
  role: 'admin',
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('operation journal: unreadable lines', () => {
  it('sets the original aside intact, reports the lines, and keeps every readable record', () => {
    const dir = tmp();
    const file = join(dir, 'operations.jsonl');
    const original =
      '{"id":"a","step":1}\nnot json\n{"id":"b","step":1}\n{"no":"id"}\n{"id":"a","st';
    writeFileSync(file, original);
    const { problems, report } = recorder();
    const j = new OperationJournal<{ id: string; step: number }>(file, report);
    expect(j.load()).toEqual([
      { id: 'a', step: 1 },
      { id: 'b', step: 1 },
    ]);
    expectReported(problems, dir, 'operations.jsonl', /lines 2, 4 and 5 could not be read/);
    expect(readFileSync(problems[0]!.setAsideAs, 'utf8')).toBe(original);
    // The journal holds only the good lines, so a record appended now starts on its own line.
    j.write({ id: 'b', step: 2 });
    expect(new OperationJournal<{ id: string; step: number }>(file, report).load()).toEqual([
      { id: 'a', step: 1 },
      { id: 'b', step: 2 },
    ]);
    expect(problems).toHaveLength(1);
  });

  it('a torn last line followed by a new write loses neither record', () => {
    const dir = tmp();
    const file = join(dir, 'operations.jsonl');
    const j = new OperationJournal<{ id: string; step: number }>(file, () => undefined);
    j.write({ id: 'a', step: 1 });
    appendFileSync(file, '{"id":"a","st');
    j.load(); // what a start does first
    j.write({ id: 'a', step: 2 });
    expect(j.load()).toEqual([{ id: 'a', step: 2 }]);
  });
});

describe('cluster key store: unreadable file or entries', () => {
  it('a file that is not JSON is set aside whole, reported, and the store starts empty', () => {
    const dir = tmp();
    const file = join(dir, 'cluster-keys.json');
    writeFileSync(file, '{"web": {"sealed": "abc", "publ');
    const { problems, report } = recorder();
    const store = new ClusterKeyStore(dir, new FileKeyCipher(dir), report);
    expect(store.get('web')).toBeUndefined();
    expectReported(problems, dir, 'cluster-keys.json', /could not be read/);
    expect(readFileSync(problems[0]!.setAsideAs, 'utf8')).toBe('{"web": {"sealed": "abc", "publ');
    expect(existsSync(file)).toBe(false);
    store.put('db', { privateKey: 'k', publicKey: 'ssh-ed25519 AAAA' });
    expect(store.get('db')).toEqual({ privateKey: 'k', publicKey: 'ssh-ed25519 AAAA' });
  });

  it('an entry that is not a key is set aside; the other clusters keep their keys', () => {
    const dir = tmp();
    const cipher = new FileKeyCipher(dir);
    new ClusterKeyStore(dir, cipher).put('web', { privateKey: 'p', publicKey: 'ssh-ed25519 W' });
    const file = join(dir, 'cluster-keys.json');
    const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...all, broken: { sealed: 42 } }));
    const original = readFileSync(file, 'utf8');
    const { problems, report } = recorder();
    const store = new ClusterKeyStore(dir, cipher, report);
    expect(store.get('web')).toEqual({ privateKey: 'p', publicKey: 'ssh-ed25519 W' });
    expect(store.get('broken')).toBeUndefined();
    expectReported(problems, dir, 'cluster-keys.json', /the keys of broken could not be read/);
    expect(readFileSync(problems[0]!.setAsideAs, 'utf8')).toBe(original);
  });
});

describe('known_hosts: unreadable lines', () => {
  it('a line that is not a key is set aside and reported; keys and comments stay', () => {
    const dir = tmp();
    const file = join(dir, 'known_hosts');
    const original = [
      '# kept',
      '[10.0.0.5]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA',
      'garbage-without-a-key',
      '@cert-authority * ssh-ed25519 AAAA',
      '',
    ].join('\n');
    writeFileSync(file, original);
    const { problems, report } = recorder();
    const store = new KnownHostsStore(dir, report);
    expect(store.keysFor('10.0.0.5', 2222)).toHaveLength(1);
    expectReported(problems, dir, 'known_hosts', /line 3 is not a host key/);
    expect(readFileSync(problems[0]!.setAsideAs, 'utf8')).toBe(original);
    expect(readFileSync(file, 'utf8')).toBe(
      '# kept\n[10.0.0.5]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA\n@cert-authority * ssh-ed25519 AAAA\n',
    );
    store.keysFor('10.0.0.5', 2222);
    expect(problems).toHaveLength(1);
  });
});

describe('hosts.json: unreadable file or records', () => {
  it('a file that is not JSON is set aside whole and reported; the store starts empty', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'hosts.json'), '{"hosts": [');
    const { problems, report } = recorder();
    const store = new HostStore(dir, report);
    expect(store.list()).toEqual([]);
    expectReported(problems, dir, 'hosts.json', /could not be read/);
    expect(readFileSync(problems[0]!.setAsideAs, 'utf8')).toBe('{"hosts": [');
  });

  it('a record that is not a host is set aside and reported; the valid hosts load', () => {
    const dir = tmp();
    const original = JSON.stringify({ hosts: [{ id: 'h-bad', port: 'x' }, HOST] });
    writeFileSync(join(dir, 'hosts.json'), original);
    const { problems, report } = recorder();
    const store = new HostStore(dir, report);
    expect(store.list()).toEqual([HOST]);
    expectReported(problems, dir, 'hosts.json', /host entry 1 .* could not be read/);
    expect(readFileSync(problems[0]!.setAsideAs, 'utf8')).toBe(original);
    new HostStore(dir, report);
    expect(problems).toHaveLength(1);
  });
});

describe('accounts.json: unreadable file or records', () => {
  it('a file that is not JSON is set aside whole and reported, never cleared silently', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'accounts.json'), 'accounts: ada');
    const { problems, report } = recorder();
    expect(new AccountStore(dir, report).all()).toEqual([]);
    expectReported(problems, dir, 'accounts.json', /could not be read/);
    expect(readFileSync(problems[0]!.setAsideAs, 'utf8')).toBe('accounts: ada');
  });

  it('a record that is not an account is set aside; valid accounts load and a new one adds', () => {
    const dir = tmp();
    const original = JSON.stringify({ accounts: [ACCOUNT, { id: 'u2', username: 'bob' }] });
    writeFileSync(join(dir, 'accounts.json'), original);
    const { problems, report } = recorder();
    const store = new AccountStore(dir, report);
    expect(store.all()).toEqual([ACCOUNT]);
    expectReported(problems, dir, 'accounts.json', /account entry 2 could not be read/);
    expect(readFileSync(problems[0]!.setAsideAs, 'utf8')).toBe(original);
    store.add({ ...ACCOUNT, id: 'u3', username: 'cy', role: 'user' });
    expect(store.all().map((a) => a.username)).toEqual(['ada', 'cy']);
  });
});

describe('settings.json: unreadable file or fields', () => {
  it('a file that is not JSON is set aside whole and reported; defaults apply', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'settings.json'), '{"theme": "dark"');
    const { problems, report } = recorder();
    expect(new SettingsService(dir, report).get()).toEqual({ theme: 'system' });
    expectReported(problems, dir, 'settings.json', /could not be read/);
    expect(readFileSync(problems[0]!.setAsideAs, 'utf8')).toBe('{"theme": "dark"');
  });

  it('a field that fails validation is set aside and falls back to its default', () => {
    const dir = tmp();
    const original = JSON.stringify({ theme: 'purple' });
    writeFileSync(join(dir, 'settings.json'), original);
    const { problems, report } = recorder();
    const settings = new SettingsService(dir, report);
    expect(settings.get()).toEqual({ theme: 'system' });
    expectReported(problems, dir, 'settings.json', /the setting theme could not be read/);
    expect(readFileSync(problems[0]!.setAsideAs, 'utf8')).toBe(original);
    expect(settings.update({ theme: 'dark' })).toEqual({ theme: 'dark' });
  });
});
