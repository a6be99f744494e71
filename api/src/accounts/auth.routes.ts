import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorBody, unauthorized } from '../platform/http/errors.ts';
import { LoginBody, LoginResponse, SecondFactorBody, UserResponse } from './auth.schema.ts';
import type { AuthService, SessionUser } from './auth.service.ts';
import { clearSessionCookie, sessionToken, setSessionCookie } from './session.ts';
import { readDevice, setDeviceCookie } from './device.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody, 503: ErrorBody };

const publicUser = (u: SessionUser) => ({ id: u.id, email: u.email, name: u.name, role: u.role, court: u.court });

export const authRoutes: FastifyPluginAsync<{ auth: AuthService; secureCookies: boolean }> = async (
  fastify,
  { auth, secureCookies },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Sign a staff member in; sets the session cookie',
        description:
          'Answers `{ user }` when signed in, or `{ step }` when the session still owes its second-factor code (`second_factor`, see POST /api/auth/login/second-factor) or enrolment in two-factor sign-in (`enrol`, see /api/account/two-factor/*).',
        body: LoginBody,
        response: { 200: LoginResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { token, expiresAt, user } = await auth.login({
        email: request.body.email,
        password: request.body.password,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        // An earlier session of this account in this browser ends here (session fixation).
        replacesToken: sessionToken(request, secureCookies),
        device: readDevice(request, secureCookies),
      });
      setSessionCookie(reply, token, expiresAt, secureCookies);
      // Known from now on, once fully signed in (with a second factor, when its code is accepted).
      if (!user.pendingStep) setDeviceCookie(reply, user.email, secureCookies, readDevice(request, secureCookies));
      return user.pendingStep ? { step: user.pendingStep } : { user: publicUser(user) };
    },
  );

  app.post(
    '/api/auth/login/second-factor',
    {
      config: {
        access: 'staff',
        signInStep: ['second_factor'],
        rateLimit: { max: 30, timeWindow: '1 minute' },
      },
      schema: {
        tags: ['auth'],
        summary: 'Finish signing in with a TOTP code or a recovery code',
        description:
          'Only for a session that passed the password step and owes its code. Five wrong codes per account within 15 minutes and the next attempt gets 429 with Retry-After.',
        body: SecondFactorBody,
        response: { 200: UserResponse, ...errors },
      },
    },
    async (request, reply) => {
      if (!request.user) throw unauthorized();
      const done = await auth.completeSecondFactor(request.user, { code: request.body.code, ip: request.ip });
      // A new session id now that sign-in is complete; the password-only one no longer works.
      setSessionCookie(reply, done.token, done.expiresAt, secureCookies);
      setDeviceCookie(reply, done.user.email, secureCookies, readDevice(request, secureCookies));
      return { user: publicUser(done.user) };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      // Also abandons a sign-in half way through its second step.
      config: { access: 'staff', signInStep: ['second_factor', 'enrol'] },
      schema: {
        tags: ['auth'],
        summary: 'End the current session',
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      if (!request.user) throw unauthorized();
      await auth.logout(request.user, request.ip);
      clearSessionCookie(reply, secureCookies);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in staff member',
        response: { 200: UserResponse, ...errors },
      },
    },
    async (request) => {
      if (!request.user) throw unauthorized();
      return { user: publicUser(request.user) };
    },
  );
};
