import { describe, expect, it } from 'vitest';
import { disclosedSoftware } from './index.js';

describe('disclosedSoftware', () => {
  it('finds software and versions in real-world banners, not IP addresses or clock times', () => {
    expect(disclosedSoftware('mx.example ESMTP Exim 4.96 Wed, 25 Nov 2026 13:10:37 +0000')).toEqual({ software: 'Exim', version: '4.96' });
    expect(disclosedSoftware('mail ESMTP Sendmail 8.15.2/8.15.2; Wed')).toEqual({ software: 'Sendmail', version: '8.15.2' });
    expect(disclosedSoftware('mx ESMTP Postfix 3.7.11')).toEqual({ software: 'Postfix', version: '3.7.11' });
    expect(disclosedSoftware('mail.x ESMTP Postfix (Debian/GNU)')).toEqual({ software: 'Postfix' });
    expect(disclosedSoftware('mail Microsoft ESMTP MAIL Service ready at Wed, 25 Nov 2026 13:10:37 +0700')).toEqual({
      software: 'Microsoft ESMTP MAIL Service',
    });
    expect(disclosedSoftware('mx Postfix 127.0.0.1 ready')).toEqual({ software: 'Postfix' });
    expect(disclosedSoftware('mx.example.gov.vn ESMTP')).toEqual({});
  });
});
