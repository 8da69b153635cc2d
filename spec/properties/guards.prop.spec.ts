import fc from 'fast-check';
import { describe as group, expect, it } from 'vitest';
import {
  describe,
  isIso8583Error,
  type Message,
  type MessageSpec,
  messageFromJSON,
  messageToJSON,
  messageToMaskedJSON,
  presets,
  structuredPreset,
} from '../../src/index.js';
import { arbitraryMessage } from '../../src/testing/index.js';
import { FUZZ_RUNS } from './budget.js';

/**
 * describe, messageToJSON, messageToMaskedJSON and messageFromJSON are guarded like the codec: for any input the
 * only thing that escapes is an Iso8583Error. Each property counts how many calls returned and how many threw, so
 * that it cannot pass by never reaching one of the two paths.
 */
/** A fixed seed, so that the counts of both outcomes are reproducible; FUZZ_SEED=n explores others. */
const SEED = Number(process.env.FUZZ_SEED ?? 8583);
const PAN = '4111111111111111';

const specs: MessageSpec[] = [
  structuredPreset(presets.iso87ascii, {
    de48: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii', tags: { '01': { kind: 'ans', length: 20, encoding: 'ascii' } } },
  }),
  structuredPreset(presets.iso87binary),
  presets.iso87ebcdic,
];

type Outcome = 'returned' | 'threw';
type Tally = Record<Outcome, number>;

/** Runs `fn`: an Iso8583Error counts as `threw`, anything else thrown fails the property (it is rethrown). */
function outcome(fn: () => unknown): Outcome {
  try {
    fn();
    return 'returned';
  } catch (e) {
    if (!isIso8583Error(e)) throw e;
    expect(e.code).toMatch(/^[A-Z_]+$/);
    return 'threw';
  }
}

const calls = {
  describe: (m: unknown, spec: MessageSpec) => describe(m as Message, spec),
  messageToJSON: (m: unknown, spec: MessageSpec) => messageToJSON(m as Message, spec),
  messageToMaskedJSON: (m: unknown, spec: MessageSpec) => messageToMaskedJSON(m as Message, spec),
  messageFromJSON: (m: unknown, spec: MessageSpec) => messageFromJSON(m, spec),
};
type CallName = keyof typeof calls;

function tallies(): Record<CallName, Tally> {
  return Object.fromEntries(Object.keys(calls).map((k) => [k, { returned: 0, threw: 0 }])) as Record<CallName, Tally>;
}

function throwing(): never {
  throw new TypeError(`hostile ${PAN}`);
}

/** An object whose every property read throws, with a PAN in the exception's text. */
function getterBomb(keys: readonly string[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const k of keys) Object.defineProperty(o, k, { enumerable: true, get: throwing });
  return o;
}

/** A Uint8Array subclass whose `length` lies. */
class LyingBytes extends Uint8Array {
  override get length(): number {
    return 2 ** 31;
  }
}

const cyclicList: { tag: string; value: unknown }[] = [];
cyclicList.push({ tag: '70', value: cyclicList });
const cyclicObject: Record<string, unknown> = {};
cyclicObject['1'] = cyclicObject;

/** The hostile values that cannot be printed (their getters and traps throw): generated as names, made late. */
const SPECIALS = ['cyclic-list', 'cyclic-object', 'getter-bomb', 'list-of-bombs', 'throwing-proxy', 'throwing-array-proxy', 'revoked-proxy'] as const;

class Special {
  constructor(readonly name: (typeof SPECIALS)[number]) {}
  [fc.toStringMethod](): string {
    return `<${this.name}>`;
  }
  make(): unknown {
    switch (this.name) {
      case 'cyclic-list':
        return cyclicList;
      case 'cyclic-object':
        return cyclicObject;
      case 'getter-bomb':
        return getterBomb(['pan', 'tag', 'value', '1', '2']);
      case 'list-of-bombs':
        return [getterBomb(['tag', 'value'])];
      case 'throwing-proxy':
        return new Proxy({}, { ownKeys: throwing, get: throwing, getOwnPropertyDescriptor: throwing, getPrototypeOf: throwing });
      case 'throwing-array-proxy':
        return new Proxy([], { get: throwing });
      case 'revoked-proxy': {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      }
    }
  }
}

/** A generated value, with the specials made. */
const made = (v: unknown): unknown => (v instanceof Special ? v.make() : v);

/** Values of every kind that a message object should not hold, and some it may. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
  }),
  fc.uint8Array({ maxLength: 16 }).chain((b) =>
    fc.constantFrom<unknown>(b, Buffer.from(b), new LyingBytes(b), new Proxy(b, {}), new Uint8ClampedArray(b), new Int16Array(b.length), b.buffer, toString(b)),
  ),
  fc.array(
    fc.record(
      {
        tag: fc.oneof(fc.constantFrom('9F02', '5A', '57', '70', 'DF01', 'ZZ', '01', '1F', PAN), fc.string({ maxLength: 6 })),
        value: fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.string({ maxLength: 8 }), fc.constant([]), fc.anything({ maxDepth: 1 })),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 4 },
  ),
  fc.record(
    { pan: fc.oneof(fc.constant(PAN), fc.anything({ maxDepth: 0 })), expiry: fc.string(), serviceCode: fc.string(), discretionary: fc.anything({ maxDepth: 0 }) },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.oneof(fc.constantFrom('1', '2', '3', '65', PAN), fc.string({ maxLength: 4 })), fc.oneof(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 1 })), {
    maxKeys: 3,
  }),
  fc.constantFrom(...SPECIALS.map((name) => new Special(name))),
);

function toString(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** One edit of a well-formed message (or of its JSON form), to make it hostile in one place. */
const edit = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key: fc.oneof(fc.constantFrom('2', '4', '35', '48', '52', '55', '127'), fc.string({ maxLength: 4 })), value: hostile }),
  fc.record({ op: fc.constant('inner' as const), at: fc.nat(), value: hostile }),
  fc.record({ op: fc.constant('mti' as const), value: hostile }),
  fc.record({ op: fc.constant('getter' as const), key: fc.constantFrom('2', '55', 'mti', 'fields') }),
  fc.record({ op: fc.constant('wrap' as const), how: fc.constantFrom('proxy', 'revoked', 'throwing-proxy') }),
);
type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

function applyEdits(message: Record<string, unknown>, edits: readonly Edit[]): unknown {
  const fields: Record<string, unknown> = { ...(message.fields as Record<string, unknown>) };
  const m: Record<string, unknown> = { ...message, fields };
  // Edits that read the message go first (inner edits reach into the well-formed values), then those that only
  // write, then getters and a proxy (those of the message itself after those of its fields).
  const rank = (e: Edit): number => (e.op === 'inner' ? 0 : e.op === 'wrap' ? 4 : e.op === 'getter' ? (e.key === 'mti' || e.key === 'fields' ? 3 : 2) : 1);
  const ordered = [...edits].sort((a, b) => rank(a) - rank(b));
  let out: unknown = m;
  for (const e of ordered) {
    switch (e.op) {
      case 'set':
        fields[e.key] = made(e.value);
        break;
      case 'inner': {
        // Reach into a structured value present in the message: a list entry or a subfield.
        const keys = Object.keys(fields);
        const key = keys[e.at % Math.max(keys.length, 1)];
        const target = key === undefined ? undefined : fields[key];
        if (key === undefined) break;
        if (Array.isArray(target) && target.length > 0) {
          const copy = [...target];
          copy[e.at % copy.length] = made(e.value);
          fields[key] = copy;
        } else if (typeof target === 'object' && target !== null && !(target instanceof Uint8Array)) {
          const sub = Object.keys(target);
          fields[key] = { ...target, [sub.length === 0 ? '1' : sub[e.at % sub.length]!]: made(e.value) };
        }
        break;
      }
      case 'mti':
        m.mti = made(e.value);
        break;
      case 'getter':
        Object.defineProperty(e.key === 'mti' || e.key === 'fields' ? m : fields, e.key, { enumerable: true, configurable: true, get: throwing });
        break;
      case 'wrap':
        if (out !== m) break;
        if (e.how === 'proxy') out = new Proxy(m, {});
        else if (e.how === 'throwing-proxy') out = new Proxy(m, { get: throwing });
        else {
          const { proxy, revoke } = Proxy.revocable(m, {});
          revoke();
          out = proxy;
        }
        break;
    }
  }
  return out;
}

/** A well-formed message of one of the specs, then 0–3 hostile edits (none in about a third of the cases). */
const specIndex = fc.integer({ min: 0, max: specs.length - 1 });
const hostileMessage = specIndex.chain((i) =>
  fc.record({
    spec: fc.constant(i),
    message: arbitraryMessage(specs[i]!, { maxFields: 6 }),
    edits: fc.oneof(fc.constant([]), fc.array(edit, { minLength: 1, maxLength: 3 })),
  }),
);

group('guarded display and JSON functions', () => {
  it('only ever throw an Iso8583Error for any value at all (fc.anything)', () => {
    const count = tallies();
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true }), specIndex, (value, i) => {
        const spec = specs[i]!;
        for (const [name, call] of Object.entries(calls)) count[name as CallName][outcome(() => call(value, spec))]++;
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
    // Almost nothing random is a message: each function must at least have been made to throw.
    for (const [name, t] of Object.entries(count)) expect(t.threw, name).toBeGreaterThan(0);
  });

  it('only ever throw an Iso8583Error for messages with hostile parts, and return for the well-formed ones', () => {
    const count = tallies();
    fc.assert(
      fc.property(hostileMessage, ({ spec: i, message, edits }) => {
        const spec = specs[i]!;
        const target = applyEdits(message as unknown as Record<string, unknown>, edits);
        for (const name of ['describe', 'messageToJSON', 'messageToMaskedJSON'] as const) count[name][outcome(() => calls[name](target, spec))]++;
        // messageFromJSON reads the JSON form: the same edits applied to it.
        const json = applyEdits(messageToJSON(message as Message, spec) as unknown as Record<string, unknown>, edits);
        count.messageFromJSON[outcome(() => messageFromJSON(json, spec))]++;
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
    for (const [name, t] of Object.entries(count)) {
      expect(t.returned, `${name} returned`).toBeGreaterThan(0);
      expect(t.threw, `${name} threw`).toBeGreaterThan(0);
    }
  });

  it('fail (the checker is not vacuous) when a function throws something other than an Iso8583Error', () => {
    const result = fc.check(
      fc.property(hostileMessage, ({ spec: i, message, edits }) => {
        const spec = specs[i]!;
        const target = applyEdits(message as unknown as Record<string, unknown>, edits);
        outcome(() => {
          // The unguarded behaviour describe had: reading the structure blindly.
          const m = target as Message;
          return Object.entries(m.fields).map(([k, v]) => [k, spec.fields[Number(k)], (v as { length: number }).length.toFixed()]);
        });
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
    expect(result.failed).toBe(true);
  });
});

/** A PAN of 12–19 digits whose first digit (3–6) is a card network's. */
const pan = fc.tuple(fc.integer({ min: 3, max: 6 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 18 })).map(([first, rest]) => `${first}${rest.join('')}`);

const bcd = (digits: string) => Uint8Array.from(Buffer.from(digits.length % 2 === 0 ? digits : `${digits}F`, 'hex'));

/** A message carrying `p` wherever card data goes: DE2, DE34, Track 1 and 2, EMV 5A, 57, 9F6B and a proprietary tag. */
function cardMessage(p: string, expiry: string, structured: boolean): Message {
  const track2 = `${p}=${expiry}1010000012300000`;
  const fields: Message['fields'] = {
    2: p,
    4: '000000012550',
    11: '000001',
    34: p,
    41: 'TERM0001',
    45: `B${p}^CARDHOLDER/JANE^${expiry}1010000000000000`,
    52: bcd(p.slice(0, 16).padEnd(16, '0')),
  };
  if (structured) {
    fields[35] = { pan: p, expiry, serviceCode: '101', discretionary: '0000012300000' };
    fields[55] = [
      { tag: '9F02', value: bcd('000000012550') },
      { tag: '5A', value: bcd(p) },
      { tag: '57', value: bcd(`${p}D${expiry}101`) },
      { tag: '9F6B', value: bcd(`${p}D${expiry}`) },
      { tag: 'DF01', value: new TextEncoder().encode(p) },
      { tag: '70', value: [{ tag: 'DF02', value: bcd(p) }] },
    ];
  } else {
    fields[35] = track2;
    fields[55] = new TextEncoder().encode(`5A08${p}`);
  }
  return { mti: '0100', fields };
}

/** Ways of putting a PAN where it does not belong, each of which must end in an error that does not quote it. */
function misplaced(p: string, how: number): unknown {
  const cases: unknown[] = [
    { mti: '0100', fields: { [p]: '1' } },
    { mti: '0100', fields: { 2: Number(p) } },
    { mti: '0100', fields: { 55: [{ tag: p, value: new Uint8Array(1) }] } },
    { mti: '0100', fields: { 55: [{ tag: '5A', value: p }] } },
    { mti: '0100', fields: { 35: { pan: p, expiry: Number(p) } } },
    { mti: '0100', fields: { 48: [{ tag: p, value: p }] } },
    { mti: '0100', fields: Object.defineProperty({}, '2', { enumerable: true, get: () => { throw new Error(`bad card ${p}`); } }) },
    { mti: Number(p), fields: {} },
    { mti: '0100', fields: { 127: { [p]: p } } },
  ];
  return cases[how % cases.length];
}

function errorText(e: unknown): string {
  if (!isIso8583Error(e)) throw e;
  return `${e.message} ${e.detail} ${String(e.field)} ${String(e)}`;
}

group('card data in output and errors', () => {
  it('never appears in describe output or masked JSON, whatever the PAN and wherever card data goes', () => {
    let checked = 0;
    fc.assert(
      fc.property(pan, fc.stringMatching(/^[0-9]{4}$/), specIndex, fc.constantFrom<6 | 8>(6, 8), (p, expiry, i, binLength) => {
        const spec = specs[i]!;
        const structured = spec.fields[55]!.subfields !== undefined;
        const message = cardMessage(p, expiry, structured);
        const text = describe(message, spec, { binLength });
        const json = JSON.stringify(messageToMaskedJSON(message, spec, { binLength }));
        for (const out of [text, json]) {
          expect(out).not.toContain(p);
          expect(out).not.toContain(p.slice(0, 12));
        }
        // Unmasked, the PAN is there: the check above looks at the right output.
        expect(describe(message, spec, { unmask: true })).toContain(p);
        checked++;
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
    expect(checked).toBe(FUZZ_RUNS);
  });

  it('never appears in the text, detail or field of an error, wherever the PAN was put', () => {
    const count = tallies();
    let optionErrors = 0;
    fc.assert(
      fc.property(pan, fc.nat(), specIndex, (p, how, i) => {
        const spec = specs[i]!;
        const value = misplaced(p, how);
        for (const [name, call] of Object.entries(calls)) {
          try {
            call(value, spec);
            count[name as CallName].returned++;
          } catch (e) {
            expect(errorText(e)).not.toContain(p);
            count[name as CallName].threw++;
          }
        }
        try {
          describe({ mti: '0100', fields: {} }, spec, { [p]: true } as never);
        } catch (e) {
          expect(errorText(e)).not.toContain(p);
          optionErrors++;
        }
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
    // Nearly every misplacement is refused (a digit string where JSON wants hex is not): errors were looked at.
    for (const [name, t] of Object.entries(count)) expect(t.threw, name).toBeGreaterThan(FUZZ_RUNS / 2);
    expect(optionErrors).toBe(FUZZ_RUNS);
  });
});
