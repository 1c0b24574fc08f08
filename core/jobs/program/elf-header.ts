/** Why a dropped binary cannot run on the cluster's nodes, or undefined when it can. */
export type ElfVerdict = { ok: true } | { ok: false; reason: string };

/** The first bytes of every ELF file. */
export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const;

/** e_machine values people are likely to drop by mistake, for a message they recognise. */
const MACHINES: Record<number, string> = {
  2: 'SPARC',
  3: 'x86 (32-bit)',
  8: 'MIPS',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 'IBM Z',
  40: 'ARM (32-bit)',
  43: 'SPARC V9',
  62: 'x86-64',
  183: 'AArch64',
  243: 'RISC-V',
  258: 'LoongArch',
};
const EM_X86_64 = 62;
const ET_EXEC = 2;
const ET_DYN = 3;
const PT_INTERP = 3;
/** An ELF64 file header is 64 bytes. */
const ELF64_HEADER = 64;

export function hasElfMagic(bytes: Uint8Array): boolean {
  return ELF_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Checks that `bytes` (the whole file, or at least its header and program headers) is an
 * executable the lab's nodes can run: ELF64, little endian, x86-64, and an executable or a
 * position-independent executable (not a shared library or an object file). Pure, so crafted
 * headers test it.
 */
export function checkElf(bytes: Uint8Array): ElfVerdict {
  if (!hasElfMagic(bytes)) return { ok: false, reason: 'not an ELF binary or a known source' };
  if (bytes.byteLength < 20) return { ok: false, reason: 'a truncated ELF header' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = bytes[5];
  if (data !== 1 && data !== 2) return { ok: false, reason: 'an ELF of unknown byte order' };
  const little = data === 1;
  // e_machine sits at the same offset in 32- and 64-bit headers: name the machine first, it is
  // what a person who built for the wrong target needs to hear.
  const machine = view.getUint16(18, little);
  if (machine !== EM_X86_64) {
    const name = MACHINES[machine] ?? `machine ${machine}`;
    return { ok: false, reason: `an ELF for ${name}, not x86-64` };
  }
  if (bytes[4] !== 2) return { ok: false, reason: 'a 32-bit ELF, not a 64-bit x86-64 one' };
  if (!little) return { ok: false, reason: 'a big-endian ELF, not x86-64' };
  if (bytes.byteLength < ELF64_HEADER) return { ok: false, reason: 'a truncated ELF header' };
  const type = view.getUint16(16, true);
  if (type === ET_EXEC) return { ok: true };
  if (type !== ET_DYN) {
    const what = type === 1 ? 'an object file (.o)' : type === 4 ? 'a core dump' : `type ${type}`;
    return { ok: false, reason: `an x86-64 ELF that is ${what}, not an executable` };
  }
  // A PIE and a shared library are both ET_DYN; a PIE names its program interpreter.
  const phoff = Number(view.getBigUint64(32, true));
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  if (phentsize < 4 || phoff + phentsize * phnum > bytes.byteLength) {
    return { ok: false, reason: 'an x86-64 ELF whose program headers are cut off' };
  }
  for (let i = 0; i < phnum; i++) {
    if (view.getUint32(phoff + i * phentsize, true) === PT_INTERP) return { ok: true };
  }
  return { ok: false, reason: 'an x86-64 shared library, not an executable' };
}
