import type { Message } from '../spec/types.js';

/**
 * Empty objects whose element stores have room for the field numbers of one, two and three bitmaps (1–64, 1–128,
 * 1–192): a decode spreads the one its bitmaps call for into the message's `fields`, a plain empty object like any
 * other, and writes each field into a slot that is already there.
 *
 * Why: numbered keys live in an object's element store, which V8 grows as higher numbers arrive; from `{}`, a
 * frame's fields cost two or three such growths and copies, the largest cost of a short frame's decode (0110
 * response: about two fifths of its time, bench/RESULTS.md). Each object's highest slot is stored and deleted,
 * which leaves a hole and no key; decode only spreads them and never hands them out, so nothing writes to them.
 */
export const FIELD_SLOTS: readonly Readonly<Message['fields']>[] = [64, 128, 192].map((last) => {
  const slots: Message['fields'] = {};
  slots[last] = '';
  delete slots[last];
  return slots;
});
