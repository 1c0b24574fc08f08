import { notify } from './notifications';

/** What was dropped, as far as the drop says. */
export type DropKind = 'file' | 'vm' | 'other';

const WHAT: Record<DropKind, string> = {
  file: 'Files',
  vm: 'Virtual machines',
  other: 'This',
};

/** Where each kind can go instead: the next step the message spells out. */
const WHERE: Record<DropKind, string> = {
  file: 'Only the "Upload a base image" form in Images takes files, and clusters take programs: drop one image file on that form, or a program on a cluster (in Topology, Clusters or Jobs).',
  vm: 'Moving a virtual machine by dragging it is not available yet.',
  other: 'Nothing here accepts what was dropped.',
};

/**
 * Tells the user that a drop was not taken, and what would work. For drop targets that see a drop
 * they cannot use (the topology map calls this for a VM or a file on an element that does not
 * accept it yet); `reason` replaces the default next step when the target knows better.
 */
export function notifyDropNotAccepted(kind: DropKind, reason?: string): void {
  notify({
    variant: 'warning',
    title: `${WHAT[kind]} cannot be dropped here`,
    detail: reason ?? WHERE[kind],
  });
}

/** The part of a drag event the guard reads (so it can be decided without a DOM). */
export interface DragFacts {
  types: readonly string[];
  /** A target already took the drop (called preventDefault). */
  handled: boolean;
  /** The drop is over a native file input, which takes files by itself. */
  onFileInput: boolean;
}

/**
 * What the window does with a drag that reached it: `refuse` files nothing took (the browser would
 * otherwise open the file in place of the app, or silently do nothing), `pass` everything else —
 * text dragged into a field keeps working.
 */
export function dropVerdict(facts: DragFacts): 'refuse' | 'pass' {
  if (facts.handled || facts.onFileInput) return 'pass';
  return facts.types.includes('Files') ? 'refuse' : 'pass';
}

function factsOf(e: DragEvent): DragFacts {
  const target = e.target as Element | null;
  const input = target instanceof Element ? target.closest('input') : null;
  return {
    types: Array.from(e.dataTransfer?.types ?? []),
    handled: e.defaultPrevented,
    onFileInput: input?.type === 'file',
  };
}

/**
 * Installs the window-level guard; returns its removal. Drop targets that accept a file call
 * `preventDefault()` in their own handlers, so only drops nobody took reach this as unhandled.
 */
export function installDropGuard(win: Window = window): () => void {
  const onDragOver = (e: DragEvent) => {
    if (dropVerdict(factsOf(e)) !== 'refuse') return;
    // Accepting the drag here is what makes the drop event fire, so the message can be shown.
    e.preventDefault();
  };
  const onDrop = (e: DragEvent) => {
    if (dropVerdict(factsOf(e)) !== 'refuse') return;
    e.preventDefault();
    notifyDropNotAccepted('file');
  };
  win.addEventListener('dragover', onDragOver);
  win.addEventListener('drop', onDrop);
  return () => {
    win.removeEventListener('dragover', onDragOver);
    win.removeEventListener('drop', onDrop);
  };
}
