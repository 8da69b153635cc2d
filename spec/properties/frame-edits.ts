import fc from 'fast-check';

/**
 * A random edit of a frame: flip a bit, overwrite, insert or delete a byte, cut the frame short, or extend it.
 * Shared by the properties that mutate valid frames, so that every one of them reaches the same kinds of damage.
 *
 * @param byte the bytes written by `set` and `insert` (any byte unless told; a property aimed at particular checks
 *   passes bytes on their edges).
 */
export function frameEdit(byte: fc.Arbitrary<number> = fc.integer({ min: 0, max: 255 })) {
  return fc.oneof(
    fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte }),
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte }),
    fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
  );
}

/** One edit {@link frameEdit} generates. */
export type FrameEdit = ReturnType<typeof frameEdit> extends fc.Arbitrary<infer E> ? E : never;

/**
 * A copy of the frame with the edits applied in order; positions wrap around the current length, so every edit
 * lands inside the frame (an edit of an empty frame inserts, extends, or does nothing).
 */
export function applyEdits(frame: Uint8Array, edits: readonly FrameEdit[]): Uint8Array {
  let b = Uint8Array.from(frame);
  for (const m of edits) {
    const at = b.length === 0 ? 0 : 'at' in m ? m.at % b.length : 0;
    switch (m.op) {
      case 'flip':
        if (b.length > 0) b[at] = b[at]! ^ (1 << m.bit);
        break;
      case 'set':
        if (b.length > 0) b[at] = m.byte;
        break;
      case 'insert':
        b = Uint8Array.from([...b.subarray(0, at), m.byte, ...b.subarray(at)]);
        break;
      case 'delete':
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1)]);
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'extend':
        b = Uint8Array.from([...b, ...m.bytes]);
        break;
    }
  }
  return b;
}
