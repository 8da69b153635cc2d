import { describe as group, expect, it } from 'vitest';
import { type Codec, createCodec, describe, maskPan, type Message, messageFromJSON, presets, structuredPreset } from '../../src/index.js';
import { loadFixtures } from '../helpers/fixtures.js';

const PANS = ['4111111111111111', '5555555555554444', '378282246310005', '4000000000000000002'];

group('maskPan', () => {
  it('keeps the first six (or eight) and last four digits', () => {
    expect(maskPan('4111111111111111')).toBe('411111******1111');
    expect(maskPan('4111111111111111', 8)).toBe('41111111****1111');
    expect(maskPan('378282246310005')).toBe('378282*****0005');
  });

  it('hides short numbers entirely', () => {
    expect(maskPan('411111111')).toBe('*********');
  });
});

group('describe', () => {
  const spec = structuredPreset(presets.iso87ascii);
  const codec = createCodec(spec) as unknown as Codec<Message>;
  const message = messageFromJSON(
    {
      mti: '0100',
      fields: {
        2: '4111111111111111',
        4: '000000012550',
        14: '2812',
        35: { pan: '4111111111111111', expiry: '2812', serviceCode: '101', discretionary: '99' },
        41: 'TERM0001',
        52: '0123456789ABCDEF',
        55: [
          { tag: '9F02', value: '000000012550' },
          { tag: '5A', value: '4111111111111111' },
          { tag: '57', value: '4111111111111111D2812101' },
          { tag: '9F26', value: 'A1B2C3D4E5F60718' },
          { tag: '70', value: [{ tag: '5F20', value: '4A4F484E' }] },
        ],
      },
    },
    spec,
  );

  it('names each field and shows plain values', () => {
    const text = describe(message, spec);
    expect(text.split('\n')[0]).toMatch(/^MTI\s+0100 \(authorization request, acquirer\)$/);
    expect(text).toMatch(/^4\s+Amount, transaction\s+"000000012550"$/m);
    expect(text).toMatch(/^\s+55\.9F02\s+Amount, authorised \(numeric\)\s+000000012550$/m);
  });

  it('masks the PAN, hides track data, expiry, PIN block and cryptograms by default', () => {
    const text = describe(message, spec);
    expect(text).toMatch(/^2\s+Primary account number \(PAN\)\s+411111\*\*\*\*\*\*1111$/m);
    expect(text).toMatch(/^14\s+.*\[hidden, 4 chars\]$/m);
    expect(text).toMatch(/^52\s+.*\[hidden, 8 bytes\]$/m);
    expect(text).toMatch(/55\.9F26\s+Application cryptogram\s+\[hidden, 8 bytes\]$/m);
    expect(text).toMatch(/55\.5A\s+Application PAN\s+411111\*\*\*\*\*\*1111$/m);
    expect(text).toMatch(/55\.70\.5F20\s+Cardholder name\s+\[hidden, 4 bytes\]$/m);
    expect(text).not.toContain('4111111111111111');
    expect(text).not.toContain('A1B2C3D4');
    expect(text).not.toContain('0123456789ABCDEF');
  });

  it('shows everything only when asked to unmask', () => {
    const text = describe(message, spec, { unmask: true });
    expect(text).toContain('4111111111111111');
    expect(text).toContain('A1B2C3D4E5F60718');
  });

  it('uses 8-digit BINs on request', () => {
    expect(describe(message, spec, { binLength: 8 })).toContain('41111111****1111');
  });

  it('never prints a fixture PAN in its default output', () => {
    for (const f of loadFixtures()) {
      const text = describe(f.codec.decode(f.bytes), f.spec);
      for (const pan of PANS) expect(text, f.name).not.toContain(pan);
    }
  });

  it('describes the flat preset message too, hiding DE55 whole', () => {
    const flat = createCodec(presets.iso87ascii) as unknown as Codec<Message>;
    const bytes = codec.encode(message);
    const text = describe(flat.decode(bytes), presets.iso87ascii);
    expect(text).toMatch(/^55\s+.*\[hidden, \d+ bytes\]$/m);
    expect(text).toMatch(/^35\s+.*\[hidden, 26 chars\]$/m);
  });
});
