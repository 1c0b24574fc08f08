/** One entry of an initramfs archive. */
export interface CpioEntry {
  /** Path inside the archive, without a leading slash. */
  name: string;
  /** `file` with data, `dir`, or `symlink` whose data is the target. */
  kind: 'file' | 'dir' | 'symlink';
  mode: number;
  data?: Buffer;
}

const TYPE_BITS = { file: 0o100000, dir: 0o040000, symlink: 0o120000 } as const;

/**
 * Writes a cpio "newc" archive (the format the kernel unpacks as initramfs) in memory, so building
 * the initramfs needs no `cpio` pipeline through a shell.
 */
export function cpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const push = (name: string, mode: number, data: Buffer): void => {
    const nameBuf = Buffer.from(`${name}\0`);
    const fields = [ino++, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBuf.length, 0];
    const header = `070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`;
    parts.push(
      Buffer.from(header, 'ascii'),
      nameBuf,
      pad(110 + nameBuf.length),
      data,
      pad(data.length),
    );
  };
  for (const e of entries) {
    const data = e.kind === 'dir' ? Buffer.alloc(0) : (e.data ?? Buffer.alloc(0));
    push(e.name, TYPE_BITS[e.kind] | (e.mode & 0o7777), data);
  }
  ino = 0;
  push('TRAILER!!!', 0, Buffer.alloc(0));
  return Buffer.concat(parts);
}

function pad(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}
