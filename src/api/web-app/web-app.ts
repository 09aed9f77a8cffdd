// Serves the clinic web app (built into dist/web by the bootstrap) at /app/: its files, and its
// index.html for every other address under /app/ so the app's own router shows the page.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const WEB_APP_PATH = '/app';

/** dist/web, from dist/src/api/web-app. */
const BUILT_APP_DIR = path.resolve(__dirname, '../../../web');

/**
 * Scripts and connections only from ARO itself; inline styles because Mantine sets its theme's CSS
 * variables in a <style> element and positions popovers with style attributes; no framing (clickjacking).
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

type Next = () => void;

function secure(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', WEB_APP_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

/** The built index.html, telling the app whether the API runs in dev mode (it then shows the patient phone). */
async function readIndexHtml(dir: string, devMode: boolean): Promise<string | null> {
  try {
    // Read on each request (it is tiny): a rebuild while the API runs is served at once.
    const html = await readFile(path.join(dir, 'index.html'), 'utf8');
    return html.replace('<meta name="aro-dev-mode" content="0" />', `<meta name="aro-dev-mode" content="${devMode ? 1 : 0}" />`);
  } catch {
    return null;
  }
}

export function serveWebApp(app: NestExpressApplication, { devMode, dir = BUILT_APP_DIR }: { devMode: boolean; dir?: string }): void {
  app.use(WEB_APP_PATH, (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: Next) => {
    secure(res);
    // /app → /app/: the router's basename and the bundle's addresses need the slash.
    if (req.originalUrl === WEB_APP_PATH) return answer(res, 301, 'text/plain', '', { Location: `${WEB_APP_PATH}/` });
    next();
  });
  app.useStaticAssets(dir, {
    prefix: `${WEB_APP_PATH}/`,
    index: false,
    fallthrough: true,
    setHeaders(res: ServerResponse, file: string) {
      // Bundled files carry a content hash in their names: cache them for good.
      if (file.startsWith(path.join(dir, 'assets') + path.sep)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  app.use(WEB_APP_PATH, (req: IncomingMessage, res: ServerResponse, next: Next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // A missing bundle file is a 404, not the page: a stale tab must not run HTML as a script.
    if (req.url?.startsWith('/assets/')) return answer(res, 404, 'text/plain', 'not found');
    void readIndexHtml(dir, devMode).then((indexHtml) => {
      if (indexHtml === null) return answer(res, 503, 'text/plain', 'The web app is not built: run `npm run build`.');
      answer(res, 200, 'text/html', req.method === 'HEAD' ? '' : indexHtml, { 'Cache-Control': 'no-cache' });
    });
  });
}

function answer(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': `${type}; charset=utf-8`, ...headers });
  res.end(body);
}
