import { describe, expect, it } from 'vitest';
import { consoleKey, movedTarget } from '../../../renderer/console/console-ref';

const UUID = '0b9e8f1c-1111-4222-8333-444455556666';

describe('console tabs following a moved VM', () => {
  it('points a tab at the VM on its new host, keyed there', () => {
    const tab = {
      hostId: 'h1',
      uuid: UUID,
      name: 'web-1',
      key: consoleKey({ hostId: 'h1', uuid: UUID }),
    };
    const moved = movedTarget(tab, [
      { uuid: UUID.toUpperCase(), fromHostId: 'h1', toHostId: 'h2' },
    ]);
    expect(moved).toMatchObject({ hostId: 'h2', uuid: UUID, name: 'web-1' });
    expect(consoleKey(moved!)).toBe(`h2/${UUID}`);
  });

  it('leaves tabs of other VMs, or of a copy on another host, alone', () => {
    const tab = { hostId: 'h3', uuid: UUID, name: 'web-1' };
    expect(movedTarget(tab, [{ uuid: UUID, fromHostId: 'h1', toHostId: 'h2' }])).toBeUndefined();
    expect(
      movedTarget({ ...tab, uuid: '0b9e8f1c-1111-4222-8333-000000000000' }, [
        { uuid: UUID, fromHostId: 'h3', toHostId: 'h2' },
      ]),
    ).toBeUndefined();
  });
});
