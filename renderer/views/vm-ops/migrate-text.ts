import type { HostView } from '../../../api/hosts-api';
import type { MigrationPreflight } from '../../../api/migration-api';
import { formatBytes } from '../images/upload-progress';

/** A host the VM can be moved to, as the picker lists it. */
export interface TargetChoice {
  id: string;
  name: string;
}

/**
 * The hosts a VM on `sourceHostId` can move to: every other host that is online now, by name.
 * An offline host is left out rather than offered to fail: the pre-flight would only refuse it.
 */
export function targetChoices(hosts: readonly HostView[], sourceHostId: string): TargetChoice[] {
  return hosts
    .filter((h) => h.id !== sourceHostId && h.status.state === 'online')
    .map((h) => ({ id: h.id, name: h.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The target a dialog opens on: the one asked for (a drop on the map) when it is a choice, the
 * only choice when there is one, else none (the person picks).
 */
export function initialTarget(
  choices: readonly TargetChoice[],
  wanted: string | undefined,
): string | undefined {
  if (wanted && choices.some((c) => c.id === wanted)) return wanted;
  return choices.length === 1 ? choices[0]!.id : undefined;
}

/** The pre-flight's verdict in one sentence. */
export function verdictText(pf: MigrationPreflight, targetName: string): string {
  const how = pf.mode === 'live' ? 'live, while it runs' : 'offline, as it is shut off';
  if (pf.blockers.length === 0) return `${pf.vm.name} can move to ${targetName} (${how}).`;
  const n = pf.blockers.length;
  return `${pf.vm.name} cannot move to ${targetName}: ${n} ${n === 1 ? 'problem' : 'problems'} to fix first.`;
}

/** A blocker as one line: what is wrong, then what to do about it. */
export function blockerText(b: MigrationPreflight['blockers'][number]): string {
  return `${sentence(b.message)} What to do: ${sentence(b.remedy)}`;
}

/** The text ending in a full stop (unless it already ends in punctuation). */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * What the person should know before confirming: the pre-flight's notices, and how much disk
 * data travels when the pre-flight measured it.
 */
export function noticeLines(pf: MigrationPreflight): string[] {
  const lines = pf.notices.map((n) => sentence(n.message));
  const copy = pf.storage?.copyBytes;
  if (copy !== undefined && !pf.notices.some((n) => n.code === 'disk-copy')) {
    lines.push(`About ${formatBytes(copy)} of disk data is copied to the target.`);
  }
  if (pf.storage?.targetBackingPath) {
    lines.push(`The disk on the target is backed by ${pf.storage.targetBackingPath}.`);
  }
  return lines;
}

/** How long the checks took, so a slow host shows as one. */
export function checkedText(ms: number): string {
  return `Checked in ${ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`}.`;
}

/** Migrate may be confirmed only on a fresh verdict without blockers for the chosen target. */
export function canConfirm(
  pf: MigrationPreflight | undefined,
  targetHostId: string | undefined,
): boolean {
  return (
    pf !== undefined &&
    targetHostId !== undefined &&
    pf.targetHostId === targetHostId &&
    pf.ok &&
    pf.blockers.length === 0
  );
}
