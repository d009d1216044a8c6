// Reads a Server-Sent Events response to its end, for the tests.

export interface SseEvent {
  id?: string;
  event?: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON is checked by the assertions
  data: any;
}

export async function readSse(res: Response, onEvent?: (e: SseEvent) => void): Promise<SseEvent[]> {
  if (!res.body) throw new Error('no body');
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const e: Partial<SseEvent> & { lines: string[] } = { lines: [] };
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') e.lines.push(value);
        else if (field === 'id') e.id = value;
        else if (field === 'event') e.event = value;
      }
      if (e.lines.length === 0) continue;
      const event: SseEvent = { id: e.id, event: e.event, data: JSON.parse(e.lines.join('\n')) };
      events.push(event);
      onEvent?.(event);
    }
  }
  return events;
}
