import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { StaffRole } from '../db/schema.ts';
import { DomainError, forbidden, unauthorized } from './errors.ts';

/**
 * What a session still owes before it counts as signed in: its TOTP code ('second_factor'), or
 * enrolment in two-factor sign-in because the court requires it ('enrol'). Such a session may call
 * only the routes that finish that step (`signInStep` below).
 */
export type PendingStep = 'second_factor' | 'enrol';

/**
 * Who may call a route. Every route must declare one; buildApp refuses to start otherwise.
 * - 'public': anyone, signed in or not
 * - 'staff': any signed-in staff member
 * - a list of roles: signed-in staff with one of them
 * - 'participant': a participant session (invite link); the handler checks it is for this hearing
 */
export type Access = 'public' | 'staff' | 'participant' | readonly StaffRole[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Set false only for server-to-server callers that authenticate otherwise (webhooks). */
    checkOrigin?: boolean;
    /**
     * Sign-in steps during which a session may call this route: only the routes that finish a
     * step (and sign-out) list one. Every other route treats such a session as not signed in.
     */
    signInStep?: readonly PendingStep[];
    /** With access 'participant': a staff session may call it too (the hearing policy decides what staff may do). */
    orStaff?: boolean;
  }
}

export interface DeclaredRoute {
  method: string;
  url: string;
  access: Access;
}

/**
 * Refuses any /api route without a declared access rule, and returns the table of declared
 * routes so tests can prove, route by route, that everyone else is refused.
 */
export function requireDeclaredAccess(app: FastifyInstance): DeclaredRoute[] {
  const table: DeclaredRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api')) return;
    const access = (route.config as { access?: Access } | undefined)?.access;
    // Swagger UI's own static routes are public documentation.
    if (!access) {
      if (route.url.startsWith('/api/docs')) return;
      throw new Error(`route ${route.method.toString()} ${route.url} does not declare who may call it (config.access)`);
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') table.push({ method, url: route.url, access });
    }
  });
  return table;
}

const stepRequired: Record<PendingStep, () => DomainError> = {
  second_factor: () =>
    new DomainError(401, 'second_factor_required', 'Enter the code from your authenticator app to finish signing in.'),
  enrol: () =>
    new DomainError(
      401,
      'two_factor_enrolment_required',
      'Your court requires two-factor sign-in: set it up to finish signing in.',
    ),
};

export function checkAccess(request: FastifyRequest, access: Access | undefined): void {
  const pending = request.user?.pendingStep;
  if (pending && !request.routeOptions.config.signInStep?.includes(pending)) {
    // Half signed in is not signed in: public routes see nobody, protected ones say what is owed.
    request.user = null;
    if (access !== 'public' && access !== 'participant') throw stepRequired[pending]();
  }
  if (access === 'public') return;
  if (access === 'participant') {
    if (!request.participant) throw unauthorized('Open your invitation link first.');
    return;
  }
  const user = request.user;
  if (!user) throw unauthorized();
  if (access === 'staff') return;
  if (!access || !access.includes(user.role)) throw forbidden();
}
