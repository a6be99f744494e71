import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { DestinationStream } from 'pino';
import { Type } from 'typebox';
import type { Config } from './platform/config.ts';
import type { Database } from './platform/db/schema.ts';
import { AuthService, type AuthPolicy } from './accounts/auth.service.ts';
import { authRoutes } from './accounts/auth.routes.ts';
import { Passwords } from './accounts/password.ts';
import { sessionToken } from './accounts/session.ts';
import { SessionCache } from './accounts/session-cache.ts';
import { checkAccess, requireDeclaredAccess, type DeclaredRoute } from './platform/http/access.ts';
import { DomainError, ErrorBody, databaseUnavailable, isDatabaseUnavailable } from './platform/http/errors.ts';
import { checkOrigin } from './platform/http/origin.ts';
import { requestLogSerializer } from './platform/http/log.ts';
import { HealthProbe } from './platform/http/health.ts';
import { securityHeaders } from './platform/http/security-headers.ts';
import { parseJsonBody, refuseUnstorableInput } from './platform/http/input-guards.ts';
import { serveWebApp } from './platform/web/serve.ts';
import { registerFeatures } from './features.ts';
import { authenticateParticipant } from './invitations/participant-session.ts';
import { createMailer, type Mailer } from './platform/mail/mailer.ts';
import { RealtimeHub } from './platform/realtime/realtime.hub.ts';
import { loadCourtIdentity, signingConfig, type CourtIdentity } from './record/court-identity.ts';
import { loadHeadKey, useHeadKey } from './audit/head.ts';
import { clientErrorHandler, frameworkErrors } from './platform/http/edges.ts';
import { signingRoutes } from './record/signing.routes.ts';
import { logRoutes } from './record-log/log.routes.ts';

export interface AppOptions {
  config: Config;
  db: Kysely<Database>;
  /** Directory of the built web app; when absent only /api is served. */
  webRoot?: string;
  passwords?: Passwords;
  /** Defaults to SMTP when SMTP_URL is set, otherwise a mailer that sends nothing. */
  mailer?: Mailer;
  authPolicy?: Partial<AuthPolicy>;
  now?: () => Date;
  logger?: boolean;
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: DestinationStream;
  /**
   * Connection string for the realtime hub's LISTEN connection. Without it events are still
   * written, but this instance's sockets only see them on (re)subscribe.
   */
  databaseUrl?: string;
  /** Socket tuning for tests. */
  realtime?: { heartbeatMs?: number; maxBufferedBytes?: number };
  /** The court's signing key and certificate; by default from DATA_DIR (created on first start) or COURT_SIGNING_P12. */
  courtIdentity?: CourtIdentity;
}

/** The whole app as one Fastify instance; server.ts only listens, tests inject. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { config, db } = opts;
  const courtIdentity = opts.courtIdentity ?? loadCourtIdentity(signingConfig(config));
  // Every append signs its stream's head with the key in DATA_DIR (created on first start).
  useHeadKey(loadHeadKey(config.dataDir));
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
            // Invite tokens are in URLs: logged URLs have them redacted.
            serializers: { req: requestLogSerializer },
            // Readable lines for a person at a terminal; JSON for log collectors.
            ...(opts.logStream
              ? { stream: opts.logStream }
              : process.stdout.isTTY
                ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } }
                : {}),
          },
    // A hop count trusts that many proxies in front of Gavel (proxy-addr's numeric rule).
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : config.trustProxy,
    genReqId: () => randomUUID(),
    frameworkErrors: frameworkErrors(config.secureCookies),
    clientErrorHandler: clientErrorHandler(config.secureCookies),
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Events of every hearing, shared between instances through LISTEN/NOTIFY; /api/ws pushes them. The same
  // connection hears session changes, so signed-in sessions can be held in memory (accounts/session-cache.ts).
  const hub = new RealtimeHub(db, opts.databaseUrl ?? '');
  hub.onError = (err) => app.log.warn({ err }, 'realtime hub');
  const sessions = new SessionCache(hub);
  const auth = new AuthService({
    db,
    passwords: opts.passwords ?? new Passwords(),
    sessionSecret: config.sessionSecret,
    cache: sessions,
    ...(opts.authPolicy ? { policy: opts.authPolicy } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  app.decorate('auth', auth);
  app.decorateRequest('user', null);
  app.decorateRequest('participant', null);

  // Registered first: its onRequest hook parses cookies before ours reads the session.
  await app.register(cookie, { secret: config.sessionSecret });
  app.decorate('routeAccess', requireDeclaredAccess(app));
  app.addSchema(ErrorBody);
  // Fastify's JSON parsing, plus a nesting limit checked before parsing (platform/http/input-guards.ts).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody);

  // Before the access hook below: a request it refuses (401, 403) still gets every security header.
  const web = serveWebApp(opts.webRoot);
  const securityHeaderValues = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...web.scriptHashes],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", ...livekitOrigins(config.livekit.url)],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    strictTransportSecurity: config.secureCookies,
  });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(securityHeaderValues);
    done();
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // No API answer is kept by a browser or a proxy (signed-in answers above all), unless a route says otherwise.
    if (!reply.hasHeader('cache-control') && (request.url === '/api' || request.url.startsWith('/api/'))) {
      reply.header('cache-control', 'no-store');
    }
  });

  // Before any body parsing: who is calling, and may they call this route at all.
  app.addHook('onRequest', async (request) => {
    const routeConfig = request.routeOptions.config;
    if (!routeConfig.access) return;
    if (routeConfig.checkOrigin !== false) checkOrigin(request, config.publicOrigin);
    const token = sessionToken(request, config.secureCookies);
    if (token) request.user = (await auth.authenticate(token)) ?? null;
    if (routeConfig.access === 'participant')
      request.participant = await authenticateParticipant(request, {
        db,
        sessionSecret: config.sessionSecret,
        now: opts.now,
        secureCookies: config.secureCookies,
      });
    // Live-hearing routes serve both the bench (staff session) and participants.
    const orStaff = routeConfig.access === 'participant' && routeConfig.orStaff === true && request.user;
    checkAccess(request, orStaff ? 'staff' : routeConfig.access);
  });
  // NUL and unpaired surrogates anywhere in a body, query or path: 400 before validation, never a 500.
  app.addHook('preValidation', refuseUnstorableInput);

  // GET /api/health's shared probe; any request that finds the database gone tells it (see below).
  const health = new HealthProbe(db);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // The database restarting or gone is a 503 with Retry-After, whichever query noticed it; never a 500.
    if (isDatabaseUnavailable(error)) {
      health.sawOutage();
      // One line each, no stack: under an outage every request says it.
      request.log.warn({ code: error.code }, `database unavailable: ${error.message}`);
      error = databaseUnavailable();
    }
    // PostgreSQL refused a value's form (a uuid it cannot read, say: the JSON-schema "uuid" format lets
    // "urn:uuid:…" through). Only a value the request carried reaches a query unchecked, so it is the
    // request's error.
    if (error.code === '22P02') {
      request.log.info({ err: error }, 'the database refused a value of the request');
      return reply.code(400).send({
        error: { code: 'validation', message: 'A value in the request is not in a form the court can read.' },
      });
    }
    if (error instanceof DomainError) {
      return reply
        .code(error.status)
        .headers(error.headers)
        .send({ error: { ...error.details, code: error.code, message: error.message } });
    }
    if (error.validation) {
      return reply.code(400).send({ error: { code: 'validation', message: error.message } });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code =
        status === 429
          ? 'rate_limited'
          : status === 413
            ? 'payload_too_large'
            : status === 415
              ? 'unsupported_media_type'
              : 'bad_request';
      return reply.code(status).send({ error: { code, message: error.message } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .code(status >= 500 && status < 600 ? status : 500)
      .send({ error: { code: 'internal', message: `Something went wrong on our side (request ${request.id}).` } });
  });

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      message: `Too many requests. Try again in ${Math.ceil(ctx.ttl / 1000)} seconds.`,
    }),
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Gavel API', version: '0.1.0', description: 'The virtual courtroom API.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'gavel_session' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Liveness with a database probe (shared: at most one round trip a second)',
        response: { 200: Type.Object({ status: Type.Literal('ok') }), 503: ErrorBody },
      },
    },
    async () => {
      if (!(await health.check())) throw databaseUnavailable();
      return { status: 'ok' as const };
    },
  );

  await app.register(authRoutes, { auth, secureCookies: config.secureCookies });
  app.decorate('courtIdentity', courtIdentity);
  await app.register(signingRoutes, { identity: courtIdentity });
  await app.register(logRoutes, { db });
  if (opts.databaseUrl) await hub.start();
  app.addHook('onClose', async () => {
    sessions.stop();
    await hub.stop();
  });
  // No compression: events are small, and uncompressed frames are the same bytes for every socket,
  // so one event to a thousand watchers is framed once (platform/realtime/framed.ts).
  await app.register(websocket, { options: { maxPayload: 64 * 1024, perMessageDeflate: false } });
  await registerFeatures(app, {
    config,
    db,
    auth,
    mailer: opts.mailer ?? createMailer(config.smtpUrl),
    now: opts.now ?? (() => new Date()),
    hub,
    courtIdentity,
    ...(opts.realtime ? { realtime: opts.realtime } : {}),
  });
  await web.register(app);
  return app;
}

/**
 * Where browsers may connect for media: LiveKit's signalling socket (ws/wss) and the same host over
 * http(s), which livekit-client fetches to explain a failed connection (/rtc/v1/validate).
 */
function livekitOrigins(url: string): string[] {
  const u = new URL(url);
  const secure = u.protocol === 'wss:' || u.protocol === 'https:';
  return [`${secure ? 'wss' : 'ws'}://${u.host}`, `${secure ? 'https' : 'http'}://${u.host}`];
}

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService;
    courtIdentity: CourtIdentity;
    /** Every /api route with who may call it. */
    routeAccess: DeclaredRoute[];
  }
}
