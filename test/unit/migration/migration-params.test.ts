import { describe, expect, it } from 'vitest';
import { jobFigures, MigrateFlag, migrateParams } from '../../../core/libvirt/domain-migration';
import { migrationFlags } from '../../../core/migration/managed-migration';

describe('migration parameters and flags', () => {
  it("writes libvirt's parameter names with their wire types", () => {
    expect(
      migrateParams({
        migrateUri: 'tcp:10.0.0.2:49152',
        destinationName: 'web-2',
        destinationXml: '<domain/>',
        bandwidthMiBs: 8,
      }),
    ).toEqual([
      { field: 'migrate_uri', value: { type: 7, value: 'tcp:10.0.0.2:49152' } },
      { field: 'destination_name', value: { type: 7, value: 'web-2' } },
      { field: 'destination_xml', value: { type: 7, value: '<domain/>' } },
      { field: 'bandwidth', value: { type: 4, value: 8n } },
    ]);
    expect(migrateParams({})).toEqual([]);
  });

  it('reads job figures as numbers and leaves out what is not a number', () => {
    expect(
      jobFigures([
        { field: 'data_total', value: { type: 4, value: 1024n } },
        { field: 'downtime', value: { type: 4, value: 31n } },
        { field: 'operation', value: { type: 1, value: 2 } },
        { field: 'label', value: { type: 7, value: 'x' } },
      ]),
    ).toEqual({ data_total: 1024, downtime: 31, operation: 2 });
  });

  it('moves a running VM live with its overlay data, and a stopped one as a definition', () => {
    const live = migrationFlags('live');
    expect(live.flags).toBe(
      MigrateFlag.LIVE |
        MigrateFlag.PERSIST_DEST |
        MigrateFlag.UNDEFINE_SOURCE |
        MigrateFlag.NON_SHARED_INC,
    );
    const offline = migrationFlags('offline');
    expect(offline.flags & MigrateFlag.OFFLINE).toBe(MigrateFlag.OFFLINE);
    // libvirt refuses to copy storage offline: Corral copies the overlay itself.
    expect(offline.flags & (MigrateFlag.NON_SHARED_INC | MigrateFlag.NON_SHARED_DISK)).toBe(0);
    expect(live.protection).toBe(MigrateFlag.CHANGE_PROTECTION);
  });
});
