import type { FastifyPluginAsync } from 'fastify';
import type { FeatureDeps } from '../features.ts';
import { TranscriptService } from './transcript.service.ts';
import { transcriptRoutes } from './transcript.routes.ts';

/** The record (issue 6): live entries, corrections, import, sealing to PDF, review and verification. */
export const transcriptFeature: FastifyPluginAsync<FeatureDeps> = async (app, deps) => {
  const transcripts = new TranscriptService({
    db: deps.db,
    hub: deps.hub,
    now: deps.now,
    publicOrigin: deps.config.publicOrigin,
  });
  await app.register(transcriptRoutes, { transcripts });
};
