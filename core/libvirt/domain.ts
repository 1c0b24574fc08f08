import type { ArgsOf, CallOptions, LibvirtClient, StreamReadOptions } from '../../native/libvirt';
import { libvirtStream, procedure } from './libvirt-call';

/** Domains: lookups, definition, lifecycle, live facts. Each is one logged libvirt call. */
export const listAll = procedure('connectListAllDomains');
export const lookupByName = procedure('domainLookupByName');
export const lookupByUuid = procedure('domainLookupByUuid');
export const getXmlDesc = procedure('domainGetXmlDesc');
export const getState = procedure('domainGetState');
export const suspend = procedure('domainSuspend');
export const resume = procedure('domainResume');
/** Sets the guest's clock (through its guest agent). */
export const setTime = procedure('domainSetTime');
export const defineXml = procedure('domainDefineXmlFlags');
export const undefine = procedure('domainUndefineFlags');
export const create = procedure('domainCreateWithFlags');
export const shutdown = procedure('domainShutdownFlags');
export const destroy = procedure('domainDestroyFlags');
export const reboot = procedure('domainReboot');
export const interfaceAddresses = procedure('domainInterfaceAddresses');
export const getInfo = procedure('domainGetInfo');
/** Memory (KiB) of the running domain, its definition, or its maximum (see DomainModify). */
export const setMemory = procedure('domainSetMemoryFlags');
/** vCPU count of the running domain or its definition (see DomainModify, VcpuFlag). */
export const setVcpus = procedure('domainSetVcpusFlags');
export const getVcpus = procedure('domainGetVcpusFlags');
/** Grows a disk of a running domain (libvirt 9.0 would shrink it too: callers refuse that). */
export const blockResize = procedure('domainBlockResize');
/** A disk's capacity, allocation and physical size (running or not). */
export const blockInfo = procedure('domainGetBlockInfo');
/** Replaces one element of the domain's `<metadata>` (by namespace URI). */
export const setMetadata = procedure('domainSetMetadata');
/** Brings vCPUs online or offline inside the guest, through its QEMU guest agent. */
export const setGuestVcpus = procedure('domainSetGuestVcpus');
/** Bulk stats of many domains in one reply. */
export const allStats = procedure('connectGetAllDomainStats');

/** The domain's serial console as a byte stream. */
export function openConsole(
  client: LibvirtClient,
  args: ArgsOf<'domainOpenConsole'>,
  opts?: CallOptions & StreamReadOptions,
) {
  return libvirtStream(client, 'domainOpenConsole', args, opts);
}

/** virDomainModificationImpact: which side of a domain a change applies to. */
export const DomainModify = { CURRENT: 0, LIVE: 1, CONFIG: 2 } as const;
/** virDomainMemoryModFlags: the maximum instead of the current size. */
export const MEMORY_MAXIMUM = 4;
/** virDomainVcpuFlags: the maximum instead of the current count. */
export const VCPU_MAXIMUM = 4;
/** virDomainBlockResizeFlags: the size is in bytes, not KiB. */
export const BLOCK_RESIZE_BYTES = 1;
/** virDomainXMLFlags: the definition (what the next boot uses), not the running domain. */
export const XML_INACTIVE = 2;
/** virDomainMetadataType: an element in an application's own namespace. */
export const METADATA_ELEMENT = 2;
