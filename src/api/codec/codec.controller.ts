// Temporal's remote codec protocol on the API (POST /codec/encode, /codec/decode), for the Temporal
// Web UI and `temporal ... --codec-endpoint`: the operator sees patients' details decoded, nobody
// else sees anything. Plus the sign-in page that gives a browser the operator's session cookie.
import { Body, Controller, Get, HttpCode, Inject, Options, Post, Req, Res, UnauthorizedException, UnprocessableEntityException } from '@nestjs/common';
import type { Payload } from '@temporalio/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isOperatorKey } from '../../tenants/operator-key';
import { aroPayloadCodec } from '../../temporal/data-converter';
import { PayloadDecryptionError, type AroPayloadCodec } from '../../temporal/payload-codec';
import { invalidPayload, parsePayload } from '../http/invalid-payload';
import { ARO_CONFIG } from '../tokens';
import { isOperatorRequest, type CodecSettings } from './codec-access';
import { codecBodySchema, payloadsFromJson, payloadsToJson, type CodecBody } from './codec-payloads';
import { SESSION_COOKIE, SESSION_SECONDS, cookieValue, isValidSession, issueSession } from './codec-session';
import { signInPage, type SignInState } from './sign-in-page';

export const CODEC_PATH = 'codec';

/** Behind a TLS-terminating proxy the API sees http; the proxy says what the browser used. */
function isHttps(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true || req.headers['x-forwarded-proto'] === 'https';
}

/**
 * HttpOnly: no script reads it. SameSite=Lax: sent by the Web UI's fetches (the same site on another
 * port) but not by other sites' pages. No Path: it defaults to the sign-in page's directory, /codec
 * (behind a proxy, with the proxy's prefix).
 */
function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

@Controller(CODEC_PATH)
export class CodecController {
  private readonly codec: AroPayloadCodec;

  constructor(@Inject(ARO_CONFIG) private readonly settings: CodecSettings) {
    this.codec = aroPayloadCodec(settings);
  }

  /** CORS preflight: answered by CodecCors, which lets only listed origins this far. */
  @Options(['encode', 'decode'])
  @HttpCode(204)
  preflight(): void {}

  @Post('encode')
  @HttpCode(200)
  encode(@Req() req: IncomingMessage, @Res({ passthrough: true }) res: ServerResponse, @Body() body: unknown): Promise<CodecBody> {
    return this.transcode(req, res, body, (payloads) => this.codec.encode(payloads));
  }

  @Post('decode')
  @HttpCode(200)
  decode(@Req() req: IncomingMessage, @Res({ passthrough: true }) res: ServerResponse, @Body() body: unknown): Promise<CodecBody> {
    return this.transcode(req, res, body, (payloads) => this.codec.decode(payloads));
  }

  @Get('sign-in')
  signInForm(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    const signedIn = isValidSession(cookieValue(req.headers.cookie, SESSION_COOKIE) ?? '', this.settings.ARO_OPERATOR_KEY, Date.now());
    this.page(req, res, 200, !this.settings.ARO_OPERATOR_KEY ? 'no_operator_key' : signedIn ? 'signed_in' : 'signed_out');
  }

  @Post('sign-in')
  signIn(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Body() body: unknown): void {
    const key = (body as { key?: unknown } | undefined)?.key;
    if (!this.settings.ARO_OPERATOR_KEY) return this.page(req, res, 401, 'no_operator_key');
    if (typeof key !== 'string' || !isOperatorKey(key, this.settings.ARO_OPERATOR_KEY)) return this.page(req, res, 401, 'wrong_key');
    const session = issueSession(this.settings.ARO_OPERATOR_KEY, Date.now());
    this.backToForm(res, sessionCookie(session, SESSION_SECONDS, isHttps(req)));
  }

  @Post('sign-out')
  signOut(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    this.backToForm(res, sessionCookie('', 0, isHttps(req)));
  }

  private backToForm(res: ServerResponse, cookie: string): void {
    res.writeHead(303, { 'Set-Cookie': cookie, Location: 'sign-in', 'Cache-Control': 'no-store' }).end();
  }

  private page(req: IncomingMessage, res: ServerResponse, status: number, state: SignInState): void {
    const directory = (req.url ?? '').split('?')[0].replace(/\/sign-(in|out)$/, '');
    const endpoint = `${isHttps(req) ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${directory}`;
    res
      .writeHead(status, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        'Cache-Control': 'no-store',
      })
      .end(signInPage(state, endpoint));
  }

  private async transcode(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    code: (payloads: Payload[]) => Promise<Payload[]>,
  ): Promise<CodecBody> {
    if (!isOperatorRequest(req, this.settings, Date.now())) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="aro-codec"');
      throw new UnauthorizedException({
        error: 'unauthenticated',
        message: 'the codec is for the operator: send Authorization: Bearer <ARO_OPERATOR_KEY>, or sign in at /codec/sign-in',
      });
    }
    const namespace = req.headers['x-namespace'];
    if (namespace !== undefined && namespace !== this.settings.TEMPORAL_NAMESPACE) {
      invalidPayload([{ field: 'X-Namespace', message: `this codec serves the namespace ${this.settings.TEMPORAL_NAMESPACE}` }]);
    }
    const payloads = payloadsFromJson(parsePayload(codecBodySchema, body));
    try {
      return payloadsToJson(await code(payloads));
    } catch (err) {
      if (err instanceof PayloadDecryptionError) throw new UnprocessableEntityException({ error: 'undecodable_payload', message: err.message });
      throw err;
    }
  }
}
