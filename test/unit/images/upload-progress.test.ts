import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatFor,
  progressPercent,
  progressText,
  volumeNameFor,
} from '../../../renderer/views/images/upload-progress';

const MiB = 1024 * 1024;

describe('upload progress text', () => {
  it('reads as percent and figures in the unit of the total', () => {
    expect(progressText(84 * MiB, 200 * MiB)).toBe('42 % (84 of 200 MiB)');
    expect(progressText(0, 8 * MiB)).toBe('0 % (0 of 8 MiB)');
    expect(progressText(8 * MiB, 8 * MiB)).toBe('100 % (8 of 8 MiB)');
    expect(progressText(512 * 1024, 3 * 1024 ** 3)).toBe('0 % (0 of 3 GiB)');
    expect(progressText(300, 1000)).toBe('30 % (0.3 of 1 KiB)');
  });

  it('never says 100 % before the last byte', () => {
    expect(progressPercent(200 * MiB - 1, 200 * MiB)).toBe(99);
    expect(progressPercent(200 * MiB, 200 * MiB)).toBe(100);
    expect(progressPercent(5, 0)).toBe(0);
  });

  it('formats sizes', () => {
    expect(formatBytes(500)).toBe('500 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(208 * MiB)).toBe('208 MiB');
    expect(formatBytes(2 * 1024 * MiB)).toBe('2.0 GiB');
  });
});

describe('upload defaults from the file name', () => {
  it('makes a volume name the contract accepts', () => {
    expect(volumeNameFor('debian 12 (cloud).qcow2')).toBe('debian-12--cloud-.qcow2');
    expect(volumeNameFor('../../etc/passwd')).toBe('etc-passwd');
    expect(volumeNameFor('ééé')).toBe('image');
  });

  it('guesses qcow2 from the extension, else raw', () => {
    expect(formatFor('a.qcow2')).toBe('qcow2');
    expect(formatFor('A.QCOW')).toBe('qcow2');
    expect(formatFor('a.img')).toBe('raw');
  });
});
