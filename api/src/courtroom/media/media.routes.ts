import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { WebhookReceiver } from 'livekit-server-sdk';
import type { Database } from '../../platform/db/schema.ts';
import { DomainError, ErrorBody } from '../../platform/http/errors.ts';
import { EmptyBody } from '../../invitations/participants.schema.ts';
import { IdParams } from '../../scheduling/hearings.schema.ts';
import { MediaTokenView, liveErrors } from '../control.schema.ts';
import { resolveHearingCaller } from '../hearing-caller.ts';
import type { LobbyService } from '../lobby/lobby.service.ts';
import type { LiveKitKeys } from './grants.ts';
import type { MediaService } from './media.service.ts';
import { egressState } from '../../recordings/egress.ts';
import { releaseWebhookId, takeWebhookId } from './webhook.repository.ts';

/** A webhook signed longer ago than this is refused: a captured one cannot be sent again later. */
export const WEBHOOK_MAX_AGE_MS = 5 * 60_000;

export const WEBHOOK_CONTENT_TYPE = 'application/webhook+json';

export const mediaRoutes: FastifyPluginAsync<{
  db: Kysely<Database>;
  media: MediaService;
  lobby: LobbyService;
  keys: LiveKitKeys;
}> = async (fastify, { db, media, lobby, keys }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/api/hearings/:id/media-token',
    {
      config: { access: 'participant', orStaff: true },
      schema: {
        tags: ['live hearing'],
        summary:
          'A LiveKit token for the hearing room: its judge and clerk while it is open, and admitted participants',
        params: IdParams,
        body: EmptyBody,
        response: { 200: MediaTokenView, ...liveErrors },
      },
    },
    async (request) => media.hearingToken(await resolveHearingCaller(db, request, request.params.id)),
  );

  // LiveKit signs the exact bytes it sends: keep the body as the raw string (this plugin only).
  app.addContentTypeParser(WEBHOOK_CONTENT_TYPE, { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) =>
    done(null, body),
  );
  const receiver = new WebhookReceiver(keys.apiKey, keys.apiSecret);

  app.post(
    '/api/livekit/webhook',
    {
      // LiveKit calls this, not a browser: it authenticates with the signed JWT, not a session or Origin.
      config: { access: 'public', checkOrigin: false },
      schema: {
        tags: ['live hearing'],
        summary:
          'LiveKit webhooks (participant joined/left, egress started/updated/ended), verified against the signed body hash',
        consumes: [WEBHOOK_CONTENT_TYPE],
        response: {
          200: Type.Object({ received: Type.Boolean() }),
          400: ErrorBody,
          401: ErrorBody,
          409: ErrorBody,
          415: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      if (request.headers['content-type']?.split(';')[0]?.trim() !== WEBHOOK_CONTENT_TYPE) {
        return reply
          .code(415)
          .send({ error: { code: 'unsupported_media_type', message: `Send ${WEBHOOK_CONTENT_TYPE}.` } });
      }
      const raw = typeof request.body === 'string' ? request.body : '';
      let event;
      try {
        event = await receiver.receive(raw, request.headers.authorization);
      } catch {
        throw new DomainError(401, 'bad_signature', 'The webhook signature does not match its body.');
      }
      // The signature covers the body, so its id and time are LiveKit's own.
      const createdAt = new Date(Number(event.createdAt) * 1000);
      if (!event.id || !(Math.abs(Date.now() - createdAt.getTime()) <= WEBHOOK_MAX_AGE_MS)) {
        throw new DomainError(
          400,
          'stale_webhook',
          'The webhook is older than five minutes (or carries no id and time): it is not acted on.',
        );
      }
      if (!(await takeWebhookId(db, event.id, createdAt))) {
        throw new DomainError(409, 'replayed_webhook', 'This webhook event was already received.');
      }
      try {
        await act(event);
      } catch (err) {
        await releaseWebhookId(db, event.id);
        throw err;
      }
      return { received: true };
    },
  );

  async function act(event: Awaited<ReturnType<WebhookReceiver['receive']>>) {
    const room = event.room?.name;
    const identity = event.participant?.identity;
    if ((event.event === 'participant_joined' || event.event === 'participant_left') && room && identity) {
      await lobby.mediaPresence(room, identity, event.event === 'participant_joined');
    }
    // Recording status comes from Egress itself.
    if (
      (event.event === 'egress_started' || event.event === 'egress_updated' || event.event === 'egress_ended') &&
      event.egressInfo
    ) {
      await fastify.recordings.applyEgress(egressState(event.egressInfo));
    }
  }
};
