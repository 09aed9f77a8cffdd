// The body of Temporal's remote codec protocol (`{"payloads": [{"metadata": {k: base64}, "data": base64}]}`,
// protobuf's JSON form of Payloads, as the Web UI and the CLI send it) to and from the SDK's Payload.
import type { Payload } from '@temporalio/common';
import { z } from 'zod';

/** Standard or URL-safe base64, padded or not: protobuf's JSON accepts all of them. */
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

export const codecBodySchema = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), base64).optional(),
      data: base64.optional(),
    }),
  ),
});

export type CodecBody = z.output<typeof codecBodySchema>;

export function payloadsFromJson(body: CodecBody): Payload[] {
  return body.payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  }));
}

export function payloadsToJson(payloads: Payload[]): CodecBody {
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data ?? []).toString('base64'),
    })),
  };
}
