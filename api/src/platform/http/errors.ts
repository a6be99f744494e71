import { Type } from 'typebox';

/** The one error shape every /api response uses. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      // A refused password (`weak_password`): why, as zxcvbn keys a client can put in its own language.
      reason: Type.Optional(Type.String()),
      warning: Type.Optional(Type.String()),
      suggestions: Type.Optional(Type.Array(Type.String())),
    }),
  },
  { $id: 'ErrorBody' },
);

/** A failure the caller can act on; mapped to its status by the error handler. */
export class DomainError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  /** More fields of the error body, named in ErrorBody. */
  readonly details: Record<string, unknown>;
  constructor(
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
    details: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
    this.details = details;
  }
}

export const unauthorized = (message = 'Sign in first.') => new DomainError(401, 'unauthorized', message);
export const forbidden = (message = 'You may not do this.') => new DomainError(403, 'forbidden', message);
export const notFound = (what: string) => new DomainError(404, 'not_found', `${what} not found.`);
export const tooManyRequests = (retryAfterSeconds: number, message: string) =>
  new DomainError(429, 'rate_limited', message, { 'retry-after': String(retryAfterSeconds) });

/** Seconds a client is told to wait when the database does not answer. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export const databaseUnavailable = () =>
  new DomainError(503, 'database_unavailable', 'The database does not answer; try again shortly.', {
    'retry-after': String(DATABASE_RETRY_AFTER_SECONDS),
  });

// Socket-level failures (the server is down, restarting or was killed) …
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
// … and SQLSTATEs of a server that is shutting down, starting up or lost the connection:
// class 08 (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now,
// 53300 too_many_connections.
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
// What pg says, without a code, about a connection that died under it or could not be made in time.
const CONNECTION_MESSAGES =
  /^(Connection terminated( unexpectedly)?|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect|Connection terminated due to connection timeout)$/;

/**
 * Whether an error means the database cannot be reached right now (rather than a fault in a query):
 * such requests answer 503 `database_unavailable`, never 500.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 1) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_ERRNOS.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  if (CONNECTION_MESSAGES.test(err.message)) return true;
  // Node reports a refused connection to every address of a host as an AggregateError.
  // Causes are not followed: a failed fetch to LiveKit (TypeError with an ECONNREFUSED cause) is not the database.
  return err instanceof AggregateError && err.errors.some((e) => isDatabaseUnavailable(e, depth + 1));
}
