import { ClusterSpec } from '../../api/clusters-api';
import { CorralError } from '../../api/errors';
import type { ParsedClusterSpec } from './operation-record';

/** A cluster spec from the contract (or a node's metadata), with a clear error when invalid. */
export function parseSpec(input: unknown): ParsedClusterSpec {
  const parsed = ClusterSpec.safeParse(input);
  if (!parsed.success) {
    const why = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'spec'}: ${i.message}`)
      .join('; ');
    throw new CorralError('bad-request', `invalid cluster: ${why}`);
  }
  return parsed.data;
}

/**
 * The one cluster identity nodes of a name carry (undefined for clusters made before it existed).
 * Two identities mean two clusters share the name (two Corrals on the same hosts, say): acting
 * on them as one could remove another's nodes, so that is refused.
 */
export function oneClusterId(cluster: string, ids: Set<string | undefined>): string | undefined {
  const known = [...ids].filter((id): id is string => id !== undefined);
  if (known.length > 1) {
    throw new CorralError(
      'conflict',
      `nodes of ${known.length} different clusters are named ${cluster}; Corral will not act on them as one`,
    );
  }
  return known[0];
}

export function indices(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
