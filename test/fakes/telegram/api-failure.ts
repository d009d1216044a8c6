// A Bot API error answer: `{"ok": false, "error_code", "description", "parameters"}`.
export class ApiFailure extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
  }
}

export const badRequest = (what: string) => new ApiFailure(400, `Bad Request: ${what}`);
