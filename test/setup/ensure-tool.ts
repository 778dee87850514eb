import { execFileSync, spawnSync } from 'node:child_process';

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure a Debian package's command exists: installs it with apt-get when
 * running as root, otherwise stops the run with the exact command to type.
 */
export function ensureTool(command: string, aptPackages: string[]): void {
  if (onPath(command)) return;
  const install = `apt-get install -y --no-install-recommends ${aptPackages.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`the tests need '${command}'. Install it with: sudo ${install}`);
  }
  process.stderr.write(`[test setup] '${command}' is missing; installing ${aptPackages.join(' ')} with apt-get…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) => execFileSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env, timeout: 600_000 });
  try {
    run(['install', '-y', '--no-install-recommends', ...aptPackages]);
  } catch {
    run(['update']);
    run(['install', '-y', '--no-install-recommends', ...aptPackages]);
  }
  if (!onPath(command)) throw new Error(`installed ${aptPackages.join(' ')} but '${command}' is still not on PATH`);
}
