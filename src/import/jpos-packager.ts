import { invalidOption, isPlainName } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { BitmapSpec, BitmappedLayout, FieldSpec, HeaderSpec, MessageSpec, MtiSpec, PositionalLayout } from '../spec/types.js';
import { MAX_NESTING } from '../spec/spec-keys.js';
import { validateSpec } from '../spec/validate-spec.js';
import { guard, unreadable } from '../errors/guard.js';
import { readImportOptions } from './import-options.js';
import { JPOS_CLASSES, JPOS_PACKAGE, JPOS_REFUSED, type JposClass } from './jpos-classes.js';
import { readXml, type XmlElement, type XmlPosition } from './xml-reader.js';

/** Options of {@link importJposPackager}. */
export interface JposImportOptions {
  /** The `name` of the spec it returns (default `"jpos-packager"`). */
  readonly name?: string;
}

/** The one sub-packager class mapped: jPOS's generic packager of composite fields. */
const SUB_PACKAGER = 'org.jpos.iso.packager.GenericSubFieldPackager';

const FIELD_ATTRIBUTES = ['id', 'name', 'length', 'class', 'pad'];
const PACKAGER_ATTRIBUTES = ['maxValidField', 'emitBitmap', 'bitmapField', 'firstField', 'headerLength'];
const SUB_PACKAGER_ATTRIBUTES = [...FIELD_ATTRIBUTES, 'packager', 'emitBitmap', 'bitmapField', 'firstField', 'maxValidField'];

/** Bitmap length in bytes (the `length` of a bitmap class) → the highest field number it announces. */
const BITMAP_REACH: Readonly<Record<number, number>> = { 8: 64, 16: 128, 24: 192 };

const where = (at: XmlPosition): string => `line ${at.line}, column ${at.column}`;

function fail(detail: string, field: string | undefined, at: XmlPosition): never {
  throw new Iso8583Error(ErrorCode.INVALID_SPEC, `jPOS packager, ${where(at)}: ${detail}`, { field });
}

/** A class or packager name as an error shows it: a Java class name with at most 4 digits, else not shown. */
function className(name: string): string {
  let digits = 0;
  for (const c of name) if (c >= '0' && c <= '9') digits++;
  return /^[A-Za-z_$][A-Za-z0-9_$.]{0,119}$/.test(name) && digits <= 4 ? name : '(a class name not shown)';
}

function checkAttributes(el: XmlElement, allowed: readonly string[], field: string | undefined): void {
  for (const [name, attr] of el.attributes) {
    if (!allowed.includes(name)) {
      fail(`<${el.name}> has no attribute ${isPlainName(name) ? name : '(a name not shown)'} (it takes ${allowed.join(', ')})`, field, attr.at);
    }
  }
}

function intAttribute(el: XmlElement, name: string, field: string | undefined): number | undefined {
  const attr = el.attributes.get(name);
  if (attr === undefined) return undefined;
  if (!/^[0-9]{1,6}$/.test(attr.value)) fail(`${name} must be a whole number (at most 6 digits)`, field, attr.at);
  return Number(attr.value);
}

/** jPOS reads booleans with `Boolean.parseBoolean`, where any text but "true" is false; only true/false are taken here. */
function boolAttribute(el: XmlElement, name: string, field: string | undefined): boolean | undefined {
  const attr = el.attributes.get(name);
  if (attr === undefined) return undefined;
  const v = attr.value.toLowerCase();
  if (v !== 'true' && v !== 'false') fail(`${name} must be true or false`, field, attr.at);
  return v === 'true';
}

function requiredInt(el: XmlElement, name: string, field: string | undefined): number {
  const n = intAttribute(el, name, field);
  if (n === undefined) fail(`<${el.name}> needs a ${name} attribute`, field, el.at);
  return n;
}

/** The simple name and mapping of an element's `class`; refuses classes outside the table, naming them. */
function resolveClass(el: XmlElement, field: string): { readonly simple: string; readonly mapping: JposClass } {
  const attr = el.attributes.get('class');
  if (attr === undefined) fail(`<${el.name}> needs a class attribute`, field, el.at);
  const cls = attr.value;
  if (!cls.startsWith(JPOS_PACKAGE) || cls.slice(JPOS_PACKAGE.length).includes('.')) {
    fail(`class ${className(cls)} is not a field packager of the jPOS distribution (${JPOS_PACKAGE}*); it cannot be mapped`, field, attr.at);
  }
  const simple = cls.slice(JPOS_PACKAGE.length);
  if (Object.prototype.hasOwnProperty.call(JPOS_REFUSED, simple)) fail(`class ${className(simple)} cannot be mapped: ${JPOS_REFUSED[simple]!}`, field, attr.at);
  if (!Object.prototype.hasOwnProperty.call(JPOS_CLASSES, simple)) fail(`class ${className(simple)} is not in the mapping table; it cannot be mapped`, field, attr.at);
  return { simple, mapping: JPOS_CLASSES[simple]! };
}

/** The `name` attribute as a description, when there is one. */
function described(spec: FieldSpec, el: XmlElement): FieldSpec {
  const name = el.attributes.get('name')?.value;
  return name === undefined || name === '' ? spec : { ...spec, description: name };
}

/** Children by their `id`, refusing duplicates (jPOS would silently keep the last one). */
function childrenById(parent: XmlElement, path: string | undefined): Map<number, XmlElement> {
  const out = new Map<number, XmlElement>();
  for (const child of parent.children) {
    if (child.name !== 'isofield' && child.name !== 'isofieldpackager') {
      fail(`<${isPlainName(child.name) ? child.name : '(a name not shown)'}> is not a packager element (isofield, isofieldpackager)`, path, child.at);
    }
    const id = requiredInt(child, 'id', path);
    const at = path === undefined ? String(id) : `${path}.${id}`;
    if (out.has(id)) fail(`id ${id} is defined twice`, at, child.at);
    out.set(id, child);
  }
  return out;
}

function mapField(el: XmlElement, path: string): FieldSpec {
  if (el.name === 'isofieldpackager') return mapSubPackager(el, path);
  checkAttributes(el, FIELD_ATTRIBUTES, path);
  const { simple, mapping } = resolveClass(el, path);
  if (mapping.type !== 'field') fail(`class ${simple} is a bitmap and only fits the bitmap's place`, path, el.at);
  const length = requiredInt(el, 'length', path);
  return described(mapping.build(length, boolAttribute(el, 'pad', path) ?? false), el);
}

function bitmapOf(el: XmlElement, path: string): { readonly spec: BitmapSpec; readonly length: number } {
  if (el.name !== 'isofield') fail('the bitmap must be an isofield', path, el.at);
  checkAttributes(el, FIELD_ATTRIBUTES, path);
  const { simple, mapping } = resolveClass(el, path);
  if (mapping.type !== 'bitmap') fail(`class ${simple} is not a bitmap class (IFB_BITMAP, IFA_BITMAP, IFE_BITMAP)`, path, el.at);
  const length = requiredInt(el, 'length', path);
  return { spec: mapping.encoding === undefined ? { format: mapping.format } : { format: mapping.format, encoding: mapping.encoding }, length };
}

/**
 * The first subfield jPOS packs when `firstField` is not given: 0 when subfield 0 is itself a sub-packager, 2 when
 * subfield 1 is a bitmap, 1 otherwise.
 */
function defaultFirstField(children: ReadonlyMap<number, XmlElement>): number {
  if (children.get(0)?.name === 'isofieldpackager') return 0;
  const one = children.get(1);
  const cls = one?.attributes.get('class')?.value ?? '';
  const simple = cls.startsWith(JPOS_PACKAGE) ? cls.slice(JPOS_PACKAGE.length) : '';
  return Object.prototype.hasOwnProperty.call(JPOS_CLASSES, simple) && JPOS_CLASSES[simple]!.type === 'bitmap' ? 2 : 1;
}

function mapSubPackager(el: XmlElement, path: string): FieldSpec {
  if (path.split('.').length > MAX_NESTING) fail(`sub-packagers nest deeper than a spec's subfields may (${MAX_NESTING} levels)`, path, el.at);
  checkAttributes(el, SUB_PACKAGER_ATTRIBUTES, path);
  const { simple, mapping } = resolveClass(el, path);
  if (mapping.type !== 'field') fail(`class ${simple} is a bitmap and cannot carry subfields`, path, el.at);
  const built = mapping.build(requiredInt(el, 'length', path), boolAttribute(el, 'pad', path) ?? false);
  if (built.subfields !== undefined) fail(`class ${simple} has a structure of its own and cannot carry subfields`, path, el.at);
  // A field with subfields is never padded: its content is what the subfields write.
  const { pad: _pad, nibblePad: _nibble, ...outer } = built;
  const packager = el.attributes.get('packager');
  if (packager === undefined) fail('<isofieldpackager> needs a packager attribute', path, el.at);
  if (packager.value !== SUB_PACKAGER) {
    fail(`packager ${className(packager.value)} cannot be mapped (only ${SUB_PACKAGER} is)`, path, packager.at);
  }
  const children = childrenById(el, path);
  const firstField = intAttribute(el, 'firstField', path) ?? defaultFirstField(children);
  const maxValid = intAttribute(el, 'maxValidField', path);
  // GenericPackager writes a bitmap unless emitBitmap says false.
  const emitBitmap = boolAttribute(el, 'emitBitmap', path) ?? true;
  const bitmapField = intAttribute(el, 'bitmapField', path) ?? 1;
  if (!emitBitmap && el.attributes.has('bitmapField')) fail('bitmapField is given but emitBitmap is false', path, el.attributes.get('bitmapField')!.at);
  const fields: Record<number, FieldSpec> = {};
  let bitmap: { readonly spec: BitmapSpec; readonly length: number } | undefined;
  if (emitBitmap) {
    const bm = children.get(bitmapField);
    if (bm === undefined) fail(`emitBitmap is on but subfield ${bitmapField} (bitmapField) is not defined`, path, el.at);
    bitmap = bitmapOf(bm, `${path}.${bitmapField}`);
    if (bitmap.length !== 8 && bitmap.length !== 16) fail('a sub-bitmap is 8 bytes, or 16 with a second sub-bitmap', `${path}.${bitmapField}`, bm.at);
  }
  for (const [id, child] of [...children].sort((a, b) => a[0] - b[0])) {
    const at = `${path}.${id}`;
    if (emitBitmap && id === bitmapField) continue;
    if (id < firstField) fail(`subfield ${id} comes before firstField ${firstField}, so jPOS never packs it`, at, child.at);
    if (maxValid !== undefined && id > maxValid) fail(`subfield ${id} is above maxValidField ${maxValid}, so jPOS never packs it`, at, child.at);
    if (id === 0) fail('subfields are numbered from 1 here; a subfield 0 has no place', at, child.at);
    if (bitmap !== undefined) {
      const secondary = bitmap.length === 16;
      if (secondary && id === 1) fail('with a 16-byte sub-bitmap, bit 1 announces the second sub-bitmap and cannot be a subfield', at, child.at);
      if (id > (secondary ? 128 : 64)) fail(`subfield ${id} is beyond what a ${bitmap.length}-byte sub-bitmap announces`, at, child.at);
    }
    fields[id] = mapField(child, at);
  }
  if (Object.keys(fields).length === 0) fail('the sub-packager defines no subfields', path, el.at);
  let layout: PositionalLayout | BitmappedLayout;
  if (bitmap === undefined) layout = { type: 'positional', fields };
  else {
    const secondary = bitmap.length === 16;
    if (bitmap.spec.tertiary !== undefined) fail('a sub-bitmap has no tertiary part', path, el.at);
    layout = { type: 'bitmapped', bitmap: bitmap.spec.encoding === undefined ? { format: bitmap.spec.format } : { format: bitmap.spec.format, encoding: bitmap.spec.encoding }, ...(secondary ? { secondary: true } : {}), fields };
  }
  return described({ ...outer, subfields: layout }, el);
}

function mapMti(el: XmlElement): MtiSpec {
  if (el.name !== 'isofield') fail('the MTI must be an isofield', '0', el.at);
  checkAttributes(el, FIELD_ATTRIBUTES, '0');
  const { simple, mapping } = resolveClass(el, '0');
  if (mapping.type !== 'field' || mapping.mti === undefined) {
    fail(`class ${simple} cannot hold the MTI (IFA_NUMERIC, IF_CHAR, IFB_NUMERIC, IFE_NUMERIC or IFE_CHAR can)`, '0', el.at);
  }
  if (requiredInt(el, 'length', '0') !== 4) fail('the MTI has 4 digits: length must be 4', '0', el.at);
  return { encoding: mapping.mti };
}

/**
 * Imports a jPOS GenericPackager XML file as a message spec: field 0 (the MTI) gives `mti`, field 1 the `bitmap`
 * (8, 16 or 24 bytes: primary only, secondary, tertiary), every other `isofield` a data element through the class
 * mapping table, and each `isofieldpackager` with `GenericSubFieldPackager` a field with subfields: positional when
 * `emitBitmap="false"`, bitmapped otherwise (jPOS's default). The result is validated before it is returned.
 *
 * Why: networks' specs live in jPOS packager files passed around for years; importing one beats retyping it. A
 * class, packager or attribute whose wire form has no exact equivalent is refused with `INVALID_SPEC`, naming the
 * field, the class and the line, never approximated; malformed XML is refused with its line and column.
 *
 * @example
 * ```ts
 * const spec = importJposPackager(readFileSync('packager.xml', 'utf8'), { name: 'northwind' });
 * const codec = createCodec(spec);
 * ```
 */
export function importJposPackager(xml: string, options?: JposImportOptions): MessageSpec {
  return guard(ErrorCode.INVALID_SPEC, unreadable('the packager or its options'), () => importJposPackagerUnguarded(xml, options));
}

function importJposPackagerUnguarded(xml: string, options?: JposImportOptions): MessageSpec {
  if (typeof xml !== 'string') throw invalidOption('importJposPackager', 'xml', 'the text of a packager file', xml);
  const { name } = readImportOptions('importJposPackager', options);
  return packagerSpec(xml, name ?? 'jpos-packager');
}

function packagerSpec(xml: string, name: string): MessageSpec {
  const root = readXml(xml);
  if (root.name !== 'isopackager') fail('the root element must be <isopackager>', undefined, root.at);
  checkAttributes(root, PACKAGER_ATTRIBUTES, undefined);
  if (boolAttribute(root, 'emitBitmap', undefined) === false) fail('emitBitmap="false": a message without a bitmap cannot be mapped', undefined, root.attributes.get('emitBitmap')!.at);
  const bitmapField = intAttribute(root, 'bitmapField', undefined);
  if (bitmapField !== undefined && bitmapField !== 1) fail('the bitmap is field 1 here: bitmapField must be 1', undefined, root.attributes.get('bitmapField')!.at);
  const firstField = intAttribute(root, 'firstField', undefined);
  if (firstField !== undefined && firstField !== 2) fail('data elements start at 2 after the bitmap: firstField must be 2', undefined, root.attributes.get('firstField')!.at);
  const maxValid = intAttribute(root, 'maxValidField', undefined);
  const headerLength = intAttribute(root, 'headerLength', undefined);
  const children = childrenById(root, undefined);
  const mtiEl = children.get(0);
  if (mtiEl === undefined) fail('field 0 (the MTI) is not defined', '0', root.at);
  const bitmapEl = children.get(1);
  if (bitmapEl === undefined) fail('field 1 (the bitmap) is not defined', '1', root.at);
  const mti = mapMti(mtiEl);
  const bitmap = bitmapOf(bitmapEl, '1');
  const reach = BITMAP_REACH[bitmap.length];
  if (reach === undefined) fail('the bitmap is 8, 16 or 24 bytes (primary, secondary, tertiary)', '1', bitmapEl.at);
  const tertiary = reach === 192;
  const fields: Record<number, FieldSpec> = {};
  for (const [id, el] of [...children].sort((a, b) => a[0] - b[0])) {
    if (id < 2) continue;
    const at = String(id);
    if (id > reach) fail(`field ${id} is beyond what a ${bitmap.length}-byte bitmap announces`, at, el.at);
    if (maxValid !== undefined && id > maxValid) fail(`field ${id} is above maxValidField ${maxValid}, so jPOS never packs it`, at, el.at);
    if (tertiary && id === 65) fail('with a 24-byte bitmap, bit 65 announces the tertiary bitmap and cannot be a field', at, el.at);
    fields[id] = mapField(el, at);
  }
  const header: HeaderSpec | undefined = headerLength === undefined || headerLength === 0 ? undefined : { length: headerLength, encoding: 'binary' };
  const spec: MessageSpec = {
    name,
    ...(header === undefined ? {} : { header }),
    mti,
    bitmap: tertiary ? { ...bitmap.spec, tertiary: true } : bitmap.spec,
    fields,
  };
  return validateSpec(spec);
}
