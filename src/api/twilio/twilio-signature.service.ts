// Checks X-Twilio-Signature with the tenant's own auth token, opened from its sealed credentials
// (kept in memory only, for ARO_TENANT_CACHE_TTL_MS, as every callback needs them): a request that
// does not carry Twilio's signature is refused (403).
import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import twilio from 'twilio';
import type { AroConfig } from '../../config';
import type { Db } from '../../db/prisma';
import type { CredentialCipher } from '../../secrets/credential-cipher';
import { openProviderCredentials } from '../../secrets/provider-credentials';
import { twilioCredentials } from '../../twilio/twilio-settings';
import { ExpiringCache } from '../tenants/expiring-cache';
import { ARO_CONFIG, CREDENTIAL_CIPHER, DB } from '../tokens';
import type { TwilioRequest } from './twilio-request';

@Injectable()
export class TwilioSignatures {
  private readonly credentials: ExpiringCache<unknown>;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(CREDENTIAL_CIPHER) private readonly cipher: CredentialCipher,
    @Inject(ARO_CONFIG) config: AroConfig,
  ) {
    this.credentials = new ExpiringCache(config.ARO_TENANT_CACHE_TTL_MS);
  }

  async verify(request: TwilioRequest): Promise<void> {
    if (!request.signature) throw refused('missing');
    const opened = await this.credentials.get(request.tenantId, () => openProviderCredentials(this.db, this.cipher, request.tenantId, 'twilio'));
    // A tenant without Twilio credentials cannot have signed anything: the same 403, nothing more said.
    if (opened === null) throw refused('mismatch');
    const { accountSid, authToken } = twilioCredentials(opened, request.tenantId);
    if (!twilio.validateRequest(authToken, request.signature, request.url, request.params)) throw refused('mismatch');
    // Signed with this clinic's token but about another account's message: not this clinic's to record.
    const claimed = request.params.AccountSid;
    if (claimed !== undefined && claimed !== accountSid) throw refused('mismatch');
  }
}

function refused(reason: 'missing' | 'mismatch'): ForbiddenException {
  return new ForbiddenException({ error: 'invalid_signature', reason });
}
