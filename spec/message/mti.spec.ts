import { describe, expect, it } from 'vitest';
import { adviceMti, isRepeatMti, isResponseMti, mtiParts, repeatMti, responseMti } from '../../src/index.js';
import { catchIso } from './errors-helper.js';

describe('mtiParts', () => {
  it('splits version, class, function and origin with their names', () => {
    expect(mtiParts('0100')).toMatchObject({
      version: '0',
      messageClass: '1',
      messageFunction: '0',
      origin: '0',
      versionName: 'ISO 8583:1987',
      className: 'authorization',
      functionName: 'request',
      originName: 'acquirer',
    });
    expect(mtiParts('1421').className).toBe('reversal or chargeback');
    expect(mtiParts('0421').originName).toBe('acquirer repeat');
  });

  it('names the version digit: 0 is 1987, 1 is 1993, 2 is 2003, 8 national, 9 private, the rest reserved', () => {
    expect(mtiParts('0100')).toMatchObject({ version: '0', year: 1987, versionName: 'ISO 8583:1987' });
    expect(mtiParts('1100')).toMatchObject({ version: '1', year: 1993, versionName: 'ISO 8583:1993' });
    expect(mtiParts('2100')).toMatchObject({ version: '2', year: 2003, versionName: 'ISO 8583:2003' });
    expect(mtiParts('8100')).toMatchObject({ year: undefined, versionName: 'national use' });
    expect(mtiParts('9100')).toMatchObject({ year: undefined, versionName: 'private use' });
    for (const v of '34567') expect(mtiParts(`${v}100`)).toMatchObject({ year: undefined, versionName: 'reserved' });
  });

  it('gives class, function and origin the same meaning in every version', () => {
    for (const rest of ['100', '110', '120', '200', '210', '304', '421', '502', '643', '760', '800', '813', '962', '875']) {
      const [v87, v93, v03] = ['0', '1', '2'].map((v) => mtiParts(`${v}${rest}`));
      for (const p of [v93!, v03!]) {
        expect({ c: p.className, f: p.functionName, o: p.originName }).toEqual({ c: v87!.className, f: v87!.functionName, o: v87!.originName });
      }
    }
    expect(mtiParts('1200')).toMatchObject({ className: 'financial', functionName: 'request', originName: 'acquirer' });
    expect(mtiParts('2213')).toMatchObject({ className: 'financial', functionName: 'request response', originName: 'issuer repeat' });
    expect(mtiParts('1804')).toMatchObject({ className: 'network management', functionName: 'request', originName: 'other' });
    expect(mtiParts('2160')).toMatchObject({ functionName: 'instruction' });
  });

  it('rejects anything but four digits', () => {
    for (const bad of ['100', '01000', '01a0', '', 100 as never]) expect(catchIso(() => mtiParts(bad)).code).toBe('INVALID_MTI');
  });
});

describe('responseMti', () => {
  it('answers requests, advices and repeats', () => {
    expect(responseMti('0100')).toBe('0110');
    expect(responseMti('0101')).toBe('0110');
    expect(responseMti('0120')).toBe('0130');
    expect(responseMti('0200')).toBe('0210');
    expect(responseMti('0420')).toBe('0430');
    expect(responseMti('0421')).toBe('0430');
    expect(responseMti('0800')).toBe('0810');
    expect(responseMti('1100')).toBe('1110');
  });

  it('refuses to answer an answer', () => {
    expect(catchIso(() => responseMti('0110')).code).toBe('INVALID_MTI');
  });
});

describe('the MTI helpers on 1993 and 2003 MTIs', () => {
  it('keep the version digit', () => {
    expect(responseMti('1200')).toBe('1210');
    expect(responseMti('2101')).toBe('2110');
    expect(repeatMti('1420')).toBe('1421');
    expect(adviceMti('2100')).toBe('2120');
    expect(isResponseMti('1814')).toBe(true);
    expect(isRepeatMti('2221')).toBe(true);
  });
});

describe('repeat and advice variants', () => {
  it('derive the repeat and advice MTIs', () => {
    expect(repeatMti('0100')).toBe('0101');
    expect(repeatMti('0101')).toBe('0101');
    expect(repeatMti('0420')).toBe('0421');
    expect(adviceMti('0100')).toBe('0120');
    expect(adviceMti('0400')).toBe('0420');
    expect(catchIso(() => adviceMti('0110')).code).toBe('INVALID_MTI');
  });

  it('tell repeats and responses apart', () => {
    expect(isRepeatMti('0101')).toBe(true);
    expect(isRepeatMti('0100')).toBe(false);
    expect(isResponseMti('0110')).toBe(true);
    expect(isResponseMti('0120')).toBe(false);
  });
});
