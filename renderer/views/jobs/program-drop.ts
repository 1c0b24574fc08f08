import type { DragEvent } from 'react';
import { notify } from '../../app/notifications';
import { useJobsStore } from './jobs-store';
import { programProblem, type ProgramFile } from './program-files';
import { dragHasFiles, readDrop } from './read-drop';

/**
 * Hands dropped or chosen files to the run dialog for `cluster`, or says why they cannot be a
 * program (nothing is uploaded then).
 */
export function offerProgram(cluster: string, files: ProgramFile[]): void {
  const problem = programProblem(files.map((f) => f.path));
  if (problem) {
    notify({ variant: 'danger', title: 'This cannot run on a cluster', detail: problem });
    return;
  }
  useJobsStore.getState().runProgram(cluster, files);
}

/** Reads a drop's files (folders walked) and offers them to `cluster`. */
export function dropProgram(transfer: DataTransfer, cluster: string): void {
  readDrop(transfer).then(
    (files) => offerProgram(cluster, files),
    (err: Error) =>
      notify({ variant: 'danger', title: 'The drop could not be read', detail: err.message }),
  );
}

/**
 * Props that make an element a drop target for programs to run on `cluster`: it takes drags
 * that carry files and leaves everything else (text, map nodes) to whoever else wants it, so
 * the window's guard still answers drops nobody took.
 */
export function programDropProps(cluster: string) {
  const accept = (e: DragEvent) => {
    if (!dragHasFiles(e.dataTransfer)) return false;
    e.preventDefault();
    e.stopPropagation();
    e.dataTransfer.dropEffect = 'copy';
    return true;
  };
  return {
    'data-program-drop': cluster,
    onDragEnter: (e: DragEvent) => void accept(e),
    onDragOver: (e: DragEvent) => void accept(e),
    onDrop: (e: DragEvent) => {
      if (accept(e)) dropProgram(e.dataTransfer, cluster);
    },
  };
}
