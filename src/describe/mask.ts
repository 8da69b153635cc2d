/**
 * Masks a PAN for display: the first `bin` digits (6 or 8) and the last 4 stay, the rest become `*`.
 *
 * Why: PCI DSS allows at most the BIN and the last four digits to be shown; shorter values are hidden entirely,
 * because showing 10 of 11 digits would reveal the number.
 *
 * @example
 * ```ts
 * maskPan('4111111111111111'); // '411111******1111'
 * ```
 */
export function maskPan(pan: string, bin: 6 | 8 = 6): string {
  if (pan.length < bin + 4 + 2) return '*'.repeat(pan.length);
  return pan.slice(0, bin) + '*'.repeat(pan.length - bin - 4) + pan.slice(-4);
}

/**
 * Replaces a value by its size only: `[hidden, 8 bytes]`.
 *
 * Why: a dump that says how long a PIN block or a cryptogram was helps debugging without showing it.
 *
 * @example
 * ```ts
 * hidden(8, 'bytes'); // '[hidden, 8 bytes]'
 * ```
 */
export function hidden(length: number, unit: 'chars' | 'bytes'): string {
  return `[hidden, ${length} ${unit === 'chars' ? (length === 1 ? 'char' : 'chars') : length === 1 ? 'byte' : 'bytes'}]`;
}
