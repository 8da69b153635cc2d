import { open } from 'node:fs/promises';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { parseHexText } from '../message/hex-text.js';

/** Where the CLI reads from: a readable stream for stdin. */
export type InputStream = AsyncIterable<Uint8Array | string>;

/**
 * Most bytes the CLI reads from one input: a frame (raw or as hex text), a JSON message, or a spec file: 1 MiB.
 *
 * Wire fact: a frame on the common 2-byte length header is at most 64 KiB (it counts at most 65,535), which is 128 KiB
 * as hex text and less than 1 MiB as annotated hex or JSON (a 4-byte header may carry more; the CLI refuses such a
 * frame); a spec table with descriptions is some 60 KiB. An input
 * is read in chunks and reading stops at the first byte past the limit, so `/dev/zero` costs no more than this.
 */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** Bytes read from a file at a time. */
const CHUNK_BYTES = 64 * 1024;

/**
 * An input larger than {@link MAX_INPUT_BYTES}: reported with code `INPUT_TOO_LARGE` and exit status 2.
 *
 * Why: not an `Iso8583Error` of the library (the codec never reads files); the CLI's own code, like `USAGE`.
 */
export class InputTooLargeError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'InputTooLargeError';
  }
}

function tooLarge(what: string): InputTooLargeError {
  return new InputTooLargeError(`${what} is larger than ${MAX_INPUT_BYTES} bytes (1 MiB), the most the CLI reads`);
}

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

/** The failures that say the path names nothing: for such an input argument, it was perhaps not meant as a path. */
const NAMES_NOTHING: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP']);

/** The stable code of a file-system failure (`ENOENT` …), or `undefined`. */
function fsCode(e: unknown): string | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

function reasonOf(e: unknown): string {
  const code = fsCode(e);
  if (code === undefined) return 'unreadable';
  return FS_REASONS[code] === undefined ? code : `${code}: ${FS_REASONS[code]}`;
}

/** A file that cannot be read, as the CLI reports it. */
export class UnreadableFileError extends Iso8583Error {
  constructor(
    what: string,
    /** The file-system failure's code, such as `ENOENT`; `undefined` when it had none. */
    readonly fsCode: string | undefined,
    reason: string,
  ) {
    super(ErrorCode.INVALID_INPUT, `cannot read ${what} (${reason})`);
  }
}

/**
 * Reads a whole file in chunks, stopping at the first byte past {@link MAX_INPUT_BYTES}.
 *
 * The path is never named in an error, whatever it is: a hex frame pasted with separators (`:`, `,`, `0x`) is taken
 * for a path, and a file may be named after card data. The error says which input (`what`) and why: a missing,
 * unreadable or directory path is `INVALID_INPUT` (exit status 2) with the reason, such as `ENOENT: no such file or
 * directory`; a larger file is {@link InputTooLargeError}.
 */
export async function readInputFile(path: string, what: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new UnreadableFileError(what, fsCode(e), reasonOf(e));
  }
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(CHUNK_BYTES);
      let n: number;
      try {
        n = (await handle.read(chunk, 0, CHUNK_BYTES, null)).bytesRead;
      } catch (e) {
        // A directory opens, and fails here (EISDIR).
        throw new UnreadableFileError(what, fsCode(e), reasonOf(e));
      }
      if (n === 0) break;
      total += n;
      if (total > MAX_INPUT_BYTES) throw tooLarge(what);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Reads all of a stream into one buffer, stopping at the first byte past {@link MAX_INPUT_BYTES} (the stream is then
 * left, which destroys it); a failing stream is bad input (`INVALID_INPUT`).
 */
export async function readAll(stream: InputStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let iterator: AsyncIterator<Uint8Array | string> | undefined;
  try {
    iterator = stream[Symbol.asyncIterator]();
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      total += chunk.length;
      if (total > MAX_INPUT_BYTES) break;
      chunks.push(chunk);
    }
  } catch (e) {
    throw new Iso8583Error(ErrorCode.INVALID_INPUT, `cannot read standard input (${reasonOf(e)})`);
  }
  if (total > MAX_INPUT_BYTES) {
    // Stop reading: a stream from /dev/zero or `yes` would never end.
    await Promise.resolve(iterator.return?.()).catch(() => undefined);
    throw tooLarge('standard input');
  }
  return Buffer.concat(chunks, total);
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
 * An argument that is neither hex text nor a file that exists is reported as neither, with the offset of its first
 * character that is not hex and the reason the file could not be opened, never quoted: it may well be a frame.
 */
export async function readFrameInput(
  arg: string | undefined,
  stdin: InputStream,
  mode: { raw: boolean; hex: boolean },
): Promise<Uint8Array> {
  let bytes: Uint8Array;
  if (arg === undefined || arg === '-') bytes = await readAll(stdin);
  else if (arg.length > MAX_INPUT_BYTES) throw tooLarge('the input argument');
  else if (/^[0-9a-fA-F\s]+$/.test(arg) && !mode.raw) return parseHexText(arg);
  else bytes = await readArgumentFile(arg, mode.raw);
  if (mode.raw) return bytes;
  if (mode.hex || looksLikeHexText(bytes)) return parseHexText(Buffer.from(bytes).toString('latin1'));
  return bytes;
}

/** Reads the input argument as a file; a path that names nothing, when hex was possible, is neither of the two. */
async function readArgumentFile(arg: string, raw: boolean): Promise<Uint8Array> {
  try {
    return await readInputFile(arg, 'the input file');
  } catch (e) {
    if (raw || !(e instanceof UnreadableFileError) || e.fsCode === undefined || !NAMES_NOTHING.has(e.fsCode)) throw e;
    const at = arg.search(/[^0-9a-fA-F\s]/);
    throw new Iso8583Error(
      ErrorCode.INVALID_INPUT,
      `the input argument is neither a hex frame (the character at offset ${at} is not a hex digit or white space) nor a readable file (${reasonOf({ code: e.fsCode })})`,
    );
  }
}

/** Reads a JSON document from a file or stdin (`-` or nothing), at most {@link MAX_INPUT_BYTES}. */
export async function readJsonInput(arg: string | undefined, stdin: InputStream): Promise<string> {
  const bytes = arg === undefined || arg === '-' ? await readAll(stdin) : await readInputFile(arg, 'the input file');
  return Buffer.from(bytes).toString('utf8');
}
