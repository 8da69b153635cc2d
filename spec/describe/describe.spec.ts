import { describe as group, expect, it } from 'vitest';
import { type BerTlv, type Codec, createCodec, describe, EMV_TAGS, hidden, maskPan, type Message, type MessageSpec, messageFromJSON, presets, structuredPreset, withSubfields } from '../../src/index.js';
import { loadFixtures } from '../helpers/fixtures.js';

const PANS = ['4111111111111111', '5555555555554444', '378282246310005', '4000000000000000002'];

group('maskPan', () => {
  it('keeps the first six (or eight) and last four digits', () => {
    expect(maskPan('4111111111111111')).toBe('411111******1111');
    expect(maskPan('4111111111111111', 8)).toBe('41111111****1111');
    expect(maskPan('378282246310005')).toBe('378282*****0005');
  });

  it('shows the first eight digits only for PANs of 16 digits or more, whatever the caller asks', () => {
    expect(maskPan('378282246310005', 8)).toBe('378282*****0005');
    expect(maskPan('4000000000000000002', 8)).toBe('40000000*******0002');
  });

  it('never shows more than the first 6 (8) and last 4 digits, and keeps at least 5 hidden below 16 digits', () => {
    for (let n = 0; n <= 19; n++) {
      const pan = '1234567890123456789'.slice(0, n);
      for (const bin of [6, 8] as const) {
        const masked = maskPan(pan, bin);
        expect(masked, `${n} digits, bin ${bin}`).toHaveLength(n);
        const lead = /^[0-9]*/.exec(masked)![0].length;
        const tail = /[0-9]*$/.exec(masked)![0].length;
        const shown = masked.replace(/\*/g, '').length;
        expect(pan.startsWith(masked.slice(0, lead)) && pan.endsWith(masked.slice(n - tail))).toBe(true);
        expect(lead, `${n} digits, bin ${bin}`).toBeLessThanOrEqual(bin === 8 && n >= 16 ? 8 : 6);
        expect(tail).toBeLessThanOrEqual(4);
        expect(n - shown, `${n} digits, bin ${bin}`).toBeGreaterThanOrEqual(bin === 8 && n >= 16 ? 4 : Math.min(n, 5));
      }
    }
  });

  it('shows fewer digits of short PANs: leading digits go first, then trailing ones', () => {
    expect(maskPan('41111111111111')).toBe('41111*****1111');
    expect(maskPan('411111111111')).toBe('411*****1111');
    expect(maskPan('4111111111')).toBe('4*****1111');
    expect(maskPan('411111111')).toBe('*****1111');
    expect(maskPan('41111111')).toBe('*****111');
    expect(maskPan('41111')).toBe('*****');
  });

  it('refuses a PAN that is not a string and a BIN length other than 6 or 8 with an Iso8583Error', () => {
    expect(() => maskPan(4111111111111111 as unknown as string)).toThrow(expect.objectContaining({ code: 'INVALID_VALUE_TYPE' }));
    expect(() => maskPan('4111111111111111', 7 as 6)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

group('hidden', () => {
  it('names the size and refuses sizes and units it cannot name', () => {
    expect(hidden(1, 'chars')).toBe('[hidden, 1 char]');
    expect(() => hidden(-1, 'bytes')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => hidden(1, 'words' as 'bytes')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
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

  it('starts every value in one column, however long a nested path or a description is', () => {
    const text = describe(message, spec);
    const rows = text.split('\n').slice(1);
    // `35.discretionary` (2 + 16 characters indented) is longer than the 14-character minimum of the path column.
    expect(rows.some((r) => r.startsWith('  35.discretionary '))).toBe(true);
    const valueColumn = (row: string): number => row.search(/\S+$|\[hidden[^\]]*\]$|\([^)]*\)$|"[^"]*"$/);
    const columns = new Set(rows.map(valueColumn));
    expect(columns.size).toBe(1);
    // The descriptions too start in one column, and the MTI's text with them.
    const descriptionColumn = (row: string): number => row.search(/(?<=\S)\s+\S/) + (/(?<=\S)\s+/.exec(row)?.[0].length ?? 0);
    expect(new Set(text.split('\n').map(descriptionColumn)).size).toBe(1);
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

  it('hides expiry, track 1, 2 and 3, the PIN block and flat EMV data by their size', () => {
    const text = describe(
      { mti: '0100', fields: { 14: '2812', 35: '4111111111111111=2812101', 36: '011234567890123445=724724100000000000030300XXXX', 45: 'B4111111111111111^DOE/JANE^2812101', 52: new Uint8Array(8), 55: new Uint8Array(3) } },
      presets.iso87ascii,
    );
    for (const [field, size] of [[14, '4 chars'], [35, '24 chars'], [36, '47 chars'], [45, '34 chars'], [52, '8 bytes'], [55, '3 bytes']] as const) {
      expect(text).toMatch(new RegExp(`^${field}\\s.*\\[hidden, ${size}\\]$`, 'm'));
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

group('describe inside a sensitive field', () => {
  const PAN = '4111111111111111';
  const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
  const flat = presets.iso87ascii;
  const de55 = (over: Partial<MessageSpec['fields'][number]>): MessageSpec => ({ ...flat, fields: { ...flat.fields, 55: { ...flat.fields[55]!, ...over } } });
  const emv = (list: BerTlv[]): Message => ({ mti: '0100', fields: { 55: list } });
  const lineOf = (text: string, path: string) => text.split('\n').find((l) => l.trimStart().startsWith(`${path} `)) ?? '';

  it('hides unknown (proprietary) BER-TLV tags of a sensitive field, and shows them in a field that is not', () => {
    const message = emv([
      { tag: 'DF01', value: bytes('1234') },
      { tag: '9F02', value: bytes('000000012550') },
    ]);
    const masked = describe(message, structuredPreset(flat));
    expect(lineOf(masked, '55.DF01')).toMatch(/\[hidden, 2 bytes\]$/);
    expect(masked).not.toContain('1234');
    expect(lineOf(masked, '55.9F02')).toMatch(/000000012550$/);
    const open = describe(message, de55({ sensitive: false, subfields: { type: 'ber-tlv' } }));
    expect(lineOf(open, '55.DF01')).toMatch(/1234$/);
  });

  it('shows a tag in clear only when its dictionary declares it sensitive: false', () => {
    const spec = de55({ subfields: { type: 'ber-tlv', tags: { DF01: { description: 'Ours, public', sensitive: false }, DF02: { description: 'Ours, undeclared' } } } });
    const text = describe(emv([{ tag: 'DF01', value: bytes('AB') }, { tag: 'DF02', value: bytes('CD') }, { tag: '9F36', value: bytes('0041') }]), spec);
    expect(lineOf(text, '55.DF01')).toMatch(/Ours, public\s+AB$/);
    expect(lineOf(text, '55.DF02')).toMatch(/Ours, undeclared\s+\[hidden, 1 byte\]$/);
    // 9F36 is not in the layout's dictionary: the EMV dictionary declares it non-sensitive.
    expect(lineOf(text, '55.9F36')).toMatch(/0041$/);
  });

  it('hides the EMV tags the dictionary declares sensitive, in a sensitive field or not', () => {
    const secret = ['57', '5F20', '5F24', '80', '86', '91', '9F10', '9F1F', '9F20', '9F26', '9F4B', '9F6B'];
    const message = emv(secret.map((tag) => ({ tag, value: bytes('0102') })));
    for (const spec of [structuredPreset(flat), de55({ sensitive: false, subfields: { type: 'ber-tlv' } })]) {
      const text = describe(message, spec);
      for (const tag of secret) expect(lineOf(text, `55.${tag}`), tag).toMatch(/\[hidden, 2 bytes\]$/);
    }
  });

  it('declares every EMV dictionary entry sensitive or not outright', () => {
    for (const [tag, entry] of Object.entries(EMV_TAGS)) expect(typeof entry.sensitive, tag).toBe('boolean');
    expect(EMV_TAGS['80']!.sensitive).toBe(true);
  });

  it('hides the children of a constructed tag unless each is declared non-sensitive, in a sensitive field or a template declared sensitive', () => {
    const message = emv([{ tag: '70', value: [{ tag: 'DF01', value: bytes('1234') }, { tag: '9F02', value: bytes('000000000100') }] }]);
    const inSensitive = describe(message, structuredPreset(flat));
    expect(lineOf(inSensitive, '55.70.DF01')).toMatch(/\[hidden, 2 bytes\]$/);
    expect(lineOf(inSensitive, '55.70.9F02')).toMatch(/000000000100$/);
    const secretTemplate = de55({ sensitive: false, subfields: { type: 'ber-tlv', tags: { '70': { description: 'Secret template', sensitive: true } } } });
    const inTemplate = describe(message, secretTemplate);
    expect(lineOf(inTemplate, '55.70.DF01')).toMatch(/\[hidden, 2 bytes\]$/);
    expect(lineOf(inTemplate, '55.70.9F02')).toMatch(/000000000100$/);
    expect(lineOf(describe(emv([{ tag: 'DF01', value: bytes('1234') }]), secretTemplate), '55.DF01')).toMatch(/1234$/);
  });

  it('masks the EMV PAN and hides Track 2 equivalents whatever a dictionary declares', () => {
    const spec = de55({ sensitive: false, subfields: { type: 'ber-tlv', tags: { '5A': { sensitive: false }, '57': { sensitive: false }, '9F6B': { sensitive: false } } } });
    const text = describe(emv([{ tag: '5A', value: bytes(PAN) }, { tag: '57', value: bytes(`${PAN}D2812101`) }, { tag: '9F6B', value: bytes(`${PAN}D2812`) }]), spec);
    expect(lineOf(text, '55.5A')).toMatch(/411111\*{6}1111$/);
    expect(lineOf(text, '55.57')).toMatch(/\[hidden, 12 bytes\]$/);
    expect(lineOf(text, '55.9F6B')).toMatch(/\[hidden, 10 bytes\]$/);
    expect(text).not.toContain(PAN);
  });

  it('hides TLV entries of a sensitive field unless declared non-sensitive, known tags included', () => {
    const tlv = (sensitive: boolean | undefined): MessageSpec =>
      withSubfields({ ...flat, fields: { ...flat.fields, 48: { ...flat.fields[48]!, ...(sensitive === undefined ? {} : { sensitive }) } } }, {
        48: {
          type: 'tlv',
          tagLength: 2,
          lengthDigits: 2,
          encoding: 'ascii',
          tags: { '01': { kind: 'ans', length: 20, encoding: 'ascii', sensitive: false }, '02': { kind: 'ans', length: 20, encoding: 'ascii' }, '04': { kind: 'n', length: 19, encoding: 'ascii', sensitive: 'pan' } },
        },
      });
    const message: Message = { mti: '0100', fields: { 48: [{ tag: '01', value: 'PUBLIC' }, { tag: '02', value: 'KNOWN' }, { tag: '03', value: 'UNKNOWN' }, { tag: '04', value: PAN }] } };
    const secret = describe(message, tlv(true));
    expect(lineOf(secret, '48.01')).toMatch(/"PUBLIC"$/);
    expect(lineOf(secret, '48.02')).toMatch(/\[hidden, 5 chars\]$/);
    expect(lineOf(secret, '48.03')).toMatch(/\[hidden, 7 chars\]$/);
    expect(lineOf(secret, '48.04')).toMatch(/411111\*{6}1111$/);
    const open = describe(message, tlv(undefined));
    expect(lineOf(open, '48.02')).toMatch(/"KNOWN"$/);
    expect(lineOf(open, '48.03')).toMatch(/"UNKNOWN"$/);
    expect(lineOf(open, '48.04')).toMatch(/411111\*{6}1111$/);
  });

  it('hides positional and bitmapped subfields of a sensitive field unless declared non-sensitive', () => {
    const sub = (sensitive: boolean | 'pan' | undefined, length: number) => ({ kind: 'ans' as const, length, encoding: 'ascii' as const, ...(sensitive === undefined ? {} : { sensitive }) });
    const spec = withSubfields({ ...flat, fields: { ...flat.fields, 48: { ...flat.fields[48]!, sensitive: true } } }, {
      48: { type: 'positional', fields: { 1: sub(false, 4), 2: sub(undefined, 4), 3: sub('pan', 16) } },
    });
    const text = describe({ mti: '0100', fields: { 48: { 1: 'OPEN', 2: 'SHUT', 3: PAN } } }, spec);
    expect(lineOf(text, '48.1')).toMatch(/"OPEN"$/);
    expect(lineOf(text, '48.2')).toMatch(/\[hidden, 4 chars\]$/);
    expect(lineOf(text, '48.3')).toMatch(/411111\*{6}1111$/);
    const bitmapped = describe({ mti: '0100', fields: { 127: { 2: 'PRIVATE' } } }, structuredPreset(flat));
    expect(lineOf(bitmapped, '127.2')).toMatch(/"PRIVATE"$/);
    const secret127 = structuredPreset({ ...flat, fields: { ...flat.fields, 127: { ...flat.fields[127]!, sensitive: true } } });
    expect(lineOf(describe({ mti: '0100', fields: { 127: { 2: 'PRIVATE' } } }, secret127), '127.2')).toMatch(/\[hidden, 7 chars\]$/);
  });

  it('masks Track 2 in every form: a track2 field not marked sensitive, and Track 2 as a subfield', () => {
    const track = { pan: PAN, expiry: '2812', serviceCode: '101', discretionary: '99' };
    const unmarked = { ...flat, fields: { ...flat.fields, 35: { ...flat.fields[35]!, sensitive: false, subfields: { type: 'track2' } } } } as MessageSpec;
    const text = describe({ mti: '0100', fields: { 35: track } }, unmarked);
    expect(lineOf(text, '35.pan')).toMatch(/411111\*{6}1111$/);
    expect(lineOf(text, '35.expiry')).toMatch(/\[hidden, 4 chars\]$/);
    expect(lineOf(text, '35.serviceCode')).toMatch(/\[hidden, 3 chars\]$/);
    expect(lineOf(text, '35.discretionary')).toMatch(/\[hidden, 2 chars\]$/);
    const nested = withSubfields(flat, {
      48: { type: 'positional', fields: { 1: { kind: 'z', length: 37, prefix: 'LL/ascii', encoding: 'ascii', subfields: { type: 'track2' } } } },
    });
    const inner = describe({ mti: '0100', fields: { 48: { 1: track } } }, nested);
    expect(lineOf(inner, '48.1.pan')).toMatch(/411111\*{6}1111$/);
    expect(inner).not.toContain(PAN);
    expect(inner).not.toContain('2812');
  });

  it('hides an MTI that is not four digits, and shows a header in clear', () => {
    expect(describe({ mti: PAN, fields: {} }, flat)).toMatch(/^MTI\s+\[hidden, 16 chars\] \(not a valid MTI\)$/);
    expect(describe({ mti: '01x0', fields: {} }, flat, { unmask: true })).toMatch(/^MTI\s+"01x0" \(not a valid MTI\)$/);
    const withHeader: MessageSpec = { ...flat, header: { length: 3, encoding: 'ascii' } };
    expect(describe({ mti: '0800', header: 'ISO', fields: {} }, withHeader)).toMatch(/^header\s+Header\s+"ISO"$/m);
  });
});
