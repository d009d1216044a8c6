// Artifact links cannot be guessed from a picture: ids are random per put, so holding a picture does
// not tell whether it was made or uploaded here (the store still keeps the bytes once).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeysFromConfig, sha256Hex } from '../../../bots/http/auth/api-keys.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';
import { dataUri, pngOf } from './pictures.ts';

const KEY = 'ibk_artifact-owner-key-01';
let h: Harness;
let png: Buffer;

beforeAll(async () => {
  h = await startHarness({
    name: 'artifact-ids',
    deps: { apiKeys: apiKeysFromConfig([{ name: 'owner', keyHash: sha256Hex(KEY) }]) },
  });
  png = await pngOf(32, 32, { r: 10, g: 120, b: 200 });
});
afterAll(async () => {
  await h?.close();
});

const auth = { authorization: `Bearer ${KEY}` };
/** What an outsider holding the picture could compute: the old id scheme, its content hash. */
const contentId = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex').slice(0, 32);

async function upload(): Promise<string> {
  const res = await h.json('/v1/jobs', { prompt: 'make it blue', image: dataUri(png) }, { headers: auth });
  expect(res.status).toBe(202);
  const state = await h.stack.system.orchestrator.state((await bodyOf(res)).id);
  return (state?.job.inputs.image as { id: string }).id;
}

describe('artifact ids', () => {
  it('an uploaded picture is not found by its content hash, only by the id handed out', async () => {
    const id = await upload();
    expect(id).not.toBe(contentId(png));
    expect((await h.fetch(`/v1/artifacts/${contentId(png)}`)).status).toBe(404);
    const res = await h.fetch(`/v1/artifacts/${id}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
  });

  it('the same picture uploaded twice gets two ids', async () => {
    expect(await upload()).not.toBe(await upload());
  });

  it('a remix from {"artifact": <content hash>} is refused like any unknown id', async () => {
    await upload();
    const res = await h.json(
      '/v1/jobs',
      { prompt: 'again', image: { artifact: contentId(png) } },
      { headers: auth },
    );
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.problems[0]).toMatchObject({
      field: 'image.artifact',
      problem: 'does not exist (or has expired): upload the picture again',
    });
  });

  it("with API keys configured, the link works on its own and with the owner's key", async () => {
    const id = await upload();
    expect((await h.fetch(`/v1/artifacts/${id}`)).status).toBe(200);
    const withKey = await h.fetch(`/v1/artifacts/${id}`, { headers: auth });
    expect(withKey.status).toBe(200);
    expect(Buffer.from(await withKey.arrayBuffer()).equals(png)).toBe(true);
  });
});
