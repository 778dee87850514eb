import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Replaces `file` whole, durably: written beside it, synced, renamed over it, and its folder synced, so a
 * crash or a power cut leaves the old file or the new one, never half of one, and never neither.
 * `private`: readable by the hub's user only (0600), for digests and session hashes.
 */
export function replaceFile(file: string, text: string, opts: { private?: boolean } = {}): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', opts.private ? 0o600 : 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (opts.private) chmodSync(tmp, 0o600); // the mode above applies only when the file is new
  renameSync(tmp, file);
  syncDir(dir);
}

/** The rename itself survives a power cut only once the folder is synced. */
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
