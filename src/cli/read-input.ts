import { readFile } from 'node:fs/promises';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { parseHexText } from '../message/hex-text.js';

/** Where the CLI reads from: a readable stream for stdin. */
export type InputStream = AsyncIterable<Uint8Array | string>;

/** What the usual file-system failures mean, by their stable Node.js code. */
const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
};

/**
 * Names a path for an error text: quoted, unless it holds 8 or more digits in a row. A path is not card data, but
 * a hex frame mistyped on the command line is taken for a path, and the frame of a BCD spec spells its PAN digits.
 */
export function pathLabel(path: string): string {
  return /[0-9]{8}/.test(path) ? 'a file whose name is not shown (it holds 8 or more digits in a row)' : JSON.stringify(path);
}

function reasonOf(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return 'unreadable';
  return FS_REASONS[code] === undefined ? code : `${code}: ${FS_REASONS[code]}`;
}

/**
 * Reads a whole file; a missing, unreadable or directory path is bad input (`INVALID_INPUT`, exit status 2) whose
 * text names the path and the reason, never the file's content.
 */
export async function readInputFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new Iso8583Error(ErrorCode.INVALID_INPUT, `cannot read ${what} ${pathLabel(path)} (${reasonOf(e)})`);
  }
}

/** Reads all of a stream into one buffer; a failing stream is bad input (`INVALID_INPUT`). */
export async function readAll(stream: InputStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  try {
    for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  } catch (e) {
    throw new Iso8583Error(ErrorCode.INVALID_INPUT, `cannot read standard input (${reasonOf(e)})`);
  }
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
  else bytes = await readInputFile(arg, 'the input file');
  if (mode.raw) return bytes;
  if (mode.hex || looksLikeHexText(bytes)) return parseHexText(Buffer.from(bytes).toString('latin1'));
  return bytes;
}

/** Reads a JSON document from a file or stdin (`-` or nothing). */
export async function readJsonInput(arg: string | undefined, stdin: InputStream): Promise<string> {
  const bytes = arg === undefined || arg === '-' ? await readAll(stdin) : await readInputFile(arg, 'the input file');
  return Buffer.from(bytes).toString('utf8');
}
