import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

const POLICY_RC_D = '/usr/sbin/policy-rc.d';

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure a Debian package's command exists: installs it with apt-get when
 * running as root, otherwise stops the run with the exact command to type.
 * `files` are further paths the packages must have put in place (a module beside the command, which a
 * machine with the command alone would lack).
 */
export function ensureTool(command: string, aptPackages: string[], files: string[] = []): void {
  const present = () => onPath(command) && files.every((f) => existsSync(f));
  if (present()) return;
  const install = `apt-get install -y --no-install-recommends ${aptPackages.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`the tests need '${command}'${files.length ? ` and ${files.join(', ')}` : ''}. Install it with: sudo ${install}`);
  }
  process.stderr.write(
    `[test setup] '${command}'${files.length ? ` (with ${files.join(', ')})` : ''} is missing; installing ${aptPackages.join(' ')} with apt-get…\n`,
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) => execFileSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env, timeout: 600_000 });
  // The tests start their own servers from these packages: a package's system service (nginx on port 80) must
  // not start. Debian's policy-rc.d answering 101 is the documented way; one already there is left as it is.
  const policy = existsSync(POLICY_RC_D) ? undefined : POLICY_RC_D;
  if (policy) writeFileSync(policy, '#!/bin/sh\n# written by the Batchboard test setup while it installs; removed after\nexit 101\n', { mode: 0o755 });
  try {
    try {
      run(['install', '-y', '--no-install-recommends', ...aptPackages]);
    } catch {
      run(['update']);
      run(['install', '-y', '--no-install-recommends', ...aptPackages]);
    }
  } finally {
    if (policy) rmSync(policy, { force: true });
  }
  if (!present()) throw new Error(`installed ${aptPackages.join(' ')} but '${command}' (or ${files.join(', ') || 'nothing else'}) is still missing`);
}
