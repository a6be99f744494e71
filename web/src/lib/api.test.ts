import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, onSessionEnded, parseRetryAfter, send } from './api.ts';

function respondWith(response: Response) {
  const fetch = vi.fn<typeof globalThis.fetch>().mockResolvedValue(response);
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('42')).toBe(42);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90);
  });

  it('ignores a missing or malformed header', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('api', () => {
  it('posts JSON to /api with same-origin cookies', async () => {
    const fetch = respondWith(Response.json({ user: { id: 'u1' } }));
    await expect(api.post('/auth/login', { email: 'a@b.c', password: 'p' })).resolves.toEqual({
      user: { id: 'u1' },
    });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('/api/auth/login');
    expect(init?.method).toBe('POST');
    expect(init?.credentials).toBe('same-origin');
    expect(init?.headers).toMatchObject({ 'Content-Type': 'application/json' });
    expect(init?.body).toBe('{"email":"a@b.c","password":"p"}');
  });

  it('sends an empty JSON object for a body-less POST and accepts 204', async () => {
    const fetch = respondWith(new Response(null, { status: 204 }));
    await expect(api.post('/auth/logout')).resolves.toBeUndefined();
    expect(fetch.mock.calls[0]?.[1]?.body).toBe('{}');
  });

  it('turns the error shape into an ApiError with Retry-After', async () => {
    respondWith(
      Response.json(
        { error: { code: 'rate_limited', message: 'Too many attempts' } },
        { status: 429, headers: { 'Retry-After': '30' } },
      ),
    );
    const error = await caught(api.post('/auth/login', {}));
    expect(error).toMatchObject({
      status: 429,
      code: 'rate_limited',
      message: 'Too many attempts',
      retryAfter: 30,
    });
  });

  it('reports a non-JSON failure as an http error', async () => {
    respondWith(new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' }));
    const error = await caught(api.get('/auth/me'));
    expect(error).toMatchObject({ status: 502, code: 'http', message: 'Bad Gateway' });
  });

  it('reports no response at all as a network error', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const error = await caught(api.get('/auth/me'));
    expect(error).toMatchObject({ status: 0, code: 'network' });
  });
});

describe('one place for a 401', () => {
  const unauthorized = () =>
    Response.json({ error: { code: 'unauthorized', message: 'Sign in first.' } }, { status: 401 });

  it('tells the session listeners once for any call answered 401 unauthorized, JSON or raw', async () => {
    const ended = vi.fn();
    const stop = onSessionEnded(ended);
    try {
      respondWith(unauthorized());
      expect((await caught(api.get('/hearings'))).status).toBe(401);
      respondWith(unauthorized());
      expect((await caught(send('/hearings/h1/export'))).code).toBe('unauthorized');
      expect(ended).toHaveBeenCalledTimes(2);
    } finally {
      stop();
    }
  });

  it('does not end the session for other refusals, nor for a 401 that asks for the next sign-in step', async () => {
    const ended = vi.fn();
    const stop = onSessionEnded(ended);
    try {
      respondWith(Response.json({ error: { code: 'forbidden', message: 'no' } }, { status: 403 }));
      await caught(api.get('/hearings/h1/audit'));
      respondWith(Response.json({ error: { code: 'second_factor_required', message: 'code' } }, { status: 401 }));
      await caught(api.get('/auth/me'));
      expect(ended).not.toHaveBeenCalled();
    } finally {
      stop();
    }
  });
});
