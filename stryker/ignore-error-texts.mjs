// A Stryker ignorer: mutants that only change the human-readable text of an error (the `detail` argument of
// `new Iso8583Error(code, detail, …)` or `new Iso8583NetError(code, detail)`) are not counted. The code, field and
// offset of every error are asserted by the tests; the sentence is for people and may be reworded freely.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const ERROR_CLASSES = new Set(['Iso8583Error', 'Iso8583NetError']);

function isErrorText(path) {
  let node = path;
  // Climb through string building (`a + b`, template literals, ternaries) to the argument position.
  while (node.parentPath !== null && ['BinaryExpression', 'TemplateLiteral', 'ConditionalExpression'].includes(node.parentPath.node.type)) {
    node = node.parentPath;
  }
  const parent = node.parentPath;
  if (parent === null || parent.node.type !== 'NewExpression') return false;
  const callee = parent.node.callee;
  return callee.type === 'Identifier' && ERROR_CLASSES.has(callee.name) && parent.node.arguments[1] === node.node;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'error-texts', {
    shouldIgnore(path) {
      if ((path.isStringLiteral() || path.isTemplateLiteral()) && isErrorText(path)) {
        return 'the text of an error (its code, field and offset are what tests assert)';
      }
      return undefined;
    },
  }),
];
