/**
 * The authorizer's request handler: one ISO 8583 request in, its answer out. Echo and sign-on are answered without
 * the database; every other request goes to the one statement of the query pack that decides it.
 */
import type { Pool } from 'pg';
import { responseMti } from 'iso8583-codec';
import { type NetLogger, silentLogger } from 'iso8583-codec/net';
import type { CardKeys } from './card-keys.js';
import { createBurstDecider } from './bursts.js';
import { advise, type AuthorizationResult, inquire, reverse } from './db.js';
import { businessDate, intentOf, type IsoMessage, toInquiryResponse, toResponse } from './iso.js';

/** Options of {@link createAuthorizerHandler}. */
export interface HandlerOptions {
  readonly pool: Pool;
  /** The keyed digests of card data: a PAN is turned into its lookup key here, and goes no further. */
  readonly keys: CardKeys;
  /** Time budget of one decision in ms; an answer not ready by then is 91, never an approval. */
  readonly deadlineMs: number;
  /** Business date for tests; defaults to today's UTC date. */
  readonly clock?: () => Date;
  /** Where failures are logged: the MTI and the database's error code, never a field value. */
  readonly logger?: NetLogger;
}

/** An answer with only a response code (and the echoed elements). */
const answered = (request: IsoMessage, responseCode: string): IsoMessage => toResponse(request, { responseCode, approved: 0n, authCode: null });

/**
 * Creates the handler: routes each request by MTI and processing code (see the README's answers table) and turns
 * every failure of the database into 96, logged with its code only.
 */
export function createAuthorizerHandler(options: HandlerOptions): (request: IsoMessage) => Promise<IsoMessage | undefined> {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  // Authorizations that arrive together, or while decisions are in flight, are decided in batches (src/bursts.ts).
  const decide = createBurstDecider(options.pool);
  const failed = (request: IsoMessage, e: unknown): IsoMessage => {
    logger.error('decision failed', { mti: request.mti, code: (e as { code?: string }).code ?? (e instanceof Error ? e.name : typeof e) });
    return answered(request, '96');
  };
  return async (request) => {
    if (request.mti === '0800') {
      // Network management (echo, sign-on): answered here, no database.
      const fields: IsoMessage['fields'] = { 7: request.fields[7], 11: request.fields[11], 39: '00', 70: request.fields[70] };
      if (request.fields[41] !== undefined) fields[41] = request.fields[41];
      return { mti: '0810', fields };
    }
    const intent = intentOf(request, businessDate(clock()), options.keys);
    if (intent === undefined) {
      let mti: string;
      try {
        mti = responseMti(request.mti);
      } catch {
        return undefined; // a response or acknowledgement: nothing to answer
      }
      return { mti, fields: { 11: request.fields[11], 39: '30', 41: request.fields[41] } };
    }
    switch (intent.kind) {
      case 'refuse':
        return answered(request, intent.code);
      case 'authorize': {
        let result: AuthorizationResult;
        try {
          result = await decide(intent.request, options.deadlineMs);
        } catch (e) {
          return failed(request, e);
        }
        return toResponse(request, result);
      }
      case 'inquire':
        try {
          return toInquiryResponse(request, intent.accountType, await inquire(options.pool, intent.request));
        } catch (e) {
          return failed(request, e);
        }
      case 'reverse':
      case 'advise': {
        // Reversals and advices are facts: acknowledged once stored, never declined for funds; a hold is released
        // exactly once. An advice waits for its account's decisions in flight in this process (Decide.inTurn).
        const { pool } = options;
        try {
          const result =
            intent.kind === 'reverse' ? await reverse(pool, intent.request) : await decide.inTurn(intent.request.panKey, () => advise(pool, intent.request));
          return answered(request, result.responseCode);
        } catch (e) {
          return failed(request, e);
        }
      }
    }
  };
}
