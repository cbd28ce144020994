import { describe, expect, it } from 'vitest';
import { type LabMessage, MessageStore, subjectOf } from './messages.js';

const message = (n: number): LabMessage => ({
  server: '127.0.10.12:25',
  from: 'vigil@so-demo.gov.vn.test',
  to: ['an.nv@so-demo.gov.vn.test'],
  subject: `#${n}`,
  raw: '',
  relayed: false,
  receivedAt: new Date(0).toISOString(),
});

describe('lab message store', () => {
  it('keeps only the last N messages, oldest dropped first', () => {
    const store = new MessageStore(3);
    for (let n = 1; n <= 5; n++) store.add(message(n));
    expect(store.list().map((m) => m.subject)).toEqual(['#3', '#4', '#5']);
    store.clear();
    expect(store.list()).toEqual([]);
  });

  it('reads folded and RFC 2047 encoded subjects', () => {
    expect(subjectOf('From: a@b\r\nSubject: =?UTF-8?B?Q+G6o25oIGLDoW8=?=\r\n =?UTF-8?Q?_kh=E1=BA=A9n?=\r\n\r\nbody')).toBe('Cảnh báo khẩn');
    expect(subjectOf('Subject: plain text\n\nSubject: not this')).toBe('plain text');
    expect(subjectOf('From: a@b\r\n\r\nSubject: in the body')).toBe('');
  });
});
