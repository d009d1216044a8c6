// The web page at / in a real headless chromium over the real stack (renderer on the toy model): a
// prompt typed into the page ends in the picture on the page, with its parameters; the buttons make
// their follow-up jobs; the gallery lists the caller's results; a screenshot shows what must be there.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, launchChromium, NO_CHROMIUM } from '../../helpers/browser.ts';
import { testModels } from '../../helpers/built-in-models.ts';
import { isBlue, isRed, rgbOf, share } from '../../helpers/picture.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';

// Page functions run in the browser; the project compiles without the DOM library.
// biome-ignore lint/suspicious/noExplicitAny: browser globals, used inside page functions only
declare const document: any;

const SCREENSHOTS = path.join(process.cwd(), 'var', 'test-screenshots');
const PROMPT = 'a red circle on a blue sky --size 128x128 --steps 8 --seed 5';

describe.skipIf(!CHROMIUM_PATH)(`the web page in chromium${CHROMIUM_PATH ? '' : ` (${NO_CHROMIUM})`}`, () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const modelsDir = await testModels();
    [h, browser] = await Promise.all([
      startHarness({
        name: 'web',
        env: { MODELS_DIR: modelsDir },
        stack: { renderer: true, components: true, admit: true },
      }),
      launchChromium(),
    ]);
    await waitFor(
      async () => ((await h.stack.registry.live()).length > 0 ? true : undefined),
      'the renderer',
    );
    page = await browser.newPage({ viewport: { width: 1100, height: 1300 } });
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** Waits for the result section to show job `notId`'s successor, and returns its id. */
  async function nextResult(notId: string | undefined): Promise<string> {
    await page.waitForFunction(
      (previous) => {
        const result = document.getElementById('result');
        const img = result?.querySelector('img.result-image');
        return !result?.hidden && result?.dataset.job !== previous && img?.complete && img.naturalWidth > 0;
      },
      notId ?? '',
      { timeout: 60_000 },
    );
    return (await page.locator('#result').getAttribute('data-job')) ?? '';
  }

  async function param(name: string): Promise<string> {
    return page.locator(`#result-params dt:text-is("${name}") + dd`).innerText();
  }

  it('a prompt typed into the page ends in the picture on the page, with progress, preview and parameters', async () => {
    await page.goto(`${h.url}/`);
    await expect(page.locator('#key-form').isHidden()).resolves.toBe(true);
    await page.locator('#prompt').fill(PROMPT);
    await page.locator('#submit').click();
    const id = await nextResult(undefined);

    // Progress came over SSE: the bar was sized by the job's own step count, the preview is an artifact.
    expect(await page.locator('#job-progress').evaluate((p) => [p.value, p.max])).toEqual([8, 8]);
    expect(await page.locator('#job-preview').getAttribute('src')).toMatch(
      /\/v1\/artifacts\/[A-Za-z0-9_-]+$/,
    );
    expect(await page.locator('#job-status').innerText()).toBe('done');

    const img = page.locator('#result img.result-image');
    expect(await img.evaluate((i) => [i.naturalWidth, i.naturalHeight])).toEqual([128, 128]);
    const job = await bodyOf(h.fetch(`/v1/jobs/${id}`));
    expect(job).toMatchObject({ status: 'done', kind: 'imagine', params: { seed: 5, steps: 8, width: 128 } });
    expect(await img.getAttribute('src')).toBe(job.result.images[0].url);
    expect(await param('prompt')).toBe('a red circle on a blue sky');
    expect(await param('size')).toBe('128x128');
    expect(await param('steps')).toBe('8');
    expect(await param('seed')).toBe('5');
    expect(await param('sampler')).toBe('euler_a');
    expect(await page.locator('#gallery .tile').count()).toBe(1);
    expect(await page.locator('#gallery .tile').getAttribute('data-job')).toBe(id);

    // The screenshot: prompt box, result picture (painted: the toy's red circle on blue sky), its
    // parameters, the buttons and the gallery, each inside the shot and visible.
    await mkdir(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, 'web-page.png');
    const shot = await page.screenshot({ path: file, fullPage: true });
    for (const selector of [
      '#prompt',
      '#submit',
      '#result img.result-image',
      '#result-params',
      '.vary',
      '.upscale',
      '#reroll',
      '#gallery .tile img',
    ]) {
      const box = await page.locator(selector).first().boundingBox();
      expect(box, selector).not.toBeNull();
      expect(box!.width * box!.height, selector).toBeGreaterThan(0);
      expect(await page.locator(selector).first().isVisible(), selector).toBe(true);
    }
    const pictureBox = (await img.boundingBox())!;
    const screen = await rgbOf(shot);
    const area = {
      x0: Math.round(pictureBox.x),
      y0: Math.round(pictureBox.y),
      x1: Math.round(pictureBox.x + pictureBox.width),
      y1: Math.round(pictureBox.y + pictureBox.height),
    };
    expect(share(screen, isBlue, area)).toBeGreaterThan(0.3);
    expect(share(screen, isRed, area)).toBeGreaterThan(0.03);
  }, 90_000);

  it('Vary, Upscale and Reroll submit their follow-up jobs and show their results', async () => {
    const first = (await page.locator('#result').getAttribute('data-job'))!;
    await page.locator('.vary').first().click();
    const varied = await nextResult(first);
    expect(await bodyOf(h.fetch(`/v1/jobs/${varied}`))).toMatchObject({
      kind: 'variation',
      status: 'done',
      params: { strength: 0.6, count: 1, prompt: 'a red circle on a blue sky' },
    });
    expect(await param('kind')).toBe('variation');

    await page.locator('.upscale').first().click();
    const upscaled = await nextResult(varied);
    const upscaleJob = await bodyOf(h.fetch(`/v1/jobs/${upscaled}`));
    expect(upscaleJob).toMatchObject({ kind: 'upscale', status: 'done' });
    const big = page.locator('#result img.result-image');
    expect(await big.evaluate((i) => i.naturalWidth)).toBe(256);

    await page.locator('#reroll').click();
    const rerolled = await nextResult(upscaled);
    const rerollJob = await bodyOf(h.fetch(`/v1/jobs/${rerolled}`));
    expect(rerollJob.kind).toBe('upscale');
    expect(rerollJob.params.seed).not.toBe(upscaleJob.params.seed);

    const listed = await bodyOf(h.fetch('/v1/jobs?status=done'));
    // The buttons send only what their job uses: nothing comes back as unused.
    for (const job of listed.jobs) expect(job.result.warnings, job.kind).toEqual([]);
    expect(listed.jobs.map((j: { id: string }) => j.id)).toEqual([rerolled, upscaled, varied, first]);
    expect(listed.jobs[1].parent).toEqual({ jobId: varied, index: 0 });
    expect(await page.locator('#gallery .tile').count()).toBe(4);
  }, 120_000);

  it('with no keys configured the dashboard is open, like the API', async () => {
    const res = await page.goto(`${h.url}/dashboard/`);
    expect(res?.status()).toBe(200);
    await page.locator('#workers tr.worker').first().waitFor();
    expect(await page.locator('#workers tr.worker td').nth(1).innerText()).toBe('cpu');
    await page.goto(`${h.url}/`);
  });

  it('a prompt with a wrong flag shows the error the API gives, and nothing is queued', async () => {
    await page.locator('#prompt').fill('a fox --sed 4');
    await page.locator('#submit').click();
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.locator('#error').innerText()).toContain(
      '--sed is not a known flag (did you mean --seed?)',
    );
    expect((await bodyOf(h.fetch('/v1/jobs'))).jobs).toHaveLength(4);
  });
});
