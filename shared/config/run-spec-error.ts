/** A run spec that cannot be used; the message names the file, line and field and says what was expected. */
export class RunSpecError extends Error {
  override readonly name = 'RunSpecError';
}
