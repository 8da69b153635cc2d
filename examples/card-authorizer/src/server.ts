/**
 * The authorizer's TCP server: decodes requests with iso8583-codec, decides each authorization with one statement,
 * answers echo and sign-on without touching the database, and never approves after its deadline.
 */
import type { Pool } from 'pg';
import { createCodec, type Message, presets, responseMti } from '../../../src/index.js';
import { createServer, type FramingSpec, type NetLogger, type Server } from '../../../src/net/index.js';
import { advise, authorizeWithin, type AuthorizationResult, reverse } from './db.js';
import {
  ADVICE_MTIS,
  businessDate,
  DECIDED_MTIS,
  type IsoMessage,
  REVERSAL_MTIS,
  toAdviceRequest,
  toAuthorizationRequest,
  toResponse,
  toReversalRequest,
} from './iso.js';

/** The authorizer's frames: a 2-byte binary length header, then the ASCII 1987 message. */
export const AUTHORIZER_FRAMING: FramingSpec = { length: 'binary2' };

/** Options of {@link startAuthorizer}. */
export interface AuthorizerOptions {
  readonly pool: Pool;
  readonly port?: number;
  readonly host?: string;
  /** Time budget of one decision in ms (default 1000); an answer not ready by then is 91, never an approval. */
  readonly deadlineMs?: number;
  /** Business date for tests; defaults to today's UTC date. */
  readonly clock?: () => Date;
  readonly logger?: NetLogger;
}

/** Starts the authorizer; resolves with the server and its bound port. */
export async function startAuthorizer(options: AuthorizerOptions): Promise<{ server: Server; port: number }> {
  const codec = createCodec(presets.iso87ascii) as unknown as { decode(b: Uint8Array): Message; encode(m: Message): Uint8Array };
  const deadlineMs = options.deadlineMs ?? 1000;
  const clock = options.clock ?? (() => new Date());
  const server = createServer({
    codec,
    framing: AUTHORIZER_FRAMING,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    handler: async (message) => {
      const request = message as IsoMessage;
      const mti = request.mti;
      if (mti === '0800') {
        // Network management (echo, sign-on): answered here, no database.
        const fields: IsoMessage['fields'] = { 7: request.fields[7], 11: request.fields[11], 39: '00', 70: request.fields[70] };
        if (request.fields[41] !== undefined) fields[41] = request.fields[41];
        return { mti: '0810', fields };
      }
      if ((REVERSAL_MTIS.has(mti) || ADVICE_MTIS.has(mti)) && request.fields[2] !== undefined && request.fields[4] !== undefined) {
        // Reversals and advices are facts: acknowledged once stored, never declined for funds; a hold is
        // released exactly once.
        try {
          const today = businessDate(clock());
          const result = REVERSAL_MTIS.has(mti)
            ? await reverse(options.pool, toReversalRequest(request, today))
            : await advise(options.pool, toAdviceRequest(request, today));
          return toResponse(request, { responseCode: result.responseCode, approved: 0n, authCode: null });
        } catch {
          return toResponse(request, { responseCode: '96', approved: 0n, authCode: null });
        }
      }
      if (!DECIDED_MTIS.has(mti)) {
        let answerMti: string;
        try {
          answerMti = responseMti(mti);
        } catch {
          return undefined;
        }
        return { mti: answerMti, fields: { 11: request.fields[11], 39: '30', 41: request.fields[41] } };
      }
      if (request.fields[2] === undefined || request.fields[4] === undefined || request.fields[49] === undefined) {
        return toResponse(request, { responseCode: '30', approved: 0n, authCode: null });
      }
      let result: AuthorizationResult;
      try {
        result = await authorizeWithin(options.pool, toAuthorizationRequest(request, businessDate(clock())), deadlineMs);
      } catch {
        result = { responseCode: '96', approved: 0n, authCode: null, duplicate: false };
      }
      return toResponse(request, result);
    },
  });
  const address = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return { server, port: address.port };
}
