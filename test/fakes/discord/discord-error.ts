/** An error the fake answers with, in Discord's shape: `{ message, code, errors? }` and an HTTP status. */
export class DiscordError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return this.errors === undefined
      ? { message: this.message, code: this.code }
      : { message: this.message, code: this.code, errors: this.errors };
  }
}

export const unknownInteraction = () => new DiscordError(404, 10062, 'Unknown interaction');
export const unknownWebhook = () => new DiscordError(404, 10015, 'Unknown Webhook');
export const unknownMessage = () => new DiscordError(404, 10008, 'Unknown Message');
export const unknownChannel = () => new DiscordError(404, 10003, 'Unknown Channel');
export const unknownGuild = () => new DiscordError(404, 10004, 'Unknown Guild');
export const unknownMember = () => new DiscordError(404, 10007, 'Unknown Member');
export const unknownApplication = () => new DiscordError(404, 10002, 'Unknown Application');
export const alreadyAcknowledged = () =>
  new DiscordError(400, 40060, 'Interaction has already been acknowledged.');
export const emptyMessage = () => new DiscordError(400, 50006, 'Cannot send an empty message');

/** Discord's "Invalid Form Body" (50035), with the field path that failed, as discord.js prints it. */
export function invalidFormBody(path: string, code: string, message: string): DiscordError {
  const errors: Record<string, unknown> = {};
  let node = errors;
  const parts = path.split('.');
  for (const [i, part] of parts.entries()) {
    if (i === parts.length - 1) node[part] = { _errors: [{ code, message }] };
    else {
      const next: Record<string, unknown> = {};
      node[part] = next;
      node = next;
    }
  }
  return new DiscordError(400, 50035, 'Invalid Form Body', errors);
}
