import { presets as fromPackage } from 'iso8583-codec';
import { createServer as fromPackageNet } from 'iso8583-codec/net';
import { describe, expect, it } from 'vitest';
import { cardKeys, lastFour, parseCardKey } from '../../examples/card-authorizer/src/card-keys.js';
import { ConfigError, DEFAULTS, loadConfig, loadSimulatorConfig, SPEC } from '../../examples/card-authorizer/src/config.js';
import { presets } from '../../src/index.js';
import { createServer } from '../../src/net/index.js';

const KEY = 'ab'.repeat(32);
const URL = 'postgres://postgres@127.0.0.1:5432/test';

describe('the configuration (one place: src/config.ts)', () => {
  it('imports the library by its package name, which the tests resolve to the sources under test', () => {
    expect(fromPackage).toBe(presets);
    expect(fromPackageNet).toBe(createServer);
    expect(SPEC).toBe(presets.iso87ascii);
  });

  it('takes its defaults when the environment says nothing: embedded, a random card data key of this process', () => {
    const a = loadConfig({});
    const b = loadConfig({});
    expect({ ...a, cardKey: undefined }).toEqual({
      databaseUrl: undefined, schema: 'authorizer', host: '127.0.0.1', port: 8583, dial: undefined, deadlineMs: 1000, poolSize: 16,
      cardKey: undefined, cardKeyIsEphemeral: true,
    });
    expect(a.cardKey).toHaveLength(32);
    expect(Buffer.from(a.cardKey).equals(Buffer.from(b.cardKey))).toBe(false);
  });

  it('reads every setting from the environment', () => {
    const c = loadConfig({
      DATABASE_URL: URL, AUTHORIZER_SCHEMA: 'issuer_1', AUTHORIZER_HOST: '0.0.0.0', PORT: '9000', DEADLINE_MS: '250',
      AUTHORIZER_POOL_SIZE: '8', AUTHORIZER_PAN_KEY: KEY, AUTHORIZER_DIAL: 'network.example:7001',
    });
    expect({ ...c, cardKey: Buffer.from(c.cardKey).toString('hex') }).toEqual({
      databaseUrl: URL, schema: 'issuer_1', host: '0.0.0.0', port: 9000, dial: { host: 'network.example', port: 7001 }, deadlineMs: 250, poolSize: 8, cardKey: KEY, cardKeyIsEphemeral: false,
    });
    expect(loadSimulatorConfig({ PORT: '9000', SIMULATE_COUNT: '20', SIMULATE_TIMEOUT_MS: '100' })).toEqual({ host: '127.0.0.1', port: 9000, count: 20, timeoutMs: 100 });
    expect(loadSimulatorConfig({ PORT: '0' }, true).port).toBe(0);
    expect(loadSimulatorConfig({})).toEqual({ host: DEFAULTS.host, port: DEFAULTS.port, count: DEFAULTS.simulateCount, timeoutMs: DEFAULTS.simulateTimeoutMs });
  });

  it('gives the simulator the defaults README.md states: 127.0.0.1:8583, 500 messages, 5000 ms per answer, no MAC', () => {
    expect(loadSimulatorConfig({})).toStrictEqual({ host: '127.0.0.1', port: 8583, count: 500, timeoutMs: 5000, mac: undefined });
    expect(loadConfig({}).mac).toBeUndefined();
    expect(loadConfig({ AUTHORIZER_MAC_KEY: '0123456789ABCDEFFEDCBA9876543210' }).mac?.algorithm).toBe('retail');
  });

  it('refuses DATABASE_URL without AUTHORIZER_PAN_KEY: stored digests only match under the same key', () => {
    expect(() => loadConfig({ DATABASE_URL: URL })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: URL })).toThrow(
      'AUTHORIZER_PAN_KEY is not set: on DATABASE_URL cards are found by a digest of their PAN keyed by it, so every run needs the same secret key (generate one with: openssl rand -hex 32)',
    );
  });

  it('refuses a key that is not at least 32 bytes of hex, in either mode, without repeating it', () => {
    for (const bad of ['ab'.repeat(31), 'zz'.repeat(32), `${KEY}0`]) {
      for (const env of [{ AUTHORIZER_PAN_KEY: bad }, { AUTHORIZER_PAN_KEY: bad, DATABASE_URL: URL }]) {
        expect(() => loadConfig(env)).toThrow('AUTHORIZER_PAN_KEY must be at least 64 hex digits (generate one with: openssl rand -hex 32)');
      }
    }
  });

  it('refuses settings out of range, naming the variable', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow('PORT must be an integer from 0 to 65535');
    expect(() => loadConfig({ DEADLINE_MS: 'soon' })).toThrow('DEADLINE_MS must be an integer');
    expect(() => loadConfig({ AUTHORIZER_POOL_SIZE: '0' })).toThrow('AUTHORIZER_POOL_SIZE must be an integer from 1 to 1000');
    expect(() => loadConfig({ AUTHORIZER_SCHEMA: 'x"; drop table cards; --' })).toThrow('AUTHORIZER_SCHEMA must be a lower-case SQL name');
    for (const bad of ['network.example', 'network.example:0', 'network.example:70000', ':7001', 'a b:7001', 'network.example:port']) {
      expect(() => loadConfig({ AUTHORIZER_DIAL: bad }), bad).toThrow(
        'AUTHORIZER_DIAL must be host:port of the network to dial (port 1 to 65535), or unset to listen',
      );
    }
    expect(loadConfig({ AUTHORIZER_DIAL: '[::1]:7001' }).dial).toEqual({ host: '::1', port: 7001 });
    expect(() => loadSimulatorConfig({ PORT: '0' })).toThrow('PORT must be an integer from 1 to 65535');
  });
});

describe('the card data keys', () => {
  it('give one HMAC-SHA-256 per PAN under a key, another under another key, and digests of content apart from PANs', () => {
    const keys = cardKeys(parseCardKey(KEY));
    const other = cardKeys(parseCardKey('cd'.repeat(32)));
    expect(keys.pan('4000123456789010')).toMatch(/^[0-9a-f]{64}$/);
    expect(keys.pan('4000123456789010')).toBe(keys.pan('4000123456789010'));
    expect(keys.pan('4000123456789010')).not.toBe(other.pan('4000123456789010'));
    expect(keys.pan('4000123456789010')).not.toBe(keys.content('4000123456789010'));
    expect(lastFour('4000123456789010')).toBe('9010');
  });
});
