/**
 * Adapter for the npm package `iso_8583` (the best-known JavaScript ISO 8583 library), used only by the benchmark.
 *
 * What it can express: ASCII layouts only (no BCD, no EBCDIC). It always writes a secondary bitmap, frames carry its
 * 2-byte length header, and a binary DE55 has to travel as hex text (its `b` type packs only fixed fields). So the
 * peer decodes and encodes the same message content in the closest frame it can produce; case (d), BCD, is skipped.
 */
import { createRequire } from 'node:module';
import type { Message } from 'iso8583-codec';

interface PeerInstance {
  getBufferMessage(): Buffer | { error: string };
  getIsoJSON(frame: Buffer): Record<string, string> | { error: string };
}
type PeerClass = new (data?: Record<string, string>, formats?: Record<string, unknown>) => PeerInstance;

const Peer = createRequire(import.meta.url)('iso_8583') as PeerClass;
/** DE55 as a variable binary field carried in hex (the only way the peer carries it). */
const FORMATS = { 55: { ContentType: 'b', Label: 'ICC data', LenType: 'lllvar', MaxLen: 999 } };

/** The message in the peer's shape: `0` is the MTI, values are strings, bytes as hex. */
export function toPeerData(m: Message): Record<string, string> {
  const data: Record<string, string> = { 0: m.mti };
  for (const [k, v] of Object.entries(m.fields)) {
    if (v !== undefined) data[k] = typeof v === 'string' ? v : Buffer.from(v as Uint8Array).toString('hex').toUpperCase();
  }
  return data;
}

/** Encodes with the peer; throws if it reports an error. */
export function peerEncode(data: Record<string, string>): Buffer {
  const out = new Peer(data, FORMATS).getBufferMessage();
  if (!Buffer.isBuffer(out)) throw new Error(`iso_8583 failed to encode: ${out.error}`);
  return out;
}

/** Decodes with the peer; throws if it reports an error. */
export function peerDecode(frame: Buffer): Record<string, string> {
  const out = new Peer(undefined, FORMATS).getIsoJSON(frame);
  if ('error' in out && typeof out.error === 'string') throw new Error(`iso_8583 failed to decode: ${out.error}`);
  return out as Record<string, string>;
}
