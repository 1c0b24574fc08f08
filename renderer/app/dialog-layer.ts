const LAYER_ID = 'corral-dialog-layer';

/**
 * The element dialogs mount in (PatternFly Modal's `appendTo`): a child of <body> beside the app.
 * A Modal marks every sibling inside its mount point aria-hidden; mounted on <body> directly that
 * would hide the whole app, including the live state a dialog is about (a host's status while its
 * key is confirmed). In a layer of their own only other dialogs are siblings, and aria-modal still
 * tells assistive technology that the dialog is what is active. Fixed to the viewport like any
 * body-level overlay.
 */
export function dialogLayer(): HTMLElement {
  const found = document.getElementById(LAYER_ID);
  if (found) return found;
  const layer = document.createElement('div');
  layer.id = LAYER_ID;
  document.body.append(layer);
  return layer;
}
