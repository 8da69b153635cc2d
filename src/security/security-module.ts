import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { invalidOption, nameLabel, readOptions } from '../errors/arguments.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { keyBytes, type SecretKey } from './keys.js';
import { computeMac, type MacOptions, verifyMac } from './mac.js';
import { type PinBlockSide, translatePinBlock } from './pin-block.js';
import type { PinBlockFormat } from './pin-fields.js';

/** One side of a PIN translation inside a {@link SecurityModule}: the key by its name there, the format, the PAN. */
export interface PinKeyReference {
  /** The PIN key's name (an HSM's key label or slot; a key of {@link SoftwareSecurityModuleOptions.pinKeys}). */
  readonly keyName: string;
  /** The PIN block format on this side. */
  readonly format: PinBlockFormat;
  /** The PAN the block is bound to (formats 0, 3 and 4). */
  readonly pan?: string;
}

/**
 * What the codec needs from a hardware security module: MACs over bytes and PIN translation, keys never leaving it.
 *
 * Why: in production, keys live in an HSM (PCI PIN and PCI DSS require it) and the process only ever sees MACs and
 * enciphered PIN blocks. Implement this interface over your HSM's protocol (Thales, Futurex, a cloud HSM…) and pass
 * it where this package takes a security module; {@link softwareSecurityModule} implements it with clear keys, for
 * tests and development only.
 */
export interface SecurityModule {
  /** The MAC of `data` under the module's MAC key, as wide as the MAC field (8 bytes for DE64 and DE128). */
  mac(data: Uint8Array): Promise<Uint8Array>;
  /** Whether `mac` is the MAC of `data` under the module's MAC key (compared inside the module). */
  verifyMac(data: Uint8Array, mac: Uint8Array): Promise<boolean>;
  /** `block` re-enciphered from one key and format to another, the PIN never leaving the module in clear. */
  translatePin(block: Uint8Array, from: PinKeyReference, to: PinKeyReference): Promise<Uint8Array>;
}

/** The clear keys of a {@link softwareSecurityModule}. */
export interface SoftwareSecurityModuleOptions {
  /** The MAC key (a zone or terminal MAC key). */
  readonly macKey?: SecretKey;
  /** How MACs are computed with it; required with `macKey`. */
  readonly mac?: MacOptions;
  /** PIN keys by name, as {@link PinKeyReference.keyName} refers to them. */
  readonly pinKeys?: { readonly [name: string]: SecretKey };
}

/**
 * A {@link SecurityModule} over clear keys held in this process: for tests, simulators and development only.
 *
 * Why: tests of an issuer or acquirer link need MACs and PIN translation without an HSM. Clear keys in a Node
 * process are readable by anything that reads its memory (a heap snapshot, a core dump, a debugger): never give it
 * production keys. A call for a key it was not given rejects with `INVALID_KEY`.
 *
 * @example
 * ```ts
 * const hsm = softwareSecurityModule({ macKey: SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210'), mac: { algorithm: 'retail' } });
 * const signed = await signMessage(codec, reply, hsm);
 * ```
 */
export function softwareSecurityModule(options: SoftwareSecurityModuleOptions): SecurityModule {
  const { macKey, mac, pinKeys } = guard(ErrorCode.INVALID_OPTION, unreadable('softwareSecurityModule: the options'), () => {
    const o = readOptions('softwareSecurityModule', options, ['macKey', 'mac', 'pinKeys']);
    if (o.macKey !== undefined) {
      keyBytes(o.macKey, 'softwareSecurityModule: options.macKey', ['des', 'tdes', 'aes']);
      if (o.mac === undefined) throw invalidOption('softwareSecurityModule', 'options.mac', 'the MAC options of macKey', o.mac);
      // One MAC of nothing checks the key against the algorithm and the options now, not at the first message.
      computeMac(o.macKey as SecretKey, new Uint8Array(0), o.mac as MacOptions);
    }
    const keys = new Map<string, SecretKey>();
    if (o.pinKeys !== undefined) {
      if (typeof o.pinKeys !== 'object' || o.pinKeys === null) throw invalidOption('softwareSecurityModule', 'options.pinKeys', 'an object', o.pinKeys);
      for (const [name, key] of Object.entries(o.pinKeys)) {
        keyBytes(key, 'softwareSecurityModule: options.pinKeys', ['des', 'tdes', 'aes']);
        keys.set(name, key as SecretKey);
      }
    }
    return { macKey: o.macKey as SecretKey | undefined, mac: o.mac as MacOptions | undefined, pinKeys: keys };
  });
  const needMacKey = (): SecretKey => {
    if (macKey === undefined) throw new Iso8583Error(ErrorCode.INVALID_KEY, 'softwareSecurityModule: the module was given no macKey');
    return macKey;
  };
  const pinKey = (ref: PinKeyReference): SecretKey => {
    const name: unknown = ref?.keyName;
    const key = typeof name === 'string' ? pinKeys.get(name) : undefined;
    if (key === undefined) throw new Iso8583Error(ErrorCode.INVALID_KEY, `softwareSecurityModule: no PIN key named ${nameLabel(name)}`);
    return key;
  };
  const side = (ref: PinKeyReference, key: SecretKey): PinBlockSide =>
    ref.pan === undefined ? { key, format: ref.format } : { key, format: ref.format, pan: ref.pan };
  return {
    mac: async (data) => computeMac(needMacKey(), data, mac!),
    verifyMac: async (data, given) => verifyMac(needMacKey(), data, given, mac!),
    translatePin: async (block, from, to) =>
      guard(ErrorCode.INVALID_OPTION, unreadable('translatePin: an argument'), () =>
        translatePinBlock(block, side(from, pinKey(from)), side(to, pinKey(to))),
      ),
  };
}
