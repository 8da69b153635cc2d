/**
 * The named benchmark cases: one authorization request in four shapes, built once and shared by every contender.
 */
import { createCodec, type Message, presets } from 'iso8583-codec';

/** ~60 bytes of EMV data (DE55): amount, currency, dates, unpredictable number, cryptogram. */
export const EMV = Uint8Array.from(
  Buffer.from(
    '9F02060000000012559F03060000000000009F1A0208405F2A0208409A032611249C01009F37045A3B1C2D' +
      '82025C009F360200419F2608A1B2C3D4E5F60718',
    'hex',
  ),
);

/** The 0100 authorization request of case (a): 19 text/numeric elements plus binary DE55. */
export const REQUEST_FIELDS = {
  2: '4111111111111111',
  3: '000000',
  4: '000000012550',
  7: '1124103015',
  11: '004711',
  12: '103015',
  13: '1124',
  14: '2812',
  18: '5251',
  22: '051',
  25: '00',
  32: '12345678901',
  35: '4111111111111111=28121010000012300000',
  37: '432810004711',
  41: 'TERM0001',
  42: 'MERCHANT0000001',
  43: 'ACME HARDWARE STORE      SPRINGFIELD  US',
  49: '840',
  55: EMV,
} as const;

/** The 0110 response of case (c). */
export const RESPONSE_FIELDS = {
  2: '4111111111111111',
  3: '000000',
  4: '000000012550',
  7: '1124103015',
  11: '004711',
  37: '432810004711',
  38: 'A1B2C3',
  39: '00',
  41: 'TERM0001',
  49: '840',
} as const;

/** One benchmark case: a message, the spec it is written in, and its frame. */
export interface BenchCase {
  readonly name: string;
  readonly preset: 'iso87ascii' | 'iso87binary';
  readonly message: Message;
  readonly frame: Uint8Array;
}

function build(name: string, preset: 'iso87ascii' | 'iso87binary', mti: string, fields: Message['fields']): BenchCase {
  const message: Message = { mti, fields: { ...fields } };
  const frame = createCodec(presets[preset]).encode(message as never);
  return { name, preset, message, frame };
}

/** Track 2 in the packed preset uses the D separator. */
const packedRequest = { ...REQUEST_FIELDS, 35: '4111111111111111D28121010000012300000' };

/** The four named cases of the benchmark. */
export const CASES: readonly BenchCase[] = [
  build('a: 0100 request, ascii, 20 fields', 'iso87ascii', '0100', REQUEST_FIELDS),
  build('b: 0100 request + DE90/DE102, ascii, secondary bitmap', 'iso87ascii', '0100', {
    ...REQUEST_FIELDS,
    90: '010000471111241030150000012345678900000000',
    102: '1234567890123456',
  }),
  build('c: 0110 response, ascii', 'iso87ascii', '0110', RESPONSE_FIELDS),
  build('d: 0100 request, binary (BCD)', 'iso87binary', '0100', packedRequest),
];
