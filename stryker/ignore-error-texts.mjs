// A Stryker ignorer: mutants that only change the human-readable text of an error are not counted. The code, field,
// offset and option of every error are asserted by the tests; the sentence is for people and may be reworded freely.
// Error text is:
// - the `detail` argument of `new Iso8583Error(code, detail, …)` or `new Iso8583NetError(code, detail, …)`;
// - the text arguments of the helpers that build those errors (table below: helper name → argument positions),
//   including the value a text only describes (`got`, shown as its type);
// - the initialiser of a `const where = '…'`, the name of the call that prefixes the text of net option errors.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const ERROR_CLASSES = new Set(['Iso8583Error', 'Iso8583NetError']);

/** Helpers whose arguments at these positions only ever reach an error's text, never its code, field or option. */
const TEXT_ARGUMENTS = new Map([
  ['malformed', [0]], // src/subfields/ber-tlv.ts: malformed(detail, field, offset)
  ['nonCanonical', [0]], // src/message/codec.ts: nonCanonical(detail, offset)
  ['unreadable', [0]], // src/errors/guard.ts: unreadable(what), the text guard() gives its error
  ['fail', [1, 2]], // src/net/framing.ts checkFraming: fail(option, expected, got)
  ['invalidOption', [0, 2, 3]], // src/net/options.ts: invalidOption(where, option, expected, got)
  ['checkObject', [0]], // (where, option, value)
  ['checkKnownKeys', [0]], // (where, path, value, allowed, code)
  ['checkOneOf', [0]], // (where, option, value, allowed)
  ['integerOption', [0]], // (where, option, value, fallback, min, max)
  ['timeoutOption', [0]], // (where, option, value, fallback)
  ['chunkBytes', [1]], // src/net/frame-parser.ts: chunkBytes(raw, where)
  ['nextChunk', [3]], // src/net/frame-reader.ts: nextChunk(it, deadline, code, ms), ms only in the timeout's text
  ['wrongType', [0]], // src/message/read-message.ts: wrongType(detail, field)
  ['readList', [2]], // (value, path, what): `what` names the list in the error text only
]);

/** Climbs through string building (`a + b`, template literals, ternaries) to the position the text is used in. */
function textRoot(path) {
  let node = path;
  while (node.parentPath !== null && ['BinaryExpression', 'TemplateLiteral', 'ConditionalExpression'].includes(node.parentPath.node.type)) {
    node = node.parentPath;
  }
  return node;
}

/** True when `node` (a path) is itself an error's text: an argument at a text position, or a `where` initialiser. */
function isTextPosition(node) {
  const parent = node.parentPath;
  if (parent === null) return false;
  const p = parent.node;
  if (p.type === 'NewExpression') {
    return p.callee.type === 'Identifier' && ERROR_CLASSES.has(p.callee.name) && p.arguments[1] === node.node;
  }
  if (p.type === 'CallExpression') {
    const positions = p.callee.type === 'Identifier' ? TEXT_ARGUMENTS.get(p.callee.name) : undefined;
    return positions !== undefined && positions.some((i) => p.arguments[i] === node.node);
  }
  if (p.type === 'VariableDeclarator') {
    return p.id.type === 'Identifier' && p.id.name === 'where' && p.init === node.node;
  }
  return false;
}

/** A node is error text when it stands at a text position, or is a string built into one (an ignored node's children are ignored too). */
function isErrorText(path) {
  return isTextPosition(path) || ((path.isStringLiteral() || path.isTemplateLiteral()) && isTextPosition(textRoot(path)));
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'error-texts', {
    shouldIgnore(path) {
      if (isErrorText(path)) {
        return 'the text of an error (its code, field, offset and option are what tests assert)';
      }
      return undefined;
    },
  }),
];
