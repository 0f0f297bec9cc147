/**
 * A run, eval or hand-off the workers' own trust policy refuses (an endpoint or key binding, an output location or a
 * program path the operator did not allow). Not retryable: the same spec meets the same policy on every worker that
 * shares it, so the run fails at once with this message, which names the spec field.
 */
export class TrustRefusal extends Error {
  override readonly name = 'TrustRefusal';

  constructor(
    /** The spec field refused, e.g. `model.baseUrl`, `output.dir`. */
    readonly field: string,
    /** Why, in words a submitter can act on. */
    readonly detail: string,
  ) {
    super(`refused by the workers' trust policy: ${field} ${detail}`);
  }
}
