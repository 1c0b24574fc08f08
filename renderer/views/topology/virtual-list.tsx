import { useEffect, useRef, useState, type ReactNode } from 'react';

/** Props of {@link VirtualList}. */
export interface VirtualListProps<T> {
  items: readonly T[];
  /** Every row has this height (px): what makes windowing cheap. */
  rowHeight: number;
  itemKey(item: T): string;
  renderRow(item: T, index: number): ReactNode;
  /** Rows rendered above and below the visible ones. */
  overscan?: number;
  /** Used until the element has been measured (and where layout is unavailable). */
  initialHeight?: number;
  /** Accessible name of the list. */
  label: string;
  className?: string;
}

/** The slice of rows to render for a scroll position: pure, so it is tested on its own. */
export function visibleRange(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewport: number,
  overscan: number,
): { start: number; end: number } {
  const shown = Math.ceil(viewport / rowHeight) + 1;
  // A list that shrank under a scrolled view (a filter) shows its last rows, never nothing.
  const first = Math.min(
    Math.floor(Math.max(0, scrollTop) / rowHeight),
    Math.max(0, count - shown),
  );
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + shown + overscan);
  return { start, end: Math.max(start, end) };
}

/**
 * A windowed list: only the rows in view (plus overscan) are in the DOM, absolutely placed in a
 * spacer as tall as all rows, so 5000 VMs scroll as smoothly as 50.
 */
export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeight, overscan = 8, initialHeight = 600 } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(initialHeight);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      if (el.clientHeight > 0) setHeight(el.clientHeight);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const { start, end } = visibleRange(items.length, rowHeight, scrollTop, height, overscan);
  const rows: ReactNode[] = [];
  for (let i = start; i < end; i++) {
    const item = items[i]!;
    rows.push(
      <div
        key={props.itemKey(item)}
        role="listitem"
        aria-setsize={items.length}
        aria-posinset={i + 1}
        className="vlist-row"
        style={{ position: 'absolute', top: i * rowHeight, height: rowHeight, left: 0, right: 0 }}
      >
        {props.renderRow(item, i)}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      className={props.className}
      style={{ overflowY: 'auto', position: 'relative' }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      tabIndex={0}
      aria-label={props.label}
      role="region"
    >
      <div role="list" style={{ position: 'relative', height: items.length * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
