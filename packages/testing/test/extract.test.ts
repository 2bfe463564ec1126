import { extractCodes, extractLinks } from '@mail/testing';
import { describe, expect, it } from 'vitest';

describe('extractLinks', () => {
  it('takes anchors of the HTML first, then URLs in the text, each once', () => {
    expect(
      extractLinks({
        html: `<a class="b" href="https://app.test/a?x=1&amp;y=2">A</a> <a href='http://app.test/b'>B</a> <a href=mailto:x@y>m</a>`,
        text: 'Open https://app.test/a?x=1&y=2, or (https://app.test/c). Also http://app.test/b',
      }),
    ).toEqual(['https://app.test/a?x=1&y=2', 'http://app.test/b', 'https://app.test/c']);
    expect(extractLinks({ text: null, html: false })).toEqual([]);
  });
});

describe('extractCodes', () => {
  it('finds digit and letter-digit codes, those after a keyword first', () => {
    expect(extractCodes({ text: 'Order 55512 shipped. Your verification code is 482913.' })).toEqual([
      '482913',
      '55512',
    ]);
    expect(extractCodes({ text: 'Use code A7K-29Q to sign in' })).toEqual(['A7K29Q']);
    expect(extractCodes({ text: 'PIN: 123 456' })).toEqual(['123456']);
  });

  it('leaves out dates, times, prices and words', () => {
    expect(
      extractCodes({ text: 'On 2026-12-08 at 10:30 you paid 12.50 for ORDER items. Ref https://x.test/12345' }),
    ).toEqual([]);
  });

  it('reads the HTML text when there is no text part', () => {
    expect(extractCodes({ html: '<style>.c{color:#123456}</style><p>Your one-time code: <b>907311</b></p>' })).toEqual([
      '907311',
    ]);
  });
});
