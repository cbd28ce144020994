import { describe, expect, it } from 'vitest';
import { signatureAlgorithmOf } from './certificate.js';
import { cipherMeta } from './ciphers.js';
import { buildClientHello, parseServerResponse } from './raw-hello.js';

describe('raw ClientHello', () => {
  it('lists the offered suites (+ renegotiation SCSV) and SNI for a name, not for an IP', () => {
    const hello = buildClientHello(0x0303, [0x000a, 0x0005], 'mx.example.test');
    expect(hello[0]).toBe(0x16);
    expect(hello.readUInt16BE(9)).toBe(0x0303);
    expect(hello.readUInt16BE(44)).toBe(6);
    expect([hello.readUInt16BE(46), hello.readUInt16BE(48), hello.readUInt16BE(50)]).toEqual([0x000a, 0x0005, 0x00ff]);
    expect(hello.includes(Buffer.from('mx.example.test'))).toBe(true);
    expect(buildClientHello(0x0303, [0x000a], '127.0.0.1').includes(Buffer.from('127.0.0.1'))).toBe(false);
    // SSLv3 hellos carry no extensions.
    const sslv3 = buildClientHello(0x0300, [0x000a]);
    expect(sslv3.length).toBe(5 + 4 + 2 + 32 + 1 + 2 + 4 + 2);
  });

  it('reads a ServerHello, an alert, garbage, and waits on a partial record', () => {
    const body = Buffer.concat([Buffer.from([0x03, 0x01]), Buffer.alloc(32), Buffer.from([0, 0x00, 0x0a, 0])]);
    const record = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0, body.length + 4, 0x02, 0, 0, body.length]), body]);
    expect(parseServerResponse(record)).toEqual({ kind: 'accepted', version: 0x0301, cipher: 0x000a });
    expect(parseServerResponse(record.subarray(0, 20))).toBeUndefined();
    expect(parseServerResponse(Buffer.from([0x15, 3, 1, 0, 2, 2, 40]))).toMatchObject({ kind: 'rejected', reason: 'alert 40' });
    expect(parseServerResponse(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toMatchObject({ kind: 'rejected' });
  });
});

describe('cipher metadata and certificate parsing', () => {
  it('classifies suites as SSL Labs / internet.nl do', () => {
    expect(cipherMeta('ECDHE-RSA-AES128-GCM-SHA256')).toMatchObject({ strength: 'strong', forwardSecrecy: true, aead: true });
    expect(cipherMeta('ECDHE-RSA-AES128-SHA')).toMatchObject({ strength: 'acceptable', forwardSecrecy: true, aead: false });
    expect(cipherMeta('AES128-GCM-SHA256')).toMatchObject({ strength: 'weak', forwardSecrecy: false });
    expect(cipherMeta('TLS_RSA_WITH_3DES_EDE_CBC_SHA')).toMatchObject({ name: 'DES-CBC3-SHA', strength: 'insecure' });
    expect(cipherMeta('ADH-AES128-SHA')!.strength).toBe('insecure');
    expect(cipherMeta('NULL-SHA')!.strength).toBe('insecure');
    expect(cipherMeta('TLS_AES_128_GCM_SHA256')).toMatchObject({ strength: 'strong', forwardSecrecy: true });
  });

  it('never throws on a certificate it cannot parse', () => {
    expect(signatureAlgorithmOf(Buffer.from([0x30, 0x82, 0xff]))).toEqual({ name: 'unparseable', hash: undefined });
    expect(signatureAlgorithmOf(Buffer.alloc(0))).toEqual({ name: 'unparseable', hash: undefined });
  });
});
