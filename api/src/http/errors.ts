import { Type } from 'typebox';

/** The one error shape every /api response uses. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
    }),
  },
  { $id: 'ErrorBody' },
);

/** A failure the caller can act on; mapped to its status by the error handler. */
export class DomainError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const unauthorized = (message = 'Sign in first.') => new DomainError(401, 'unauthorized', message);
export const forbidden = (message = 'You may not do this.') => new DomainError(403, 'forbidden', message);
export const notFound = (what: string) => new DomainError(404, 'not_found', `${what} not found.`);
export const tooManyRequests = (retryAfterSeconds: number, message: string) =>
  new DomainError(429, 'rate_limited', message, { 'retry-after': String(retryAfterSeconds) });
