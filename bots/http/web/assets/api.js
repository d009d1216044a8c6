// The page's client of the HTTP API: the stored key as Bearer, errors as readable text.
import { sseEvents } from './sse.js';

const KEY_ITEM = 'imagine-bot.apiKey';

export function storedKey() {
  return localStorage.getItem(KEY_ITEM) ?? '';
}

export function storeKey(key) {
  if (key) localStorage.setItem(KEY_ITEM, key);
  else localStorage.removeItem(KEY_ITEM);
}

export class ApiProblem extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function headers(extra = {}) {
  const key = storedKey();
  return { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...extra };
}

/** What an error answer says, every bad field included. */
function describe(status, body) {
  const error = body?.error;
  if (!error) return `the server answered ${status}`;
  const problems = (error.problems ?? []).map((p) => `${p.field}: ${p.problem}`);
  return problems.length > 0 ? `${error.message}: ${problems.join('; ')}` : error.message;
}

export async function api(path, options = {}) {
  const init = { method: options.method ?? 'GET', headers: headers() };
  if (options.body !== undefined) {
    init.headers = headers({ 'Content-Type': 'application/json' });
    init.body = JSON.stringify(options.body);
  }
  const res = await fetch(path, init);
  const body = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiProblem(res.status, describe(res.status, body));
  return body;
}

/** A job's events until it ends; a broken stream is resumed from the last event seen. */
export async function* jobEvents(id, signal) {
  let lastId;
  for (let attempt = 0; attempt < 5 && !signal.aborted; attempt++) {
    const res = await fetch(`/v1/jobs/${encodeURIComponent(id)}/events`, {
      headers: headers(lastId ? { 'Last-Event-ID': lastId } : {}),
      signal,
    });
    if (!res.ok) {
      const body = await res.json().catch(() => undefined);
      throw new ApiProblem(res.status, describe(res.status, body));
    }
    for await (const e of sseEvents(res)) {
      if (e.id) lastId = e.id;
      yield e;
      if (e.event === 'done' || e.event === 'failed' || e.event === 'cancelled') return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
  }
}
