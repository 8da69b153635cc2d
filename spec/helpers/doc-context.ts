import { readFileSync } from 'node:fs';
import { format } from 'node:util';
import { createCodec, type Infer, parseHexText, presets, responseMti } from '../../src/index.js';
import { createServer, withHeader } from '../../src/net/index.js';

/**
 * The context a code block of the README or a guide may name in a `<!-- context: frame, reply -->` line just
 * above it (see spec/docs.spec.ts): real values, the same when the block is type-checked and when it runs.
 */

type Ascii87 = Infer<typeof presets.iso87ascii>;

/** An ISO 8583:1987 ASCII authorization request (0100, 20 elements, Track 2 and EMV data): fixtures/ascii-0100-purchase.hex. */
export const frame: Uint8Array = parseHexText(readFileSync(new URL('../../fixtures/ascii-0100-purchase.hex', import.meta.url), 'utf8'));

/** A request of the ASCII preset, as a client sends it: STAN and terminal pair it with its answer. */
export const request: Ascii87 = { mti: '0100', fields: { 3: '000000', 4: '000000012550', 11: '004711', 41: 'TERM0001' } };

/** The answer codes `reply` was called with, in order. */
export const replies: string[] = [];
/** Answers a bad frame with a response code (here: records it). */
export function reply(code: string): void {
  replies.push(code);
}

/** The unmatched answers `audit` was called with, in order. */
export const audited: { readonly mti: string; readonly reason: string }[] = [];
/** Records an answer no pending request was waiting for. */
export function audit(mti: string, reason: string): void {
  audited.push({ mti, reason });
}

/** An authorizer that approves every request (DE39 `00`), echoing STAN and terminal. */
export function myAuthorizer(m: Ascii87): Ascii87 {
  return { mti: responseMti(m.mti), fields: { 11: m.fields[11], 39: '00', 41: m.fields[41] } };
}

/**
 * A real network peer on 127.0.0.1 (ASCII preset, 2-byte binary length header) that approves every request with
 * `myAuthorizer`; `port` is where it listens. Closed by {@link closeDocContext}.
 */
const peer = createServer({ codec: createCodec(presets.iso87ascii), framing: { length: 'binary2' }, handler: myAuthorizer });
/** The port of the peer, bound on 127.0.0.1 by the operating system (port 0). */
export const port: number = (await peer.listen(0)).port;

/**
 * A peer whose frames carry a 5-byte TPDU after the 2-byte length (id, destination, source): it approves with
 * `myAuthorizer` and answers with the request's TPDU, destination and source swapped. `tpduPort` is where it listens.
 */
const tpduPeer = createServer({
  codec: createCodec(presets.iso87ascii),
  framing: { length: 'binary2', headerBytes: 5 },
  handler: (m, { header }) => withHeader(myAuthorizer(m), Uint8Array.of(header![0]!, header![3]!, header![4]!, header![1]!, header![2]!)),
});
/** The port of the TPDU peer, bound on 127.0.0.1 by the operating system (port 0). */
export const tpduPort: number = (await tpduPeer.listen(0)).port;

/** Closes the peers; the docs suite calls it once every block has run. */
export async function closeDocContext(): Promise<void> {
  await Promise.all([peer.close(1000), tpduPeer.close(1000)]);
}

/** What the blocks printed, by the line of the block that printed it (the docs suite reads and clears it). */
export const printed: { readonly line: number; readonly text: string }[] = [];

/**
 * Stands in for `console.log`, `console.warn` and `console.error` in a running block: records what the call would
 * print (`util.format` of its arguments, as the console does), under the block's line number.
 */
export function __docPrint(line: number, ...args: unknown[]): void {
  printed.push({ line, text: format(...args) });
}
