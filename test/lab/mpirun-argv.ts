/**
 * `mpirun` as the lab's guests run it, as an argument array: as root (OpenMPI refuses otherwise),
 * over TCP on eth0 only (the guests' one link; OpenMPI would also try loopback-only paths).
 * `placement` is `--host …` or `--hostfile …`.
 */
export function labMpirunArgv(
  placement: readonly string[],
  ranks: number,
  command: readonly string[],
): string[] {
  return [
    ...['env', 'OMPI_ALLOW_RUN_AS_ROOT=1', 'OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1'],
    ...['mpirun', '--allow-run-as-root', ...placement, '-np', String(ranks)],
    ...['--mca', 'btl', 'self,tcp', '--mca', 'btl_tcp_if_include', 'eth0'],
    ...['--mca', 'oob_tcp_if_include', 'eth0'],
    ...command,
  ];
}
