// The model CLI against a fake hub on 127.0.0.1 serving the toy model with the hub's URL shape:
// pull (then render what was pulled), resume after a dropped connection or an earlier run,
// checksum refusals, verify, rm, list, and the lines a user reads when something is wrong.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFolder } from '../../renderer/model/load-model-folder.ts';
import type { RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { txt2img } from '../../renderer/pipelines/txt2img.ts';
import { type FakeHub, startFakeHub } from '../fakes/hub/fake-hub.ts';
import { testModels } from '../helpers/built-in-models.ts';

const TOKEN = 'hf_test_token';
let work: string;
let toyDir: string;
let builtInDir: string;
let registryFile: string;
let hub: FakeHub;
let toyFiles: string[];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function models(
  modelsDir: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/models.ts', ...args], {
    env: {
      ...process.env,
      CONFIG_FILE: '',
      MODELS_DIR: modelsDir,
      MODELS_REGISTRY: registryFile,
      HF_ENDPOINT: hub.url,
      HF_TOKEN: TOKEN,
      ...env,
    },
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

/** One line on stderr, no stack trace. */
function oneLine(run: Run): string {
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/^\s+at |\.ts:\d+/m);
  return lines[0];
}

function freshModelsDir(name: string): string {
  const dir = path.join(work, name);
  mkdirSync(dir);
  return dir;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function requestsFor(file: string, since: number) {
  return hub.requests.slice(since).filter((r) => r.file === file && r.url.startsWith('/lfs/'));
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'model-cli-'));
  builtInDir = await testModels();
  toyDir = path.join(builtInDir, 'toy');
  toyFiles = readdirSync(toyDir, { recursive: true, withFileTypes: true })
    // imagine.json is ours (the registry's settings write it), not a file a hub repository holds.
    .filter((e) => e.isFile() && e.name !== 'build.json' && e.name !== 'imagine.json')
    .map((e) => path.relative(toyDir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
  hub = await startFakeHub([
    { repo: 'imagine/toy-onnx', revision: 'onnx', folder: toyDir, token: TOKEN },
    { repo: 'imagine/gated', revision: 'main', folder: toyDir, token: 'someone-elses-token' },
  ]);
  const known = toyFiles.map((file) => {
    const bytes = readFileSync(path.join(toyDir, file));
    return { path: file, size: bytes.length, sha256: sha256(bytes) };
  });
  const unknown = toyFiles.map((file) => ({ path: file, size: null, sha256: null }));
  registryFile = path.join(work, 'registry.json');
  writeFileSync(
    registryFile,
    JSON.stringify({
      models: {
        'toy-hub': {
          description: 'the toy, sizes and hashes known',
          repo: 'imagine/toy-onnx',
          revision: 'onnx',
          files: known,
        },
        'toy-unknown': {
          description: 'the toy, nothing known',
          repo: 'imagine/toy-onnx',
          revision: 'onnx',
          files: [...unknown, { path: 'unet/model.onnx_data', optional: true }],
          settings: { guidance: true },
        },
        gated: { repo: 'imagine/gated', revision: 'main', files: known },
        missing: { repo: 'imagine/nowhere', revision: 'main', files: known },
      },
    }),
  );
});
afterAll(async () => {
  await hub?.close();
  await rm(work, { recursive: true, force: true });
});

describe('npm run models -- pull', () => {
  it('pulls a model from the hub, and the renderer renders it as it renders the original', async () => {
    const dir = freshModelsDir('pull');
    const since = hub.requests.length;
    const run = await models(dir, ['pull', 'toy-hub']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('unet/model.onnx: ok, sha256 matches the registry');
    expect(run.stdout).toContain(`pull toy-hub: installed in ${path.join(dir, 'toy-hub')}`);
    const pulled = path.join(dir, 'toy-hub');
    for (const file of toyFiles) {
      expect(readFileSync(path.join(pulled, file)).equals(readFileSync(path.join(toyDir, file))), file).toBe(
        true,
      );
    }
    expect(readdirSync(pulled, { recursive: true }).filter((f) => String(f).endsWith('.part'))).toEqual([]);
    // The hub's URL shape, the token as Bearer, model_index.json last.
    const resolves = hub.requests.slice(since).filter((r) => r.url.includes('/resolve/'));
    expect(resolves.map((r) => r.url)).toContain('/imagine/toy-onnx/resolve/onnx/unet/model.onnx');
    expect(resolves.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(resolves.at(-1)?.file).toBe('model_index.json');

    const request: RenderRequest = {
      prompt: 'a red circle on the left and a yellow square on the right, grass',
      negativePrompt: '',
      width: 128,
      height: 128,
      steps: 10,
      guidance: 7.5,
      sampler: 'ddim',
      seed: 7,
      count: 1,
      strength: 1,
    };
    const settings = { providers: ['cpu'] as const, threads: 0, graphOptimization: 'all' as const };
    const [mine, original] = await Promise.all([
      loadModelFolder(pulled, { ...settings, providers: ['cpu'] }, 'toy'),
      loadModelFolder(toyDir, { ...settings, providers: ['cpu'] }, 'toy'),
    ]);
    try {
      const [a, b] = [await txt2img(mine, request), await txt2img(original, request)];
      writeFileSync(path.join(tmpdir(), 'model-cli-pulled.png'), a.images[0].png);
      expect(a.images[0].png.equals(b.images[0].png)).toBe(true);
    } finally {
      await Promise.all([mine.release(), original.release()]);
    }
  });

  it('sends HF_TOKEN to the hub only, not to the storage it redirects large files to', async () => {
    const storage = await startFakeHub([{ repo: 'imagine/toy-onnx', revision: 'onnx', folder: toyDir }]);
    const front = await startFakeHub(
      [{ repo: 'imagine/toy-onnx', revision: 'onnx', folder: toyDir, token: TOKEN }],
      {
        storage: storage.url,
      },
    );
    try {
      const dir = freshModelsDir('storage');
      const run = await models(dir, ['pull', 'toy-hub'], { HF_ENDPOINT: front.url });
      expect(run.code, run.stderr).toBe(0);
      expect(storage.requests.map((r) => r.file).sort()).toEqual(
        toyFiles.filter((f) => f.endsWith('.onnx')).sort(),
      );
      expect(storage.requests.every((r) => r.authorization === undefined)).toBe(true);
      expect(front.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
      const unet = path.join(dir, 'toy-hub', 'unet', 'model.onnx');
      expect(readFileSync(unet).equals(readFileSync(path.join(toyDir, 'unet', 'model.onnx')))).toBe(true);
    } finally {
      await Promise.all([front.close(), storage.close()]);
    }
  });

  it('resumes a download the connection dropped, with a Range request, and the file verifies', async () => {
    const dir = freshModelsDir('resume');
    const since = hub.requests.length;
    hub.cutOnce('unet/model.onnx', 40_000);
    const run = await models(dir, ['pull', 'toy-hub']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /unet\/model\.onnx: the download of unet\/model\.onnx was interrupted .*retrying from byte 40000/,
    );
    expect(run.stdout).toMatch(/unet\/model\.onnx: resuming at 40000 of \d+ bytes/);
    expect(requestsFor('unet/model.onnx', since).map((r) => r.range)).toEqual([undefined, 'bytes=40000-']);
    const file = path.join(dir, 'toy-hub', 'unet', 'model.onnx');
    expect(readFileSync(file).equals(readFileSync(path.join(toyDir, 'unet', 'model.onnx')))).toBe(true);
    const verify = await models(dir, ['verify', 'toy-hub']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('toy-hub: unet/model.onnx: ok (registry sha256)');
  });

  it('resumes a part an earlier run left behind', async () => {
    const dir = freshModelsDir('resume-later');
    const original = readFileSync(path.join(toyDir, 'text_encoder', 'model.onnx'));
    mkdirSync(path.join(dir, 'toy-hub', 'text_encoder'), { recursive: true });
    writeFileSync(path.join(dir, 'toy-hub', 'text_encoder', 'model.onnx.part'), original.subarray(0, 30_000));
    const since = hub.requests.length;
    const run = await models(dir, ['pull', 'toy-hub']);
    expect(run.code, run.stderr).toBe(0);
    expect(requestsFor('text_encoder/model.onnx', since).map((r) => r.range)).toEqual(['bytes=30000-']);
    expect(readFileSync(path.join(dir, 'toy-hub', 'text_encoder', 'model.onnx')).equals(original)).toBe(true);
  });

  it('refuses a file whose sha256 does not match, removes it, and offers no model', async () => {
    for (const name of ['toy-hub', 'toy-unknown']) {
      const dir = freshModelsDir(`mismatch-${name}`);
      hub.corrupt('unet/model.onnx');
      const run = await models(dir, ['pull', name]).finally(() => hub.heal('unet/model.onnx'));
      expect(run.code).toBe(1);
      const line = oneLine(run);
      const whose = name === 'toy-hub' ? "the registry's" : "the hub's";
      expect(line).toMatch(
        new RegExp(
          `^models: unet/model\\.onnx: sha256 [0-9a-f]{64} does not match ${whose} [0-9a-f]{64}; the download was refused and removed`,
        ),
      );
      const unet = path.join(dir, name, 'unet');
      expect(readdirSync(unet)).not.toContain('model.onnx');
      expect(readdirSync(unet)).not.toContain('model.onnx.part');
      expect(existsSync(path.join(dir, name, 'model_index.json'))).toBe(false);
      const list = await models(dir, ['list']);
      expect(list.stdout).toMatch(new RegExp(`${name}\\s+partly pulled`));
    }
  });

  it('says HF_TOKEN on a 401, and names the repository and file on a 404', async () => {
    const dir = freshModelsDir('refusals');
    const refused = oneLine(await models(dir, ['pull', 'gated']));
    expect(refused).toContain('HTTP 401 from the hub for');
    expect(refused).toContain('the hub refused HF_TOKEN for this repository');
    const noToken = await models(dir, ['pull', 'gated'], { HF_TOKEN: '' });
    expect(noToken.code).toBe(1);
    expect(oneLine(noToken)).toContain('the repository needs an access token: set HF_TOKEN');
    const missing = await models(dir, ['pull', 'missing']);
    expect(missing.code).toBe(1);
    expect(oneLine(missing)).toMatch(
      /HTTP 404 from the hub: imagine\/nowhere at revision main has no scheduler\/scheduler_config\.json \(http:\/\/127\.0\.0\.1:\d+\/imagine\/nowhere\/resolve\/main\/scheduler\/scheduler_config\.json\); check the registry entry's repo, revision and files$/,
    );
  });

  it('says so when the hub cannot be reached, after retrying', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const run = await models(freshModelsDir('unreachable'), ['pull', 'toy-hub'], { HF_ENDPOINT: url });
    expect(run.code).toBe(1);
    expect(oneLine(run)).toBe(
      `models: cannot reach the hub at ${url} (ECONNREFUSED); gave up after 4 attempts`,
    );
    expect(run.stdout).toContain(`cannot reach the hub at ${url} (ECONNREFUSED); retrying from byte 0`);
  });

  it('refuses a plain-http HF_ENDPOINT that is not on this machine', async () => {
    const run = await models(freshModelsDir('endpoint'), ['pull', 'toy-hub'], {
      HF_ENDPOINT: 'http://hub.example.com',
    });
    expect(run.code).toBe(1);
    expect(oneLine(run)).toBe(
      'models: HF_ENDPOINT: "http://hub.example.com" must be an https:// URL (plain http:// only for a hub on 127.0.0.1 or localhost)',
    );
  });

  it('answers a wrong name with did-you-mean', async () => {
    const dir = freshModelsDir('typo');
    for (const command of ['pull', 'verify']) {
      const run = await models(dir, [command, 'toy-hbu']);
      expect(run.code).toBe(2);
      expect(oneLine(run)).toContain('no model named "toy-hbu" in the registry (did you mean toy-hub?)');
    }
    const rmRun = await models(dir, ['rm', 'toy-hbu']);
    expect(rmRun.code).toBe(2);
    expect(oneLine(rmRun)).toContain('no model named "toy-hbu" (did you mean toy-hub?)');
    const command = await models(dir, ['pul', 'toy-hub']);
    expect(oneLine(command)).toContain('"pul" is not a command (did you mean pull?)');
  });
});

describe('npm run models -- verify, rm, list', () => {
  it('reports a corrupted and a missing file', async () => {
    const dir = freshModelsDir('verify');
    expect((await models(dir, ['pull', 'toy-hub'])).code).toBe(0);
    const decoder = path.join(dir, 'toy-hub', 'vae_decoder', 'model.onnx');
    const bytes = readFileSync(decoder);
    bytes[bytes.length - 1] ^= 0x01;
    writeFileSync(decoder, bytes);
    await rm(path.join(dir, 'toy-hub', 'tokenizer', 'vocab.json'));
    const run = await models(dir, ['verify', 'toy-hub']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /toy-hub: vae_decoder\/model\.onnx: BAD: sha256 [0-9a-f]{64} does not match the registry sha256 [0-9a-f]{64}/,
    );
    expect(run.stdout).toContain('toy-hub: tokenizer/vocab.json: BAD: missing');
    expect(run.stdout).toContain('toy-hub: unet/model.onnx: ok (registry sha256)');
    expect(oneLine(run)).toContain('verify toy-hub: 2 file(s) damaged or missing');
  });

  it('says what it could not check when the registry knows no sizes or hashes', async () => {
    const dir = freshModelsDir('verify-unknown');
    const pull = await models(dir, ['pull', 'toy-unknown']);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toContain("unet/model.onnx: ok, sha256 matches the hub's");
    expect(pull.stdout).toContain('tokenizer/vocab.json: ok, no sha256 known to check (recorded for verify)');
    expect(pull.stdout).toContain('unet/model.onnx_data: not in this repository (optional)');
    expect(JSON.parse(readFileSync(path.join(dir, 'toy-unknown', 'imagine.json'), 'utf8'))).toEqual({
      guidance: true,
    });
    const run = await models(dir, ['verify', 'toy-unknown']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('toy-unknown: unet/model.onnx: ok (sha256 the hub stated at download)');
    expect(run.stdout).toContain(
      'toy-unknown: tokenizer/vocab.json: ok (sha256 recorded at download (the registry and the hub state none))',
    );
    expect(run.stdout).toContain(
      `the registry knows no sha256 for ${toyFiles.length} and no size for ${toyFiles.length} of ${toyFiles.length + 1} files`,
    );
    // Damage shows against the recorded hash too.
    const vocab = path.join(dir, 'toy-unknown', 'tokenizer', 'vocab.json');
    writeFileSync(vocab, readFileSync(vocab, 'utf8').replace('"', "'"));
    const damaged = await models(dir, ['verify', 'toy-unknown']);
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toMatch(
      /tokenizer\/vocab\.json: BAD: sha256 [0-9a-f]{64} does not match the sha256 recorded at download/,
    );
  });

  it('lists the registry with what is installed, and rm removes a pulled model', async () => {
    const dir = freshModelsDir('list');
    expect((await models(dir, ['pull', 'toy-hub'])).code).toBe(0);
    const before = await models(dir, ['list']);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toMatch(/toy-hub\s+installed\s+[\d.]+ kB\s+the toy, sizes and hashes known/);
    expect(before.stdout).toMatch(/toy-unknown\s+not installed\s+size unknown/);
    expect(before.stdout).toContain('imagine/toy-onnx@onnx');
    const removed = await models(dir, ['rm', 'toy-hub']);
    expect(removed.stdout).toContain(`rm toy-hub: removed ${path.join(dir, 'toy-hub')}`);
    expect(existsSync(path.join(dir, 'toy-hub'))).toBe(false);
    expect((await models(dir, ['list'])).stdout).toMatch(/toy-hub\s+not installed/);
    const again = await models(dir, ['rm', 'toy-hub']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('rm toy-hub: not installed');
  });

  it('lists the shipped registry and the built-in models', async () => {
    const run = await models(builtInDir, ['list'], { MODELS_REGISTRY: undefined });
    expect(run.code, run.stderr).toBe(0);
    for (const name of ['sd15', 'sd15-inpaint', 'sd-turbo', 'lcm-dreamshaper-v7']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${name}\\s+not installed`, 'm'));
    }
    expect(run.stdout).toContain('stable-diffusion-v1-5/stable-diffusion-v1-5@onnx');
    expect(run.stdout).toMatch(/^ {2}toy\s+built in$/m);
    const rmToy = await models(builtInDir, ['rm', 'toy'], { MODELS_REGISTRY: undefined });
    expect(rmToy.code).toBe(2);
    expect(oneLine(rmToy)).toContain('toy is built in');
    expect(existsSync(path.join(builtInDir, 'toy', 'model_index.json'))).toBe(true);
  });

  it('still builds the built-in models (models:toy)', async () => {
    const run = await models(builtInDir, ['toy', '--out', builtInDir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`models: the built-in models in ${builtInDir} are up to date`);
  });
});
