import type { Response } from 'express';

/** Resolves when the client has taken what was written, or has gone. */
export function drained(res: Response): Promise<void> {
  // A client gone before we listened fires no 'close' again: waiting for one would hang (and hold the log's file).
  if (res.destroyed || res.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
