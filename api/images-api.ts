import { z } from 'zod';
import { method, stream } from './contract';
import { HostId } from './hosts-api';

/** Volume and pool names as libvirt accepts them, and nothing a path could misread. */
export const VolumeName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'letters, digits, dot, dash, plus and underscore only');

/**
 * How a base image boots: from its own disk (cloud images with a boot loader), or a direct kernel
 * boot with companion volumes `<image>.kernel` and `<image>.initrd` in the same pool (the lab's
 * image, and minimal images without a boot loader).
 */
export const ImageBoot = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('disk') }),
  z.object({ kind: z.literal('kernel'), kernelPath: z.string(), initrdPath: z.string() }),
]);
export type ImageBoot = z.infer<typeof ImageBoot>;

/** A volume usable as the base of linked clones, on one host. */
export const BaseImage = z.object({
  hostId: HostId,
  pool: z.string(),
  name: z.string(),
  path: z.string(),
  format: z.string(),
  capacityBytes: z.number().nonnegative(),
  allocationBytes: z.number().nonnegative(),
  boot: ImageBoot,
  /**
   * Whether the administrator marked this volume as a base image. Only marked volumes back
   * clusters; plain users are shown marked ones only, the administrator every candidate.
   */
  marked: z.boolean(),
});
export type BaseImage = z.infer<typeof BaseImage>;

export const UploadTarget = z.object({
  hostId: HostId,
  pool: VolumeName,
  name: VolumeName,
  format: z.enum(['qcow2', 'raw']),
  /** The exact number of bytes the client will send. */
  sizeBytes: z
    .number()
    .int()
    .positive()
    .max(2 ** 44),
  /** Mark the volume as a base image as soon as it is complete (administrator only). */
  markAsBase: z.boolean().optional(),
});
export type UploadTarget = z.infer<typeof UploadTarget>;

/** An active storage pool of a host: where an upload can go. */
export const StoragePool = z.object({ hostId: HostId, name: z.string() });
export type StoragePool = z.infer<typeof StoragePool>;

/** One volume of one host, as the administrator marks it: host + pool + volume name. */
export const VolumeRef = z.object({ hostId: HostId, pool: VolumeName, name: VolumeName }).strict();
export type VolumeRef = z.infer<typeof VolumeRef>;

/** One line of the upload stream's answer (newline-delimited JSON). */
export const UploadProgress = z.object({ uploaded: z.number().int().nonnegative() });
export type UploadProgress = z.infer<typeof UploadProgress>;

export const imagesApi = {
  /**
   * Base images on every online host: qcow2/raw volumes of active pools, without linked clones
   * (volumes with a backing store) and seeds (`*-seed.iso`); `<image>.kernel` / `<image>.initrd`
   * companions are not listed but make the image's boot `kernel`. A plain user gets only the
   * volumes the administrator marked; the administrator gets every candidate with its flag.
   */
  list: method(z.object({}).strict(), z.array(BaseImage)),
  /** Active storage pools of every online host (upload destinations). */
  pools: method(z.object({}).strict(), z.array(StoragePool)),
  /**
   * Uploads a file from this computer into a new volume. The client writes exactly `sizeBytes`
   * and half-closes; the server answers with newline-delimited JSON `{"uploaded":n}` progress and
   * ends cleanly on success. Ending the stream early (or with an error) cancels: the partial
   * volume is deleted.
   */
  upload: stream(UploadTarget),
  /** Deletes a base image volume (refused while linked clones use it). */
  remove: method(z.object({ hostId: HostId, pool: VolumeName, name: VolumeName }), z.object({})),
  /**
   * Marks a volume as a base image (administrator only): clusters may be cloned from it. Refused
   * unless it is a base image candidate of that pool on that online host.
   */
  mark: method(VolumeRef, z.object({})),
  /** Takes the mark off (administrator only); existing clusters keep running. */
  unmark: method(VolumeRef, z.object({})),
} as const;
