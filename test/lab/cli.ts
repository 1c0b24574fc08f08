import { labDown, labStatus, labUp } from './lab';
import { LAB } from './config';
import { ensureCloudImage } from './cloud-image-builder';

/**
 * `npm run lab -- up [--hosts N] [--install]`, `npm run lab -- down [--force]`,
 * `npm run lab -- status`, `npm run lab -- cloud-image` (builds the cloud-init image that its lab
 * test otherwise builds on first use). `down` leaves a lab that another live process still uses, unless --force.
 * Usage and errors go to stderr with a non-zero exit, so scripts can rely on the exit code.
 */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const t0 = Date.now();
  const log = (line: string): void =>
    console.error(`lab: [${((Date.now() - t0) / 1000).toFixed(1)} s] ${line}`);
  switch (command) {
    case 'up': {
      let hosts: number = LAB.defaultHosts;
      let install = false;
      for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === '--hosts') hosts = Number(rest[++i]);
        else if (a?.startsWith('--hosts=')) hosts = Number(a.slice('--hosts='.length));
        else if (a === '--install') install = true;
        else throw new Error(`unknown option ${a}`);
      }
      const state = await labUp({ hosts, install, log });
      log('up');
      console.log(await labStatus(state));
      return;
    }
    case 'down': {
      const force = rest.includes('--force');
      if (!(await labDown(log, { force }))) process.exitCode = 2;
      return;
    }
    case 'status':
      console.log(await labStatus());
      return;
    case 'cloud-image': {
      const image = await ensureCloudImage(log);
      log('cloud image ready');
      console.log(image.base);
      return;
    }
    default:
      throw new Error(
        'usage: npm run lab -- up [--hosts N] [--install] | down [--force] | status | cloud-image',
      );
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`lab: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
