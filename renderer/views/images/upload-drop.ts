/** What a drop on the upload area carried, as far as the view needs to know. */
export interface UploadDropFacts {
  /** Files in the drop (0 for dragged text or links). */
  files: number;
  /** The one item is a folder, not a file. */
  isDirectory: boolean;
  /** An upload is already running. */
  busy: boolean;
}

/**
 * Why a drop on the upload area cannot be used, as the sentence the user reads; undefined when
 * it can (exactly one file, no upload running).
 */
export function uploadDropProblem(facts: UploadDropFacts): string | undefined {
  if (facts.busy)
    return 'An upload is running. Wait for it to finish or cancel it, then drop the next file.';
  if (facts.files === 0)
    return 'Only an image file can be dropped here (a qcow2 or raw disk image).';
  if (facts.files > 1)
    return `${facts.files} files were dropped; upload one image at a time. Drop a single file.`;
  if (facts.isDirectory) return 'A folder cannot be uploaded. Drop the image file itself.';
  return undefined;
}
