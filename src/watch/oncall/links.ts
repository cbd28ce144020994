import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed acknowledge links: `…/api/v1/watch/alerts/:id/ack?exp=UNIX&sig=HEX`, where sig is
 * HMAC-SHA256(secret, "ack:" + id + ":" + exp) with the installation's `links` secret. Whoever
 * holds the link may acknowledge that one alert until it expires; nothing else.
 */
export function signAck(secret: Buffer, alertId: string, expiresAt: number): { exp: number; sig: string } {
  const exp = Math.floor(expiresAt / 1000);
  return { exp, sig: createHmac('sha256', secret).update(`ack:${alertId}:${exp}`).digest('hex') };
}

export function ackUrl(baseUrl: string, secret: Buffer, alertId: string, expiresAt: number): string {
  const { exp, sig } = signAck(secret, alertId, expiresAt);
  return `${baseUrl.replace(/\/$/, '')}/api/v1/watch/alerts/${encodeURIComponent(alertId)}/ack?exp=${exp}&sig=${sig}`;
}

export function verifyAck(secret: Buffer, alertId: string, exp: number, sig: string, now: number): 'ok' | 'expired' | 'bad-signature' {
  const expected = Buffer.from(signAck(secret, alertId, exp * 1000).sig, 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/i.test(sig) ? sig : '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad-signature';
  return now > exp * 1000 ? 'expired' : 'ok';
}
