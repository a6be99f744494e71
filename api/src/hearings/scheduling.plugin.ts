import type { FastifyPluginAsync } from 'fastify';
import type { FeatureDeps } from '../features.ts';

/** Cases, hearings, the docket, participants and invite links (issue 3): registers its routes. */
export const schedulingFeature: FastifyPluginAsync<FeatureDeps> = async () => {};
