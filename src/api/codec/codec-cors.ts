// CORS for the codec routes: the Temporal Web UI calls them from its own origin, with the operator's
// session cookie. Only origins in ARO_CODEC_CORS_ORIGINS are answered with CORS headers (credentials
// included); a preflight from any other origin is refused, so its page cannot read an answer.
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ARO_CONFIG } from '../tokens';
import { isListedOrigin, type CodecSettings } from './codec-access';

/** The Web UI sends X-Namespace; the CLI's Authorization comes from outside a browser but may be tried from one. */
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';
/** Browsers cap it anyway (Chromium at 2 hours); ten minutes keeps a changed setting from lingering. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

@Injectable()
export class CodecCors implements NestMiddleware {
  constructor(@Inject(ARO_CONFIG) private readonly settings: CodecSettings) {}

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const origin = req.headers.origin;
    res.setHeader('Vary', 'Origin');
    const listed = isListedOrigin(origin, this.settings);
    if (listed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') {
      if (!listed) {
        res.statusCode = 403;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ error: 'origin_not_allowed', message: `${origin ?? 'a missing origin'} is not in ARO_CODEC_CORS_ORIGINS` }));
        return;
      }
      res.setHeader('Access-Control-Allow-Methods', 'POST');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
      res.statusCode = 204;
      res.end();
      return;
    }
    next();
  }
}
