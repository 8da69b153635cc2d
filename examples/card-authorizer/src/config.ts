/**
 * The authorizer's configuration, in one place: the wire format (message spec and framing), the decision deadline,
 * the pool size, where it listens, its database, and the card data key. Everything the example reads from the
 * environment is read here; every other module takes these values as arguments.
 */
import { presets } from 'iso8583-codec';
import type { FramingSpec } from 'iso8583-codec/net';
import { SecretKey } from 'iso8583-codec/security';
import { CARD_KEY_VARIABLE, parseCardKey, randomCardKey } from './card-keys.js';
import type { MacAlgorithmSetting, MacSetting } from './message-auth.js';

/**
 * The message spec every frame is decoded and encoded with: ISO 8583:1987 in ASCII. Another network's spec goes
 * here (a preset, or a table loaded with `validateSpec`); src/iso.ts reads its elements by number.
 */
export const SPEC = presets.iso87ascii;

/** How frames are delimited on the wire: a 2-byte binary length header before each message. */
export const FRAMING: FramingSpec = { length: 'binary2' };

/** The defaults of everything the environment may set. */
export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8583,
  deadlineMs: 1000,
  poolSize: 16,
  schema: 'authorizer',
  simulateCount: 500,
  simulateTimeoutMs: 5000,
  /** Dial mode: an echo (0800 DE70 301) after this long without traffic on the link. */
  echoIdleMs: 30_000,
  /** Dial mode: the wait before dialling again after a failed attempt, doubling from min to max (with jitter). */
  reconnectMinMs: 500,
  reconnectMaxMs: 10_000,
} as const;

/** Where the authorizer dials the network in dial mode (`AUTHORIZER_DIAL=host:port`). */
export interface DialTarget {
  readonly host: string;
  readonly port: number;
}

/** A configuration the environment got wrong; its message is one line saying what and how to fix it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The server's configuration (`npm run authorizer`, `npm start`, `npm run authorizer:seed`). */
export interface AuthorizerConfig {
  /** `DATABASE_URL`: the Postgres to use, or undefined for the embedded one (PGlite, in memory). */
  readonly databaseUrl: string | undefined;
  /** `AUTHORIZER_SCHEMA`: the schema the tables live in on `DATABASE_URL` (default `authorizer`). */
  readonly schema: string;
  /** `AUTHORIZER_HOST`: the address the server listens on (default 127.0.0.1). */
  readonly host: string;
  /** `PORT`: the port it listens on (default 8583; 0 for any free port). */
  readonly port: number;
  /**
   * `AUTHORIZER_DIAL`: `host:port` of the network to dial (dial mode: the authorizer opens the link, signs on, and
   * answers the requests the network sends down it), or undefined to listen on `AUTHORIZER_HOST`:`PORT` (listen mode).
   */
  readonly dial: DialTarget | undefined;
  /** `DEADLINE_MS`: the time budget of one decision (default 1000); an answer not ready by then is 91. */
  readonly deadlineMs: number;
  /**
   * `AUTHORIZER_POOL_SIZE`: connections to `DATABASE_URL`, all warmed before listening (default 16). The embedded
   * Postgres is one session: its pool has one connection whatever this says.
   */
  readonly poolSize: number;
  /**
   * `AUTHORIZER_PAN_KEY`: the key of the PAN digests (hex, at least 32 bytes). Required with `DATABASE_URL` (the
   * stored digests only match under the same key); without it, the embedded database gets a random key that dies
   * with it, like its data.
   */
  readonly cardKey: Uint8Array;
  /** Whether `cardKey` was made up for this process (embedded database, no `AUTHORIZER_PAN_KEY`). */
  readonly cardKeyIsEphemeral: boolean;
  /**
   * `AUTHORIZER_MAC_KEY` and `AUTHORIZER_MAC_ALGORITHM`: the MAC every request must carry and every answer gets, or
   * undefined (the default) for none.
   */
  readonly mac: MacSetting | undefined;
}

/** The simulator's configuration (`npm run authorizer:simulate`, `npm start`). */
export interface SimulatorConfig {
  /**
   * `AUTHORIZER_HOST` and `PORT`: where the authorizer listens, or, with `--listen`, where the simulator listens as
   * the network for the authorizer to dial (`PORT` 0: any free port).
   */
  readonly host: string;
  readonly port: number;
  /** `SIMULATE_COUNT`: messages to send when no count is given (default 500). */
  readonly count: number;
  /** `SIMULATE_TIMEOUT_MS`: how long one request waits for its answer (default 5000). */
  readonly timeoutMs: number;
  /** `AUTHORIZER_MAC_KEY` and `AUTHORIZER_MAC_ALGORITHM`: the MAC the simulator puts on its requests, or undefined. */
  readonly mac: MacSetting | undefined;
}

/** The key lengths (in bytes) each MAC algorithm takes: double-length TDES for the retail MAC, AES-128/192/256 for CMAC. */
const MAC_KEY_BYTES: { readonly [A in MacAlgorithmSetting]: readonly number[] } = { retail: [16], cmac: [16, 24, 32] };

/**
 * `AUTHORIZER_MAC_KEY` (hex) and `AUTHORIZER_MAC_ALGORITHM` (`retail`, the default, or `cmac`), or undefined when
 * the key is unset. A wrong setting is a {@link ConfigError} that names the variable and never shows the key.
 */
export function macSetting(env: NodeJS.ProcessEnv): MacSetting | undefined {
  const algorithmText = env.AUTHORIZER_MAC_ALGORITHM;
  const algorithm = algorithmText === undefined || algorithmText === '' ? 'retail' : algorithmText;
  if (algorithm !== 'retail' && algorithm !== 'cmac') {
    throw new ConfigError('AUTHORIZER_MAC_ALGORITHM must be retail (ANSI X9.19, a double-length TDES key) or cmac (AES-CMAC, an AES key)');
  }
  const keyText = env.AUTHORIZER_MAC_KEY;
  if (keyText === undefined || keyText === '') return undefined;
  const lengths = MAC_KEY_BYTES[algorithm];
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(keyText) || !lengths.includes(keyText.length / 2)) {
    const what = algorithm === 'retail' ? 'a double-length TDES key: 32 hex digits' : 'an AES key: 32, 48 or 64 hex digits';
    throw new ConfigError(`AUTHORIZER_MAC_KEY must be ${what} for AUTHORIZER_MAC_ALGORITHM=${algorithm}`);
  }
  return { algorithm, key: SecretKey.from(algorithm === 'retail' ? 'tdes' : 'aes', keyText) };
}

/** An integer from the environment within [min, max], or the default when unset. */
function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

/** `AUTHORIZER_DIAL` read as `host:port` (port 1 to 65535), or undefined when unset (listen mode). */
function dialTarget(env: NodeJS.ProcessEnv): DialTarget | undefined {
  const text = env.AUTHORIZER_DIAL;
  if (text === undefined || text === '') return undefined;
  const m = /^(.+):(\d{1,5})$/.exec(text);
  const port = m === null ? Number.NaN : Number(m[2]);
  if (m === null || port < 1 || port > 65_535 || /[\s/]/.test(m[1]!)) {
    throw new ConfigError('AUTHORIZER_DIAL must be host:port of the network to dial (port 1 to 65535), or unset to listen');
  }
  // An IPv6 address is written in brackets ([::1]:7001); the dial takes it without them.
  const host = /^\[.+\]$/.test(m[1]!) ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port };
}

/**
 * Reads the server's configuration from the environment.
 *
 * @example
 * ```ts
 * const config = loadConfig({ PORT: '0' }); // embedded Postgres, a random card data key, any free port
 * ```
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AuthorizerConfig {
  const databaseUrl = env.DATABASE_URL === undefined || env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  const schema = env.AUTHORIZER_SCHEMA === undefined || env.AUTHORIZER_SCHEMA === '' ? DEFAULTS.schema : env.AUTHORIZER_SCHEMA;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new ConfigError('AUTHORIZER_SCHEMA must be a lower-case SQL name: letters, digits and _');
  const keyText = env[CARD_KEY_VARIABLE];
  let cardKey: Uint8Array;
  if (keyText !== undefined && keyText !== '') {
    try {
      cardKey = parseCardKey(keyText);
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
  } else if (databaseUrl !== undefined) {
    throw new ConfigError(
      `${CARD_KEY_VARIABLE} is not set: on DATABASE_URL cards are found by a digest of their PAN keyed by it, so every run needs the same secret key (generate one with: openssl rand -hex 32)`,
    );
  } else {
    cardKey = randomCardKey();
  }
  const mac = macSetting(env);
  const dial = dialTarget(env);
  if (mac !== undefined && dial !== undefined) throw new ConfigError('AUTHORIZER_MAC_KEY is for listen mode only: unset it or AUTHORIZER_DIAL');
  return {
    databaseUrl,
    schema,
    host: env.AUTHORIZER_HOST === undefined || env.AUTHORIZER_HOST === '' ? DEFAULTS.host : env.AUTHORIZER_HOST,
    port: integer(env, 'PORT', DEFAULTS.port, 0, 65_535),
    dial,
    deadlineMs: integer(env, 'DEADLINE_MS', DEFAULTS.deadlineMs, 0, 3_600_000),
    poolSize: integer(env, 'AUTHORIZER_POOL_SIZE', DEFAULTS.poolSize, 1, 1_000),
    cardKey,
    cardKeyIsEphemeral: keyText === undefined || keyText === '',
    mac,
  };
}

/**
 * Reads the simulator's configuration from the environment.
 *
 * @example
 * ```ts
 * const { host, port } = loadSimulatorConfig({ PORT: '18583' });
 * ```
 */
export function loadSimulatorConfig(env: NodeJS.ProcessEnv = process.env, listen = false): SimulatorConfig {
  return {
    host: env.AUTHORIZER_HOST === undefined || env.AUTHORIZER_HOST === '' ? DEFAULTS.host : env.AUTHORIZER_HOST,
    // Listening, 0 asks for any free port; dialling, 0 names no port.
    port: integer(env, 'PORT', DEFAULTS.port, listen ? 0 : 1, 65_535),
    count: integer(env, 'SIMULATE_COUNT', DEFAULTS.simulateCount, 1, 10_000_000),
    timeoutMs: integer(env, 'SIMULATE_TIMEOUT_MS', DEFAULTS.simulateTimeoutMs, 1, 3_600_000),
    mac: macSetting(env),
  };
}
