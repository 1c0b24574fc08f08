import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkElf } from '../../../core/jobs/program/elf-header';
import { elfHeader } from './program-fixtures';

describe('the ELF check of a dropped binary', () => {
  it('accepts an x86-64 executable and an x86-64 PIE', () => {
    expect(checkElf(elfHeader({ type: 2 }))).toEqual({ ok: true });
    expect(checkElf(elfHeader({ type: 3, interp: true }))).toEqual({ ok: true });
  });

  it('accepts a real executable of this machine', () => {
    expect(checkElf(readFileSync('/bin/ls'))).toEqual({ ok: true });
  });

  it('names the architecture of a binary built for another one', () => {
    expect(checkElf(elfHeader({ machine: 183 }))).toEqual({
      ok: false,
      reason: 'an ELF for AArch64, not x86-64',
    });
    expect(checkElf(elfHeader({ machine: 40, elfClass: 1 }))).toEqual({
      ok: false,
      reason: 'an ELF for ARM (32-bit), not x86-64',
    });
    expect(checkElf(elfHeader({ machine: 243 }))).toMatchObject({ reason: /RISC-V, not x86-64/ });
    expect(checkElf(elfHeader({ machine: 9999 }))).toMatchObject({
      reason: 'an ELF for machine 9999, not x86-64',
    });
    expect(checkElf(elfHeader({ machine: 22, data: 2 }))).toMatchObject({
      reason: 'an ELF for IBM Z, not x86-64',
    });
  });

  it('refuses 32-bit and big-endian x86-64 headers', () => {
    expect(checkElf(elfHeader({ elfClass: 1 }))).toMatchObject({ reason: /32-bit ELF/ });
    expect(checkElf(elfHeader({ data: 2 }))).toMatchObject({ reason: /big-endian/ });
  });

  it('refuses object files, core dumps and shared libraries: not executables', () => {
    expect(checkElf(elfHeader({ type: 1 }))).toMatchObject({ reason: /object file/ });
    expect(checkElf(elfHeader({ type: 4 }))).toMatchObject({ reason: /core dump/ });
    expect(checkElf(elfHeader({ type: 3 }))).toMatchObject({ reason: /shared library/ });
  });

  it('refuses what is not an ELF, and headers cut short', () => {
    expect(checkElf(Buffer.from('#!/bin/sh\necho hi\n'))).toEqual({
      ok: false,
      reason: 'not an ELF binary or a known source',
    });
    expect(checkElf(elfHeader().subarray(0, 10))).toMatchObject({ reason: /truncated/ });
    expect(checkElf(elfHeader().subarray(0, 40))).toMatchObject({ reason: /truncated/ });
    expect(checkElf(elfHeader({ type: 3, interp: true }).subarray(0, 80))).toMatchObject({
      reason: /cut off/,
    });
  });
});
