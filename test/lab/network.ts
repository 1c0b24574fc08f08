import { run, succeeds } from './exec';
import { LAB, hostAddress, hostNetns } from './config';

/** Name of host `i`'s veth end in the root namespace (max 15 chars). */
export function rootVeth(i: number): string {
  return `corral-lab-v${i}`;
}

/**
 * Creates the root bridge (the lab's L2 segment, reachable from the root namespace at .1). No NAT,
 * no forwarding: the lab only ever talks to itself and to the root namespace.
 */
export async function ensureRootBridge(): Promise<void> {
  if (!(await succeeds('ip', ['link', 'show', 'dev', LAB.rootBridge]))) {
    await run('ip', ['link', 'add', 'name', LAB.rootBridge, 'type', 'bridge', 'stp_state', '0']);
  }
  const cidr = `${LAB.rootAddress}/${LAB.prefixLength}`;
  const { stdout } = await run('ip', ['-o', 'addr', 'show', 'dev', LAB.rootBridge]);
  if (!stdout.includes(` ${cidr} `)) await run('ip', ['addr', 'add', cidr, 'dev', LAB.rootBridge]);
  await run('ip', ['link', 'set', 'dev', LAB.rootBridge, 'up']);
}

/**
 * Creates host `i`'s network namespace: a veth whose root end joins the root bridge and whose other
 * end (eth0) is the uplink of bridge br0, which carries the host's address and its guests' taps,
 * so hosts and guests all share the root bridge's segment.
 */
export async function createHostNetwork(i: number): Promise<void> {
  const ns = hostNetns(i);
  await run('ip', ['netns', 'add', ns]);
  await run('ip', [
    'link',
    'add',
    'name',
    rootVeth(i),
    'type',
    'veth',
    'peer',
    'name',
    'eth0',
    'netns',
    ns,
  ]);
  await run('ip', ['link', 'set', 'dev', rootVeth(i), 'master', LAB.rootBridge, 'up']);
  const inNs = (...args: string[]): Promise<unknown> => run('ip', ['-n', ns, ...args]);
  await inNs('link', 'set', 'dev', 'lo', 'up');
  await inNs('link', 'add', 'name', LAB.hostBridge, 'type', 'bridge', 'stp_state', '0');
  await inNs('link', 'set', 'dev', 'eth0', 'master', LAB.hostBridge, 'up');
  await pinBridgeAddress(ns);
  await inNs('addr', 'add', `${hostAddress(i)}/${LAB.prefixLength}`, 'dev', LAB.hostBridge);
  await inNs('link', 'set', 'dev', LAB.hostBridge, 'up');
}

/**
 * Gives the host's bridge its uplink's MAC address for good. A bridge whose address was never set
 * takes its lowest port's, so a guest tap joining (a VM started or migrated in) can change the
 * host's MAC under its address; peers keep the old one in their ARP caches and connections to
 * the host (a migration's disk stream) time out until they ask again.
 */
export async function pinBridgeAddress(ns: string): Promise<boolean> {
  const macOf = async (dev: string) => {
    const { stdout } = await run('ip', ['-n', ns, '-j', 'link', 'show', 'dev', dev]);
    return (JSON.parse(stdout) as Array<{ address: string }>)[0]!.address;
  };
  const mac = await macOf('eth0');
  const changed = (await macOf(LAB.hostBridge)) !== mac;
  await run('ip', ['-n', ns, 'link', 'set', 'dev', LAB.hostBridge, 'address', mac]);
  return changed;
}

/** Makes the root namespace and every host forget `address`'s MAC (it changed: ask again). */
export async function forgetNeighbour(
  address: string,
  namespaces: readonly string[],
): Promise<void> {
  await run('ip', ['neigh', 'flush', 'to', address]);
  for (const ns of namespaces) await run('ip', ['-n', ns, 'neigh', 'flush', 'to', address]);
}

/** The lab's namespaces that exist now (also after a crashed `up` with no state file). */
export async function labNetnsList(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(LAB.netnsPrefix));
}

/** Pids of every process living in a lab namespace (`ip netns pids` matches by namespace inode). */
export async function netnsPids(ns: string): Promise<number[]> {
  const { stdout } = await run('ip', ['netns', 'pids', ns]);
  return stdout.split(/\s+/).filter(Boolean).map(Number);
}

/** Deletes host namespaces, their root veths and the root bridge; each step tolerates absence. */
export async function removeLabNetwork(): Promise<void> {
  for (const ns of await labNetnsList()) {
    const i = Number(ns.slice(LAB.netnsPrefix.length));
    await succeeds('ip', ['link', 'del', 'dev', rootVeth(i)]);
    await run('ip', ['netns', 'del', ns]);
  }
  for (let i = 1; i <= LAB.maxHosts; i++) await succeeds('ip', ['link', 'del', 'dev', rootVeth(i)]);
  await succeeds('ip', ['link', 'del', 'dev', LAB.rootBridge]);
}
