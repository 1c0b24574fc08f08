import type { PlacementChoice } from '../../../api/clusters-api';

/** The placement radio and its threshold inputs, as typed (strings until validated). */
export interface PlacementFields {
  kind: PlacementChoice['kind'];
  maxCpuPercent: string;
  maxMemoryPercent: string;
}

export const initialPlacement: PlacementFields = {
  kind: 'round-robin',
  maxCpuPercent: '80',
  maxMemoryPercent: '80',
};

/**
 * The contract's PlacementChoice for these fields. Threshold figures that are not numbers become
 * NaN so the contract's schema reports them next to their input.
 */
export function placementChoice(f: PlacementFields): PlacementChoice {
  if (f.kind === 'threshold') {
    return {
      kind: 'threshold',
      maxCpuPercent: toNumber(f.maxCpuPercent),
      maxMemoryPercent: toNumber(f.maxMemoryPercent),
    };
  }
  return { kind: f.kind };
}

/** A typed figure as a number; empty or malformed text is NaN (never 0, which would validate). */
export function toNumber(text: string): number {
  const t = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(t)) return Number.NaN;
  return Number(t);
}

export const PLACEMENT_LABELS: Record<PlacementChoice['kind'], string> = {
  'round-robin': 'Round robin',
  'first-fit': 'First fit',
  threshold: 'Threshold',
};
