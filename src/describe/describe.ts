import { ErrorCode } from '../errors/codes.js';
import { mtiParts } from '../message/mti.js';
import { checkedSpec, guarded, readMessage } from '../message/read-message.js';
import type { Message, MessageSpec } from '../spec/types.js';
import { type Entry, type Group, type Leaf, show } from './display.js';
import { readDisplayOptions } from './options.js';

/** Options of {@link describe}. */
export interface DescribeOptions {
  /** Show every value in clear. Off by default; never turn it on for logs. */
  readonly unmask?: boolean | undefined;
  /**
   * Leading PAN digits to show: 6 (default) or 8 for 8-digit BINs, which PCI DSS allows only on PANs of 16 digits
   * or more (shorter PANs keep showing 6 at most).
   */
  readonly binLength?: 6 | 8 | undefined;
}

/** One row of the dump: its indented path, its description and its value text. */
type Row = readonly [label: string, description: string, text: string];

function line(rows: Row[], path: string, description: string | undefined, text: string, depth: number): void {
  rows.push([`${'  '.repeat(depth)}${path}`, description ?? '', text]);
}

/**
 * Lays the rows out in three columns: at least 14 and 44 characters wide, and wider when a path (a nested one such
 * as `35.serviceCode`) or a description is longer, so every value starts in the same column.
 */
function layout(rows: readonly Row[]): string {
  const labelWidth = Math.max(14, ...rows.map((r) => r[0].length));
  const nameWidth = Math.max(44, ...rows.map((r) => r[1].length));
  return rows.map(([label, name, text]) => `${label.padEnd(labelWidth)} ${name.padEnd(nameWidth)} ${text}`.trimEnd()).join('\n');
}

function leafText(leaf: Leaf): string {
  return leaf.quoted ? JSON.stringify(leaf.text) : leaf.text;
}

function entries(lines: Row[], list: readonly Entry[], parent: string | undefined, depth: number): void {
  for (const { key, description, node } of list) {
    const path = parent === undefined ? key : `${parent}.${key}`;
    if (node.kind === 'leaf') {
      line(lines, path, description, leafText(node), depth);
    } else {
      line(lines, path, description, (node as Group).summary, depth);
      entries(lines, node.entries, path, depth + 1);
    }
  }
}

function mtiText(mti: Leaf): string {
  if (mti.masked) return `${mti.text} (not a valid MTI)`;
  try {
    const p = mtiParts(mti.text);
    return `${mti.text} (${p.className} ${p.functionName}, ${p.originName})`;
  } catch {
    return `${JSON.stringify(mti.text)} (not a valid MTI)`;
  }
}

/**
 * A human-readable, multi-line dump of a message: field number, description and value, masked by default.
 *
 * Why: operators read messages in logs and terminals; PCI DSS forbids showing full PANs, track data, PIN blocks and
 * cryptograms, so masking is the default and clear text takes an explicit `{ unmask: true }`. Fields marked
 * `sensitive: 'pan'` show at most the first 6 (or 8) and last 4 digits ({@link maskPan}); other sensitive fields
 * show only their size; inside a sensitive field every subfield, TLV entry and EMV tag is hidden unless declared
 * `sensitive: false`; Track 2 is masked in every form. Like the codec it throws only `Iso8583Error`, for any
 * input: `INVALID_OPTION` for bad options, `INVALID_SPEC`, and for a message of the wrong shape the code encode
 * would give (`INVALID_MESSAGE`, `INVALID_VALUE_TYPE`, `UNKNOWN_FIELD` …); an exception from the message's own
 * code (a getter, a proxy) becomes `INVALID_MESSAGE` without its text.
 *
 * @example
 * ```ts
 * console.log(describe(codec.decode(frame), presets.iso87ascii));
 * // MTI            0100 (authorization request, acquirer)
 * // 2              Primary account number (PAN)                 411111******1111
 * ```
 */
export function describe(message: Message, spec: MessageSpec, options: DescribeOptions = {}): string {
  return guarded(ErrorCode.INVALID_MESSAGE, () => {
    const settings = readDisplayOptions('describe', options, ['unmask', 'binLength']);
    const checked = checkedSpec(spec);
    const shown = show(readMessage(message, checked), checked, settings);
    const rows: Row[] = [];
    if (shown.header !== undefined) line(rows, 'header', 'Header', leafText(shown.header), 0);
    entries(rows, shown.fields, undefined, 0);
    // The MTI line names no field: its text starts where the descriptions do.
    const labelWidth = Math.max(14, ...rows.map((r) => r[0].length));
    const mtiLine = `${'MTI'.padEnd(labelWidth)} ${mtiText(shown.mti)}`;
    return rows.length === 0 ? mtiLine : `${mtiLine}\n${layout(rows)}`;
  });
}
