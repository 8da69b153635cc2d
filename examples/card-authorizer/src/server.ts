/**
 * The authorizer's TCP server: decodes requests with iso8583-codec, decides each authorization with one statement,
 * answers echo and sign-on without touching the database, and never approves after its deadline.
 */
import type { Pool } from 'pg';
import { createCodec } from 'iso8583-codec';
import { createServer, type NetLogger, type Server, type ServerLimits } from 'iso8583-codec/net';
import type { CardKeys } from './card-keys.js';
import { DEFAULTS, FRAMING, SPEC } from './config.js';
import { createAuthorizerHandler } from './handler.js';
import { macModule, type MacSetting, requireMac } from './message-auth.js';

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
  /**
   * The server's limits against hostile peers (connections, idle and frame timeouts, write buffer and stall, in-flight
   * requests per connection); the library's defaults otherwise (docs/net.md).
   */
  readonly limits?: Partial<ServerLimits>;
  /** The MAC every request must carry and every answer gets (`AUTHORIZER_MAC_KEY`); none by default. */
  readonly mac?: MacSetting | undefined;
}

/** Starts the authorizer; resolves with the server and its bound port. */
export async function startAuthorizer(options: AuthorizerOptions): Promise<{ server: Server; port: number }> {
  // The server is typed by its codec: the handler takes and returns messages of SPEC (IsoMessage).
  const codec = createCodec(SPEC);
  const decide = createAuthorizerHandler({
    pool: options.pool,
    keys: options.keys,
    deadlineMs: options.deadlineMs ?? DEFAULTS.deadlineMs,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  // With a MAC key, a request's MAC is checked before anything decides it (63 when missing or wrong).
  const handler = options.mac === undefined ? decide : requireMac(decide, codec, macModule(options.mac), options.logger);
  const server = createServer({
    codec,
    framing: FRAMING,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...options.limits,
    handler,
  });
  const address = await server.listen(options.port ?? 0, options.host ?? DEFAULTS.host);
  return { server, port: address.port };
}
