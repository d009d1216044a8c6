// A file of the web page or dashboard, read once and served with its type. No build step: the files
// are the plain HTML, CSS and JavaScript the browser runs.
import { readFileSync } from 'node:fs';
import type { Handler } from 'hono';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/** Scripts only from this server; pictures also from data: (previews are artifacts, same origin). */
export const PAGE_CSP =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";

export function readAsset(url: URL): string {
  return readFileSync(url, 'utf8');
}

export function serveAsset(text: string, ext: keyof typeof TYPES & string): Handler {
  return (c) =>
    c.body(text, 200, {
      'Content-Type': TYPES[ext],
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ...(ext === 'html' ? { 'Content-Security-Policy': PAGE_CSP } : {}),
    });
}
