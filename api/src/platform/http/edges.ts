import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * What Fastify and Node refuse before any route or hook runs (a parameter too long, a URL that does not
 * decode, headers too large) answers like the rest of the API: `{error:{code,message}}`, a request id and
 * the security headers. Helmet's hooks never run for these, so the headers are set here: the strictest,
 * since the answer is only ever a JSON error.
 */
export function edgeHeaders(secure: boolean, requestId: string): Record<string, string> {
  return {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
    'x-request-id': requestId,
    ...(secure ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

const FRAMEWORK: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_BAD_URL: { status: 400, code: 'bad_url', message: 'The address is not valid URL encoding.' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'uri_too_long', message: 'A part of the address is too long.' },
};

export function frameworkErrors(secure: boolean) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = FRAMEWORK[err.code];
    const { status, code, message } = known ?? { status: 500, code: 'internal', message: 'Something went wrong.' };
    if (!known) request.log.error({ err }, 'framework error');
    void reply.code(status).headers(edgeHeaders(secure, request.id)).send({ error: { code, message } });
  };
}

/** Node's own refusals on the socket (before a request exists): 431, 408, 400. */
export function clientErrorHandler(secure: boolean) {
  return (err: Error & { code?: string }, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'The request headers are too large.']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'request_timeout', 'The request took too long to arrive.']
          : [400, 'bad_request', 'The request is not valid HTTP.'];
    const body = JSON.stringify({ error: { code, message } });
    const headers = {
      ...edgeHeaders(secure, randomUUID()),
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    };
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('') +
        `\r\n${body}`,
    );
  };
}
