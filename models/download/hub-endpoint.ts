// Where the hub is and how its files are addressed: {endpoint}/{repo}/resolve/{revision}/{path}.
import { HubError } from './hub-error.ts';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface Hub {
  endpoint: string;
  token?: string;
}

/** The hub from HF_ENDPOINT and HF_TOKEN; plain http only for a hub on this machine (tests, mirrors). */
export function hubFromEnv(env: NodeJS.ProcessEnv): Hub {
  const raw = env.HF_ENDPOINT?.trim() || DEFAULT_HUB_ENDPOINT;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HubError(`HF_ENDPOINT: "${raw}" is not a URL; expected e.g. ${DEFAULT_HUB_ENDPOINT}`);
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new HubError(
      `HF_ENDPOINT: "${raw}" must be an https:// URL (plain http:// only for a hub on 127.0.0.1 or localhost)`,
    );
  }
  const token = env.HF_TOKEN?.trim() || undefined;
  return { endpoint: url.href.replace(/\/+$/, ''), token };
}

export function resolveUrl(hub: Hub, repo: string, revision: string, file: string): string {
  const encodedPath = file.split('/').map(encodeURIComponent).join('/');
  return `${hub.endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${encodedPath}`;
}
