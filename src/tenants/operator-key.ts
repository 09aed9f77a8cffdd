// The operator key: the one credential that administers tenants, its generation for `npm run dev`
// and the constant-time check the API makes against ARO_OPERATOR_KEY.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hashApiKey } from './api-keys';

const OPERATOR_KEY_PREFIX = 'aro_op_';

/** A new operator key: `aro_op_` + 32 random bytes (base64url). */
export function generateOperatorKey(): string {
  return OPERATOR_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * The operator key `npm run dev` runs with: ARO_OPERATOR_KEY when set, else the one an earlier run
 * kept in .data/dev.json, else a fresh one (which the caller then keeps there as `operatorKey`).
 */
export function devOperatorKey(fromEnv: string | undefined, fromDevState: string | undefined): string {
  return fromEnv || fromDevState || generateOperatorKey();
}

/** Compares digests, which have one length, so the time taken says nothing about the key. */
export function isOperatorKey(presented: string, operatorKey: string | undefined): boolean {
  if (!operatorKey) return false;
  return timingSafeEqual(Buffer.from(hashApiKey(presented), 'hex'), Buffer.from(hashApiKey(operatorKey), 'hex'));
}
