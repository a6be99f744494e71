import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorBody, notFound } from '../platform/http/errors.ts';
import { hearingCalendar } from '../scheduling/hearing-calendar.ts';
import { IdParams } from '../scheduling/hearings.schema.ts';
import { setParticipantCookie } from './participant-session.ts';
import { GoneBody, JoinBody, Joined, Landing, TokenParams, UnknownBody } from './join.schema.ts';
import { InviteGone, InviteUnknown, type JoinService } from './join.service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: UnknownBody, 410: GoneBody, 429: ErrorBody };

// Also capped per address in memory, before any database work.
const rateLimit = { max: 60, timeWindow: '1 minute' };

/** Sends a 410 (or a 404 where the court is known) with how to reach the court; other errors go to the app's handler. */
async function orGone<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof InviteGone) {
      return reply.code(410).send({ error: { code: err.code, message: err.message }, contact: err.contact });
    }
    if (err instanceof InviteUnknown) {
      const error = { code: err.code, message: err.message };
      return reply.code(404).send(err.contact ? { error, contact: err.contact } : { error });
    }
    throw err;
  }
}

export const joinRoutes: FastifyPluginAsync<{
  join: JoinService;
  secureCookies: boolean;
  publicOrigin: string;
  now: () => Date;
}> = async (fastify, { join, secureCookies, publicOrigin, now }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/join/:token',
    {
      config: { access: 'public', rateLimit },
      schema: {
        tags: ['join'],
        summary: 'What an invite link’s landing page shows',
        params: TokenParams,
        response: { 200: Landing, ...errors },
      },
    },
    async (request, reply) => orGone(reply, () => join.landing(request.params.token, request.ip)),
  );

  app.get(
    '/api/join/:token/calendar.ics',
    {
      config: { access: 'public', rateLimit },
      schema: {
        tags: ['join'],
        summary: 'The invitee’s own calendar entry (RFC 5545) with their link',
        params: TokenParams,
        produces: ['text/calendar'],
        response: { 200: Type.String(), ...errors },
      },
    },
    async (request, reply) =>
      orGone(reply, async () => {
        const { h, locale } = await join.calendarOf(request.params.token, request.ip);
        const url = `${publicOrigin}/join/${request.params.token}`;
        return reply
          .type('text/calendar; charset=utf-8')
          .header('content-disposition', 'attachment; filename="hearing.ics"')
          .send(hearingCalendar(h, new URL(publicOrigin).host, { url, now: now(), locale }));
      }),
  );

  app.post(
    '/api/join',
    {
      config: { access: 'public', rateLimit },
      schema: {
        tags: ['join'],
        summary: 'Open an invite: sets a participant session cookie for that one hearing',
        body: JoinBody,
        response: { 200: Joined, ...errors },
      },
    },
    async (request, reply) =>
      orGone(reply, async () => {
        const joined = await join.join({
          token: request.body.token,
          accessCode: request.body.accessCode,
          ip: request.ip,
        });
        setParticipantCookie(reply, joined.token, joined.expiresAt, secureCookies);
        return {
          hearingId: joined.hearingId,
          landing: await join.participantView(joined.participantId, joined.hearingId),
        };
      }),
  );

  app.get(
    '/api/hearings/:id/me',
    {
      config: { access: 'participant' },
      schema: {
        tags: ['join'],
        summary: 'The signed-in participant’s view of their hearing (for the lobby)',
        params: IdParams,
        response: { 200: Landing, ...errors },
      },
    },
    async (request) => {
      const me = request.participant;
      // A participant session is scoped to one hearing: any other does not exist for it.
      if (!me || me.hearingId !== request.params.id) throw notFound('Hearing');
      return join.participantView(me.id, me.hearingId);
    },
  );
};
