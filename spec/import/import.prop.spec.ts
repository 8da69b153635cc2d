import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importJposPackager, importMoovSpec, importPyiso8583Spec, isIso8583Error } from '../../src/index.js';
import { FIXTURES } from '../helpers/fixtures.js';

/** Runs `fn` and says whether it returned or threw an Iso8583Error (anything else fails the property). */
function onlyIso8583Errors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    return isIso8583Error(e);
  }
}

const xmlFiles = ['ascii.xml', 'binary.xml', 'ebcdic.xml'].map((f) => readFileSync(join(FIXTURES, 'jpos', f), 'utf8'));
const jsonFiles = [
  [importMoovSpec, readFileSync(join(FIXTURES, 'moov', 'ascii.json'), 'utf8')],
  [importMoovSpec, readFileSync(join(FIXTURES, 'moov', 'binary.json'), 'utf8')],
  [importPyiso8583Spec, readFileSync(join(FIXTURES, 'pyiso8583', 'spec.json'), 'utf8')],
] as const;

/** A text with one span replaced: the mutations a hand-edited file suffers. */
const mutated = (texts: readonly string[]) =>
  fc.tuple(fc.constantFrom(...texts), fc.nat(), fc.nat({ max: 40 }), fc.string({ maxLength: 20 })).map(([t, at, cut, insert]) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + insert + t.slice(i + cut);
  });

describe('the importers for any input', () => {
  it('importJposPackager returns a spec or throws an Iso8583Error, for random and mutated text', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), mutated(xmlFiles)), (text) => onlyIso8583Errors(() => importJposPackager(text))), { numRuns: 2000 });
  });

  it('importMoovSpec and importPyiso8583Spec do the same for mutated JSON and for any JSON value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.oneof(mutated(jsonFiles.map(([, t]) => t)), fc.json()), (k, text) => onlyIso8583Errors(() => jsonFiles[k]![0](text))),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(fc.jsonValue(), (value) => onlyIso8583Errors(() => importMoovSpec(value)) && onlyIso8583Errors(() => importPyiso8583Spec(value))), { numRuns: 1000 });
  });

  it('refuses elements nested past the reader depth, and proxies whose traps throw, as Iso8583Errors', () => {
    const deep = `<isopackager>${'<isofield>'.repeat(100_000)}`;
    expect(onlyIso8583Errors(() => importJposPackager(deep))).toBe(true);
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('4111111111111111'); } });
    for (const fn of [() => importMoovSpec(trap), () => importPyiso8583Spec(trap), () => importJposPackager('<isopackager/>', trap as never)]) {
      try {
        fn();
        expect.unreachable();
      } catch (e) {
        expect(isIso8583Error(e)).toBe(true);
        expect(String(e)).not.toContain('4111111111111111');
      }
    }
  });
});
