import { EventEmitter } from 'node:events';
import type { WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { guardWebContents } from '../../../electron/web-contents-guards';

type OpenHandler = (details: { url: string }) => { action: string };

/** Just the parts of WebContents the guards touch. */
function fakeContents() {
  let handler: OpenHandler | undefined;
  const contents = Object.assign(new EventEmitter(), {
    setWindowOpenHandler: (h: OpenHandler) => (handler = h),
  });
  return {
    contents: contents as unknown as WebContents,
    open: (url: string) => handler!({ url }),
    navigate: (url: string) => {
      let prevented = false;
      contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
      return prevented;
    },
  };
}

describe('web contents guards', () => {
  it('denies every window.open; https links go to the browser, console addresses to main', () => {
    const external: string[] = [];
    const asked: string[] = [];
    const { contents, open } = fakeContents();
    guardWebContents(
      contents,
      (url) => external.push(url),
      (url, opener) => {
        expect(opener).toBe(contents);
        asked.push(url);
        return url.includes('#/console/');
      },
    );
    expect(open('https://libvirt.org/')).toEqual({ action: 'deny' });
    expect(open('http://localhost:5173/#/console/local/x/y')).toEqual({ action: 'deny' });
    expect(open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(external).toEqual(['https://libvirt.org/']);
    expect(asked).toEqual([
      'https://libvirt.org/',
      'http://localhost:5173/#/console/local/x/y',
      'file:///etc/passwd',
    ]);
  });

  it('opens no app window when none is offered, and never navigates', () => {
    const external: string[] = [];
    const { contents, open, navigate } = fakeContents();
    guardWebContents(contents, (url) => external.push(url));
    expect(open('http://localhost:5173/#/console/local/x/y')).toEqual({ action: 'deny' });
    expect(navigate('http://localhost:5173/#/hosts')).toBe(true);
    expect(external).toEqual([]);
  });
});
