import { describe, expect, it } from 'vitest';
import { baseImagesOfPool } from '../../../core/images/base-images';
import { kernelCmdline } from '../../../core/images/image-boot';
import { parseVolumeXml, uploadVolumeXml } from '../../../core/images/volume-xml';
import type { VolumeFacts } from '../../../core/images/volume-xml';

const DIR = '/var/lib/libvirt/images';
const vol = (name: string, format: string, extra: Partial<VolumeFacts> = {}): VolumeFacts => ({
  name,
  path: `${DIR}/${name}`,
  format,
  capacityBytes: 1000,
  allocationBytes: 500,
  ...extra,
});

describe('parseVolumeXml', () => {
  it('reads name, path, format, sizes and the backing store of a linked clone', () => {
    const facts = parseVolumeXml(`<volume type='file'>
  <name>web-0.qcow2</name>
  <key>${DIR}/web-0.qcow2</key>
  <capacity unit='bytes'>2147483648</capacity>
  <allocation unit='bytes'>200704</allocation>
  <physical unit='bytes'>196928</physical>
  <target>
    <path>${DIR}/web-0.qcow2</path>
    <format type='qcow2'/>
    <permissions><mode>0600</mode></permissions>
  </target>
  <backingStore>
    <path>${DIR}/debian.qcow2</path>
    <format type='qcow2'/>
  </backingStore>
</volume>`);
    expect(facts).toEqual({
      name: 'web-0.qcow2',
      path: `${DIR}/web-0.qcow2`,
      format: 'qcow2',
      capacityBytes: 2147483648,
      allocationBytes: 200704,
      backingPath: `${DIR}/debian.qcow2`,
    });
  });

  it('scales units and leaves backingPath out when there is none', () => {
    const facts = parseVolumeXml(
      `<volume><name>a &amp; b</name><capacity unit='KiB'>2</capacity><target><path>/p</path><format type='raw'/></target></volume>`,
    );
    expect(facts).toEqual({
      name: 'a & b',
      path: '/p',
      format: 'raw',
      capacityBytes: 2048,
      allocationBytes: 0,
    });
  });

  it('refuses what is not volume XML', () => {
    expect(() => parseVolumeXml('<pool><name>x</name></pool>')).toThrow(/not a volume/);
    expect(() => parseVolumeXml('<volume><name>x</volume>')).toThrow(/malformed/);
  });
});

describe('uploadVolumeXml', () => {
  it('builds an exact-size raw volume and escapes the name', () => {
    const xml = uploadVolumeXml('a<b', 8 * 1024 * 1024);
    expect(xml).toContain('<name>a&lt;b</name>');
    expect(xml).toContain(`<capacity unit="bytes">${8 * 1024 * 1024}</capacity>`);
    expect(xml).toContain('<format type="raw"/>');
    expect(parseVolumeXml(xml)).toMatchObject({ name: 'a<b', capacityBytes: 8 * 1024 * 1024 });
  });
});

describe('baseImagesOfPool', () => {
  it('keeps qcow2/raw bases, drops clones, seeds, companions and other formats', () => {
    const images = baseImagesOfPool(
      'h1',
      'default',
      [
        vol('debian.qcow2', 'qcow2'),
        vol('plain.img', 'raw'),
        vol('web-0.qcow2', 'qcow2', { backingPath: `${DIR}/debian.qcow2` }),
        vol('web-0-seed.iso', 'raw'),
        vol('installer.iso', 'iso'),
        vol('debian.qcow2.kernel', 'raw'),
        vol('debian.qcow2.initrd', 'raw'),
      ],
      (name) => name === 'plain.img',
    );
    expect(images.map((i) => i.name)).toEqual(['debian.qcow2', 'plain.img']);
    expect(images[0]).toEqual({
      hostId: 'h1',
      pool: 'default',
      name: 'debian.qcow2',
      path: `${DIR}/debian.qcow2`,
      format: 'qcow2',
      capacityBytes: 1000,
      allocationBytes: 500,
      boot: {
        kind: 'kernel',
        kernelPath: `${DIR}/debian.qcow2.kernel`,
        initrdPath: `${DIR}/debian.qcow2.initrd`,
      },
      marked: false,
    });
    expect(images[1]!.boot).toEqual({ kind: 'disk' });
    // Only what the administrator marked says so; being a candidate is not enough.
    expect(images.map((i) => [i.name, i.marked])).toEqual([
      ['debian.qcow2', false],
      ['plain.img', true],
    ]);
  });

  it('boots from disk unless both companions are there', () => {
    const images = baseImagesOfPool(
      'h1',
      'p',
      [
        vol('a.qcow2', 'qcow2'),
        vol('a.qcow2.kernel', 'raw'),
        vol('b.qcow2', 'qcow2'),
        vol('b.qcow2.initrd', 'raw'),
      ],
      () => true,
    );
    expect(images.map((i) => [i.name, i.boot.kind])).toEqual([
      ['a.qcow2', 'disk'],
      ['b.qcow2', 'disk'],
    ]);
  });
});

describe('kernelCmdline', () => {
  it('is the line the lab image boots with', () => {
    expect(kernelCmdline()).toBe('console=ttyS0,115200 root=/dev/vda rw quiet');
    expect(kernelCmdline({ rootDevice: '/dev/sda', quiet: false })).toBe(
      'console=ttyS0,115200 root=/dev/sda rw',
    );
  });

  it('refuses a root that is not a device path', () => {
    expect(() => kernelCmdline({ rootDevice: '/dev/vda init=/bin/sh' })).toThrow(/block device/);
  });
});
