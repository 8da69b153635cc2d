import { readFile } from 'node:fs/promises';
import { parseHexText } from '../message/hex-text.js';

/** Where the CLI reads from: a readable stream for stdin. */
export type InputStream = AsyncIterable<Uint8Array | string>;

/** Reads all of a stream into one buffer. */
export async function readAll(stream: InputStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Tells whether bytes look like (annotated) hex text: hex digits, white space and `#` comments only. */
export function looksLikeHexText(bytes: Uint8Array): boolean {
  let inComment = false;
  for (const b of bytes) {
    if (inComment) {
      if (b === 0x0a) inComment = false;
      continue;
    }
    if (b === 0x23) inComment = true;
    else if (!(b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66))) {
      return false;
    }
  }
  return true;
}

/**
 * Resolves the frame to decode: a hex argument, a file (annotated hex or raw bytes), or stdin (`-` or nothing).
 *
 * Why: operators paste hex from logs, keep annotated fixtures, and pipe raw captures; one command takes all three.
 */
export async function readFrameInput(
  arg: string | undefined,
  stdin: InputStream,
  mode: { raw: boolean; hex: boolean },
): Promise<Uint8Array> {
  let bytes: Uint8Array;
  if (arg === undefined || arg === '-') bytes = await readAll(stdin);
  else if (/^[0-9a-fA-F\s]+$/.test(arg) && !mode.raw) return parseHexText(arg);
  else bytes = await readFile(arg);
  if (mode.raw) return bytes;
  if (mode.hex || looksLikeHexText(bytes)) return parseHexText(Buffer.from(bytes).toString('latin1'));
  return bytes;
}

/** Reads a JSON document from a file or stdin (`-` or nothing). */
export async function readJsonInput(arg: string | undefined, stdin: InputStream): Promise<string> {
  const bytes = arg === undefined || arg === '-' ? await readAll(stdin) : await readFile(arg);
  return Buffer.from(bytes).toString('utf8');
}
