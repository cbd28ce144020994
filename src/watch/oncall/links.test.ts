import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ackUrl, signAck, verifyAck } from './links.js';

describe('signed acknowledge links', () => {
  const secret = randomBytes(32);
  const now = Date.parse('2027-02-10T01:00:00Z');
  const expiresAt = now + 86_400_000;
  const { exp, sig } = signAck(secret, 'alert-1', expiresAt);

  it('a fresh link verifies until it expires, and not a second after', () => {
    expect(verifyAck(secret, 'alert-1', exp, sig, now)).toBe('ok');
    expect(verifyAck(secret, 'alert-1', exp, sig, exp * 1000)).toBe('ok');
    expect(verifyAck(secret, 'alert-1', exp, sig, exp * 1000 + 1_000)).toBe('expired');
  });

  it('tampering with the signature, the expiry, the alert id or the secret is refused', () => {
    const flipped = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
    expect(verifyAck(secret, 'alert-1', exp, flipped, now)).toBe('bad-signature');
    expect(verifyAck(secret, 'alert-1', exp + 3_600, sig, now)).toBe('bad-signature'); // extended expiry
    expect(verifyAck(secret, 'alert-2', exp, sig, now)).toBe('bad-signature');
    expect(verifyAck(randomBytes(32), 'alert-1', exp, sig, now)).toBe('bad-signature');
    // an expired link with a forged signature is reported as forged, not as merely expired
    expect(verifyAck(secret, 'alert-1', exp, flipped, exp * 1000 + 1_000)).toBe('bad-signature');
  });

  it('malformed signatures are refused without throwing', () => {
    for (const bad of ['', 'zz', sig.slice(0, 63), `${sig}00`, 'g'.repeat(64), sig.toUpperCase().replace(/[0-9A-F]/, 'X')]) {
      expect(verifyAck(secret, 'alert-1', exp, bad, now)).toBe('bad-signature');
    }
  });

  it('the URL carries the id, expiry and signature the route verifies', () => {
    const url = new URL(ackUrl('https://vigil.stttt.example.gov.vn/', secret, 'alert/1', expiresAt));
    expect(url.pathname).toBe('/api/v1/watch/alerts/alert%2F1/ack');
    expect(verifyAck(secret, 'alert/1', Number(url.searchParams.get('exp')), url.searchParams.get('sig')!, now)).toBe('ok');
  });
});
