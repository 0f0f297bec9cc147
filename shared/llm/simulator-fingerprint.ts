/**
 * How s2d's LLM simulator marks a chat completion whose prompt it did not recognise (its answers are then guesses):
 * the response's `system_fingerprint`. Recognised prompts carry `s2d-simulator`. Kept in shared/ so the sampler can
 * read it without depending on the simulator (infra/), which imports it from here.
 */
export const SIMULATOR_UNRECOGNISED_FINGERPRINT = 's2d-simulator-unrecognised';
