import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { isIP, isIPv4, isIPv6 } from './net-address.js';

/** Node's answers are the reference: the helper replaces `net.isIP` outside src/probes. */
describe('net-address: the same answers as net.isIP, without a network module', () => {
  it('agrees on the edge cases', () => {
    // '|'-separated so the formatter keeps the list short; spaces are part of some cases.
    const cases = (
      '1.2.3.4|01.2.3.4|1.2.3|256.1.1.1|0.0.0.0|255.255.255.255|1.2.3.4 | 1.2.3.4|::|::1|1::|fe80::1%eth0|' +
      'fe80::1%|::ffff:1.2.3.4|::ffff:1.2.3.04|::ffff:1.2.3|1:2:3:4:5:6:7:8|1:2:3:4:5:6:7:8:9|' +
      '1:2:3:4:5:6:7::|::1:2:3:4:5:6:7|1::2::3|12345::|::ffff:256.1.1.1|0x7f.0.0.1|127.1||abc|:|:::|' +
      '1:2:3:4:5:6:1.2.3.4|1:2:3:4:5:6:7:1.2.3.4|::1.2.3.4|[::1]|2001:db8::/32|FE80::1|fe80::1%Eth0.5|' +
      '1.2.3.4%eth0|::0000:1|::00000:1|1:2:3:4:5:6:7:8%x|g::1|:1::|1::2:|1:2:3:4:5:6::1.2.3.4|' +
      '1:2:3:4:5::1.2.3.4|::1.2.3.4%z|1.2.3.4::|fe80::1%%|1:2:3:4:5:6:7:8::|::1:2:3:4:5:6:7:8'
    ).split('|');
    for (const value of cases) {
      expect(isIP(value), JSON.stringify(value)).toBe(net.isIP(value));
      expect(isIPv4(value), JSON.stringify(value)).toBe(net.isIPv4(value));
      expect(isIPv6(value), JSON.stringify(value)).toBe(net.isIPv6(value));
    }
  });

  it('agrees on 200,000 random strings built from address characters', () => {
    // Seeded (mulberry32) so a failure names a reproducible input.
    let seed = 7;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    const pieces = ['0', '1', '9', '25', '255', '256', '01', 'a', 'F', 'ffff', '12345', ':', ':', '::', '.', '.', '%', 'e', 'g', '-'];
    const mismatches: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      let value = '';
      const length = 1 + Math.floor(random() * 16);
      for (let j = 0; j < length; j++) value += pieces[Math.floor(random() * pieces.length)];
      if (isIP(value) !== net.isIP(value)) mismatches.push(value);
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});
