/**
 * Thrown by the limiter instead of admitting a request while its endpoint is down (and this request is not the one
 * probe): the item parks until `retryAt` without using an attempt. Times are Redis clock ms.
 */
export class EndpointDownError extends Error {
  override readonly name = 'EndpointDownError';
  constructor(
    readonly baseUrl: string,
    readonly downSince: number,
    /** The earliest the next probe can be due. */
    readonly retryAt: number,
    /** Redis time when this was decided (so `retryAt - now` is a delay on any worker's clock). */
    readonly now: number,
  ) {
    super(`the LLM endpoint ${baseUrl} is down since ${new Date(downSince).toISOString()}`);
  }
}
