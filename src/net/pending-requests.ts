/**
 * The requests of one client waiting for their answers, by key, and the keys in doubt: those whose request timed out
 * or was aborted less than `lateWindowMs` ago, whose late answer could be taken for a new request's.
 *
 * Invariant: every request entered ends exactly once, answered, timed out, aborted or closed, and is counted so.
 */
import type { Message } from '../spec/types.js';
import type { ClientCounters } from './client-stats.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';

/**
 * A matched answer with the fixed header (TPDU) it arrived with.
 *
 * Why: a network routes by the header (a TPDU's source and destination), so the caller may need to read it back.
 */
export interface Answer<M extends Message = Message> {
  /** The decoded answer. */
  readonly message: M;
  /** The fixed header the answer arrived with; `undefined` when the framing has none. */
  readonly header: Uint8Array | undefined;
}

interface Pending<M extends Message> {
  resolve(answer: Answer<M>): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
  /** Removes the abort listener of the request's signal, if it has one. */
  unlisten(): void;
}

/**
 * The pending-request table of one client, with its key doubt window.
 *
 * Why: pairing, timeouts, aborts and the doubt window all change the same two maps; kept in one place, a key is
 * never both pending and in doubt, and no request is counted twice.
 */
export class PendingRequests<M extends Message> {
  private readonly waiting = new Map<string, Pending<M>>();
  // Keys whose request timed out, with the time (Date.now()) until which they stay in doubt. Every entry gets the
  // same window, so the map's insertion order is expiry order: pruning takes expired entries off the front. It so
  // holds at most the keys timed out within the last lateWindowMs.
  private readonly inDoubt = new Map<string, number>();

  constructor(
    private readonly lateWindowMs: number,
    private readonly counts: ClientCounters,
  ) {}

  /** Requests waiting for their answer. */
  get size(): number {
    return this.waiting.size;
  }

  /** Throws `DUPLICATE_KEY` when a request with key `k` is in flight, `KEY_IN_DOUBT` while its key is in doubt. */
  checkFree(k: string): void {
    if (this.waiting.has(k)) throw new Iso8583NetError(NetErrorCode.DUPLICATE_KEY, 'a request with this key is in flight');
    this.prune(Date.now());
    if (this.inDoubt.has(k)) {
      throw new Iso8583NetError(
        NetErrorCode.KEY_IN_DOUBT,
        `a request with this key timed out or was aborted less than ${this.lateWindowMs} ms ago: its answer could be taken for this one's; nothing was written`,
      );
    }
  }

  /** Waits for the answer under key `k` (checked free, request written): it times out after `timeoutMs`, or aborts by `signal`. */
  wait(k: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<Answer<M>> {
    return new Promise<Answer<M>>((resolve, reject) => {
      const entry: Pending<M> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiting.delete(k);
          entry.unlisten();
          this.doubt(k);
          this.counts.timedOut++;
          reject(new Iso8583NetError(NetErrorCode.TIMEOUT, `no response within ${timeoutMs} ms`));
        }, timeoutMs),
        unlisten: () => undefined,
      };
      if (signal !== undefined) {
        const onAbort = (): void => {
          if (this.waiting.get(k) !== entry) return;
          this.waiting.delete(k);
          clearTimeout(entry.timer);
          entry.unlisten();
          this.doubt(k);
          this.counts.aborted++;
          reject(new Iso8583NetError(NetErrorCode.ABORTED, 'the request was aborted while waiting for its answer'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        entry.unlisten = () => signal.removeEventListener('abort', onAbort);
      }
      this.waiting.set(k, entry);
    });
  }

  /**
   * Hands an answer under key `k` (undefined: its key could not be derived) to its request; returns `undefined` when
   * one took it, else why none did: `late` when the key was in doubt (it leaves the doubt), `unmatched` otherwise.
   */
  settle(k: string | undefined, answer: Answer<M>): 'late' | 'unmatched' | undefined {
    const p = k === undefined ? undefined : this.waiting.get(k);
    if (p === undefined) {
      this.prune(Date.now());
      return k !== undefined && this.inDoubt.delete(k) ? 'late' : 'unmatched';
    }
    this.waiting.delete(k!);
    clearTimeout(p.timer);
    p.unlisten();
    this.counts.answered++;
    p.resolve(answer);
    return undefined;
  }

  /** Rejects every pending request with `error` (counted `closed`) and forgets the keys in doubt. */
  failAll(error: Iso8583NetError): void {
    for (const [k, p] of this.waiting) {
      clearTimeout(p.timer);
      p.unlisten();
      this.counts.closed++;
      p.reject(error);
      this.waiting.delete(k);
    }
    this.inDoubt.clear();
  }

  /** A key leaves the pending requests unanswered (timeout, abort): it stays in doubt for `lateWindowMs`. */
  private doubt(k: string): void {
    if (this.lateWindowMs > 0) this.inDoubt.set(k, Date.now() + this.lateWindowMs);
  }

  private prune(now: number): void {
    for (const [k, until] of this.inDoubt) {
      if (until > now) return;
      this.inDoubt.delete(k);
    }
  }
}
