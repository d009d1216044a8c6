// Absolute links in answers: PUBLIC_URL when configured (behind a proxy), else the address the request
// came to.
import type { Context } from 'hono';

export type LinkBase = string;

export function linkBase(c: Context, publicUrl: string | undefined): LinkBase {
  return (publicUrl ?? new URL(c.req.url).origin).replace(/\/$/, '');
}

export const jobUrl = (base: LinkBase, id: string) => `${base}/v1/jobs/${encodeURIComponent(id)}`;
export const eventsUrl = (base: LinkBase, id: string) => `${jobUrl(base, id)}/events`;
export const artifactUrl = (base: LinkBase, id: string) => `${base}/v1/artifacts/${id}`;
