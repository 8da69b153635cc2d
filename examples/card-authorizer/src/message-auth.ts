/**
 * Message authentication on the authorizer's link (off unless `AUTHORIZER_MAC_KEY` is set): every request but
 * network management must carry a MAC in its last field (DE64, or DE128 with a secondary bitmap) that verifies
 * under the key; a request whose MAC is missing or wrong is declined with 63 (security violation) before the
 * handler sees it, and every answer to a MACed request is signed.
 */
import { ErrorCode, isIso8583Error, responseMti } from 'iso8583-codec';
import { type NetLogger, silentLogger } from 'iso8583-codec/net';
import { macCoverage, type SecurityModule, SecretKey, softwareSecurityModule, verifyMessageMac } from 'iso8583-codec/security';
import type { Codec } from 'iso8583-codec';
import { type IsoMessage, toResponse } from './iso.js';

/** The MAC algorithms the authorizer takes: the retail MAC (ANSI X9.19) with a double-length TDES key, or AES-CMAC. */
export type MacAlgorithmSetting = 'retail' | 'cmac';

/** How the link's MACs are computed: the key (held in a {@link SecretKey}, which never prints its bytes) and the algorithm. */
export interface MacSetting {
  readonly algorithm: MacAlgorithmSetting;
  readonly key: SecretKey;
}

/** DE39 of a request refused for its MAC: ISO 8583:1987 response code 63, security violation. */
export const SECURITY_VIOLATION = '63';

/**
 * The software security module of a {@link MacSetting}: 8-byte MACs (the width of DE64 and DE128).
 *
 * Why: the example keeps the key in the process for tests and development; a production authorizer implements
 * `SecurityModule` over its HSM instead, and nothing else here changes.
 */
export function macModule(setting: MacSetting): SecurityModule {
  return softwareSecurityModule({ macKey: setting.key, mac: { algorithm: setting.algorithm, length: 8 } });
}

/** `message` with its MAC written in its MAC field (DE64, or DE128 when a field above 64 is present). */
export async function withMac(codec: Codec<IsoMessage>, message: IsoMessage, security: Pick<SecurityModule, 'mac'>): Promise<IsoMessage> {
  const fields: IsoMessage['fields'] = { ...message.fields };
  delete fields[64];
  delete fields[128];
  const unsigned: IsoMessage = { ...message, fields };
  const { covered, field } = macCoverage(codec, unsigned);
  return { ...unsigned, fields: { ...fields, [field]: await security.mac(covered) } };
}

type Handler = (request: IsoMessage) => Promise<IsoMessage | undefined>;

/**
 * Wraps `handler` so that a request's MAC is checked before it runs: missing or wrong is answered 63 (signed) and
 * never reaches the handler; the handler's answer is signed. Network management (08xx) is neither checked nor
 * signed, and a message that is itself a response goes to the handler unchecked (it is answered by nothing).
 *
 * Why: a request whose MAC fails may have been altered on the way; no decision may be taken on it, and no row
 * written for it. The log names the error code only, never the key or a field value.
 */
export function requireMac(handler: Handler, codec: Codec<IsoMessage>, security: SecurityModule, logger: NetLogger = silentLogger): Handler {
  return async (request) => {
    if (request.mti.startsWith('08')) return handler(request);
    try {
      responseMti(request.mti);
    } catch {
      return handler(request);
    }
    try {
      await verifyMessageMac(codec, request, security);
    } catch (e) {
      const code = isIso8583Error(e) ? e.code : e instanceof Error ? e.name : typeof e;
      // A MAC that is missing or wrong is the sender's security violation; anything else (the module failing) is ours.
      const refused = code === ErrorCode.MAC_MISSING || code === ErrorCode.MAC_MISMATCH;
      logger.warn(refused ? 'request refused for its MAC' : 'MAC check failed', { mti: request.mti, code });
      const declined = toResponse(request, { responseCode: refused ? SECURITY_VIOLATION : '96', approved: 0n, authCode: null });
      return refused ? withMac(codec, declined, security) : declined;
    }
    const answer = await handler(request);
    return answer === undefined ? undefined : withMac(codec, answer, security);
  };
}
