import { create } from 'zustand';

/** How a notice looks and how long it stays. */
export type NoticeVariant = 'success' | 'info' | 'warning' | 'danger';

/** What a view reports: a title, and for an error the next step in the detail. */
export interface NoticeInput {
  variant: NoticeVariant;
  title: string;
  detail?: string;
  /** One next step offered as a link in the notice ("Show in Tasks"). */
  action?: { label: string; run: () => void };
}

export interface Notice extends NoticeInput {
  id: number;
  /** Errors and warnings stay until closed: someone has to read what to do next. */
  sticky: boolean;
}

/** A completion disappears after this long (PatternFly pauses it while hovered or focused). */
export const AUTO_DISMISS_MS = 8000;

/** More than this many on screen is noise: the oldest go first. */
export const MAX_NOTICES = 5;

interface NotificationState {
  notices: Notice[];
  notify(input: NoticeInput): number;
  dismiss(id: number): void;
  clear(): void;
}

let nextId = 1;

/**
 * The app's one notification mechanism: views report completions and failures here; the frame's
 * toast group shows them. A notice equal to one still shown is not stacked again (a repeated drop
 * or retry would otherwise bury everything else).
 */
export const useNotifications = create<NotificationState>((set, get) => ({
  notices: [],
  notify(input) {
    const same = get().notices.find(
      (n) => n.variant === input.variant && n.title === input.title && n.detail === input.detail,
    );
    if (same) return same.id;
    const notice: Notice = {
      ...input,
      id: nextId++,
      sticky: input.variant === 'danger' || input.variant === 'warning',
    };
    set((s) => ({ notices: [...s.notices, notice].slice(-MAX_NOTICES) }));
    return notice.id;
  },
  dismiss(id) {
    set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
  },
  clear() {
    set({ notices: [] });
  },
}));

/** Reports a notice from anywhere (event handlers, non-React code). */
export function notify(input: NoticeInput): number {
  return useNotifications.getState().notify(input);
}

/** The message of anything thrown, for a notice's detail. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
