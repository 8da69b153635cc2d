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
 * Reads a whole file.
 *
 * The path is never named in an error, whatever it is: a hex frame pasted with separators (`:`, `,`, `0x`) is taken
 * for a path, and a file may be named after card data. The error says which input (`what`) and why: a missing,
 * unreadable or directory path is `INVALID_INPUT` (exit status 2) with the reason, such as `ENOENT: no such file or
 * directory`.
 */
export async function readInputFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new UnreadableFileError(what, fsCode(e), reasonOf(e));
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

/** Reads a JSON document from a file or stdin (`-` or nothing). */
export async function readJsonInput(arg: string | undefined, stdin: InputStream): Promise<string> {
  const bytes = arg === undefined || arg === '-' ? await readAll(stdin) : await readInputFile(arg, 'the input file');
  return Buffer.from(bytes).toString('utf8');
}
