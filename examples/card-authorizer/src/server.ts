/**
 * The authorizer's TCP server: decodes requests with iso8583-codec, decides each authorization with one statement,
 * answers echo and sign-on without touching the database, and never approves after its deadline.
 */
import type { Pool } from 'pg';
import { createCodec, type Message, presets } from '../../../src/index.js';
import { createServer, type FramingSpec, type NetLogger, type Server } from '../../../src/net/index.js';
import { createAuthorizerHandler } from './handler.js';
import type { IsoMessage } from './iso.js';

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
  const handler = createAuthorizerHandler({
    pool: options.pool,
    deadlineMs: options.deadlineMs ?? 1000,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const server = createServer({
    codec,
    framing: AUTHORIZER_FRAMING,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    handler: (message) => handler(message as IsoMessage) as Promise<Message | undefined>,
  });
  const address = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return { server, port: address.port };
}
