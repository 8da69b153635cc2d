import { mtiParts } from '../message/mti.js';
import { toHex } from '../message/json.js';
import type { BerTlv, FieldSpec, FieldValue, Message, MessageSpec, TlvEntry, Track2 } from '../spec/types.js';
import { EMV_TAGS } from '../subfields/emv-tags.js';
import { hidden, maskPan } from './mask.js';

/** Options of {@link describe}. */
export interface DescribeOptions {
  /** Show every value in clear. Off by default; never turn it on for logs. */
  readonly unmask?: boolean;
  /** Digits of the PAN left visible at the start: 6 (default) or 8 for 8-digit BINs. */
  readonly binLength?: 6 | 8;
}

/** EMV tags holding a PAN, shown masked rather than hidden. */
const PAN_TAGS = new Set(['5A']);

interface Ctx {
  readonly unmask: boolean;
  readonly bin: 6 | 8;
  readonly lines: string[];
}

function line(ctx: Ctx, path: string, description: string | undefined, text: string, depth: number): void {
  const label = `${'  '.repeat(depth)}${path}`.padEnd(14);
  const name = (description ?? '').padEnd(44);
  ctx.lines.push(`${label} ${name} ${text}`.trimEnd());
}

function scalarText(value: string | Uint8Array, spec: FieldSpec | undefined, ctx: Ctx): string {
  const text = value instanceof Uint8Array ? toHex(value) : value;
  if (ctx.unmask || spec?.sensitive === undefined || spec.sensitive === false) return value instanceof Uint8Array ? text : JSON.stringify(text);
  if (spec.sensitive === 'pan' && typeof value === 'string') return maskPan(value, ctx.bin);
  return hidden(value.length, value instanceof Uint8Array ? 'bytes' : 'chars');
}

function describeBer(list: BerTlv[], path: string, depth: number, dictionary: Record<string, { description?: string; sensitive?: boolean }>, ctx: Ctx): void {
  for (const { tag, value } of list) {
    const entry = dictionary[tag] ?? EMV_TAGS[tag];
    const p = `${path}.${tag}`;
    if (Array.isArray(value)) {
      line(ctx, p, entry?.description, `(constructed, ${value.length} objects)`, depth);
      describeBer(value, p, depth + 1, dictionary, ctx);
    } else if (ctx.unmask || entry?.sensitive !== true) {
      line(ctx, p, entry?.description, toHex(value), depth);
    } else if (PAN_TAGS.has(tag)) {
      line(ctx, p, entry.description, maskPan(toHex(value).replace(/F+$/, ''), ctx.bin), depth);
    } else {
      line(ctx, p, entry.description, hidden(value.length, 'bytes'), depth);
    }
  }
}

function describeValue(value: FieldValue, spec: FieldSpec | undefined, path: string, depth: number, ctx: Ctx): void {
  const description = spec?.description;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    line(ctx, path, description, scalarText(value, spec, ctx), depth);
    return;
  }
  const layout = spec?.subfields;
  switch (layout?.type) {
    case 'track2': {
      const t = value as Track2;
      const secret = !ctx.unmask && spec?.sensitive !== undefined && spec.sensitive !== false;
      line(ctx, path, description, '(track 2)', depth);
      line(ctx, `${path}.pan`, 'PAN', secret ? maskPan(t.pan, ctx.bin) : t.pan, depth + 1);
      line(ctx, `${path}.expiry`, 'Expiry (YYMM)', secret ? hidden(t.expiry.length, 'chars') : t.expiry, depth + 1);
      line(ctx, `${path}.serviceCode`, 'Service code', secret ? hidden(t.serviceCode.length, 'chars') : t.serviceCode, depth + 1);
      line(ctx, `${path}.discretionary`, 'Discretionary data', secret ? hidden(t.discretionary.length, 'chars') : JSON.stringify(t.discretionary), depth + 1);
      return;
    }
    case 'ber-tlv': {
      const list = value as BerTlv[];
      line(ctx, path, description, `(BER-TLV, ${list.length} objects)`, depth);
      describeBer(list, path, depth + 1, layout.tags ?? {}, ctx);
      return;
    }
    case 'tlv': {
      const list = value as TlvEntry[];
      line(ctx, path, description, `(TLV, ${list.length} entries)`, depth);
      for (const e of list) describeValue(e.value, layout.tags?.[e.tag] ?? (spec?.sensitive ? { kind: 'ans', length: 0, encoding: 'ascii', sensitive: true } : undefined), `${path}.${e.tag}`, depth + 1, ctx);
      return;
    }
    case 'positional':
    case 'bitmapped': {
      line(ctx, path, description, '', depth);
      for (const [k, v] of Object.entries(value as Record<string, FieldValue | undefined>)) {
        if (v !== undefined) describeValue(v, layout.fields[Number(k)], `${path}.${k}`, depth + 1, ctx);
      }
      return;
    }
    default:
      line(ctx, path, description, '(structured)', depth);
  }
}

/**
 * A human-readable, multi-line dump of a message: field number, description and value, masked by default.
 *
 * Why: operators read messages in logs and terminals; PCI DSS forbids showing full PANs, track data, PIN blocks and
 * cryptograms, so masking is the default and clear text takes an explicit `{ unmask: true }`. Fields marked
 * `sensitive: 'pan'` show the first 6 (or 8) and last 4 digits; other sensitive fields show only their size;
 * EMV tags are named and masked from the EMV dictionary.
 *
 * @example
 * ```ts
 * console.log(describe(codec.decode(frame), presets.iso87ascii));
 * // MTI            0100 (authorization request, acquirer)
 * // 2              Primary account number (PAN)                 411111******1111
 * ```
 */
export function describe(message: Message, spec: MessageSpec, options: DescribeOptions = {}): string {
  const ctx: Ctx = { unmask: options.unmask === true, bin: options.binLength ?? 6, lines: [] };
  let mtiText = message.mti;
  try {
    const p = mtiParts(message.mti);
    mtiText += ` (${p.className} ${p.functionName}, ${p.originName})`;
  } catch {
    mtiText += ' (not a valid MTI)';
  }
  ctx.lines.push(`${'MTI'.padEnd(14)} ${mtiText}`);
  if (message.header !== undefined) {
    line(ctx, 'header', spec.header === undefined ? undefined : 'Header', message.header instanceof Uint8Array ? toHex(message.header) : JSON.stringify(message.header), 0);
  }
  for (const [key, value] of Object.entries(message.fields)) {
    if (value !== undefined) describeValue(value, spec.fields[Number(key)], key, 0, ctx);
  }
  return ctx.lines.join('\n');
}
