import { describe, expect, it } from 'vitest';
import { CASES } from '../bench/cases.js';
import { decodeAsciiByHand, decodeBcdByHand, encodeAsciiByHand, encodeBcdByHand } from '../bench/ceiling.js';
import { FLOOR } from '../bench/floor.js';
import { digestsOnly, INTENT_REQUESTS, intentOfRequest } from '../bench/intent-cases.js';
import { peerDecode, peerEncode, toPeerData } from '../bench/peer.js';
import { createCodec, type MessageSpec, presets } from 'iso8583-codec';

describe('benchmark contenders agree on every case (smoke run)', () => {
  for (const c of CASES) {
    // The cases are dynamic messages (their preset is chosen per case), so the codec is asked for the dynamic type.
    const codec = createCodec<MessageSpec>(presets[c.preset]);
    const ascii = c.preset === 'iso87ascii';

    it(`${c.name}: ours and the hand-written code decode the frame to the same message`, () => {
      const hand = ascii ? decodeAsciiByHand : decodeBcdByHand;
      for (let i = 0; i < 3; i++) {
        expect(codec.decode(c.frame)).toEqual(c.message);
        expect(hand(c.frame)).toEqual(c.message);
      }
    });

    it(`${c.name}: ours and the hand-written code encode the message to the same frame`, () => {
      const hand = ascii ? encodeAsciiByHand : encodeBcdByHand;
      expect(codec.encode(c.message)).toEqual(c.frame);
      expect(hand(c.message)).toEqual(c.frame);
    });

    it(`${c.name}: the floor decodes the frame to the same message and encodes it to the same frame`, () => {
      const floor = FLOOR[c.name[0]!]!;
      expect(floor.decode(c.frame)).toStrictEqual(codec.decode(c.frame));
      expect(floor.encode(c.message)).toStrictEqual(codec.encode(c.message));
    });

    // The peer library (iso_8583) is a contender on the ASCII cases only: the others have no such test.
    if (ascii) {
      it(`${c.name}: iso_8583 round-trips the same content in its own frame`, () => {
        const data = toPeerData(c.message);
        const back = peerDecode(peerEncode(data));
        expect(Object.keys(data).length).toBeGreaterThan(0);
        for (const [k, v] of Object.entries(data)) expect(String(back[k]).toUpperCase()).toBe(v.toUpperCase());
      });
    }
  }

  it('the peer library meets at least one case', () => {
    expect(CASES.some((c) => c.preset === 'iso87ascii')).toBe(true);
  });

  it('the hand-written decoders reject what ours rejects: truncation and trailing bytes', () => {
    const a = CASES[0]!;
    expect(() => decodeAsciiByHand(a.frame.subarray(0, a.frame.length - 1))).toThrow();
    expect(() => decodeAsciiByHand(Uint8Array.from([...a.frame, 0x30]))).toThrow();
  });
});

describe('the intent benchmark floor computes the digests intentOf computes (smoke run)', () => {
  it('gives the same lookup key and request digest as intentOf for every request of the bench', () => {
    for (const m of INTENT_REQUESTS) {
      const intent = intentOfRequest(m);
      expect(intent?.kind).toBe('authorize');
      const request = intent?.kind === 'authorize' ? intent.request : undefined;
      expect(digestsOnly(m)).toEqual({ panKey: request?.panKey, requestHash: request?.requestHash });
    }
  });
});
