import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/schema.ts';
import type { RealtimeHub } from '../platform/realtime/realtime.hub.ts';
import type { CourtIdentity } from './court-identity.ts';
import { TranscriptService } from './transcript.service.ts';
import { transcriptRoutes } from './transcript.routes.ts';
import { pdfSigningKey } from './pades.ts';
import { join } from 'node:path';
import { pdfEvidence } from './evidence.ts';
import { VerifySlots, removeStale } from './verify-upload.ts';

/** What the record is built from. */
export interface TranscriptDeps {
  config: Config;
  db: Kysely<Database>;
  hub: RealtimeHub;
  now: () => Date;
  /** The court's signing identity: it signs the sealed PDFs and the record's public log. */
  courtIdentity: CourtIdentity;
}

/** The record: live entries, corrections, import, sealing to PDF, review and verification. */
export const transcriptFeature: FastifyPluginAsync<TranscriptDeps> = async (app, deps) => {
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
