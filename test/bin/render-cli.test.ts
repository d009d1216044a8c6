// The render CLI as a user meets it: one clear line for every mistake (all of them at once, in the
// words typed), did-you-mean for its own flags, --help, and warnings for what it did not use.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPngText } from '../../renderer/image/png-text.ts';
import { testModels } from '../helpers/built-in-models.ts';
import { TINY_XL, TINY_XL_PRESENT } from '../helpers/defaults-models.ts';

let dir: string;
let modelsDir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'render-cli-'));
  modelsDir = await testModels();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/render.ts', ...args], {
    env: { ...process.env, MODELS_DIR: modelsDir, DATA_DIR: dir, CONFIG_FILE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A refusal: exit code 2, one line on stderr, no stack trace or library dump. */
function refusal(run: Run): string {
  expect(run.code, run.stderr).toBe(2);
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/ZodError|\bat .*\.ts:\d+|^\s+at /m);
  return lines[0];
}

describe('the render CLI', () => {
  it('answers a 5,000-character prompt with one line naming the limit', async () => {
    const line = refusal(await cli('x'.repeat(5000), '--out', path.join(dir, 'long.png')));
    expect(line).toContain('prompt');
    expect(line).toContain('must be at most 2000 characters');
    expect(line).toContain('LIMIT_MAX_PROMPT_CHARS');
  });

  it('says what --ar allows', async () => {
    const line = refusal(await cli('a fox', '--ar', '40:1'));
    expect(line).toMatch(/--ar: "40:1" is too extreme: --ar allows ratios from 1:\d+ to \d+:1/);
    expect(line).not.toContain('--size');
  });

  it('reports every problem at once, with did-you-mean for its own flags', async () => {
    const line = refusal(
      await cli('a fox', '--outt', 'x.png', '--mask-blr', '3', '--invert', '--sed', '4', '--steps', '500'),
    );
    expect(line).toContain('--outt is not a known flag (did you mean --out?)');
    expect(line).toContain('--mask-blr is not a known flag (did you mean --mask-blur?)');
    expect(line).toContain('--invert is not a known flag (did you mean --invert-mask?)');
    expect(line).toContain('--sed is not a known flag (did you mean --seed?)');
    expect(line).toContain('--steps: 500 must be between 1 and 100');
    const both = refusal(await cli('a fox', '--mask-blur', 'soft', '--cfg', 'high'));
    expect(both).toContain('--mask-blur: "soft" must be a whole number of pixels');
    expect(both).toContain('--cfg: "high" must be a number');
  });

  it('has --help', async () => {
    const run = await cli('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm run render -- "PROMPT" \[flags]/m);
    for (const flag of [
      '--out',
      '--image',
      '--mask',
      '--invert-mask',
      '--mask-blur',
      '--model',
      '--seed',
      '--ar',
    ])
      expect(run.stdout).toContain(flag);
    expect(run.stderr).toBe('');
  });

  it('refuses video flags for a picture, saying how to get a video', async () => {
    const line = refusal(await cli('waves', '--frames', '16', '--motion', 'zoom-in'));
    expect(line).toContain('--frames makes a video: give --out a .mp4, .webm or .gif file');
    expect(line).toContain('--motion makes a video');
  });

  it('makes a video when --out is .mp4, .gif or .webm, with the frames and fps asked', async () => {
    const { probeVideo } = await import('../../renderer/video/probe-video.ts');
    for (const [ext, codec] of [
      ['mp4', 'h264'],
      ['gif', 'gif'],
    ] as const) {
      const out = path.join(dir, `clip.${ext}`);
      const run = await cli(
        'a red circle on a blue sky',
        '--motion',
        'pan-left',
        '--frames',
        '4',
        '--fps',
        '8',
        '--size',
        '128x128',
        '--steps',
        '3',
        '--seed',
        '5',
        '--out',
        out,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`seed 5 -> ${out}`);
      expect(run.stdout).toMatch(/animate on toy, 128x128, 4 frames at 8 fps/);
      const probe = await probeVideo(await readFile(out), ext);
      expect(probe).toMatchObject({ codec, width: 128, height: 128, frames: 4 });
    }
    const line = refusal(
      await cli('x', '--n', '2', '--mask', 'm.png', '--image', 'i.png', '--out', path.join(dir, 'c.webm')),
    );
    expect(line).toContain('--mask cannot be used for a video');
    expect(line).toContain('--n: 2 makes several pictures, but a video is one clip');
  });

  it.skipIf(!TINY_XL_PRESENT)(
    'draws an SDXL folder at its natural size, and --ar over its area',
    async () => {
      const out = path.join(dir, 'xl.png');
      const plain = await cli('a red circle', '--steps', '1', '--model', TINY_XL, '--out', out);
      expect(plain.code, plain.stderr).toBe(0);
      // tiny-xl: UNet sample_size 32 times the VAE's 8.
      expect(await sharp(await readFile(out)).metadata()).toMatchObject({ width: 256, height: 256 });
      expect(plain.stdout).toContain('txt2img on tiny-xl, 256x256, 1 steps');
      const wide = await cli('a red circle --ar 16:9', '--steps', '1', '--model', TINY_XL, '--out', out);
      expect(wide.code, wide.stderr).toBe(0);
      expect(await sharp(await readFile(out)).metadata()).toMatchObject({ width: 336, height: 192 });
    },
  );

  it('warns of a strength with no picture, and still renders', async () => {
    const out = path.join(dir, 'strength.png');
    const run = await cli(
      'a red circle',
      '--strength',
      '0.5',
      '--size',
      '64x64',
      '--steps',
      '2',
      '--out',
      out,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'warning: strength (--strength) only applies to a picture you start from (remix, inpaint): this job has none, so it was not used',
    );
    expect((await sharp(await readFile(out)).metadata()).width).toBe(64);
  });

  it('inpaints with a mask of another size (warning) and records --invert-mask in the PNG', async () => {
    const image = path.join(dir, 'in.png');
    const mask = path.join(dir, 'mask.png');
    await sharp({ create: { width: 128, height: 128, channels: 3, background: { r: 40, g: 90, b: 220 } } })
      .png()
      .toFile(image);
    await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 255, g: 255, b: 255 } } })
      .composite([
        {
          input: await sharp({ create: { width: 32, height: 32, channels: 3, background: '#000' } })
            .png()
            .toBuffer(),
          left: 16,
          top: 16,
        },
      ])
      .png()
      .toFile(mask);
    const out = path.join(dir, 'filled.png');
    const run = await cli(
      'a red circle',
      '--image',
      image,
      '--mask',
      mask,
      '--invert-mask',
      '--size',
      '128x128',
      '--steps',
      '3',
      '--out',
      out,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'warning: the mask is 64x64 but the picture is 128x128: the mask was scaled to cover the picture and centre-cropped',
    );
    expect(readPngText(await readFile(out)).parameters).toContain('Mask mode: Inpaint not masked');
  });
});
