import type { ArgsOf, CallOptions, LibvirtClient, StreamReadOptions } from '../../native/libvirt';
import { libvirtStream, procedure } from './libvirt-call';

/** Storage volumes: lookup, create, delete, facts. Each is one logged libvirt call. */
export const lookupByName = procedure('storageVolLookupByName');
export const createXml = procedure('storageVolCreateXml');
export const remove = procedure('storageVolDelete');
export const getPath = procedure('storageVolGetPath');
export const getXmlDesc = procedure('storageVolGetXmlDesc');
export const lookupByPath = procedure('storageVolLookupByPath');
/** Sets a volume's capacity (bytes); without the SHRINK flag libvirt refuses to shrink. */
export const resize = procedure('storageVolResize');

/** A stream that writes bytes into the volume. */
export function upload(
  client: LibvirtClient,
  args: ArgsOf<'storageVolUpload'>,
  opts?: CallOptions & StreamReadOptions,
) {
  return libvirtStream(client, 'storageVolUpload', args, opts);
}

/** A stream that reads the volume's bytes (the file as it is: a qcow2 file stays qcow2). */
export function download(
  client: LibvirtClient,
  args: ArgsOf<'storageVolDownload'>,
  opts?: CallOptions & StreamReadOptions,
) {
  return libvirtStream(client, 'storageVolDownload', args, opts);
}
