// The web page: submit a prompt, follow the job over SSE (status, queue place, steps, preview), show the
// result with its parameters and buttons, and the caller's recent pictures.
import { ApiProblem, api, jobEvents, storedKey, storeKey } from './api.js';
import { followUpBody, rerollBody } from './follow-ups.js';

const $ = (id) => document.getElementById(id);
const keysRequired = document.body.dataset.auth === 'key';
const GALLERY_SIZE = 24;
let watching;

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = !message;
}

function askForKey(message) {
  $('key-form').hidden = false;
  $('prompt-form').hidden = true;
  $('forget-key').hidden = true;
  showError(message ?? '');
}

function keyAccepted() {
  $('key-form').hidden = true;
  $('prompt-form').hidden = false;
  $('forget-key').hidden = !keysRequired;
}

/** Errors as the user reads them; a refused key brings the key box back. */
function handle(err) {
  if (err instanceof ApiProblem && err.status === 401 && keysRequired) {
    storeKey('');
    askForKey(`${err.message}: enter a valid API key`);
    return;
  }
  showError(err instanceof Error ? err.message : String(err));
}

function element(tag, attrs = {}, text) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

function paramRows(job) {
  const p = job.params;
  const seeds = job.result?.images.map((i) => i.seed).join(', ');
  return [
    ['prompt', p.prompt],
    ['negative', p.negativePrompt],
    ['kind', job.kind],
    ['size', `${p.width}x${p.height}`],
    ['steps', p.steps],
    ['cfg', p.guidance],
    ['sampler', p.sampler],
    ['seed', seeds || p.seed],
    ['model', p.model],
    ...(p.strength !== undefined && job.kind !== 'imagine' ? [['strength', p.strength]] : []),
    ...(job.result?.warnings ?? []).map((w) => ['warning', w]),
  ].filter(([, v]) => v !== undefined && v !== '');
}

function showResult(job) {
  const images = $('result-images');
  images.replaceChildren();
  job.result.images.forEach((image, index) => {
    const figure = element('figure', { class: 'result' });
    const img = element('img', {
      class: 'result-image',
      src: image.url,
      alt: `${job.params.prompt} (seed ${image.seed})`,
    });
    const caption = element('figcaption', {}, `seed ${image.seed} `);
    const vary = element('button', { type: 'button', class: 'vary' }, 'Vary');
    vary.addEventListener('click', () => runJob(followUpBody(job, 'variation', index)));
    const upscale = element('button', { type: 'button', class: 'upscale' }, 'Upscale');
    upscale.addEventListener('click', () => runJob(followUpBody(job, 'upscale', index)));
    caption.append(vary, ' ', upscale);
    figure.append(img, caption);
    images.append(figure);
  });
  if (job.result.video) {
    // An animate job: the clip, its frame 0 above as the still the buttons work on.
    const video = element('video', {
      class: 'result-video',
      src: job.result.video.url,
      controls: '',
      loop: '',
    });
    images.append(video);
  }
  const params = $('result-params');
  params.replaceChildren();
  for (const [name, value] of paramRows(job))
    params.append(element('dt', {}, name), element('dd', {}, String(value)));
  $('reroll').onclick = () => runJob(rerollBody(job));
  $('result').hidden = false;
  $('result').dataset.job = job.id;
}

async function refreshGallery() {
  const { jobs } = await api(`/v1/jobs?status=done&limit=${GALLERY_SIZE}`);
  const gallery = $('gallery');
  gallery.replaceChildren();
  for (const job of jobs) {
    const first = job.result?.images[0];
    if (!first) continue;
    const tile = element('div', { class: 'tile', 'data-job': job.id, title: job.params.prompt });
    tile.append(
      element('img', { src: first.url, alt: job.params.prompt, loading: 'lazy' }),
      element('p', {}, job.params.prompt || '(no prompt)'),
    );
    tile.addEventListener('click', () => showResult(job));
    gallery.append(tile);
  }
  $('gallery-empty').hidden = gallery.children.length > 0;
  return jobs;
}

function status(text) {
  $('job-status').textContent = text;
}

async function runJob(body) {
  showError('');
  watching?.abort();
  const stop = new AbortController();
  watching = stop;
  $('submit').disabled = true;
  try {
    const accepted = await api('/v1/jobs', { method: 'POST', body });
    $('job').hidden = false;
    $('job').dataset.job = accepted.id;
    $('job-progress').value = 0;
    $('job-preview').hidden = true;
    status(accepted.queue?.position > 0 ? `queued: position ${accepted.queue.position}` : 'queued');
    for await (const e of jobEvents(accepted.id, stop.signal)) {
      const d = e.data;
      if (e.event === 'status') status(d.status);
      else if (e.event === 'queue')
        status(`queued: position ${d.position}${d.etaMs ? `, about ${Math.ceil(d.etaMs / 1000)} s` : ''}`);
      else if (e.event === 'progress') {
        $('job-progress').max = d.total;
        $('job-progress').value = d.step;
        status(`rendering: step ${d.step} of ${d.total}`);
        if (d.previewUrl) {
          $('job-preview').src = d.previewUrl;
          $('job-preview').hidden = false;
        }
      } else if (e.event === 'done') {
        status('done');
        $('job-progress').value = $('job-progress').max;
        $('job-preview').hidden = true;
        const jobs = await refreshGallery();
        const job = jobs.find((j) => j.id === accepted.id) ?? (await api(`/v1/jobs/${accepted.id}`));
        showResult(job);
      } else if (e.event === 'failed' || e.event === 'cancelled') {
        status(e.event);
        showError(d.message ?? `the job ${e.event}`);
      } else if (e.event === 'error') showError(d.message);
    }
  } catch (err) {
    if (!stop.signal.aborted) handle(err);
  } finally {
    if (watching === stop) $('submit').disabled = false;
  }
}

$('prompt-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const prompt = $('prompt').value.trim();
  if (prompt) void runJob({ prompt });
});

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  storeKey($('api-key').value.trim());
  $('api-key').value = '';
  void start();
});

$('forget-key').addEventListener('click', () => {
  storeKey('');
  askForKey('');
});

async function start() {
  if (keysRequired && !storedKey()) return askForKey();
  keyAccepted();
  showError('');
  await refreshGallery().catch(handle);
}

void start();
