import type { FastifyPluginAsync } from 'fastify';
import type { AuthService } from '../accounts/auth.service.ts';
import { accountRoutes } from '../accounts/account.routes.ts';
import { courtRoutes } from './court.routes.ts';
import { staffRoutes, type StaffRoutesDeps } from './staff.routes.ts';

/**
 * Court administration, staff accounts and own account: registers its routes.
 * /api/admin/* is for the admins of a court and only ever touches that court.
 */
export const adminFeature: FastifyPluginAsync<StaffRoutesDeps & { auth: AuthService }> = async (app, deps) => {
  await app.register(courtRoutes, deps);
  await app.register(staffRoutes, deps);
  await app.register(accountRoutes, { ...deps, passwords: deps.auth.passwords });
};
