import { chmodSync, lstatSync, mkdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** Owner read/write only: accounts, host secrets, trusted keys, journals and cluster keys. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Every file Corral writes in its data folder. Each store creates its file 0600; this list is
 * for files made by an older version (or by hand) with a looser mode. The secret key file is not
 * here on purpose: FileKeyCipher refuses a key others could read rather than quietly trusting it.
 */
export const DATA_FILES = [
  'accounts.json',
  'settings.json',
  'hosts.json',
  'known_hosts',
  'operations.jsonl',
  'cluster-keys.json',
  'base-images.json',
  'network-policy.json',
  'known-operations.json',
  'uploads.jsonl',
  'tasks.jsonl',
  'balance.json',
] as const;

/**
 * Makes the data folder and the files in it private to this user (at start-up). A folder
 * that is a symlink, or a file that is not a regular file, is left alone rather than followed.
 */
export function tightenDataFolder(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dataDir, PRIVATE_DIR_MODE, (s) => s.isDirectory());
  for (const name of DATA_FILES) tighten(join(dataDir, name), PRIVATE_FILE_MODE, (s) => s.isFile());
}

function tighten(path: string, mode: number, isExpected: (s: Stats) => boolean) {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch {
    return; // not made yet: its store creates it private
  }
  if (!isExpected(stat) || (stat.mode & 0o777 & ~mode) === 0) return;
  chmodSync(path, mode);
}
