/**
 * The authorizer's TCP server: decodes requests with iso8583-codec, decides each authorization with one statement,
 * answers echo and sign-on without touching the database, and never approves after its deadline.
 */
import type { Pool } from 'pg';
import { createCodec, type Message } from 'iso8583-codec';
import { createServer, type NetLogger, type Server } from 'iso8583-codec/net';
import type { CardKeys } from './card-keys.js';
import { DEFAULTS, FRAMING, SPEC } from './config.js';
import { createAuthorizerHandler } from './handler.js';
import type { IsoMessage } from './iso.js';

/** Options of {@link startAuthorizer}. */
export interface AuthorizerOptions {
  readonly pool: Pool;
  /** The keyed digests of card data (cards are found by the digest of their PAN). */
  readonly keys: CardKeys;
  readonly port?: number;
  readonly host?: string;
  /** Time budget of one decision in ms (default {@link DEFAULTS}); an answer not ready by then is 91, never an approval. */
  readonly deadlineMs?: number;
  /** Business date for tests; defaults to today's UTC date. */
  readonly clock?: () => Date;
  readonly logger?: NetLogger;
}

/** Starts the authorizer; resolves with the server and its bound port. */
export async function startAuthorizer(options: AuthorizerOptions): Promise<{ server: Server; port: number }> {
  const codec = createCodec(SPEC) as unknown as { decode(b: Uint8Array): Message; encode(m: Message): Uint8Array };
  const handler = createAuthorizerHandler({
    pool: options.pool,
    keys: options.keys,
    deadlineMs: options.deadlineMs ?? DEFAULTS.deadlineMs,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const server = createServer({
    codec,
    framing: FRAMING,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    handler: (message) => handler(message as IsoMessage) as Promise<Message | undefined>,
  });
  const address = await server.listen(options.port ?? 0, options.host ?? DEFAULTS.host);
  return { server, port: address.port };
}
