/**
 * The one way the web app talks to the Gavel JSON API: same origin, cookies included,
 * every failure turned into an ApiError.
 */

/** Codes the API sends in `{ error: { code, message } }`; others may follow. */
export type ApiErrorCode =
  | 'invalid_credentials'
  | 'rate_limited'
  | 'validation'
  | 'unauthorized'
  | 'not_found'
  | 'internal'
  /** No response at all: the API is down or the network is gone. */
  | 'network'
  /** A response that was not the API's JSON error shape (e.g. a proxy's 502 page). */
  | 'http'
  | (string & {});

export class ApiError extends Error {
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  readonly code: ApiErrorCode;
  /** Seconds to wait before trying again, from the Retry-After header. */
  readonly retryAfter: number | undefined;
  /** The error body's other fields, e.g. a refused password's `reason`, `warning` and `suggestions`. */
  readonly details: Record<string, unknown>;

  constructor(
    status: number,
    code: ApiErrorCode,
    message: string,
    retryAfter?: number,
    details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.details = details;
  }
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Listeners told when the API answers 401 `unauthorized`: the caller's session ended on the server. */
const sessionEndedListeners = new Set<() => void>();

/** The one place a 401 is handled: whoever keeps the session (the staff session) listens here. */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

/** The API's JSON error shape as an ApiError; a 401 `unauthorized` also tells the session's listeners. */
export async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = isRecord(body) ? body['error'] : undefined;
  const apiError =
    isRecord(error) && typeof error['code'] === 'string'
      ? new ApiError(
          response.status,
          error['code'],
          typeof error['message'] === 'string' ? error['message'] : error['code'],
          retryAfter,
          error,
        )
      : new ApiError(response.status, 'http', response.statusText || `HTTP ${String(response.status)}`, retryAfter);
  if (apiError.status === 401 && apiError.code === 'unauthorized') {
    for (const listener of sessionEndedListeners) listener();
  }
  return apiError;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/**
 * The one fetch to the API, for any body (JSON, a file, a form) and any answer (JSON, a stream):
 * same origin, cookies included; no answer becomes ApiError `network`, a failed one the API's error.
 */
export async function send(path: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, { credentials: 'same-origin', ...init });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network', 'The server could not be reached.');
  }
  if (!response.ok) throw await toApiError(response);
  return response;
}

async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, headers, signal: options.signal };
  if (method !== 'GET') {
    // The API only accepts JSON writes; an empty object keeps body-less calls valid JSON.
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }
  const response = await send(path, init);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body, options),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, body, options),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, undefined, options),
};
