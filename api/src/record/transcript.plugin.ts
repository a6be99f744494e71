import type { FastifyPluginAsync } from 'fastify';
import type { FeatureDeps } from '../features.ts';
import { TranscriptService } from './transcript.service.ts';
import { transcriptRoutes } from './transcript.routes.ts';
import { pdfSigningKey } from './pades.ts';
import { join } from 'node:path';
import { pdfEvidence } from './evidence.ts';
import { VerifySlots, removeStale } from './verify-upload.ts';

/** The record: live entries, corrections, import, sealing to PDF, review and verification. */
export const transcriptFeature: FastifyPluginAsync<FeatureDeps> = async (app, deps) => {
  const transcripts = new TranscriptService({
    db: deps.db,
    hub: deps.hub,
    now: deps.now,
    publicOrigin: deps.config.publicOrigin,
    signing: pdfSigningKey(deps.courtIdentity, deps.config.publicOrigin),
    log: { identity: deps.courtIdentity, origin: deps.config.publicOrigin },
  });
  const verifyDir = join(deps.config.dataDir, 'tmp', 'verify');
  // Uploads a crashed process was still checking; a live one is minutes old at most.
  await removeStale(verifyDir, 60 * 60 * 1000);
  await app.register(transcriptRoutes, {
    db: deps.db,
    transcripts,
    verifyUploads: { dir: verifyDir, slots: new VerifySlots(deps.config.verifyConcurrency) },
    evidence: (pdf, sha256) => pdfEvidence(deps.db, deps.courtIdentity, pdf, sha256),
  });
};
