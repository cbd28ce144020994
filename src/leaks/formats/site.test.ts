import { describe, expect, it } from 'vitest';
import { parseCombo } from './parse-line.js';
import { siteShape } from './site.js';

const ADDRESS = 'nv.a@lab.gov.vn';

/** Passwords seen first on a line (`pass:login`): none of them may become a URL. */
const PASSWORD_FIRST = [
  '12/05/1990',
  '1990-05-12',
  '12.05.1990',
  'ngoc.anh',
  'ngoc.anh/1990',
  'a/b.c',
  'Abc@123',
  'matkhau.vn',
  'abc.com',
  'www.abc.com',
  'matkhau.vn/2024',
  '192.168.1.1',
  'mật.khẩu.vn',
  'x y.com',
  '/etc/passwd',
  'com',
];

describe('siteShape', () => {
  it('knows a URL by its scheme, or by a host with an ICANN suffix and only host characters', () => {
    expect(siteShape('https://www.facebook.com/login.php')).toBe('scheme');
    expect(siteShape('android://AbCdEf1234567890==@com.facebook.katana/')).toBe('scheme');
    expect(siteShape('http://portal.example.vn:8080/login')).toBe('scheme');
    expect(siteShape('portal.example.vn:8080/login')).toBe('host');
    expect(siteShape('dichvucong.gov.vn')).toBe('host');
    expect(siteShape('192.168.1.1:8080/admin')).toBe('host');
  });

  it('takes nothing for a URL for holding a slash or a dot', () => {
    for (const text of [
      '12/05/1990',
      '1990-05-12',
      '12.05.1990',
      'ngoc.anh',
      'a/b.c',
      'Abc@123',
      '192.168.1.1',
      'mật.khẩu.vn',
      'x y.com',
      '/etc/passwd',
      'com',
      'https://',
      'https:// x.vn',
    ]) {
      expect({ text, shape: siteShape(text) }).toEqual({ text, shape: null });
    }
  });
});

describe('parseCombo: URL before the address, or the password?', () => {
  it('reads every password-first shape as the password (masked later), never as the URL', () => {
    for (const password of PASSWORD_FIRST) {
      for (const sep of [':', ';', '|', '\t']) {
        const record = parseCombo(`${password}${sep}${ADDRESS}`);
        expect({ password, sep, record }).toEqual({ password, sep, record: { email: ADDRESS, password, url: null, form: 'reversed', passwordHint: '' } });
        // Trailing white space is no third field.
        expect(parseCombo(`${password}${sep}${ADDRESS}  `)?.url ?? null).toBeNull();
      }
    }
  });

  it('keeps url:login:pass lines, with a scheme or a bare host, and an empty password', () => {
    expect(parseCombo(`https://www.facebook.com/login.php:${ADDRESS}:m4tkhau`)).toMatchObject({
      url: 'https://www.facebook.com/login.php',
      password: 'm4tkhau',
      form: 'url',
    });
    expect(parseCombo(`portal.example.vn:8080/login:${ADDRESS}:m4tkhau`)).toMatchObject({ url: 'portal.example.vn:8080/login', password: 'm4tkhau' });
    expect(parseCombo(`dichvucong.gov.vn;${ADDRESS};m4tkhau`)).toMatchObject({ url: 'dichvucong.gov.vn', password: 'm4tkhau' });
    expect(parseCombo(`dichvucong.gov.vn:${ADDRESS}:`)).toMatchObject({ url: 'dichvucong.gov.vn', password: null, form: 'url' });
    expect(parseCombo(`android://AbCd==@com.facebook.katana/:${ADDRESS}:m4tkhau`)).toMatchObject({
      url: 'android://AbCd==@com.facebook.katana/',
      password: 'm4tkhau',
    });
    // A scheme makes a URL even without a password after the address.
    expect(parseCombo(`https://portal.lab.gov.vn/:${ADDRESS}`)).toMatchObject({ url: 'https://portal.lab.gov.vn/', password: null });
  });

  it('drops a non-URL before the address when the password follows it (user:login:pass)', () => {
    expect(parseCombo(`12/05/1990:${ADDRESS}:m4tkhau`)).toEqual({ email: ADDRESS, password: 'm4tkhau', url: null, form: 'combo', passwordHint: '' });
  });
});
