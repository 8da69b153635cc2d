/**
 * The authorizer's dial mode: it opens the link to the network itself (as an issuer's processor dials its card
 * network), signs on, keeps the link alive with echoes, dials again when the link goes down, and answers the
 * requests the network sends down the link with the same handler as the listening server.
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { createCodec } from 'iso8583-codec';
import { type NetLogger, openSession, type Session, type SessionLink } from 'iso8583-codec/net';
import type { CardKeys } from './card-keys.js';
import { DEFAULTS, type DialTarget, FRAMING, SPEC } from './config.js';
import { createAuthorizerHandler } from './handler.js';
import type { IsoMessage } from './iso.js';

/** Options of {@link dialNetwork}. */
export interface DialOptions {
  readonly pool: Pool;
  /** The keyed digests of card data (cards are found by the digest of their PAN). */
  readonly keys: CardKeys;
  /** The network's address (`AUTHORIZER_DIAL`). */
  readonly target: DialTarget;
  /** Time budget of one decision in ms (default {@link DEFAULTS}); an answer not ready by then is 91, never an approval. */
  readonly deadlineMs?: number;
  /** Business date for tests; defaults to today's UTC date. */
  readonly clock?: () => Date;
  readonly logger?: NetLogger;
  /** An echo (0800 DE70 301) after this long without traffic on the link (default {@link DEFAULTS}: 30 s). */
  readonly echoIdleMs?: number;
}

/** DE7 (transmission date and time, MMDDhhmmss, UTC) of a moment. */
function transmissionTime(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(4, 14);
}

/**
 * The network management messages the authorizer sends (0800: DE70 001 sign-on, 002 sign-off, 301 echo), each with
 * a STAN of its own (DE11, from a random start, so that a restarted authorizer does not repeat the last one's).
 */
function networkManagement(): (code: '001' | '002' | '301') => IsoMessage {
  let stan = randomBytes(3).readUIntBE(0, 3) % 999_999;
  return (code) => {
    stan = (stan % 999_999) + 1;
    return { mti: '0800', fields: { 7: transmissionTime(new Date()), 11: String(stan).padStart(6, '0'), 70: code } };
  };
}

/**
 * Opens the session to the network and returns it at once (`connecting`); it is up once the network has answered
 * the sign-on (0810 DE39 00), and it dials again after every link that goes down, until `close()`.
 *
 * Why: in production the issuer keeps this one link up for weeks, and the network's authorizations arrive on it;
 * a refused sign-on counts as a failed attempt (`signOnFailed`) and is retried after the backoff like a failed dial.
 */
export function dialNetwork(options: DialOptions): Session<IsoMessage> {
  const codec = createCodec(SPEC);
  const handler = createAuthorizerHandler({
    pool: options.pool,
    keys: options.keys,
    deadlineMs: options.deadlineMs ?? DEFAULTS.deadlineMs,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const message = networkManagement();
  const signOn = async (link: SessionLink<IsoMessage>): Promise<void> => {
    const answer = await link.request(message('001'));
    if (answer.fields[39] !== '00') throw new Error(`sign-on refused (DE39 ${String(answer.fields[39] ?? 'missing')})`);
  };
  const signOff = async (link: SessionLink<IsoMessage>): Promise<void> => {
    await link.request(message('002'));
  };
  return openSession({
    host: options.target.host,
    port: options.target.port,
    codec,
    framing: FRAMING,
    handler,
    signOn,
    signOff,
    keepAlive: { idleMs: options.echoIdleMs ?? DEFAULTS.echoIdleMs, echo: () => message('301') },
    backoff: { minMs: DEFAULTS.reconnectMinMs, maxMs: DEFAULTS.reconnectMaxMs },
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
