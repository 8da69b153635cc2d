import { describe, expect, it } from 'vitest';
import { createCodec, defineSpec, isIso8583Error, presets } from '../../src/index.js';
import {
  computeMac,
  decodeVerified,
  decryptPinBlock,
  encryptPinBlock,
  macCoverage,
  type SecurityModule,
  SecretKey,
  signMessage,
  softwareSecurityModule,
  verifyMessageMac,
} from '../../src/security/index.js';
import { catchIso } from '../message/errors-helper.js';

const key = SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210');
const hsm = softwareSecurityModule({ macKey: key, mac: { algorithm: 'retail' } });
const codec = createCodec(presets.iso87binary);
const request = { mti: '0200', fields: { 2: '4111111111111111', 3: '000000', 4: '000000001000', 11: '000001', 41: 'TERM0001' } };

/** The error an async call rejects with, which must be an Iso8583Error. */
async function rejection(promise: Promise<unknown>) {
  const e = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isIso8583Error(e)) throw new Error(`expected an Iso8583Error, got ${String(e)}`);
  return e;
}

describe('a MAC over a message', () => {
  it('covers the MTI, the bitmap and the fields before DE64, and is written in DE64 as the frame\'s last 8 bytes', async () => {
    const frame = await signMessage(codec, request, hsm);
    const body = frame.subarray(0, frame.length - 8);
    expect(frame.subarray(-8)).toEqual(computeMac(key, body, { algorithm: 'retail' }));
    // The same bytes as the message encoded with an all-zero DE64, up to DE64.
    expect(body).toEqual(codec.encode({ ...request, fields: { ...request.fields, 64: new Uint8Array(8) } }).subarray(0, frame.length - 8));
    expect(codec.decode(frame).fields[64]).toEqual(frame.subarray(-8));
  });

  it('goes in DE128 when the message has a secondary bitmap, covering everything before DE128', async () => {
    const withSecondary = { mti: '0200', fields: { ...request.fields, 102: '12345678' } };
    const frame = await signMessage(codec, withSecondary, hsm);
    const decoded = codec.decode(frame);
    expect(decoded.fields[64]).toBeUndefined();
    expect(decoded.fields[128]).toEqual(computeMac(key, frame.subarray(0, frame.length - 8), { algorithm: 'retail' }));
    expect(macCoverage(codec, withSecondary).field).toBe(128);
  });

  it('leaves out the header: messages differing only in their header carry the same MAC', async () => {
    const spec = defineSpec({ ...presets.iso87ascii, name: 'with-header', header: { length: 4, encoding: 'ascii' } });
    const headed = createCodec(spec);
    const a = await signMessage(headed, { ...request, header: 'AAAA' }, hsm);
    const b = await signMessage(headed, { ...request, header: 'BBBB' }, hsm);
    expect(a.subarray(-8)).toEqual(b.subarray(-8));
    const coverage = macCoverage(headed, { ...request, header: 'AAAA' });
    expect(coverage.covered).toEqual(coverage.frame.subarray(4, coverage.offset));
    expect(new TextDecoder().decode(coverage.covered.subarray(0, 4))).toBe('0200');
  });

  it('of a received frame verifies after decoding, from the decoded message alone (the codec is canonical)', async () => {
    const frame = await signMessage(codec, request, hsm);
    const message = codec.decode(frame.slice());
    frame.fill(0);
    await expect(verifyMessageMac(codec, message, hsm)).resolves.toBeUndefined();
    const signed = await signMessage(codec, request, hsm);
    await expect(decodeVerified(codec, signed, hsm)).resolves.toEqual({ mti: '0200', fields: { ...request.fields, 64: signed.subarray(-8) } });
  });

  it('fails with MAC_MISMATCH, naming the MAC field and its offset, when a covered byte changed', async () => {
    const frame = await signMessage(codec, request, hsm);
    frame[frame.length - 9]! ^= 0x01; // the last byte of DE41
    const e = await rejection(decodeVerified(codec, frame, hsm));
    expect({ code: e.code, field: e.field, offset: e.offset }).toEqual({ code: 'MAC_MISMATCH', field: '64', offset: frame.length - 8 });
    const other = softwareSecurityModule({ macKey: SecretKey.from('tdes', 'FEDCBA98765432100123456789ABCDEF'), mac: { algorithm: 'retail' } });
    expect((await rejection(decodeVerified(codec, await signMessage(codec, request, hsm), other))).code).toBe('MAC_MISMATCH');
  });

  it('fails with MAC_MISSING when the message carries no MAC', async () => {
    const e = await rejection(verifyMessageMac(codec, request, hsm));
    expect({ code: e.code, field: e.field, offset: e.offset }).toEqual({ code: 'MAC_MISSING', field: '64', offset: undefined });
  });

  it('refuses a field numbered after the MAC field (INVALID_MESSAGE) and a MAC field that is not fixed binary (INVALID_SPEC)', async () => {
    const late = catchIso(() => macCoverage(codec, { mti: '0200', fields: { ...request.fields, 102: '1' } }, { field: 64 }));
    expect({ code: late.code, field: late.field }).toEqual({ code: 'INVALID_MESSAGE', field: '102' });
    const spec = defineSpec({ ...presets.iso87ascii, name: 'text-mac', fields: { ...presets.iso87ascii.fields, 64: { kind: 'an', length: 8, encoding: 'ascii' } } });
    const bad = catchIso(() => macCoverage(createCodec(spec), request));
    expect({ code: bad.code, field: bad.field }).toEqual({ code: 'INVALID_SPEC', field: '64' });
    expect(catchIso(() => macCoverage(codec, request, { field: 65 as never })).code).toBe('INVALID_OPTION');
  });

  it('passes an error of the security module\'s own through unchanged', async () => {
    const down = new Error('HSM link down');
    const failing: Pick<SecurityModule, 'mac'> = { mac: () => Promise.reject(down) };
    await expect(signMessage(codec, request, failing)).rejects.toBe(down);
    const signed = await signMessage(codec, request, hsm);
    await expect(decodeVerified(codec, signed, { verifyMac: () => Promise.reject(down) })).rejects.toBe(down);
  });

  it('works with an AES-CMAC module, truncated to the 8 bytes of DE64', async () => {
    const aes = softwareSecurityModule({ macKey: SecretKey.from('aes', '2b7e151628aed2a6abf7158809cf4f3c'), mac: { algorithm: 'cmac' } });
    const frame = await signMessage(codec, request, aes);
    await expect(decodeVerified(codec, frame, aes)).resolves.toBeDefined();
    await expect(decodeVerified(codec, frame, hsm)).rejects.toMatchObject({ code: 'MAC_MISMATCH' });
  });
});

describe('softwareSecurityModule', () => {
  const zpk = SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210');
  const bdk = SecretKey.from('aes', '000102030405060708090A0B0C0D0E0F');
  const pan = '4111111111111111';

  it('translates PIN blocks between the keys it holds, named', async () => {
    const pins = softwareSecurityModule({ pinKeys: { terminal: zpk, zone: bdk } });
    const block = encryptPinBlock(zpk, '2468', { format: 0, pan });
    const out = await pins.translatePin(block, { keyName: 'terminal', format: 0, pan }, { keyName: 'zone', format: 4, pan });
    expect(decryptPinBlock(bdk, out, { format: 4, pan })).toBe('2468');
  });

  it('rejects a call for a key it was not given with INVALID_KEY', async () => {
    const pins = softwareSecurityModule({ pinKeys: { terminal: zpk } });
    const block = encryptPinBlock(zpk, '2468', { format: 0, pan });
    await expect(pins.translatePin(block, { keyName: 'terminal', format: 0, pan }, { keyName: 'zone', format: 0, pan })).rejects.toMatchObject({ code: 'INVALID_KEY' });
    await expect(pins.mac(new Uint8Array(8))).rejects.toMatchObject({ code: 'INVALID_KEY' });
    await expect(pins.verifyMac(new Uint8Array(8), new Uint8Array(8))).rejects.toMatchObject({ code: 'INVALID_KEY' });
  });

  it('checks its options when made: a MAC key needs its MAC options, and they must suit it', () => {
    expect(catchIso(() => softwareSecurityModule({ macKey: zpk })).code).toBe('INVALID_OPTION');
    expect(catchIso(() => softwareSecurityModule({ macKey: bdk, mac: { algorithm: 'retail' } })).code).toBe('INVALID_KEY');
    expect(catchIso(() => softwareSecurityModule({ pinKeys: { x: 'ABCD' as never } })).code).toBe('INVALID_KEY');
    expect(catchIso(() => softwareSecurityModule({ macKeys: zpk } as never)).code).toBe('INVALID_OPTION');
  });
});
