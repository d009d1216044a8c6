// Server-Sent Events read with fetch (EventSource cannot send an Authorization header): yields
// {id, event, data} with data parsed as JSON, until the stream ends or `signal` aborts.
export async function* sseEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const e = { id: undefined, event: 'message', data: [] };
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') e.data.push(text);
        else if (field === 'id') e.id = text;
        else if (field === 'event') e.event = text;
      }
      if (e.data.length === 0) continue;
      let data;
      try {
        data = JSON.parse(e.data.join('\n'));
      } catch {
        data = e.data.join('\n');
      }
      yield { id: e.id, event: e.event, data };
    }
  }
}
