import type { Disposable } from '../../api/disposable';

/**
 * xterm's DOM renderer writes its per-terminal CSS (cell sizes, colours, scrollbar) into <style>
 * elements it creates at runtime. Our CSP (`style-src 'self'`, no 'unsafe-inline') rightly
 * refuses to apply those, which leaves the terminal unstyled. Rather than loosen the CSP, this
 * mirrors each such element into a constructable stylesheet adopted by the document: CSSOM
 * stylesheets are not governed by style-src, and the text comes from xterm's own code, not from
 * anything a page or a guest can inject (xterm builds it from numbers and theme colours).
 */
export class CspStyleBridge implements Disposable {
  private readonly sheets = new Map<HTMLStyleElement, CSSStyleSheet>();
  private readonly observers: MutationObserver[] = [];

  /** Watches `roots` (the terminal's element, and document.head) for xterm's style elements. */
  constructor(roots: Node[]) {
    for (const root of roots) {
      const observer = new MutationObserver(() => this.sync(roots));
      observer.observe(root, { childList: true, subtree: true, characterData: true });
      this.observers.push(observer);
    }
    this.sync(roots);
  }

  private sync(roots: Node[]): void {
    const present = new Set<HTMLStyleElement>();
    for (const root of roots) {
      const found =
        root instanceof HTMLStyleElement
          ? [root]
          : [...(root as ParentNode).querySelectorAll<HTMLStyleElement>('style')];
      // Only xterm's: its rules all start with its own class names.
      for (const el of found) if (isXtermStyle(el)) present.add(el);
    }
    for (const el of present) {
      let sheet = this.sheets.get(el);
      if (!sheet) {
        sheet = new CSSStyleSheet();
        this.sheets.set(el, sheet);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      }
      sheet.replaceSync(el.textContent ?? '');
    }
    for (const [el, sheet] of this.sheets) {
      if (!present.has(el)) this.drop(el, sheet);
    }
  }

  private drop(el: HTMLStyleElement, sheet: CSSStyleSheet): void {
    this.sheets.delete(el);
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
  }

  dispose(): void {
    for (const o of this.observers) o.disconnect();
    for (const [el, sheet] of [...this.sheets]) this.drop(el, sheet);
  }
}

function isXtermStyle(el: HTMLStyleElement): boolean {
  const text = (el.textContent ?? '').trimStart();
  return text === '' || text.startsWith('.xterm');
}
