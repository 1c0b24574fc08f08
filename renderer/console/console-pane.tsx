import { Button } from '@patternfly/react-core';
import '@xterm/xterm/css/xterm.css';
import './console.css';
import { useEffect, useRef, useState } from 'react';
import { reconnectConsole, consoleTerminal, type ConsoleTab } from './console-store';

/**
 * One console: its terminal, its status in words, and what you can do with it. With `onPopOut`
 * (the dock's panes) it can also move to a window of its own.
 */
export function ConsolePane({ tab, onPopOut }: { tab: ConsoleTab; onPopOut?: () => void }) {
  const paneRef = useRef<HTMLDivElement>(null);
  const screenRef = useRef<HTMLDivElement>(null);
  const [notice, setNotice] = useState<string>();
  const fullScreen = useFullScreen(paneRef);

  useEffect(() => {
    const terminal = consoleTerminal(tab.key);
    const screen = screenRef.current;
    if (!terminal || !screen) return;
    terminal.attach(screen);
    terminal.focus();
    // Fit to size whenever the pane changes size (panel resize, full screen, window).
    const observer = new ResizeObserver(() => terminal.fit());
    observer.observe(screen);
    return () => {
      observer.disconnect();
      terminal.detach();
    };
  }, [tab.key]);

  const copy = async () => {
    const text = consoleTerminal(tab.key)?.selection() ?? '';
    if (!text) {
      setNotice('Select text in the console to copy it.');
      return;
    }
    try {
      await navigator.clipboard.writeText(text);
      setNotice('Copied.');
    } catch (err) {
      setNotice(`Could not copy: ${(err as Error).message}`);
    }
  };

  const paste = async () => {
    try {
      const text = await navigator.clipboard.readText();
      const terminal = consoleTerminal(tab.key);
      terminal?.paste(text);
      terminal?.focus();
      setNotice(undefined);
    } catch (err) {
      setNotice(`Could not paste: ${(err as Error).message}`);
    }
  };

  const toggleFullScreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void paneRef.current?.requestFullscreen();
  };

  return (
    <div className="console-pane" ref={paneRef}>
      <div className="console-toolbar" role="toolbar" aria-label={`Console ${tab.name} actions`}>
        <span className="console-status" data-testid={`console-${tab.name}-status`}>
          {statusText(tab)}
        </span>
        {tab.status.state === 'closed' && (
          <Button variant="secondary" size="sm" onClick={() => reconnectConsole(tab.key)}>
            Reconnect
          </Button>
        )}
        <Button variant="secondary" size="sm" onClick={() => void copy()}>
          Copy
        </Button>
        <Button variant="secondary" size="sm" onClick={() => void paste()}>
          Paste
        </Button>
        <Button variant="secondary" size="sm" aria-pressed={fullScreen} onClick={toggleFullScreen}>
          {fullScreen ? 'Exit full screen' : 'Full screen'}
        </Button>
        {onPopOut && (
          <Button
            variant="secondary"
            size="sm"
            onClick={onPopOut}
            title="Show this console in its own window"
          >
            Pop out
          </Button>
        )}
        {notice && (
          <span className="muted" role="status">
            {notice}
          </span>
        )}
      </div>
      <div
        className="console-screen"
        ref={screenRef}
        role="region"
        aria-label={`Console of ${tab.name}`}
      />
    </div>
  );
}

function statusText(tab: ConsoleTab): string {
  switch (tab.status.state) {
    case 'connecting':
      return 'Connecting…';
    case 'open':
      return 'Connected';
    case 'closed':
      return `Closed: ${tab.status.message}`;
  }
}

function useFullScreen(ref: React.RefObject<HTMLElement | null>): boolean {
  const [on, setOn] = useState(false);
  useEffect(() => {
    const update = () =>
      setOn(document.fullscreenElement !== null && document.fullscreenElement === ref.current);
    document.addEventListener('fullscreenchange', update);
    return () => document.removeEventListener('fullscreenchange', update);
  }, [ref]);
  return on;
}
