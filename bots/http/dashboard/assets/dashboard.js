// The dashboard page: renderers, queue counts and jobs in flight from /dashboard/api/overview (every
// 2 s), live progress and previews from the one event stream, recent results of every owner. The
// browser sends the admin key it was asked for (HTTP Basic) with every request by itself.
import { sseEvents } from '/web/sse.js';

const $ = (id) => document.getElementById(id);
const POLL_MS = 2000;
const cards = new Map();

function element(tag, attrs = {}, text) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = !message;
}

async function getJson(path) {
  const res = await fetch(path);
  const body = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(body?.error?.message ?? `${path} answered ${res.status}`);
  return body;
}

function ago(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return `${s} s ago`;
}

function row(cells) {
  const tr = element('tr');
  for (const c of cells) tr.append(element('td', {}, String(c)));
  return tr;
}

function showWorkers(workers) {
  const body = $('workers').querySelector('tbody');
  body.replaceChildren(
    ...workers.map((w) => {
      const tr = row([
        w.id,
        w.device,
        w.models.join(', '),
        w.loaded.join(', ') || '-',
        w.busy ? 'busy' : 'idle',
        ago(w.seenAt),
        new Date(w.startedAt).toLocaleTimeString(),
      ]);
      tr.classList.add('worker');
      return tr;
    }),
  );
  $('workers-empty').hidden = workers.length > 0;
}

function showQueues(queues) {
  const body = $('queues').querySelector('tbody');
  body.replaceChildren(
    ...Object.entries(queues).map(([name, c]) =>
      row([
        name,
        c.waiting ?? 0,
        c.prioritized ?? 0,
        c.active ?? 0,
        c.delayed ?? 0,
        c.completed ?? 0,
        c.failed ?? 0,
      ]),
    ),
  );
}

function card(job) {
  let c = cards.get(job.id);
  if (!c) {
    const el = element('div', { class: 'job-card', 'data-job': job.id });
    const preview = element('img', { alt: '' });
    const text = element('div');
    const title = element('p', {});
    const state = element('p', { class: 'hint' });
    const bar = element('progress', { max: '1', value: '0' });
    text.append(title, state, bar);
    el.append(preview, text);
    c = { el, preview, title, state, bar };
    cards.set(job.id, c);
  }
  return c;
}

function progress(c, step, total, previewUrl) {
  c.bar.max = total;
  c.bar.value = step;
  c.state.textContent = `rendering: step ${step} of ${total}`;
  if (previewUrl) {
    c.preview.src = previewUrl;
    c.preview.alt = `preview at step ${step}`;
  }
}

function showInFlight(jobs) {
  const box = $('in-flight');
  const ids = new Set(jobs.map((j) => j.id));
  for (const [id, c] of cards)
    if (!ids.has(id)) {
      c.el.remove();
      cards.delete(id);
    }
  for (const job of jobs) {
    const c = card(job);
    c.title.textContent = `${job.kind} · ${job.owner} · ${job.params.prompt}`;
    if (job.progress) progress(c, job.progress.step, job.progress.total, job.progress.previewUrl);
    else c.state.textContent = job.queue ? `${job.status}: position ${job.queue.position}` : job.status;
    if (!c.el.isConnected) box.append(c.el);
  }
  $('in-flight-empty').hidden = jobs.length > 0;
}

async function refresh() {
  try {
    const o = await getJson('/dashboard/api/overview');
    showWorkers(o.workers);
    showQueues(o.queues);
    showInFlight(o.inFlight);
    showError('');
  } catch (err) {
    showError(err.message);
  }
}

async function refreshRecent() {
  const { jobs } = await getJson('/dashboard/api/recent');
  $('recent').replaceChildren(
    ...jobs.flatMap((job) =>
      (job.result?.images ?? []).slice(0, 1).map((image) => {
        const tile = element('div', { class: 'tile', 'data-job': job.id, title: job.params.prompt });
        tile.append(
          element('img', { src: image.url, alt: job.params.prompt, loading: 'lazy' }),
          element('p', {}, `${job.owner}: ${job.params.prompt}`),
        );
        return tile;
      }),
    ),
  );
}

async function follow() {
  for (;;) {
    try {
      const res = await fetch('/dashboard/api/events');
      if (!res.ok) throw new Error(`events answered ${res.status}`);
      for await (const e of sseEvents(res)) {
        const d = e.data;
        const c = d.jobId ? cards.get(d.jobId) : undefined;
        if (e.event === 'progress' && c) {
          progress(c, d.step, d.total, d.previewUrl);
          // Marks the card as following the event stream (the overview polls only every 2 s).
          c.el.dataset.live = `step ${d.step}`;
        } else if (e.event === 'status' && c) c.state.textContent = d.status;
        else if (e.event === 'done' || e.event === 'failed' || e.event === 'cancelled') {
          void refresh();
          if (e.event === 'done') void refreshRecent().catch(() => undefined);
        } else if (e.event === 'status' && !c) void refresh();
      }
    } catch (err) {
      showError(`live updates: ${err.message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

void refresh();
void refreshRecent().catch((err) => showError(err.message));
setInterval(refresh, POLL_MS);
void follow();
