import { describe, expect, it } from 'vitest';
import { encodeFrame, type Frame, type FramingSpec, isIso8583NetError, lengthBytes, maxAnnounced, readLength, validateFraming } from '../../src/net/index.js';
import { caught } from './helpers/caught.js';
import { expectUnread, unreadable } from './helpers/hostile.js';

/** The framing functions as a plain JavaScript caller reaches them: no compiler, so the calls go through `any`. */
const js = { validateFraming, readLength, encodeFrame, lengthBytes, maxAnnounced } as Record<string, (...args: any[]) => any>;

/** The code and the option of the error `run` throws. */
function failure(run: () => unknown): { code: string; option: string | undefined } | undefined {
  const e = caught(run);
  return isIso8583NetError(e) ? { code: e.code, option: e.option } : undefined;
}

const ascii = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'latin1'));

describe('validateFraming', () => {
  for (const [name, framing, option] of [
    ['an array', [], 'framing'],
    ['null', null, 'framing'],
    ['0 ASCII digits', { length: 'ascii', digits: 0 }, 'framing.digits'],
    ['9 ASCII digits', { length: 'ascii', digits: 9 }, 'framing.digits'],
    ['a fractional digit count', { length: 'ascii', digits: 2.5 }, 'framing.digits'],
    ['a digit count given as text', { length: 'ascii', digits: '4' }, 'framing.digits'],
    ['a digit count on a binary header', { length: 'binary2', digits: 4 }, 'framing.digits'],
    ['a digit count on a BCD header', { length: 'bcd2', digits: 4 }, 'framing.digits'],
    ['a digit count without a length header', { length: 'none', digits: 2 }, 'framing.digits'],
    ['a negative fixed header', { length: 'binary2', headerBytes: -1 }, 'framing.headerBytes'],
    ['a fixed header above 65,535 bytes', { length: 'binary2', headerBytes: 65536 }, 'framing.headerBytes'],
    ['a fractional fixed header', { length: 'binary2', headerBytes: 1.5 }, 'framing.headerBytes'],
    ['a fixed header given as text', { length: 'binary2', headerBytes: '5' }, 'framing.headerBytes'],
    ['includesLength given as text', { length: 'binary2', includesLength: 'yes' }, 'framing.includesLength'],
  ] as [string, unknown, string][]) {
    it(`refuses ${name} with INVALID_FRAMING naming ${option}`, () => {
      expect(failure(() => js['validateFraming']!(framing))).toEqual({ code: 'INVALID_FRAMING', option });
    });
  }

  it('accepts 1 to 8 ASCII digits, a fixed header of 0 to 65,535 bytes and includesLength as a boolean', () => {
    for (const framing of [
      { length: 'ascii', digits: 1 },
      { length: 'ascii', digits: 8 },
      { length: 'binary2', headerBytes: 0 },
      { length: 'bcd2', headerBytes: 65535 },
      { length: 'none', includesLength: false },
      { length: 'ascii', includesLength: true },
    ] as FramingSpec[]) {
      expect(() => validateFraming(framing), JSON.stringify(framing)).not.toThrow();
    }
  });
});

describe('lengthBytes and maxAnnounced', () => {
  it('give the width of each length header: 2 for binary2 and bcd2, the digits of ascii (4 by default), 0 for none', () => {
    expect(lengthBytes({ length: 'binary2' })).toBe(2);
    expect(lengthBytes({ length: 'bcd2' })).toBe(2);
    expect(lengthBytes({ length: 'ascii' })).toBe(4);
    expect(lengthBytes({ length: 'ascii', digits: 2 })).toBe(2);
    expect(lengthBytes({ length: 'none' })).toBe(0);
  });

  it('give the largest length each header can announce', () => {
    expect(maxAnnounced({ length: 'binary2' })).toBe(65535);
    expect(maxAnnounced({ length: 'bcd2' })).toBe(9999);
    expect(maxAnnounced({ length: 'ascii' })).toBe(9999);
    expect(maxAnnounced({ length: 'ascii', digits: 6 })).toBe(999999);
    expect(maxAnnounced({ length: 'none' })).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('readLength', () => {
  it('reads a binary header big-endian at the given offset', () => {
    expect(readLength({ length: 'binary2' }, Uint8Array.of(9, 0xff, 0xfe), 1)).toBe(65534);
  });

  it('reads BCD digits, 0 to 9 in each nibble', () => {
    expect(readLength({ length: 'bcd2' }, Uint8Array.of(0x12, 0x34), 0)).toBe(1234);
    expect(readLength({ length: 'bcd2' }, Uint8Array.of(0x99, 0x99), 0)).toBe(9999);
    expect(readLength({ length: 'bcd2' }, Uint8Array.of(0xff, 0x00, 0x09), 1)).toBe(9);
  });

  it('refuses a BCD header with a nibble above 9, in either nibble of either byte, with INVALID_FRAME', () => {
    for (const bytes of [[0xa0, 0x00], [0x0a, 0x00], [0x00, 0xa0], [0x00, 0x0a]]) {
      expect(failure(() => readLength({ length: 'bcd2' }, Uint8Array.from(bytes), 0))?.code, String(bytes)).toBe('INVALID_FRAME');
    }
  });

  it('reads ASCII digits, as many as the framing says, at the given offset', () => {
    expect(readLength({ length: 'ascii' }, ascii('0123'), 0)).toBe(123);
    expect(readLength({ length: 'ascii' }, ascii('9999'), 0)).toBe(9999);
    expect(readLength({ length: 'ascii', digits: 2 }, ascii('xx4567'), 2)).toBe(45);
  });

  it('refuses an ASCII header with a character just below 0 or just above 9 with INVALID_FRAME', () => {
    for (const text of ['00/0', '00:0']) {
      expect(failure(() => readLength({ length: 'ascii' }, ascii(text), 0))?.code, text).toBe('INVALID_FRAME');
    }
  });

  it('subtracts the header itself when the length counts it, and refuses a length smaller than the header', () => {
    expect(readLength({ length: 'binary2', includesLength: true }, Uint8Array.of(0, 2), 0)).toBe(0);
    expect(readLength({ length: 'ascii', digits: 3, includesLength: true }, ascii('010'), 0)).toBe(7);
    expect(failure(() => readLength({ length: 'binary2', includesLength: true }, Uint8Array.of(0, 1), 0))?.code).toBe('INVALID_FRAME');
  });

  it('reads no length for the none framing', () => {
    expect(readLength({ length: 'none' }, Uint8Array.of(1, 2), 0)).toBe(0);
  });

  it('takes an offset with the whole header after it, and refuses others naming at', () => {
    expect(readLength({ length: 'binary2' }, Uint8Array.of(0, 0, 1), 1)).toBe(1);
    for (const at of [-1, 2, 0.5, '0']) {
      expect(failure(() => js['readLength']!({ length: 'binary2' }, Uint8Array.of(0, 0, 1), at)), String(at)).toEqual({
        code: 'INVALID_OPTION',
        option: 'at',
      });
    }
  });
});

describe('framing functions given a framing that cannot be read', () => {
  const calls: [string, (f: unknown) => unknown][] = [
    ['validateFraming', (f) => js['validateFraming']!(f)],
    ['lengthBytes', (f) => js['lengthBytes']!(f)],
    ['maxAnnounced', (f) => js['maxAnnounced']!(f)],
    ['readLength', (f) => js['readLength']!(f, Uint8Array.of(0, 1), 0)],
  ];
  for (const [name, call] of calls) {
    for (const [form, value] of unreadable({ length: 'binary2' }, 'length')) {
      it(`${name} throws INVALID_FRAMING naming framing, without the thrown text, for ${form}`, () => {
        expectUnread(caught(() => call(value)), 'INVALID_FRAMING', 'framing');
      });
    }
  }
});

describe('encodeFrame', () => {
  it('writes the largest body each header can announce, and refuses one byte more with FRAME_TOO_LARGE', () => {
    for (const [framing, max] of [
      [{ length: 'binary2' }, 65535],
      [{ length: 'binary2', includesLength: true }, 65533],
      [{ length: 'bcd2' }, 9999],
      [{ length: 'ascii', digits: 2 }, 99],
      [{ length: 'ascii', digits: 2, headerBytes: 3 }, 96],
    ] as [FramingSpec, number][]) {
      const name = JSON.stringify(framing);
      const withHeader = (message: Uint8Array): Frame =>
        framing.headerBytes === undefined ? { message } : { header: new Uint8Array(framing.headerBytes), message };
      const frame = encodeFrame(framing, withHeader(new Uint8Array(max)));
      expect(readLength(framing, frame, 0), name).toBe(max + (framing.headerBytes ?? 0));
      expect(failure(() => encodeFrame(framing, withHeader(new Uint8Array(max + 1))))?.code, name).toBe('FRAME_TOO_LARGE');
    }
  });

  it('writes each digit of a BCD header in its own nibble', () => {
    expect([...encodeFrame({ length: 'bcd2' }, { message: new Uint8Array(1234) }).subarray(0, 2)]).toEqual([0x12, 0x34]);
    expect([...encodeFrame({ length: 'bcd2' }, { message: new Uint8Array(9) }).subarray(0, 2)]).toEqual([0x00, 0x09]);
  });

  it('writes a binary header above 255 with its high byte first', () => {
    expect([...encodeFrame({ length: 'binary2' }, { message: new Uint8Array(0x1234) }).subarray(0, 2)]).toEqual([0x12, 0x34]);
  });

  it('writes the fixed header after the length and zeros when none is given', () => {
    const message = Uint8Array.of(7, 8);
    expect([...encodeFrame({ length: 'ascii', digits: 2, headerBytes: 2 }, { header: Uint8Array.of(5, 6), message })]).toEqual([0x30, 0x34, 5, 6, 7, 8]);
    expect([...encodeFrame({ length: 'binary2', headerBytes: 2 }, { message })]).toEqual([0, 4, 0, 0, 7, 8]);
  });

  it('refuses a fixed header of another size than the framing’s with INVALID_FRAMING', () => {
    expect(failure(() => encodeFrame({ length: 'binary2', headerBytes: 2 }, { header: Uint8Array.of(1), message: Uint8Array.of(7) }))?.code).toBe(
      'INVALID_FRAMING',
    );
    expect(failure(() => encodeFrame({ length: 'binary2' }, { header: Uint8Array.of(1), message: Uint8Array.of(7) }))?.code).toBe('INVALID_FRAMING');
  });

  it('writes the message alone, with its fixed header, for the none framing', () => {
    expect([...encodeFrame({ length: 'none' }, { message: Uint8Array.of(7, 8) })]).toEqual([7, 8]);
    expect([...encodeFrame({ length: 'none', headerBytes: 1 }, { header: Uint8Array.of(5), message: Uint8Array.of(7) })]).toEqual([5, 7]);
  });

  for (const [form, value] of unreadable({ length: 'binary2' }, 'length')) {
    it(`refuses ${form} as framing with INVALID_FRAMING naming framing, without the thrown text`, () => {
      expectUnread(caught(() => js['encodeFrame']!(value, { message: Uint8Array.of(7) })), 'INVALID_FRAMING', 'framing');
    });
  }
  for (const [form, value] of unreadable({ message: Uint8Array.of(7) }, 'message')) {
    it(`refuses ${form} as frame with INVALID_OPTION naming frame, without the thrown text`, () => {
      expectUnread(caught(() => js['encodeFrame']!({ length: 'binary2' }, value)), 'INVALID_OPTION', 'frame');
    });
  }

  it('refuses a frame that is null, with INVALID_OPTION naming the frame', () => {
    expect(failure(() => js['encodeFrame']!({ length: 'binary2' }, null))).toEqual({ code: 'INVALID_OPTION', option: 'frame' });
  });
});
