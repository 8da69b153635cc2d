/**
 * iso8583-codec/security: MACs over messages (ISO/IEC 9797-1 algorithms 1 and 3, the ANSI X9.19 retail MAC, and
 * AES-CMAC), ISO 9564-1 PIN blocks (formats 0, 1, 3 and 4), key check values, and the boundary to an HSM.
 *
 * Clear keys in a Node process are for tests, simulators and development: production keys stay in an HSM behind
 * a {@link SecurityModule}. Built on `node:crypto` only.
 *
 * @module iso8583-codec/security
 */
export { type KeyAlgorithm, SecretKey } from './keys.js';
export { keyCheckValue } from './check-value.js';
export type { MacPadding } from './padding.js';
export { computeMac, type MacAlgorithm, type MacOptions, verifyMac } from './mac.js';
export type { PinBlockFormat } from './pin-fields.js';
export { decryptPinBlock, encryptPinBlock, type PinBlockOptions, type PinBlockSide, translatePinBlock } from './pin-block.js';
export {
  type PinKeyReference,
  type SecurityModule,
  softwareSecurityModule,
  type SoftwareSecurityModuleOptions,
} from './security-module.js';
export { decodeVerified, type MacCoverage, macCoverage, type MessageMacOptions, signMessage, verifyMessageMac } from './message-mac.js';
