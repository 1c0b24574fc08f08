import { shellQuote } from '../../ssh/shell-quote';
import { DEFAULT_LIBVIRT_SOCKET } from './unix-socket';

/**
 * The remote command libvirt's own remote driver runs over SSH: virt-ssh-helper for `helperUri`
 * when installed, else `nc -U` on the daemon's socket. Arguments are quoted by the one audited
 * quoting function.
 */
export function libvirtSshCommand(
  helperUri = 'qemu:///system',
  socketPath: string = DEFAULT_LIBVIRT_SOCKET,
): string {
  const script =
    `if which virt-ssh-helper >/dev/null 2>&1; then exec virt-ssh-helper ${shellQuote(helperUri)}; ` +
    `else exec nc -U ${shellQuote(socketPath)}; fi`;
  return `sh -c ${shellQuote(script)}`;
}
