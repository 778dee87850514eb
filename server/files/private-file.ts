import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Replaces a small file whole, readable by the hub's user only (0600): written beside it, then renamed
 * over it, so a crash leaves the old file or the new one, never half of one.
 */
export function writePrivateFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600); // the mode above applies only when the file is new
  renameSync(tmp, file);
}
