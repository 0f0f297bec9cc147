/**
 * A user-defined program that cannot run: its module fails to load, lacks the named export, or exports something
 * that is not a Strategy. Every worker would fail it the same way, so the run fails at once with this message, which
 * names the spec field (as a TrustRefusal does for what the workers' policy refuses).
 */
export class ProgramError extends Error {
  override readonly name = 'ProgramError';

  constructor(
    /** The spec field at fault: `strategy.module` or `strategy.export`. */
    readonly field: string,
    /** What is wrong, in words the program's author can act on. */
    readonly detail: string,
  ) {
    super(`user-defined program: ${field} ${detail}`);
  }
}

/**
 * A user-defined program returned sample chains of the wrong shape for one item. Retrying cannot help (its LLM calls
 * come from the item's cache), so the item is recorded as errored with this message.
 */
export class ProgramOutputError extends Error {
  override readonly name = 'ProgramOutputError';
}
