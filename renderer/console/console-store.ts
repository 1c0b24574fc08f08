import { create } from 'zustand';
import type { CorralClient } from '../boot/corral-client';
import { useAppStore } from '../state/app-store';
import type { VmMove } from '../../api/inventory-api';
import { consoleKey, movedTarget, type ConsoleTarget } from './console-ref';
import { ConsoleTerminal, type ConsoleStatus } from './console-terminal';

/** A console tab as React sees it; the terminal itself lives in {@link terminals}. */
export interface ConsoleTab extends ConsoleTarget {
  key: string;
  status: ConsoleStatus;
}

interface ConsoleState {
  tabs: ConsoleTab[];
  activeKey: string | undefined;
  select(key: string): void;
}

/** Console tabs (the bottom panel renders them). */
export const useConsoleStore = create<ConsoleState>((set) => ({
  tabs: [],
  activeKey: undefined,
  select: (key) => set({ activeKey: key }),
}));

/** Terminal objects by tab key: outside React, so they outlive the components showing them. */
const terminals = new Map<string, ConsoleTerminal>();
let client: CorralClient | undefined;

/** Open tabs survive a reload (a browser that reconnects gets its consoles and their screens). */
const STORAGE_KEY = 'corral.consoles';

function persist(): void {
  const targets = useConsoleStore
    .getState()
    .tabs.map(({ hostId, uuid, name }) => ({ hostId, uuid, name }));
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(targets));
  } catch {
    // Storage may be unavailable (privacy modes); tabs then just do not survive a reload.
  }
}

function restore(): ConsoleTarget[] {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (t): t is ConsoleTarget =>
        typeof t?.hostId === 'string' && typeof t?.uuid === 'string' && typeof t?.name === 'string',
    );
  } catch {
    return [];
  }
}

function setStatus(key: string, status: ConsoleStatus): void {
  useConsoleStore.setState((s) => ({
    tabs: s.tabs.map((t) => (t.key === key ? { ...t, status } : t)),
  }));
}

/** The terminal behind a tab, for the pane that shows it. */
export function consoleTerminal(key: string): ConsoleTerminal | undefined {
  return terminals.get(key);
}

/**
 * Opens a VM's serial console in a tab of the bottom panel (or shows its tab if open already).
 * What other views (topology, clusters) call: `openConsole({ hostId, uuid, name })`.
 */
export function openConsole(target: ConsoleTarget): void {
  const key = consoleKey(target);
  useAppStore.getState().showDockTab('consoles');
  if (!terminals.has(key)) {
    // Keyed by where the VM is now: a tab follows its VM when it moves host.
    let terminal: ConsoleTerminal | undefined = undefined;
    terminal = new ConsoleTerminal(target, (status) =>
      setStatus(terminal ? consoleKey(terminal.target) : key, status),
    );
    terminals.set(key, terminal);
    useConsoleStore.setState((s) => ({
      tabs: [...s.tabs, { ...target, key, status: { state: 'connecting' } }],
    }));
    persist();
    if (client) void terminal.connect(client);
  }
  useConsoleStore.setState({ activeKey: key });
}

/** Closes a console tab: its stream ends (the Node side keeps the console and its replay). */
export function closeConsole(key: string): void {
  terminals.get(key)?.dispose();
  terminals.delete(key);
  useConsoleStore.setState((s) => {
    const index = s.tabs.findIndex((t) => t.key === key);
    const tabs = s.tabs.filter((t) => t.key !== key);
    const activeKey =
      s.activeKey === key ? tabs[Math.min(index, tabs.length - 1)]?.key : s.activeKey;
    return { tabs, activeKey };
  });
  persist();
}

/** Opens a closed console's stream again. */
export function reconnectConsole(key: string): void {
  const terminal = terminals.get(key);
  if (terminal && client) void terminal.connect(client);
}

/**
 * Tabs of VMs that moved host follow them (the open stream already does, on the Node side): the
 * tab is keyed and reopened by the VM's new place.
 */
function followMoves(moves: readonly VmMove[]): void {
  const { tabs, activeKey } = useConsoleStore.getState();
  let changed = false;
  let active = activeKey;
  const next = tabs.map((tab) => {
    const moved = movedTarget(tab, moves);
    if (!moved) return tab;
    const key = consoleKey(moved);
    const terminal = terminals.get(tab.key);
    if (!terminal || terminals.has(key)) return tab;
    changed = true;
    terminals.delete(tab.key);
    terminals.set(key, terminal);
    terminal.target = { hostId: moved.hostId, uuid: moved.uuid, name: moved.name };
    if (active === tab.key) active = key;
    return { ...moved, key };
  });
  if (!changed) return;
  useConsoleStore.setState({ tabs: next, activeKey: active });
  persist();
}

/**
 * Hands the consoles the contract client (the panel does, once connected) and reopens tabs a
 * reload left behind. Returns the unbind.
 */
export function bindConsoleClient(next: CorralClient): () => void {
  for (const target of restore()) {
    if (!terminals.has(consoleKey(target))) openConsole(target);
  }
  client = next;
  for (const terminal of terminals.values()) void terminal.connect(next);
  const moves = next.inventory.onChanged((delta) => delta.moves && followMoves(delta.moves));
  return () => {
    moves.dispose();
    if (client === next) client = undefined;
  };
}
