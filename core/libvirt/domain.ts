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
