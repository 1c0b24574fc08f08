/**
 * One journal line as a record: JSON with a string `id`, else undefined (a torn last line after
 * a crash, or a hand edit, is set aside by the caller instead of stopping the load).
 */
export function parseRecord<T extends { id: string }>(line: string): T | undefined {
  try {
    const record = JSON.parse(line) as T | null;
    return record && typeof record === 'object' && typeof record.id === 'string'
      ? record
      : undefined;
  } catch {
    return undefined;
  }
}
