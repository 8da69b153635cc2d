/** What `run` throws, or `undefined` when it returns: for tests that look at the thrown value itself. */
export function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  return undefined;
}
