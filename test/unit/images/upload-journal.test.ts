import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { UploadTarget } from '../../../api/images-api';
import {
  partialVerdict,
  UPLOAD_ALIVE_EVERY_MS,
  UploadJournal,
  type UploadRecord,
} from '../../../core/images/upload-journal';
import type { VolumeFacts } from '../../../core/images/volume-xml';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'corral-uploads-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const TARGET: UploadTarget = {
  hostId: 'h-0123456789ab',
  pool: 'default',
  name: 'debian.qcow2',
  format: 'qcow2',
  sizeBytes: 4096,
};
const quiet = () => undefined;

describe('upload journal entries', () => {
  it('an upload is on disk before its volume exists, with host, pool, volume and start time', () => {
    const dir = tmp();
    const record = new UploadJournal(dir, quiet).begin(TARGET, Date.parse('2026-11-29T10:00:00Z'));
    const [back] = new UploadJournal(dir, quiet).loadInterrupted();
    expect(back).toEqual(record);
    expect(back).toMatchObject({
      hostId: TARGET.hostId,
      pool: 'default',
      name: 'debian.qcow2',
      sizeBytes: 4096,
      state: 'creating',
      startedAt: '2026-11-29T10:00:00.000Z',
    });
    expect(back!.key).toBeUndefined();
  });

  it('once the volume exists the entry holds its key and the host clock offset', () => {
    const dir = tmp();
    const j = new UploadJournal(dir, quiet);
    const hostMtime = Date.now() + 42_000; // a host 42 s ahead
    const created = j.created(j.begin(TARGET), '/var/lib/libvirt/images/debian.qcow2', hostMtime);
    const [back] = new UploadJournal(dir, quiet).loadInterrupted();
    expect(back).toEqual(created);
    expect(back!.state).toBe('uploading');
    expect(back!.key).toBe('/var/lib/libvirt/images/debian.qcow2');
    expect(back!.hostClockOffsetMs).toBeGreaterThan(41_000);
    expect(back!.hostClockOffsetMs).toBeLessThanOrEqual(42_000);
  });

  it('the latest alive mark is what the next start reads', () => {
    const dir = tmp();
    const j = new UploadJournal(dir, quiet);
    const r = j.created(j.begin(TARGET), '/p', Date.now());
    j.alive(r, 1_000);
    j.alive(r, 2_000);
    expect(new UploadJournal(dir, quiet).loadInterrupted().map((x) => x.aliveAtMs)).toEqual([
      2_000,
    ]);
  });

  it('an ended upload is not interrupted, and loading keeps only interrupted ones in the file', () => {
    const dir = tmp();
    const j = new UploadJournal(dir, quiet);
    const done = j.created(j.begin(TARGET), '/a', Date.now());
    const open = j.begin({ ...TARGET, name: 'other.img' });
    j.end(done);
    expect(new UploadJournal(dir, quiet).loadInterrupted()).toEqual([open]);
    const lines = readFileSync(join(dir, 'uploads.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as UploadRecord).id)).toEqual([open.id]);
  });

  it('when the last open upload ends the file is empty again', () => {
    const dir = tmp();
    const j = new UploadJournal(dir, quiet);
    const a = j.begin(TARGET);
    const b = j.alive(j.created(j.begin({ ...TARGET, name: 'b' }), '/b', Date.now()));
    j.end(a);
    expect(new UploadJournal(dir, quiet).loadInterrupted()).toEqual([b]);
    j.end(b);
    expect(readFileSync(join(dir, 'uploads.jsonl'), 'utf8')).toBe('');
  });

  it('an unreadable line is set aside and reported; the other uploads still load', () => {
    const dir = tmp();
    const j = new UploadJournal(dir, quiet);
    const open = j.begin(TARGET);
    const file = join(dir, 'uploads.jsonl');
    const original = `${readFileSync(file, 'utf8')}{"id":`;
    writeFileSync(file, original);
    const messages: string[] = [];
    expect(new UploadJournal(dir, (p) => messages.push(p.message)).loadInterrupted()).toEqual([
      open,
    ]);
    expect(messages).toEqual([expect.stringMatching(/^uploads\.jsonl: line 2 could not be read/)]);
    const aside = readdirSync(dir).filter((f) => f.startsWith('uploads.jsonl.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe(original);
  });
});

describe('which volume is an interrupted upload partial volume', () => {
  const record: UploadRecord = {
    id: 'u',
    hostId: 'h',
    pool: 'default',
    name: 'debian.qcow2',
    sizeBytes: 4096,
    state: 'uploading',
    startedAt: '2026-11-29T10:00:00.000Z',
    key: '/images/debian.qcow2',
    hostClockOffsetMs: 60_000, // the host is a minute ahead
    aliveAtMs: 1_000_000,
  };
  const facts = (modifiedMs: number | undefined, capacityBytes = 4096): VolumeFacts => ({
    name: 'debian.qcow2',
    path: '/images/debian.qcow2',
    format: 'raw',
    capacityBytes,
    allocationBytes: 0,
    ...(modifiedMs !== undefined ? { modifiedMs } : {}),
  });
  const hostTime = (localMs: number) => localMs + 60_000;
  const found = (f: VolumeFacts, key = '/images/debian.qcow2') => ({ key, facts: f });

  it('its own volume, last written while the upload was alive, is deleted', () => {
    expect(partialVerdict(record, found(facts(hostTime(1_000_000))))).toBe('delete');
    expect(partialVerdict(record, found(facts(hostTime(1_000_000 + UPLOAD_ALIVE_EVERY_MS))))).toBe(
      'delete',
    );
  });

  it('a volume of the same name written well after the upload died is kept', () => {
    expect(partialVerdict(record, found(facts(hostTime(1_000_000 + 60_000))))).toBe('other');
  });

  it('a volume with another key or size is kept', () => {
    expect(partialVerdict(record, found(facts(hostTime(1_000_000)), '/else'))).toBe('other');
    expect(partialVerdict(record, found(facts(hostTime(1_000_000), 8192)))).toBe('other');
  });

  it('a volume whose write time is unknown is kept', () => {
    expect(partialVerdict(record, found(facts(undefined)))).toBe('other');
  });

  it('no volume: nothing to do', () => {
    expect(partialVerdict(record, undefined)).toBe('gone');
  });

  it('an upload that died while creating its volume cannot prove which volume is its own', () => {
    const creating: UploadRecord = { ...record, state: 'creating' };
    delete creating.key;
    expect(partialVerdict(creating, found(facts(hostTime(1_000_000))))).toBe('unknown');
    expect(partialVerdict(creating, undefined)).toBe('gone');
  });
});
