import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { companionNames } from '../../core/images/base-images';
import { parseVolumeXml } from '../../core/images/volume-xml';
import { LAB_BASE_VOLUME } from './base-image-volumes';
import { hostPath, hostVirsh } from './guest';
import { currentLab } from './lab-fixture';

// The lab image is a base image in every host's default pool, kernel and initrd beside it.
describe('lab base image volumes', () => {
  it('every host has the image and its companions in its default pool, as libvirt sees them', async () => {
    const lab = currentLab();
    const companions = companionNames(LAB_BASE_VOLUME);
    for (const host of lab.hosts) {
      const dump = async (name: string) =>
        parseVolumeXml((await hostVirsh(host, ['vol-dumpxml', '--pool', 'default', name])).stdout);
      const base = await dump(LAB_BASE_VOLUME);
      expect(base).toMatchObject({
        path: `/var/lib/libvirt/images/${LAB_BASE_VOLUME}`,
        format: 'qcow2',
      });
      expect(base.backingPath).toBeUndefined();
      // The very bytes of the cached image (a hard link, or a copy of the same size).
      expect(statSync(hostPath(host, base.path)).size).toBe(statSync(lab.image.base).size);
      for (const [name, source] of [
        [companions.kernel, lab.image.kernel],
        [companions.initrd, lab.image.initrd],
      ] as const) {
        const vol = await dump(name);
        expect(statSync(hostPath(host, vol.path)).size).toBe(statSync(source).size);
      }
    }
  });
});
