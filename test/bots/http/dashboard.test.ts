// The dashboard behind the admin key, in a real headless chromium over the real stack: refused without
// the admin key (missing, wrong, or a key that is not an admin's), and with it the live renderer, the
// queues, a job in flight with live progress and preview over SSE, recent results, and bull-board's
// queues UI. Also the web page when keys are configured: it asks for a key and sends it as Bearer.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeysFromConfig, sha256Hex } from '../../../bots/http/auth/api-keys.ts';
import { CHROMIUM_PATH, launchChromium, NO_CHROMIUM } from '../../helpers/browser.ts';
import { testModels } from '../../helpers/built-in-models.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';
import { readSse } from './sse.ts';

const ADMIN = 'ibk_admin-test-key-0123456789';
const OPS = 'ibk_ops-test-key-0123456789';
const ALICE = 'ibk_alice-test-key-0123456789';
// Page functions run in the browser; the project compiles without the DOM library.
// biome-ignore lint/suspicious/noExplicitAny: browser globals, used inside page functions only
declare const document: any, window: any, MutationObserver: any, localStorage: any;

const SCREENSHOTS = path.join(process.cwd(), 'var', 'test-screenshots');
const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
const JOB = { prompt: 'a yellow square on grass --size 128x128 --steps 8 --seed 3' };

describe('the dashboard over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startDashboardHarness();
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('refuses without the admin key, asking for it with HTTP Basic', async () => {
    for (const p of [
      '/dashboard',
      '/dashboard/',
      '/dashboard/api/overview',
      '/dashboard/queues',
      '/dashboard/queues/api/queues',
    ]) {
      const res = await h.fetch(p);
      expect(res.status, p).toBe(401);
      expect(res.headers.get('www-authenticate'), p).toMatch(/^Basic realm="imagine-bot dashboard"/);
      expect((await bodyOf(res)).error.message, p).toContain('the dashboard needs the admin key');
    }
    const wrong = await h.fetch('/dashboard/', bearer('ibk_not-a-key'));
    expect((await bodyOf(wrong)).error.reason).toBe('invalid_key');
    const user = await h.fetch('/dashboard/api/overview', bearer(ALICE));
    expect(user.status).toBe(401);
    expect((await bodyOf(user)).error).toMatchObject({
      reason: 'not_admin',
      message: 'the key "alice" is not an admin key: use the key named "admin" or one with "admin": true',
    });
  });

  it('opens for the key named admin (Bearer or Basic) and for a key with "admin": true', async () => {
    const basic = {
      headers: { authorization: `Basic ${Buffer.from(`anyone:${ADMIN}`).toString('base64')}` },
    };
    for (const init of [bearer(ADMIN), basic, bearer(OPS)]) {
      const overview = await h.fetch('/dashboard/api/overview', init);
      expect(overview.status).toBe(200);
      const body = await bodyOf(overview);
      expect(body.workers).toEqual([
        expect.objectContaining({ device: 'cpu', models: expect.arrayContaining(['toy']) }),
      ]);
      expect(Object.keys(body.queues).sort()).toEqual(['cpu', 'gpu', 'io']);
    }
    const board = await bodyOf(h.fetch('/dashboard/queues/api/queues', bearer(ADMIN)));
    expect(board.queues.map((q: { name: string }) => q.name).sort()).toEqual(['cpu', 'gpu', 'io']);
    expect(board.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
  });

  it('an admin flag that is not a boolean stops the start, naming the record', () => {
    expect(() => apiKeysFromConfig([{ name: 'ops', keyHash: sha256Hex(OPS), admin: 'yes' }])).toThrow(
      expect.objectContaining({
        problems: [expect.objectContaining({ field: 'API_KEYS.0.admin', problem: 'must be true or false' })],
      }),
    );
  });

  it('streams every job’s events, with its id, progress and previews, on one SSE connection', async () => {
    const stop = new AbortController();
    const stream = await h.fetch('/dashboard/api/events', { ...bearer(ADMIN), signal: stop.signal });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const seen: { event?: string; data: { jobId?: string } }[] = [];
    const ready = new Promise<void>((resolve) => {
      void readSse(stream, (e) => {
        seen.push(e);
        if (e.event === 'ready') resolve();
      }).catch(() => undefined);
    });
    await ready;
    const { id } = await bodyOf(h.json('/v1/jobs', JOB, bearer(ALICE)));
    await waitFor(
      async () => (seen.some((e) => e.event === 'done' && e.data.jobId === id) ? true : undefined),
      'done',
      60_000,
    );
    const mine = seen.filter((e) => e.data.jobId === id);
    expect(mine.filter((e) => e.event === 'progress').map((e) => e.data)).toContainEqual(
      expect.objectContaining({ step: 5, total: 8, previewUrl: expect.stringContaining('/v1/artifacts/') }),
    );
    expect(mine.some((e) => e.event === 'status')).toBe(true);
    stop.abort();
  }, 90_000);
});

describe.skipIf(!CHROMIUM_PATH)(
  `the dashboard and keyed web page in chromium${CHROMIUM_PATH ? '' : ` (${NO_CHROMIUM})`}`,
  () => {
    let h: Harness;
    let browser: Browser;
    let admin: BrowserContext;

    beforeAll(async () => {
      [h, browser] = await Promise.all([startDashboardHarness(), launchChromium()]);
      admin = await browser.newContext({
        httpCredentials: { username: 'admin', password: ADMIN },
        viewport: { width: 1100, height: 1000 },
      });
      await mkdir(SCREENSHOTS, { recursive: true });
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
      await h?.close();
    });

    it('refuses the dashboard to a browser without the admin key', async () => {
      // Chromium is challenged for Basic credentials; with none (or a user's key) the load fails.
      const context = await browser.newContext();
      await expect((await context.newPage()).goto(`${h.url}/dashboard/`)).rejects.toThrow(
        /ERR_INVALID_AUTH_CREDENTIALS/,
      );
      const user = await browser.newContext({ httpCredentials: { username: 'alice', password: ALICE } });
      const page = await user.newPage();
      const res = await page.goto(`${h.url}/dashboard/`);
      expect(res?.status()).toBe(401);
      expect(await page.locator('body').innerText()).toContain('the key \\"alice\\" is not an admin key');
      expect(await page.locator('#workers').count()).toBe(0);
      await Promise.all([context.close(), user.close()]);
    });

    it('shows the renderer, the queues, a job in flight with live progress and preview, and then its result', async () => {
      const page = await admin.newPage();
      const res = await page.goto(`${h.url}/dashboard/`);
      expect(res?.status()).toBe(200);
      const worker = page.locator('#workers tr.worker');
      await worker.first().waitFor();
      expect(await worker.count()).toBe(1);
      const cells = await worker.locator('td').allInnerTexts();
      expect(cells[1]).toBe('cpu');
      expect(cells[2]).toContain('toy');
      expect(cells[5]).toMatch(/^\d+ s ago$/);
      await page.waitForFunction(() => document.querySelectorAll('#queues tbody tr').length === 3);
      expect(await page.locator('#queues tbody tr td:first-child').allInnerTexts()).toEqual([
        'io',
        'cpu',
        'gpu',
      ]);

      // Held in the paused GPU queue, the job shows in flight; resumed, its progress arrives over SSE.
      const gpu = h.stack.system.queues.gpu;
      await gpu.pause();
      const { id } = await bodyOf(h.json('/v1/jobs', JOB, bearer(ALICE)));
      const card = page.locator(`#in-flight .job-card[data-job="${id}"]`);
      await card.waitFor({ timeout: 20_000 });
      expect(await card.innerText()).toContain('key:alice');
      expect(await card.innerText()).toContain('a yellow square on grass');
      await page.evaluate(() => {
        const log: string[] = [];
        window.progressLog = log;
        new MutationObserver(
          (records: { attributeName: string; target: { getAttribute(n: string): string } }[]) => {
            for (const r of records) log.push(`${r.attributeName}=${r.target.getAttribute(r.attributeName)}`);
          },
        ).observe(document.getElementById('in-flight'), {
          subtree: true,
          attributes: true,
          attributeFilter: ['max', 'src', 'data-live'],
        });
      });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-in-flight.png'), fullPage: true });
      await gpu.resume();
      const tile = page.locator(`#recent .tile[data-job="${id}"] img`);
      await tile.waitFor({ timeout: 60_000 });
      const log: string[] = await page.evaluate(() => window.progressLog);
      expect(log).toContain('max=8');
      // Step 5 (the preview's) came over the event stream, not from a poll of the overview.
      expect(log).toContain('data-live=step 5');
      expect(log.some((l) => /^src=http:\/\/.+\/v1\/artifacts\/[A-Za-z0-9_-]+$/.test(l))).toBe(true);
      await page.waitForFunction((jobId) => !document.querySelector(`#in-flight [data-job="${jobId}"]`), id);
      expect(await tile.evaluate((i) => i.naturalWidth)).toBe(128);
      expect(await page.locator(`#recent .tile[data-job="${id}"]`).innerText()).toContain('key:alice');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
      await page.close();
    }, 120_000);

    it('serves bull-board’s queues UI under /dashboard/queues', async () => {
      const page = await admin.newPage();
      const failed: string[] = [];
      page.on('response', (r) => {
        if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
      });
      const res = await page.goto(`${h.url}/dashboard/queues`);
      expect(res?.status()).toBe(200);
      await page.getByText('gpu', { exact: true }).first().waitFor({ timeout: 20_000 });
      await page.getByText('Loading...').waitFor({ state: 'detached', timeout: 20_000 });
      expect(failed).toEqual([]);
      for (const name of ['io', 'cpu', 'gpu'])
        expect(await page.getByText(name, { exact: true }).count()).toBeGreaterThan(0);
      expect(await page.title()).toBe('imagine-bot queues');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-queues.png'), fullPage: true });
      await page.close();
    });

    it('the web page asks for a key, refuses a wrong one, and with a valid one shows that key’s pictures', async () => {
      const { id } = await bodyOf(h.json('/v1/jobs', JOB, bearer(ALICE)));
      await readSse(await h.fetch(`/v1/jobs/${id}/events`, bearer(ALICE)));
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${h.url}/`);
      expect(await page.locator('#key-form').isVisible()).toBe(true);
      expect(await page.locator('#prompt-form').isVisible()).toBe(false);
      await page.locator('#api-key').fill('ibk_wrong');
      await page.locator('#key-form button').click();
      await page.waitForSelector('#error:not([hidden])');
      expect(await page.locator('#error').innerText()).toContain('this API key is not valid');
      expect(await page.evaluate(() => localStorage.getItem('imagine-bot.apiKey'))).toBeNull();
      expect(await page.locator('#key-form').isVisible()).toBe(true);

      await page.locator('#api-key').fill(ALICE);
      await page.locator('#key-form button').click();
      await page.locator('#gallery .tile').first().waitFor();
      const listed = await bodyOf(h.fetch('/v1/jobs?status=done', bearer(ALICE)));
      expect(
        await page
          .locator('#gallery .tile')
          .evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-job'))),
      ).toEqual(listed.jobs.map((j: { id: string }) => j.id));
      expect(await page.evaluate(() => localStorage.getItem('imagine-bot.apiKey'))).toBe(ALICE);
      // A reload keeps the key: the prompt box shows at once.
      await page.reload();
      await page.locator('#prompt-form').waitFor();
      expect(await page.locator('#key-form').isVisible()).toBe(false);
      await context.close();
    });
  },
);

async function startDashboardHarness(): Promise<Harness> {
  const h = await startHarness({
    name: 'dashboard',
    env: { MODELS_DIR: await testModels() },
    stack: { renderer: true, components: true, admit: true },
    deps: {
      apiKeys: apiKeysFromConfig([
        { name: 'admin', keyHash: sha256Hex(ADMIN) },
        { name: 'ops', keyHash: sha256Hex(OPS), admin: true },
        { name: 'alice', keyHash: sha256Hex(ALICE) },
      ]),
    },
  });
  await waitFor(async () => ((await h.stack.registry.live()).length > 0 ? true : undefined), 'the renderer');
  return h;
}
