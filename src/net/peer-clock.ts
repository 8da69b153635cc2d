/**
 * The idle and frame limits of one server connection, on one lazily re-armed timer: re-arming per frame costs a
 * comparison, not a `setTimeout`/`clearTimeout` pair.
 */
import { NetErrorCode } from './net-error.js';

/** Which limit expired, and its value in ms. */
export type ClockExpiry = { readonly code: typeof NetErrorCode.IDLE_TIMEOUT | typeof NetErrorCode.FRAME_TIMEOUT; readonly ms: number };

/**
 * Runs only while the connection waits for its peer (`resume`d); `pause` stops it, and the time paused is added to
 * the deadline, so the server's own backpressure never counts against the peer. `arm(partial)` restarts the limit:
 * the frame limit when a frame has begun, the idle limit otherwise. A timer that fires is confirmed one loop turn
 * later (`setImmediate` runs after the I/O poll): bytes that a stalled event loop had not read yet win.
 */
export class PeerClock {
  private deadline = 0;
  private expiry: ClockExpiry = { code: NetErrorCode.IDLE_TIMEOUT, ms: 0 };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = 0;
  private pausedAt = -1;
  private stopped = false;

  constructor(
    private readonly idleMs: number,
    private readonly frameMs: number,
    private readonly onExpire: (expiry: ClockExpiry) => void,
  ) {}

  /** Restarts the limit: the frame limit when `partial` (a frame has begun), else the idle limit. */
  arm(partial: boolean): void {
    const ms = partial ? this.frameMs : this.idleMs;
    this.expiry = { code: partial ? NetErrorCode.FRAME_TIMEOUT : NetErrorCode.IDLE_TIMEOUT, ms };
    this.deadline = ms === 0 ? 0 : Date.now() + ms;
    this.schedule();
  }

  /** The connection stops reading its peer: the clock stops. */
  pause(): void {
    if (this.pausedAt < 0) this.pausedAt = Date.now();
  }

  /** The connection reads its peer again: the clock goes on where it stopped. */
  resume(): void {
    if (this.pausedAt < 0) return;
    if (this.deadline !== 0) this.deadline += Date.now() - this.pausedAt;
    this.pausedAt = -1;
    this.schedule();
  }

  /** For good (the connection is closing). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped || this.deadline === 0 || this.pausedAt >= 0) return;
    // A timer due before the deadline stays: when it fires it looks again. Only an earlier deadline re-arms.
    if (this.timer !== undefined && this.timerAt <= this.deadline) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = this.deadline;
    this.timer = setTimeout(() => this.fire(), Math.max(0, this.deadline - Date.now()));
  }

  private fire(): void {
    this.timer = undefined;
    if (this.stopped || this.deadline === 0 || this.pausedAt >= 0) return;
    if (Date.now() < this.deadline) return this.schedule();
    setImmediate(() => {
      if (this.stopped || this.deadline === 0 || this.pausedAt >= 0) return;
      if (Date.now() < this.deadline) return this.schedule();
      this.stop();
      this.onExpire(this.expiry);
    });
  }
}
