// A download from the model hub that failed in a way the operator can act on; the message says how.
export class HubError extends Error {
  override name = 'HubError';
  constructor(
    message: string,
    /** The hub's HTTP status, when it answered with one. */
    readonly status?: number,
  ) {
    super(message);
  }
}
