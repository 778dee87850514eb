import { describe, expect, it } from 'vitest';
import { pageAddresses } from '../server/addresses.js';

describe('the page addresses `npm start` prints', () => {
  it('names every page the hub serves', () => {
    const text = pageAddresses(8080, undefined, '127.0.0.1');
    for (const page of ['/display', '/kiosk', '/staff', '/report', '/track/NUMBER', '/api']) expect(text).toContain(`http://127.0.0.1:8080${page}`);
  });

  it('leads with PUBLIC_URL and still says where this hub listens', () => {
    const text = pageAddresses(8080, 'http://shop.example', '127.0.0.1');
    expect(text).toContain('board      http://shop.example/display');
    expect(text).toContain('also at    http://127.0.0.1:8080');
  });
});
