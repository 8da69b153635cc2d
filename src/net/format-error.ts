/**
 * What the server reads from a frame that did not decode, and the default format-error answer built from it.
 */
import { responseMti } from '../message/mti.js';
import type { Message } from '../spec/types.js';
import { DEFAULT_MATCH_FIELDS, type FramePeek, type MessageCodec } from './message-codec.js';
import { mtiKind } from './mti-kind.js';

/** Reads the MTI digits at the start of a frame (ASCII, EBCDIC or BCD), if they look like one. */
export function guessMti(frame: Uint8Array): string | undefined {
  const text = (map: (b: number) => number): string | undefined => {
    let s = '';
    for (let i = 0; i < 4; i++) {
      const d = map(frame[i] ?? 0xff);
      if (d < 0 || d > 9) return undefined;
      s += d;
    }
    return s;
  };
  if (frame.length >= 4) {
    const mti = text((b) => b - 0x30) ?? text((b) => b - 0xf0);
    if (mti !== undefined) return mti;
  }
  const digit = (b: number): boolean => b >> 4 < 10 && (b & 15) < 10;
  return frame.length >= 2 && digit(frame[0]!) && digit(frame[1]!)
    ? `${frame[0]! >> 4}${frame[0]! & 15}${frame[1]! >> 4}${frame[1]! & 15}`
    : undefined;
}

/**
 * The MTI and matching fields of an undecodable frame: through the codec's `peek` when it has one (it knows the
 * spec's header and encodings), else the MTI guessed from the first bytes and no fields.
 */
export function peekFrame(codec: Pick<MessageCodec, 'peek'>, frame: Uint8Array): FramePeek {
  if (typeof codec.peek === 'function') {
    try {
      const read = codec.peek(frame, DEFAULT_MATCH_FIELDS);
      const mti = typeof read?.mti === 'string' && /^[0-9]{4}$/.test(read.mti) ? read.mti : undefined;
      return { mti, fields: typeof read?.fields === 'object' && read.fields !== null ? read.fields : {} };
    } catch {
      // peek is documented never to throw; a codec of the caller's own that does is treated as unreadable.
      return { mti: undefined, fields: {} };
    }
  }
  return { mti: guessMti(frame), fields: {} };
}

/**
 * The default format-error answer: the response MTI, DE39 `30`, and the request's DE11 and DE41 when they could
 * be read, so the sender's client pairs it with its request. `undefined` (send nothing) when there is no request
 * MTI to answer: none could be read, or it is a response, or its message function (8, 9) has no response MTI.
 */
export function defaultFormatError(read: FramePeek): Message | undefined {
  const { mti } = read;
  if (mti === undefined || mtiKind(mti) !== 'request') return undefined;
  const fields: Message['fields'] = {};
  for (const n of DEFAULT_MATCH_FIELDS) if (read.fields[n] !== undefined) fields[n] = read.fields[n];
  fields[39] = '30';
  return { mti: responseMti(mti), fields };
}
