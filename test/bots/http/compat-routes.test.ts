import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatA1111Parameters } from '../../../core/a1111/infotext.ts';
import { addPngText } from '../../../renderer/image/png-text.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';
import { dataUri, pngOf } from './pictures.ts';

// No renderer here: what is checked is everything up to the render (validation, field names, the
// synchronous wait, cancelling on hang-up). Rendering through these routes is in render-e2e.test.ts.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ name: 'compat', deps: { limits: { syncTimeoutMs: 600 } } });
  await h.stack.registry.heartbeat({
    id: 'r1',
    device: 'cpu',
    models: ['toy', 'toy-inpaint'],
    loaded: [],
    maxPixels: 1 << 20,
    busy: false,
    startedAt: Date.now(),
  });
});
afterAll(async () => {
  await h?.close();
});

const fieldsOf = (body: { error: { problems?: { field: string }[] } }) =>
  (body.error.problems ?? []).map((p) => p.field);
const jobIdIn = (message: string) => /\/v1\/jobs\/([\w-]+)/.exec(message)?.[1] ?? '';

describe('AUTOMATIC1111 routes', () => {
  it('lists samplers and models in A1111 shape', async () => {
    const samplers = await bodyOf(h.fetch('/sdapi/v1/samplers'));
    expect(samplers).toContainEqual({ name: 'Euler a', aliases: ['euler_a'], options: {} });
    expect(samplers).toContainEqual({ name: 'DPM++ 2M Karras', aliases: ['dpmpp_2m_karras'], options: {} });
    for (const name of [
      'UniPC',
      'Heun',
      'DPM2',
      'DPM2 a',
      'DEIS',
      'DPM++ 2S',
      'DPM++ 2M SDE',
      'DPM++ 2M SDE Karras',
    ]) {
      expect(samplers.map((s: { name: string }) => s.name)).toContain(name);
    }
    const models = await bodyOf(h.fetch('/sdapi/v1/sd-models'));
    expect(models.map((m: { model_name: string }) => m.model_name)).toEqual(['toy', 'toy-inpaint']);
  });

  it('answers what A1111 clients read at start: options, schedulers, upscalers, sd-models', async () => {
    const models = await bodyOf(h.fetch('/sdapi/v1/sd-models'));
    expect(models[0]).toEqual({
      title: 'toy',
      model_name: 'toy',
      hash: null,
      sha256: null,
      filename: 'toy',
      config: null,
      // This renderer's heartbeat tells no families (a real one does: model-defaults-e2e.test.ts).
      family: null,
    });
    const options = await h.fetch('/sdapi/v1/options');
    expect(options.status).toBe(200);
    const opts = await bodyOf(options);
    // The current checkpoint is one of the listed titles, as A1111 clients check.
    expect(models.map((m: { title: string }) => m.title)).toContain(opts.sd_model_checkpoint);
    expect(opts).toMatchObject({
      sd_model_checkpoint: 'toy',
      samples_format: 'png',
      CLIP_stop_at_last_layers: 1,
      sd_vae: 'Automatic',
      live_previews_enable: true,
      show_progress_every_n_steps: 5,
    });
    const schedulers = await bodyOf(h.fetch('/sdapi/v1/schedulers'));
    expect(schedulers).toEqual([
      { name: 'automatic', label: 'Automatic', aliases: null, default_rho: -1, need_inner_model: false },
      { name: 'karras', label: 'Karras', aliases: null, default_rho: 7, need_inner_model: false },
    ]);
    expect(await bodyOf(h.fetch('/sdapi/v1/upscalers'))).toEqual([
      { name: 'None', model_name: null, model_path: null, model_url: null, scale: 4 },
    ]);
  });

  it('POST options chooses the caller’s checkpoint; other options are refused unless unchanged', async () => {
    const chosen = await h.json('/sdapi/v1/options', {
      sd_model_checkpoint: 'toy-inpaint',
      sd_vae: 'Automatic',
    });
    expect(chosen.status).toBe(200);
    expect(await bodyOf(chosen)).toBeNull();
    expect((await bodyOf(h.fetch('/sdapi/v1/options'))).sd_model_checkpoint).toBe('toy-inpaint');
    const res = await h.json('/sdapi/v1/txt2img', { prompt: 'a mill', steps: 2, width: 64, height: 64 });
    const state = await h.stack.system.orchestrator.state(jobIdIn((await bodyOf(res)).error.message));
    expect(state?.job.params.model).toBe('toy-inpaint');

    const refused = await h.json('/sdapi/v1/options', {
      sd_model_checkpoint: 'sd15.safetensors [abc]',
      CLIP_stop_at_last_layers: 2,
      img2img_fix_steps: true,
    });
    expect(refused.status).toBe(400);
    const problems = (await bodyOf(refused)).error.problems;
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'sd_model_checkpoint',
        problem: expect.stringContaining('toy, toy-inpaint'),
      }),
      expect.objectContaining({
        field: 'CLIP_stop_at_last_layers',
        value: 2,
        problem: expect.stringContaining('1'),
      }),
      expect.objectContaining({
        field: 'img2img_fix_steps',
        problem: expect.stringContaining('not an option'),
      }),
    ]);
    // Nothing of a refused request is applied.
    expect((await bodyOf(h.fetch('/sdapi/v1/options'))).sd_model_checkpoint).toBe('toy-inpaint');
    await h.json('/sdapi/v1/options', { sd_model_checkpoint: 'toy' });
    expect((await bodyOf(h.fetch('/sdapi/v1/options'))).sd_model_checkpoint).toBe('toy');
  });

  it('png-info reads back the parameters our pictures carry, in A1111 shape', async () => {
    const infotext = formatA1111Parameters({
      prompt: 'a red circle, left',
      negativePrompt: 'blur',
      steps: 2,
      sampler: 'dpmpp_2m_karras',
      guidance: 7,
      seed: 42,
      width: 64,
      height: 64,
      model: 'toy',
      extra: { 'Denoising strength': 0.5 },
    });
    const png = addPngText(await pngOf(64, 64), { parameters: infotext, Software: 'imagine-bot' });
    const res = await h.json('/sdapi/v1/png-info', { image: png.toString('base64') });
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({
      info: infotext,
      items: { Software: 'imagine-bot' },
      parameters: {
        Prompt: 'a red circle, left',
        'Negative prompt': 'blur',
        Steps: '2',
        Sampler: 'DPM++ 2M',
        'Schedule type': 'Karras',
        'CFG scale': '7',
        Seed: '42',
        'Size-1': '64',
        'Size-2': '64',
        Model: 'toy',
        'Denoising strength': '0.5',
        // What A1111 fills in when the text leaves it out.
        'Clip skip': '1',
      },
    });
    // A data: URI is read too; a picture without parameters gives empty fields, as in A1111.
    expect(await bodyOf(h.json('/sdapi/v1/png-info', { image: dataUri(await pngOf(8, 8)) }))).toEqual({
      info: '',
      items: {},
      parameters: {},
    });
    const bad = await h.json('/sdapi/v1/png-info', { image: 'bm90IGEgcGljdHVyZQ==' });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).error.problems[0]).toMatchObject({ field: 'image' });
    const missing = await h.json('/sdapi/v1/png-info', {});
    expect(fieldsOf(await bodyOf(missing))).toEqual(['image']);
  });

  it('takes an empty prompt and A1111’s default CFG scale of 7', async () => {
    const res = await h.json('/sdapi/v1/txt2img', { prompt: '', steps: 2, width: 64, height: 64 });
    // No renderer here: the job is accepted and waits.
    expect(res.status).toBe(504);
    const state = await h.stack.system.orchestrator.state(jobIdIn((await bodyOf(res)).error.message));
    expect(state?.job.params).toMatchObject({ prompt: '', guidance: 7 });
    const bare = await h.json('/sdapi/v1/txt2img', {});
    expect(bare.status).toBe(504);
    const bareState = await h.stack.system.orchestrator.state(jobIdIn((await bodyOf(bare)).error.message));
    expect(bareState?.job.params).toMatchObject({ prompt: '', guidance: 7 });
    // Flags are not read on /sdapi, as in A1111: the text is the prompt.
    const flags = await bodyOf(h.json('/sdapi/v1/txt2img', { prompt: 'a fox --seed 3', cfg_scale: 5 }));
    const flagsState = await h.stack.system.orchestrator.state(jobIdIn(flags.error.message));
    expect(flagsState?.job.params).toMatchObject({ prompt: 'a fox --seed 3', guidance: 5 });
    // The job API still asks for a prompt.
    const ours = await h.json('/v1/jobs', { prompt: '' });
    expect(ours.status).toBe(400);
  });

  it('answers validation errors naming A1111 fields', async () => {
    const res = await h.json('/sdapi/v1/txt2img', { prompt: 'a fox', steps: 'many', sampler_name: 'Heun' });
    expect(res.status).toBe(400);
    const body = await bodyOf(res);
    expect(fieldsOf(body)).toEqual(['steps']);
    expect(body.detail).toBe(body.error.message);
    const sampler = await bodyOf(h.json('/sdapi/v1/txt2img', { prompt: 'a fox', sampler_name: 'Restart' }));
    expect(sampler.error.problems[0]).toMatchObject({ field: 'sampler_name', value: 'Restart' });
    const ranges = await bodyOf(
      h.json('/sdapi/v1/txt2img', { prompt: 'a fox', width: 100, cfg_scale: 99, batch_size: 9 }),
    );
    expect(fieldsOf(ranges)).toEqual(expect.arrayContaining(['width', 'cfg_scale', 'batch_size']));
    // A schedule the sampler does not have here is refused, not dropped.
    const schedule = await bodyOf(
      h.json('/sdapi/v1/txt2img', { prompt: 'a fox', sampler_name: 'Euler', scheduler: 'karras' }),
    );
    expect(schedule.error.problems[0]).toMatchObject({
      field: 'scheduler',
      problem: expect.stringContaining('only with DPM++ 2M'),
    });
    const unknownSchedule = await bodyOf(h.json('/sdapi/v1/txt2img', { prompt: 'a fox', scheduler: 'Beta' }));
    expect(unknownSchedule.error.problems[0]).toMatchObject({ field: 'scheduler', value: 'Beta' });
    const noPicture = await bodyOf(h.json('/sdapi/v1/img2img', { prompt: 'a fox' }));
    expect(fieldsOf(noPicture)).toEqual(['init_images']);
    const badPicture = await bodyOf(
      h.json('/sdapi/v1/img2img', { prompt: 'a fox', init_images: ['bm90IGEgcGljdHVyZQ=='] }),
    );
    expect(badPicture.error.problems[0]).toMatchObject({
      field: 'init_images',
      problem: expect.stringContaining('could not be read'),
    });
  });

  it('waits for the picture, answers 504 with the job when it takes too long', async () => {
    const res = await h.json('/sdapi/v1/txt2img', {
      prompt: 'a slow fox',
      steps: 2,
      width: 64,
      height: 64,
      seed: 5,
      sampler_name: 'DPM++ 2M',
      // By name, as A1111 1.9+ clients send it (the label Karras is read too).
      scheduler: 'karras',
    });
    expect(res.status).toBe(504);
    const body = await bodyOf(res);
    expect(body.error.code).toBe('timeout');
    const state = await h.stack.system.orchestrator.state(jobIdIn(body.error.message));
    expect(state?.job.params).toMatchObject({
      prompt: 'a slow fox',
      steps: 2,
      seed: 5,
      sampler: 'dpmpp_2m_karras',
    });
  });

  it('progress shows the caller’s job; a client that hangs up cancels it; interrupt cancels too', async () => {
    const slow = await startHarness({ name: 'compat-slow' });
    try {
      expect(await bodyOf(slow.fetch('/sdapi/v1/progress'))).toMatchObject({
        progress: 0,
        state: { job_count: 0 },
      });
      const hangUp = new AbortController();
      const png = (await pngOf(64, 64)).toString('base64');
      const pending = slow
        .json(
          '/sdapi/v1/img2img',
          { prompt: 'blue', init_images: [png], denoising_strength: 0.4, width: 64, height: 64 },
          { signal: hangUp.signal },
        )
        .catch(() => undefined);
      const running = await waitFor(async () => {
        const p = await bodyOf(slow.fetch('/sdapi/v1/progress?skip_current_image=true'));
        return p.state.job_count === 1 ? p : undefined;
      }, 'the job to show in progress');
      const id = /task\((.+)\)/.exec(running.state.job)?.[1] ?? '';
      expect((await slow.stack.system.orchestrator.state(id))?.job).toMatchObject({
        kind: 'remix',
        params: { strength: 0.4 },
      });
      hangUp.abort();
      await pending;
      await waitFor(
        async () =>
          (await slow.stack.system.orchestrator.state(id))?.status === 'cancelled' ? true : undefined,
        'cancel on hang-up',
      );

      const again = slow.json('/sdapi/v1/txt2img', { prompt: 'a fox' });
      const second = await waitFor(async () => {
        const p = await bodyOf(slow.fetch('/sdapi/v1/progress'));
        return p.state.job_count === 1 && !p.state.job.includes(id) ? p : undefined;
      }, 'the second job');
      expect(await bodyOf(slow.json('/sdapi/v1/interrupt', {}))).toEqual({});
      // A1111 answers an interrupted request with what it drew so far: here nothing had started.
      const answer = await again;
      expect(answer.status).toBe(200);
      const interrupted = await bodyOf(answer);
      expect(interrupted.images).toEqual([]);
      expect(JSON.parse(interrupted.info)).toMatchObject({ prompt: 'a fox', all_seeds: [] });
      expect(second.state.job).toMatch(/^task\(/);
    } finally {
      await slow.close();
    }
  });
});

describe('EasyAnimate routes', () => {
  it('videos and pictures are checked with EasyAnimate field names', async () => {
    // EasyAnimate's default length (144 frames) is over the frame limit: told as length_slider.
    const video = await h.json('/easyanimate/infer_forward', { prompt_textbox: 'a waterfall' });
    expect(video.status).toBe(400);
    const body = await bodyOf(video);
    expect(body.message).toBe(`Error. error information is ${body.error.message}`);
    expect(body.error.problems).toContainEqual(
      expect.objectContaining({ field: 'length_slider', problem: 'must be between 1 and 48' }),
    );
    const bad = await bodyOf(
      h.json('/easyanimate/infer_forward', {
        prompt_textbox: 'x',
        is_image: true,
        sampler_dropdown: 'Heun',
        width_slider: 70,
      }),
    );
    expect(fieldsOf(bad)).toEqual(['sampler_dropdown']);
    expect(bad.message).toMatch(/^Error\. error information is /);
    const size = await bodyOf(
      h.json('/easyanimate/infer_forward', { prompt_textbox: 'x', length_slider: 1, width_slider: 70 }),
    );
    expect(fieldsOf(size)).toEqual(['width_slider']);
  });

  it('update_diffusion_transformer and update_edition answer success for known values only', async () => {
    const ok = await h.json('/easyanimate/update_diffusion_transformer', {
      diffusion_transformer_path: 'models/Diffusion_Transformer/toy',
    });
    expect(await bodyOf(ok)).toEqual({ message: 'Success' });
    const unknown = await h.json('/easyanimate/update_diffusion_transformer', {
      diffusion_transformer_path: 'models/EasyAnimateV5-12b-zh',
    });
    expect(unknown.status).toBe(404);
    expect((await bodyOf(unknown)).message).toBe(
      'Error. error information is no renderer has model EasyAnimateV5-12b-zh (available: toy, toy-inpaint)',
    );
    expect(await bodyOf(h.json('/easyanimate/update_edition', { edition: 'v5.1' }))).toEqual({
      message: 'Success',
    });
    const edition = await h.json('/easyanimate/update_edition', { edition: 'v9' });
    expect(edition.status).toBe(400);
    expect(fieldsOf(await bodyOf(edition))).toEqual(['edition']);

    // The chosen model is used by later pictures of the same key; "none" resets it.
    await h.json('/easyanimate/update_diffusion_transformer', { diffusion_transformer_path: 'toy-inpaint' });
    const timedOut = await bodyOf(
      h.json('/easyanimate/infer_forward', {
        prompt_textbox: 'a mill',
        is_image: true,
        seed_textbox: '7',
        width_slider: 64,
        height_slider: 64,
      }),
    );
    const state = await h.stack.system.orchestrator.state(jobIdIn(timedOut.error.message));
    expect(state?.job.params).toMatchObject({
      model: 'toy-inpaint',
      seed: 7,
      steps: 30,
      guidance: 6,
      sampler: 'euler',
    });
    expect(
      await bodyOf(
        h.json('/easyanimate/update_diffusion_transformer', { diffusion_transformer_path: 'none' }),
      ),
    ).toEqual({ message: 'Success' });
  });
});
