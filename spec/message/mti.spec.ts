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
