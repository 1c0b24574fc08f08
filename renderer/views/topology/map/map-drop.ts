import type { MapNotice } from './map-store';

/**
 * What the map says when something is dropped on it: files on a cluster go to the run dialog
 * (see views/jobs); every other drop gets a plain answer, never silence.
 */

/** Names of files a cluster will take as a program: sources and archives of them. */
const PROGRAM = /\.(c|cc|cpp|cxx|f|f77|f90|f95|f03|tar|tar\.gz|tgz|tar\.xz|tar\.bz2|zip)$/i;

export const PROGRAM_KINDS = 'C, C++ or Fortran sources, or a tar or zip archive of them';

export function isProgramFile(name: string): boolean {
  return PROGRAM.test(name);
}

/** Where a drop landed: a cluster (named) or somewhere that takes no files. */
export type DropTarget =
  | { kind: 'cluster'; cluster: string; host: string }
  | { kind: 'no-cluster'; host: string }
  | { kind: 'none' };

type Notice = Omit<MapNotice, 'id'>;

const list = (names: string[]) =>
  names.length <= 3
    ? names.join(', ')
    : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;

/** The answer to files dropped on `target` (files on a cluster are offered to it to run). */
export function fileDropNotice(
  names: string[],
  target: Exclude<DropTarget, { kind: 'cluster' }>,
): Notice {
  if (names.length === 0) {
    return {
      variant: 'warning',
      title: 'Only files can be dropped on the map',
      body: `Drop a program (${PROGRAM_KINDS}) on a cluster.`,
    };
  }
  const refused = names.filter((n) => !isProgramFile(n));
  if (refused.length > 0) {
    return {
      variant: 'danger',
      title: `${list(refused)}: not a kind of file Corral accepts`,
      body: `Clusters take ${PROGRAM_KINDS}. Nothing was uploaded.`,
    };
  }
  switch (target.kind) {
    case 'no-cluster':
      return {
        variant: 'warning',
        title: 'These VMs belong to no cluster',
        body: `Drop the program on a cluster's group to run it there. Nothing was uploaded.`,
      };
    case 'none':
      return {
        variant: 'warning',
        title: 'Nothing here accepts files',
        body: `Drop a program on a cluster's group to run it there. Nothing was uploaded.`,
      };
  }
}
