import { errorCodes, type FastifyRequest } from 'fastify';
import { DomainError } from './errors.ts';

/**
 * Guards on what every route receives, before validation and handlers see it.
 *
 * JSON bodies: nesting deeper than MAX_JSON_DEPTH is refused before parsing (no Gavel body nests more
 * than a few levels, and parsing a 1 MiB bracket bomb costs the event loop a large fraction of a
 * second), and `__proto__` / `constructor.prototype` keys are refused as Fastify's own parser does.
 *
 * Text anywhere (body, query string, path): PostgreSQL refuses NUL in text and JSON, and UTF-8 cannot
 * carry an unpaired UTF-16 surrogate (node-postgres would quietly store U+FFFD, and jsonb refuses the
 * escape). Both are refused with 400 here, so no handler meets such a string and nothing is stored changed.
 */

export const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests arrays and objects deeper than `limit`; stops scanning as soon as it does. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // a backslash escapes the next character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > limit) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return false;
}

/** What secure-json-parse (Fastify's default) refuses: an own `__proto__`, or `constructor.prototype`. */
function hasPrototypeKeys(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Object.hasOwn(v, '__proto__')) return true;
    const ctor = (v as { constructor?: unknown }).constructor;
    if (
      Object.hasOwn(v, 'constructor') &&
      ctor !== null &&
      typeof ctor === 'object' &&
      Object.hasOwn(ctor, 'prototype')
    )
      return true;
    for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
  }
  return false;
}

/** The application/json parser: Fastify's, plus a depth limit checked before parsing. */
export async function parseJsonBody(_request: FastifyRequest, body: string): Promise<unknown> {
  if (body.length === 0) throw new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY();
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw new DomainError(400, 'too_deep', `JSON nested more than ${MAX_JSON_DEPTH} levels deep is not accepted.`);
  }
  let value: unknown;
  try {
    // A leading byte order mark is allowed, as Fastify's parser allows it.
    value = JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
  } catch {
    throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
  }
  if ((body.includes('__proto__') || body.includes('constructor')) && hasPrototypeKeys(value)) {
    throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
  }
  return value;
}

// String.prototype.isWellFormed is ES2024 (Node 20 and later); the TypeScript lib here is ES2023.
const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function problem(s: string): 'nul' | 'surrogate' | undefined {
  if (s.includes('\u0000')) return 'nul';
  if (!isWellFormed(s)) return 'surrogate';
  return undefined;
}

const refusal = (what: 'nul' | 'surrogate', where: string) =>
  new DomainError(
    400,
    'invalid_text',
    what === 'nul'
      ? `In ${where}: a null byte (\\u0000) cannot be stored. Remove it and try again.`
      : `In ${where}: text that is not valid Unicode (an unpaired surrogate) cannot be stored. Remove it and try again.`,
  );

/** Parsed data (JSON, a query string's null-prototype object, path params), not bytes or streams. */
const isData = (v: object) =>
  !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer) && typeof (v as { pipe?: unknown }).pipe !== 'function';

/** The first string (value or key) in `value` that cannot be stored; iterative, no allocation per level. */
function firstProblem(value: unknown): { what: 'nul' | 'surrogate'; found: string } | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      const what = problem(v);
      if (what) return { what, found: v };
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else if (v !== null && typeof v === 'object' && isData(v)) {
      for (const key of Object.keys(v)) {
        const what = problem(key);
        if (what) return { what, found: key };
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return undefined;
}

/** Where `found` sits in `value`, as `part.a.b`; only looked for once something was found. */
function pathOf(value: unknown, found: string, part: string): string {
  const stack: Array<[unknown, string]> = [[value, part]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (v === found) return path;
    if (v !== null && typeof v === 'object' && isData(v) && path.length < 200) {
      for (const [key, child] of Object.entries(v)) {
        if (key === found) return `${path} (a field name)`;
        stack.push([child, `${path}.${key}`]);
      }
    }
  }
  return part;
}

/** Throws a 400 naming the first field, or field name, in a parsed value that cannot be stored. */
export function refuseUnstorableText(value: unknown, part: string): void {
  const p = firstProblem(value);
  if (p) throw refusal(p.what, pathOf(value, p.found, part));
}

/** preValidation hook: the path parameters, the query string and the body (JSON or text). */
export async function refuseUnstorableInput(request: FastifyRequest): Promise<void> {
  refuseUnstorableText(request.params, 'path');
  refuseUnstorableText(request.query, 'query');
  refuseUnstorableText(request.body, 'body');
}
