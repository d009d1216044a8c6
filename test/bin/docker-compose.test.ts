// docker-compose.yml and the Dockerfile's CUDA variant, checked without Docker: the services and what
// each needs (Redis with AOF on a volume, a GPU renderer, models and artifacts on volumes, health
// checks), and every variable the compose file sets is a real setting.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigEnvSchema } from '../../core/config/config.ts';
import { type Plain, parsePlainYaml } from '../helpers/plain-yaml.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

type Service = {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[]; interval: string };
  depends_on?: Record<string, { condition: string }>;
  gpus?: string;
  deploy?: {
    resources: { reservations: { devices: { driver: string; count: string; capabilities: string[] }[] } };
  };
};

let compose: { services: Record<string, Service>; volumes: Record<string, Plain> };
let dockerfile: string;
let readme: string;

beforeAll(async () => {
  compose = parsePlainYaml(await readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as typeof compose;
  dockerfile = await readFile(path.join(ROOT, 'Dockerfile'), 'utf8');
  readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
});

/** The settings the README's configuration table marks "(environment only)" (read by bin/ and bots/). */
function environmentOnly(): Set<string> {
  const names = new Set<string>();
  for (const line of readme.split('\n')) {
    if (!line.startsWith('| `') || !line.includes('(environment only)')) continue;
    const first = line.split('|')[1];
    for (const [, name] of first.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(name);
  }
  return names;
}

/** `name:/path` mounts of a service, as a map from volume name to where it is mounted. */
function mounts(service: Service): Record<string, string> {
  return Object.fromEntries((service.volumes ?? []).map((v) => v.split(':') as [string, string]));
}

describe('docker-compose.yml', () => {
  it('has redis, api, discord, telegram and a renderer, each with a health check', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'discord', 'redis', 'renderer', 'telegram']);
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test[0], name).toBe('CMD');
      expect(service.healthcheck?.test.length, name).toBeGreaterThan(1);
    }
    expect(compose.services.redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    // The image's own health check command, so a role is judged the way the image judges it.
    const imageCheck = JSON.parse(
      /CMD\s+(\[.+\])\s*$/m.exec(dockerfile.replace(/\\\n\s*/g, ' '))?.[1] ?? '[]',
    );
    for (const name of ['api', 'discord', 'telegram', 'renderer'])
      expect(compose.services[name].healthcheck?.test.slice(1), name).toEqual(imageCheck);
  });

  it('runs redis with an append-only file on a volume, and the others only after it is healthy', () => {
    const redis = compose.services.redis;
    const command = redis.command ?? [];
    expect(command[0]).toBe('redis-server');
    expect(command[command.indexOf('--appendonly') + 1]).toBe('yes');
    expect(mounts(redis)['redis-data']).toBe('/data');
    for (const name of ['api', 'discord', 'telegram', 'renderer']) {
      const service = compose.services[name];
      expect(service.command, name).toEqual([name]);
      expect(service.environment?.REDIS_URL, name).toBe('redis://redis:6379');
      expect(service.depends_on?.redis.condition, name).toBe('service_healthy');
    }
  });

  it('gives the renderer the GPUs, the CUDA image, and models and artifacts on volumes', () => {
    const renderer = compose.services.renderer;
    expect(renderer.gpus).toBe('all');
    expect(renderer.deploy?.resources.reservations.devices).toEqual([
      { driver: 'nvidia', count: 'all', capabilities: ['gpu'] },
    ]);
    expect(renderer.build?.args?.RUNTIME).toBe('cuda');
    expect(renderer.environment?.ORT_PROVIDERS?.split(',')[0]).toBe('cuda');
    expect(mounts(renderer).models).toBe(renderer.environment?.MODELS_DIR);
    // The file store is DATA_DIR/artifacts: every process that puts or reads pictures shares it.
    const dataDir = /ENV .*\bDATA_DIR=(\S+)/.exec(dockerfile)?.[1];
    expect(dataDir).toBe('/data');
    for (const name of ['api', 'discord', 'telegram', 'renderer'])
      expect(mounts(compose.services[name]).artifacts, name).toBe(`${dataDir}/artifacts`);
  });

  it('declares every volume it mounts, and mounts every volume it declares', () => {
    const used = new Set(Object.values(compose.services).flatMap((s) => Object.keys(mounts(s))));
    expect([...used].sort()).toEqual(Object.keys(compose.volumes).sort());
  });

  it('names only real settings', () => {
    const known = new Set([...Object.keys(ConfigEnvSchema.shape), ...environmentOnly()]);
    expect(known.has('API_KEYS')).toBe(true); // the README rows were read
    const named: string[] = [];
    for (const service of Object.values(compose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        named.push(key);
        for (const [, inner] of String(value).matchAll(/\$\{([A-Z0-9_]+)/g)) named.push(inner);
      }
    }
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((name) => !known.has(name))).toEqual([]);
  });
});

describe('the plain YAML reader', () => {
  it('refuses what it could misread', () => {
    expect(() => parsePlainYaml('a: &x 1\n')).toThrow(/outside the plain subset/);
    expect(() => parsePlainYaml('a: b # note\n')).toThrow(/outside the plain subset/);
    expect(() => parsePlainYaml('a: [b, c]\n')).toThrow(/is not JSON/);
    expect(() => parsePlainYaml('a: 1\na: 2\n')).toThrow(/given twice/);
    expect(parsePlainYaml('a:\n  - x: 1\n    y: "2"\n  - z\nb:\n')).toEqual({
      a: [{ x: '1', y: '2' }, 'z'],
      b: null,
    });
  });
});

describe('Dockerfile', () => {
  it('builds the CPU image by default and, with RUNTIME=cuda, a CUDA 12 + cuDNN 9 image with ONNX Runtime for CUDA 12', () => {
    expect(dockerfile).toMatch(/^ARG RUNTIME=cpu$/m);
    const cudaBase = /^ARG CUDA_BASE=(\S+)$/m.exec(dockerfile)?.[1] ?? '';
    expect(cudaBase).toMatch(/^nvidia\/cuda:12\.[\d.]+-cudnn-runtime-/);
    expect(dockerfile).toMatch(/^FROM \$\{CUDA_BASE\} AS base-cuda$/m);
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim AS base-cpu$/m);
    expect(dockerfile).toMatch(/^FROM base-\$\{RUNTIME\} AS runtime$/m);
    expect(dockerfile).toContain(
      'if [ "$RUNTIME" = "cuda" ]; then export ONNXRUNTIME_NODE_INSTALL=cuda12; fi',
    );
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    // The variable must never reach the runtime's environment (it is an install-time switch).
    expect(dockerfile).not.toMatch(/^ENV .*ONNXRUNTIME_NODE_INSTALL/m);
  });
});
