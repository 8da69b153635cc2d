/**
 * Write backpressure on one socket: the socket's `writableHighWaterMark` is the bound, `write()` returning false
 * means the peer has not read what we sent, and `drain` (every byte handed to the kernel) means it caught up.
 */
import type { Duplex } from 'node:stream';

/** Watches a socket's writes for a peer that stops reading. */
export interface WriteWatch {
  /** Records a `write()` result; a `false` starts the stall clock unless it is already running. */
  wrote(accepted: boolean): void;
  /** True while the unsent bytes are over the bound and have not drained yet. */
  readonly blocked: boolean;
  /** Resolves on `drain` or `close`, whichever comes first. */
  drained(): Promise<void>;
}

/**
 * Starts watching `socket`; when it stays blocked for `stallMs` (0: never), `onStall` runs (it destroys the socket).
 * The timer is confirmed one loop turn after it fires, so a `drain` that the I/O poll of a stalled event loop was
 * about to deliver wins.
 */
export function watchWrites(socket: Duplex, stallMs: number, onStall: () => void): WriteWatch {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const clear = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  socket.on('drain', clear);
  socket.once('close', clear);
  return {
    wrote(accepted) {
      if (accepted || timer !== undefined || stallMs === 0 || socket.destroyed) return;
      const mine = setTimeout(() => {
        setImmediate(() => {
          if (timer !== mine || !socket.writableNeedDrain || socket.destroyed) return;
          timer = undefined;
          onStall();
        });
      }, stallMs);
      timer = mine;
    },
    get blocked() {
      return socket.writableNeedDrain && !socket.destroyed;
    },
    drained() {
      return new Promise<void>((resolve) => {
        if (!socket.writableNeedDrain || socket.destroyed) return resolve();
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    },
  };
}
