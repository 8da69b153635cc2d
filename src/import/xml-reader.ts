import { isPlainName } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';

/** Where a piece of XML text starts: line and column, both counted from 1. */
export interface XmlPosition {
  /** Line, from 1. */
  readonly line: number;
  /** Column (UTF-16 code units), from 1. */
  readonly column: number;
}

/** One attribute as written, with where its name starts. */
export interface XmlAttribute {
  /** The attribute's value, entities resolved. */
  readonly value: string;
  /** Where the attribute's name starts. */
  readonly at: XmlPosition;
}

/** One element of the document: its name, attributes in order, child elements, and where its tag starts. */
export interface XmlElement {
  /** The tag name. */
  readonly name: string;
  /** Attributes by name (no duplicates: the reader refuses them). */
  readonly attributes: ReadonlyMap<string, XmlAttribute>;
  /** Child elements in document order (text between them is white space only). */
  readonly children: readonly XmlElement[];
  /** Where the `<` of its start tag is. */
  readonly at: XmlPosition;
}

/** Deepest element nesting read: far beyond any packager file (sub-packagers nest a few levels), short of the stack. */
export const MAX_XML_DEPTH = 64;

/** The five predefined XML entities. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const isNameStart = (c: string): boolean => /^[A-Za-z_:]$/.test(c);
const isNameChar = (c: string): boolean => /^[A-Za-z0-9_:.-]$/.test(c);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** A name from the file as an error shows it: itself when it is a plain name (at most 4 digits), else not at all. */
const shown = (name: string): string => (isPlainName(name) ? name : '(a name not shown)');

/**
 * Reads the small XML subset packager files use: an optional XML declaration, comments, processing instructions
 * and a DOCTYPE (skipped, internal subset included) around one root element; elements with attributes (quoted with
 * `"` or `'`, the five named entities and numeric character references resolved); white space between elements.
 * Text content, CDATA, undeclared entities and anything malformed are refused with `INVALID_SPEC` naming the line
 * and column (text of the file is never quoted).
 *
 * Why: a packager importer with zero runtime dependencies needs an XML reader, and a strict one: a file that a
 * real XML parser would refuse must not be half-read into a spec.
 */
export function readXml(text: string): XmlElement {
  return new XmlReader(text).document();
}

class XmlReader {
  private pos = 0;
  private line = 1;
  private column = 1;

  constructor(private readonly text: string) {
    // A byte order mark is not content.
    if (text.charCodeAt(0) === 0xfeff) this.advance(1);
  }

  private fail(detail: string, at: XmlPosition = this.here()): never {
    throw new Iso8583Error(ErrorCode.INVALID_SPEC, `XML line ${at.line}, column ${at.column}: ${detail}`);
  }

  private here(): XmlPosition {
    return { line: this.line, column: this.column };
  }

  private peek(offset = 0): string {
    return this.text.charAt(this.pos + offset);
  }

  private startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  private advance(n: number): void {
    for (let i = 0; i < n && this.pos < this.text.length; i++) {
      const c = this.text.charAt(this.pos++);
      // CR LF counts as one line break, a lone CR as one too.
      if (c === '\n' || (c === '\r' && this.text.charAt(this.pos) !== '\n')) {
        this.line++;
        this.column = 1;
      } else if (c !== '\r') this.column++;
    }
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && isSpace(this.peek())) this.advance(1);
  }

  private expect(s: string, what: string): void {
    if (!this.startsWith(s)) this.fail(`expected ${what}`);
    this.advance(s.length);
  }

  document(): XmlElement {
    if (this.startsWith('<?xml') && isSpace(this.peek(5))) this.processingInstruction();
    let root: XmlElement | undefined;
    let sawDoctype = false;
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) break;
      const at = this.here();
      if (this.startsWith('<!--')) this.comment();
      else if (this.startsWith('<?')) this.processingInstruction();
      else if (this.startsWith('<!DOCTYPE')) {
        if (sawDoctype || root !== undefined) this.fail('a DOCTYPE may only come once, before the root element', at);
        sawDoctype = true;
        this.doctype();
      } else if (this.peek() === '<' && isNameStart(this.peek(1))) {
        if (root !== undefined) this.fail('a document has one root element; another one starts here', at);
        root = this.element(1);
      } else this.fail(root === undefined ? 'expected the root element' : 'text after the root element', at);
    }
    if (root === undefined) this.fail('the document has no root element');
    return root;
  }

  private comment(): void {
    const at = this.here();
    this.advance(4);
    const end = this.text.indexOf('--', this.pos);
    if (end < 0) this.fail('comment is not closed', at);
    this.advance(end - this.pos);
    if (!this.startsWith('-->')) this.fail('"--" is not allowed inside a comment');
    this.advance(3);
  }

  private processingInstruction(): void {
    const at = this.here();
    const end = this.text.indexOf('?>', this.pos);
    if (end < 0) this.fail('processing instruction is not closed', at);
    this.advance(end + 2 - this.pos);
  }

  /** Skips `<!DOCTYPE …>`, with quoted literals and an internal subset in brackets (whose `>`s do not end it). */
  private doctype(): void {
    const at = this.here();
    this.advance('<!DOCTYPE'.length);
    let depth = 0;
    while (this.pos < this.text.length) {
      const c = this.peek();
      if (c === '"' || c === "'") {
        const end = this.text.indexOf(c, this.pos + 1);
        if (end < 0) this.fail('quoted literal in the DOCTYPE is not closed');
        this.advance(end + 1 - this.pos);
        continue;
      }
      if (depth > 0 && this.startsWith('<!--')) {
        this.comment();
        continue;
      }
      if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === '>' && depth === 0) {
        this.advance(1);
        return;
      }
      if (depth < 0) this.fail('"]" without "[" in the DOCTYPE');
      this.advance(1);
    }
    this.fail('DOCTYPE is not closed', at);
  }

  private name(what: string): string {
    if (!isNameStart(this.peek())) this.fail(`expected ${what}`);
    const start = this.pos;
    while (this.pos < this.text.length && isNameChar(this.peek())) this.advance(1);
    return this.text.slice(start, this.pos);
  }

  private element(depth: number): XmlElement {
    const at = this.here();
    if (depth > MAX_XML_DEPTH) this.fail(`elements nest deeper than ${MAX_XML_DEPTH} levels`, at);
    this.advance(1);
    const name = this.name('an element name');
    const attributes = new Map<string, XmlAttribute>();
    for (;;) {
      const hadSpace = isSpace(this.peek());
      this.skipSpace();
      if (this.startsWith('/>')) {
        this.advance(2);
        return { name, attributes, children: [], at };
      }
      if (this.peek() === '>') {
        this.advance(1);
        break;
      }
      if (this.pos >= this.text.length) this.fail(`start tag of <${shown(name)}> is not closed`, at);
      if (!hadSpace) this.fail('expected white space, ">" or "/>" after the element name or an attribute');
      const attrAt = this.here();
      const attr = this.name('an attribute name, ">" or "/>"');
      if (attributes.has(attr)) this.fail(`attribute ${shown(attr)} appears twice`, attrAt);
      this.skipSpace();
      this.expect('=', `"=" after attribute ${shown(attr)}`);
      this.skipSpace();
      attributes.set(attr, { value: this.attributeValue(), at: attrAt });
    }
    const children: XmlElement[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) this.fail(`element <${shown(name)}> is not closed`, at);
      const here = this.here();
      if (this.startsWith('</')) {
        this.advance(2);
        const closing = this.name('the name of the closing tag');
        if (closing !== name) this.fail(`closing tag </${shown(closing)}> does not match <${shown(name)}> (line ${at.line}, column ${at.column})`, here);
        this.skipSpace();
        this.expect('>', `">" to end the closing tag of <${shown(name)}>`);
        return { name, attributes, children, at };
      }
      if (this.startsWith('<!--')) this.comment();
      else if (this.startsWith('<![CDATA[')) this.fail('CDATA sections are not part of a packager file', here);
      else if (this.startsWith('<?')) this.processingInstruction();
      else if (this.peek() === '<' && isNameStart(this.peek(1))) children.push(this.element(depth + 1));
      else if (this.peek() === '<') this.fail('expected an element, a comment or a closing tag', here);
      else this.fail(`text inside <${shown(name)}>: a packager file holds elements and attributes only`, here);
    }
  }

  private attributeValue(): string {
    const quote = this.peek();
    if (quote !== '"' && quote !== "'") this.fail('attribute value must be quoted with " or \'');
    const start = this.here();
    this.advance(1);
    let value = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail('attribute value is not closed', start);
      const c = this.peek();
      if (c === quote) {
        this.advance(1);
        return value;
      }
      if (c === '<') this.fail('"<" is not allowed in an attribute value (write &lt;)');
      if (c === '&') value += this.reference();
      else {
        // Attribute-value normalisation: each white-space character reads as one space (CR LF as one).
        value += isSpace(c) ? ' ' : c;
        this.advance(c === '\r' && this.peek(1) === '\n' ? 2 : 1);
      }
    }
  }

  private reference(): string {
    const at = this.here();
    const end = this.text.indexOf(';', this.pos);
    const body = end < 0 ? '' : this.text.slice(this.pos + 1, end);
    if (end < 0 || end - this.pos > 12) this.fail('"&" must start an entity reference ending in ";" (write &amp;)', at);
    let out: string | undefined;
    const numeric = /^#(?:([0-9]{1,7})|x([0-9A-Fa-f]{1,6}))$/.exec(body);
    if (numeric !== null) {
      const code = numeric[1] !== undefined ? Number.parseInt(numeric[1], 10) : Number.parseInt(numeric[2]!, 16);
      const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
      if (!allowed) this.fail('character reference to a character XML does not allow', at);
      out = String.fromCodePoint(code);
    } else if (Object.prototype.hasOwnProperty.call(NAMED_ENTITIES, body)) out = NAMED_ENTITIES[body];
    if (out === undefined) this.fail('unknown entity: only &amp; &lt; &gt; &quot; &apos; and numeric references are defined', at);
    this.advance(end + 1 - this.pos);
    return out;
  }
}
