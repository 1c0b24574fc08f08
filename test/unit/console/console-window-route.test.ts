import { describe, expect, it } from 'vitest';
import { consoleWindowHash, parseConsoleWindowHash } from '../../../api/console-window-route';

const UUID = '0f8e4a52-1c3d-4b7e-9a61-5d2c8b9e7f10';

describe('console window address', () => {
  it('round-trips a console target, names with spaces and slashes included', () => {
    const target = { hostId: 'lab host/1', uuid: UUID, name: 'node 1/a' };
    const hash = consoleWindowHash(target);
    expect(hash.startsWith('#/console/')).toBe(true);
    expect(hash.split('/')).toHaveLength(5);
    expect(parseConsoleWindowHash(hash)).toEqual(target);
  });

  it('lower-cases the UUID so one VM has one address', () => {
    const hash = consoleWindowHash({ hostId: 'local', uuid: UUID.toUpperCase(), name: 'vm' });
    expect(hash).toBe(`#/console/local/${UUID}/vm`);
    expect(parseConsoleWindowHash(`#/console/local/${UUID.toUpperCase()}/vm`)?.uuid).toBe(UUID);
  });

  it('refuses anything that is not exactly a console address', () => {
    for (const hash of [
      '',
      '#/hosts',
      `#/console/local/${UUID}`,
      `#/console/local/${UUID}/vm/extra`,
      `#/console//${UUID}/vm`,
      `#/console/local/not-a-uuid/vm`,
      `#/console/local/${UUID}/`,
      `#/console/local/${UUID}/%E0%A4%A`,
      `#/console/${'h'.repeat(65)}/${UUID}/vm`,
      `#token=abc`,
    ]) {
      expect(parseConsoleWindowHash(hash), hash).toBeUndefined();
    }
  });
});
