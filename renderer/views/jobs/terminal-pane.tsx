import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, type ReactNode } from 'react';
import type { JobTerminal } from './job-terminal';

/**
 * A titled region showing a job terminal: attaches it on mount, follows the pane's size, and
 * detaches it (output keeps arriving) on unmount.
 */
export function TerminalPane({
  term,
  title,
  meta,
  testId,
}: {
  term: JobTerminal;
  title: string;
  /** Words beside the title: the rank's state, its stderr size. */
  meta?: ReactNode;
  testId?: string;
}) {
  const screen = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = screen.current;
    if (!el) return;
    term.attach(el);
    const observer = new ResizeObserver(() => term.fit());
    observer.observe(el);
    return () => {
      observer.disconnect();
      term.detach();
    };
  }, [term]);
  return (
    <section className="job-pane" aria-label={title} data-testid={testId}>
      <header className="job-pane-header">
        <h4 className="job-pane-title">{title}</h4>
        {meta && <span className="job-pane-meta">{meta}</span>}
      </header>
      <div className="job-pane-screen" ref={screen} />
    </section>
  );
}
