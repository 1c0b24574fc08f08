import type { ProgramFile } from './program-files';

/** Most entries a folder walk reads before it stops (the upload takes fewer anyway). */
const WALK_LIMIT = 4096;

/**
 * The files a drop carried, folders walked: a file manager's folder arrives as one entry that
 * `webkitGetAsEntry` opens. Must be called during the drop event (the items go away after it).
 * Paths are relative, "/"-separated, with a dropped folder's name as their first segment.
 */
export function readDrop(transfer: DataTransfer): Promise<ProgramFile[]> {
  const entries: FileSystemEntry[] = [];
  const plain: File[] = [];
  for (const item of [...transfer.items]) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) plain.push(file);
    }
  }
  // A drop built by a script (or a browser without entries) still has its files.
  if (entries.length === 0 && plain.length === 0) plain.push(...transfer.files);
  return (async () => {
    const out: ProgramFile[] = plain.map((file) => ({ path: file.name, file }));
    for (const entry of entries) await walk(entry, '', out);
    return out;
  })();
}

async function walk(entry: FileSystemEntry, dir: string, out: ProgramFile[]): Promise<void> {
  if (out.length > WALK_LIMIT) return;
  const path = dir ? `${dir}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((ok, fail) =>
      (entry as FileSystemFileEntry).file(ok, fail),
    );
    out.push({ path, file });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches until it answers with none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((ok, fail) => reader.readEntries(ok, fail));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, path, out);
  }
}

/** A file input's files ("webkitdirectory" inputs give each file its relative path). */
export function filesOfInput(list: FileList): ProgramFile[] {
  return [...list].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/** The drag carries files (not text or a map node): only then is a program target interested. */
export const dragHasFiles = (transfer: DataTransfer | null): boolean =>
  !!transfer && [...transfer.types].includes('Files');
