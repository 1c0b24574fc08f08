/**
 * Scripts the bench runs inside the page. They are source text, not functions: tsx would wrap
 * a function's inner helpers in a name-keeping shim that does not exist in the page.
 */

/** Starts recording the time between animation frames. */
export const START_FRAMES = `(() => {
  const rec = { deltas: [], running: true };
  window.benchFrames = rec;
  let last = performance.now();
  const step = (t) => {
    rec.deltas.push(t - last);
    last = t;
    if (rec.running) requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})()`;

/** Stops recording; the frame deltas, the first one (from before any frame) dropped. */
export const STOP_FRAMES = `(() => {
  const rec = window.benchFrames;
  rec.running = false;
  return rec.deltas.slice(1);
})()`;

/**
 * Clicks the button whose text is `nav` and measures, from the click, until an element matching
 * `selector` is in the document (checked every animation frame), in ms.
 */
export function timeUntilShown(nav: string, selector: string): string {
  return `new Promise((done, fail) => {
    const nav = ${JSON.stringify(nav)};
    const selector = ${JSON.stringify(selector)};
    const button = [...document.querySelectorAll('button')].find(
      (b) => b.textContent.trim() === nav,
    );
    if (!button) return fail(new Error('no button ' + nav));
    const t0 = performance.now();
    button.click();
    const check = () => {
      if (document.querySelector(selector)) done(performance.now() - t0);
      else if (performance.now() - t0 > 60000) fail(new Error(selector + ' never appeared'));
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  })`;
}

/** The p-th percentile (0-100) of `xs`. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
