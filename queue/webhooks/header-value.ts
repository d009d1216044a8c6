// Reads one header from whatever a caller holds: a fetch Headers, or node's/hono's plain object.

export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/** The header's value (the first, when repeated), by case-insensitive name; undefined when absent. */
export function headerValue(headers: HeaderSource, name: string): string | undefined {
  const lower = name.toLowerCase();
  if (headers instanceof Headers) return headers.get(lower) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
