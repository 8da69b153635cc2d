export { asciiConverter } from './ascii.js';
export { bcdConverter } from './bcd.js';
export { binaryConverter } from './binary.js';
export type { ConvertContext, Converter, PackedNibbles, SpecializedConverter } from './converter.js';
export { ebcdic037Converter, ebcdic1047Converter, ebcdic500Converter } from './ebcdic.js';
export { hexConverter } from './hex.js';
export { converterNames, getConverter, hasConverter, registerConverter } from './registry.js';
