// The user-facing words for everything that can go wrong fetching a URL someone gave us.
import { ValidationError } from '../../core/errors.ts';

// Each problem reads on from the field name, as every ValidationError does: "image URL points to ...".
function problem(field: string, text: string): ValidationError {
  return new ValidationError([{ field, problem: text }]);
}

/** Whole megabytes or kilobytes when the size is round, so limits read the way they were configured. */
export function formatBytes(bytes: number): string {
  const MB = 1024 * 1024;
  if (bytes >= MB && bytes % MB === 0) return `${bytes / MB} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 1000 ? 2 : 1))} s`;
}

/** `field` is what the URL is for, as users know it: `image`, `mask`, `callback`. */
export const fetchProblems = {
  notAUrl: (field: string) => problem(field, 'URL is not valid'),
  badProtocol: (field: string) => problem(field, 'URL must start with http:// or https://'),
  privateAddress: (field: string) => problem(field, 'URL points to a private address: use a public URL'),
  tooLarge: (field: string, maxBytes: number) => problem(field, `is larger than ${formatBytes(maxBytes)}`),
  timeout: (field: string, ms: number) => problem(field, `URL did not answer within ${formatSeconds(ms)}`),
  httpStatus: (field: string, status: number) => problem(field, `URL answered HTTP ${status}`),
  tooManyRedirects: (field: string, max: number) => problem(field, `URL redirected more than ${max} times`),
  unreachable: (field: string, err: unknown) => problem(field, unreachableText(err)),
};

/** A network failure in words; the system error code is kept for whoever reads the logs. */
export function unreachableText(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ENODATA':
      return 'URL host name was not found';
    case 'ECONNREFUSED':
      return 'URL refused the connection';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'URL closed the connection';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'URL could not be reached';
    default:
      if (typeof code === 'string' && /CERT|SSL|TLS/.test(code)) {
        return `URL has no valid TLS certificate (${code})`;
      }
      return `URL could not be fetched${typeof code === 'string' ? ` (${code})` : ''}`;
  }
}
