import { describe, expect, it } from 'vitest';
import { checkOpencodeUrl } from '../../preload/settings-validation';

describe('checkOpencodeUrl', () => {
  it('refuses a plain-http URL that is not this machine, saying why', () => {
    const checked = checkOpencodeUrl('http://10.0.0.7:4096');
    expect(checked).toEqual({
      ok: false,
      error: expect.stringMatching(/password would travel in clear/) as unknown,
    });
  });

  it('accepts https anywhere and http on loopback', () => {
    for (const url of ['https://box.example.com', 'http://127.0.0.1:4096', 'http://localhost:1']) {
      expect(checkOpencodeUrl(url)).toEqual({ ok: true, value: url });
    }
  });
});
