import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiClient, onSessionEnded, parseRetryAfter, send } from './api.ts';

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

describe('apiClient', () => {
  it('posts JSON to /api with same-origin cookies', async () => {
    const fetch = respondWith(Response.json({ user: { id: 'u1' } }));
    await expect(apiClient.post('/auth/login', { body: { email: 'a@b.c', password: 'p' } })).resolves.toEqual({
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
    await expect(apiClient.post('/auth/logout')).resolves.toBeUndefined();
    expect(fetch.mock.calls[0]?.[1]?.body).toBe('{}');
  });

  it('fills path parameters as encoded segments and sends a DELETE with an empty JSON body', async () => {
    const fetch = respondWith(new Response(null, { status: 204 }));
    await apiClient.delete('/hearings/{id}/participants/{pid}', { path: { id: 'h 1', pid: 'p/2' } });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('/api/hearings/h%201/participants/p%2F2');
    expect(init?.method).toBe('DELETE');
    expect(init?.body).toBe('{}');
  });

  it('reads with GET, no body, the query without its empty filters, and the abort signal', async () => {
    const fetch = respondWith(Response.json({ hearings: [] }));
    const controller = new AbortController();
    await expect(
      apiClient.get('/hearings', {
        query: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', judgeId: '', courtroomId: undefined },
        signal: controller.signal,
      }),
    ).resolves.toEqual({ hearings: [] });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('/api/hearings?from=2026-01-01T00%3A00%3A00Z&to=2026-01-02T00%3A00%3A00Z');
    expect(init?.method).toBe('GET');
    expect(init?.body).toBeUndefined();
    expect(init?.signal).toBe(controller.signal);
  });

  it('leaves the question mark out when every filter is empty', async () => {
    const fetch = respondWith(Response.json({ cases: [] }));
    await apiClient.get('/cases', { query: { q: '' } });
    expect(fetch.mock.calls[0]?.[0]).toBe('/api/cases');
  });

  it('turns the error shape into an ApiError with Retry-After', async () => {
    respondWith(
      Response.json(
        { error: { code: 'rate_limited', message: 'Too many attempts' } },
        { status: 429, headers: { 'Retry-After': '30' } },
      ),
    );
    const error = await caught(apiClient.post('/auth/login', { body: { email: 'a@b.c', password: 'p' } }));
    expect(error).toMatchObject({
      status: 429,
      code: 'rate_limited',
      message: 'Too many attempts',
      retryAfter: 30,
    });
  });

  it('reports a non-JSON failure as an http error', async () => {
    respondWith(new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' }));
    const error = await caught(apiClient.get('/auth/me'));
    expect(error).toMatchObject({ status: 502, code: 'http', message: 'Bad Gateway' });
  });

  it('reports no response at all as a network error', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const error = await caught(apiClient.get('/auth/me'));
    expect(error).toMatchObject({ status: 0, code: 'network' });
  });
});

describe('one place for a 401', () => {
  const unauthorized = () =>
    Response.json({ error: { code: 'unauthorized', message: 'Sign in first.' } }, { status: 401 });

  it('tells the session listeners once for any call answered 401 unauthorized: typed or raw', async () => {
    const ended = vi.fn();
    const stop = onSessionEnded(ended);
    try {
      respondWith(unauthorized());
      expect((await caught(apiClient.get('/auth/me'))).status).toBe(401);
      respondWith(unauthorized());
      expect((await caught(apiClient.get('/hearings/{id}/recordings', { path: { id: 'h1' } }))).status).toBe(401);
      respondWith(unauthorized());
      expect((await caught(send('/hearings/h1/export'))).code).toBe('unauthorized');
      expect(ended).toHaveBeenCalledTimes(3);
    } finally {
      stop();
    }
  });

  it('does not end the session for other refusals, nor for a 401 that asks for the next sign-in step', async () => {
    const ended = vi.fn();
    const stop = onSessionEnded(ended);
    try {
      respondWith(Response.json({ error: { code: 'forbidden', message: 'no' } }, { status: 403 }));
      await caught(apiClient.get('/hearings/{id}/audit', { path: { id: 'h1' } }));
      respondWith(Response.json({ error: { code: 'second_factor_required', message: 'code' } }, { status: 401 }));
      await caught(apiClient.get('/auth/me'));
      expect(ended).not.toHaveBeenCalled();
    } finally {
      stop();
    }
  });
});
