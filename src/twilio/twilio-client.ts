// Builds the official `twilio` REST client for one tenant's account. Its RequestClient is the one
// seam: ARO_TWILIO_API_URL points it at another Twilio-compatible host (a proxy, a local test server).
import twilio from 'twilio';
import type { RequestOptions } from 'twilio/lib/base/RequestClient';
import type { TwilioCredentials } from './twilio-settings';

export interface TwilioClientOptions {
  /** Replaces the scheme and host of every Twilio API URL; absent: Twilio's own hosts. */
  apiBaseUrl?: string;
  /** Per request; a timeout is a transient failure that the activity retries. */
  timeoutMs: number;
}

class RebasedRequestClient extends twilio.RequestClient {
  constructor(
    private readonly base: URL,
    timeoutMs: number,
  ) {
    super({ timeout: timeoutMs, keepAlive: true });
  }

  override request<TData>(opts: RequestOptions<TData>) {
    const uri = new URL(opts.uri);
    uri.protocol = this.base.protocol;
    uri.host = this.base.host;
    return super.request<TData>({ ...opts, uri: uri.toString() });
  }
}

/**
 * One HTTP client for every tenant, so connections to Twilio are kept and reused; it holds no
 * credentials (each request carries its tenant's).
 */
export function twilioHttpClient(options: TwilioClientOptions): twilio.RequestClient {
  return options.apiBaseUrl
    ? new RebasedRequestClient(new URL(options.apiBaseUrl), options.timeoutMs)
    : new twilio.RequestClient({ timeout: options.timeoutMs, keepAlive: true });
}

export function twilioClient(credentials: TwilioCredentials, httpClient: twilio.RequestClient): twilio.Twilio {
  // autoRetry stays off: retries belong to the Temporal activity, which retries with backoff and a deadline.
  return twilio(credentials.accountSid, credentials.authToken, { httpClient });
}
