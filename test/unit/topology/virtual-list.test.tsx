// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualList, visibleRange } from '../../../renderer/views/topology/virtual-list';

// React's act() wants to know it runs in a test environment.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
  document.body.innerHTML = '';
});

const items = Array.from({ length: 5000 }, (_, i) => `vm-${i}`);

function mount(): HTMLElement {
  const host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  act(() =>
    root!.render(
      <VirtualList
        label="VMs"
        items={items}
        rowHeight={40}
        initialHeight={600}
        itemKey={(s) => s}
        renderRow={(s) => <span>{s}</span>}
      />,
    ),
  );
  return host;
}

const shown = (host: HTMLElement) =>
  [...host.querySelectorAll('[role="listitem"]')].map((e) => e.textContent);

describe('VirtualList', () => {
  it('renders only the visible rows of 5000, in a spacer as tall as all of them', () => {
    const host = mount();
    const rows = shown(host);
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(100);
    expect(rows[0]).toBe('vm-0');
    expect(rows).not.toContain('vm-2500');
    const spacer = host.querySelector('[role="list"]') as HTMLElement;
    expect(spacer.style.height).toBe(`${5000 * 40}px`);
    const first = host.querySelector('[role="listitem"]')!;
    expect(first.getAttribute('aria-setsize')).toBe('5000');
  });

  it('shows other rows after scrolling', () => {
    const host = mount();
    const scroller = host.querySelector('[role="region"]') as HTMLElement;
    act(() => {
      scroller.scrollTop = 2500 * 40;
      scroller.dispatchEvent(new Event('scroll'));
    });
    const rows = shown(host);
    expect(rows).toContain('vm-2500');
    expect(rows).not.toContain('vm-0');
    expect(rows.length).toBeLessThan(100);
    const row = [...host.querySelectorAll<HTMLElement>('[role="listitem"]')].find(
      (e) => e.textContent === 'vm-2500',
    )!;
    expect(row.style.top).toBe(`${2500 * 40}px`);
  });

  it('computes the window with overscan, clamped to the list', () => {
    expect(visibleRange(5000, 40, 0, 400, 5)).toEqual({ start: 0, end: 16 });
    expect(visibleRange(5000, 40, 4000, 400, 5)).toEqual({ start: 95, end: 116 });
    expect(visibleRange(20, 40, 4000, 400, 5)).toEqual({ start: 4, end: 20 });
    expect(visibleRange(0, 40, 0, 400, 5)).toEqual({ start: 0, end: 0 });
  });
});
