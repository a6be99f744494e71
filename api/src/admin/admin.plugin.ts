import type { FastifyPluginAsync } from 'fastify';
import type { FeatureDeps } from '../features.ts';

/** Court administration, staff accounts and own account (issue 9): registers its routes. */
export const adminFeature: FastifyPluginAsync<FeatureDeps> = async () => {};
