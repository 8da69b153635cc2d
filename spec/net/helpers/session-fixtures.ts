/**
 * Sessions for tests, closed after each test, with the sign-on and sign-off hooks of a network that answers
 * 0800 DE70 001/002 with DE39.
 */
import { afterEach } from 'vitest';
import { type Session, type SessionLink, type SessionOptions, type StatusChange, openSession } from '../../../src/net/index.js';
import { codec, framing, HANG_GUARD_MS, type IsoMessage } from './loopback.js';

const open: Session<IsoMessage>[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close({ deadlineMs: 0 })));
});

let stan = 500_000;
/** A STAN no other request of the test run has. */
export function nextStan(): string {
  stan = stan >= 999_999 ? 500_000 : stan + 1;
  return String(stan);
}

/** Signs on with an 0800 DE70 001 and refuses the link unless the answer has DE39 00. */
export async function signOn(link: SessionLink<IsoMessage>): Promise<void> {
  const answer = await link.request({ mti: '0800', fields: { 11: nextStan(), 70: '001' } });
  if (answer.fields[39] !== '00') throw new Error('sign-on refused');
}

/** Signs off with an 0800 DE70 002. */
export async function signOff(link: SessionLink<IsoMessage>): Promise<void> {
  await link.request({ mti: '0800', fields: { 11: nextStan(), 70: '002' } });
}

/** An issuer's 0100 with its own STAN and an amount (DE4) that tells its answer apart. */
export function purchase(n: number): IsoMessage {
  return { mti: '0100', fields: { 3: '000000', 4: String(n).padStart(12, '0'), 11: nextStan(), 41: 'TERM0001' } };
}

/** Opens a session on loopback `port` (closed after the test), with hang-guard timeouts and a fast backoff. */
export function startSession(port: number, extra: Partial<SessionOptions<IsoMessage>> = {}): { session: Session<IsoMessage>; changes: StatusChange[]; next: (match: (c: StatusChange) => boolean) => Promise<StatusChange> } {
  const session = openSession<IsoMessage>({ host: '127.0.0.1', port, codec, framing, timeoutMs: HANG_GUARD_MS, backoff: { minMs: 1, maxMs: 20 }, random: () => 0.5, signOn, ...extra });
  open.push(session);
  const changes: StatusChange[] = [];
  const waiters: { match: (c: StatusChange) => boolean; resolve: (c: StatusChange) => void; from: number }[] = [];
  session.on('status', (c) => {
    changes.push(c);
    for (const w of [...waiters]) {
      if (w.match(c)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(c);
      }
    }
  });
  /** The next change (from now) that matches. */
  const next = (match: (c: StatusChange) => boolean): Promise<StatusChange> => new Promise((resolve) => waiters.push({ match, resolve, from: changes.length }));
  return { session, changes, next };
}

/** What `promise` rejects with, or `undefined` when it resolves. */
export function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}
