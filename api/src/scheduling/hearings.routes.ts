import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorBody } from '../platform/http/errors.ts';
import { hearingCalendar } from './hearing-calendar.ts';
import type { ParticipantsService } from '../invitations/participants.service.ts';
import { EmptyBody, Participant } from '../invitations/participants.schema.ts';
import {
  Conflict,
  ConflictBody,
  ConflictQuery,
  CreateHearingBody,
  DocketQuery,
  Hearing,
  HearingOptions,
  IdParams,
  PatchHearingBody,
} from './hearings.schema.ts';
import { ScheduleConflict, hearingView, requireCourt, type HearingsService } from './hearings.service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ConflictBody };

/** A schedule conflict answers 409 with the clashing hearings; other errors go to the app's handler. */
async function orConflict<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ScheduleConflict) {
      return reply.code(409).send({ error: { code: err.code, message: err.message }, conflicts: err.conflicts });
    }
    throw err;
  }
}

export const hearingsRoutes: FastifyPluginAsync<{
  hearings: HearingsService;
  participants: ParticipantsService;
  publicOrigin: string;
  now: () => Date;
}> = async (fastify, { hearings, participants, publicOrigin, now }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/hearings/options',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['hearings'],
        summary: 'Judges, clerks and active courtrooms of the caller’s court, for the scheduling form',
        response: { 200: HearingOptions, ...errors },
      },
    },
    async (request) => hearings.options(requireCourt(request.user)),
  );

  app.get(
    '/api/hearings/conflicts',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['hearings'],
        summary: 'Hearings that would clash with a booking, before it is saved',
        querystring: ConflictQuery,
        response: { 200: Type.Object({ conflicts: Type.Array(Conflict) }), ...errors },
      },
    },
    async (request) => ({ conflicts: await hearings.conflicts(requireCourt(request.user), request.query) }),
  );

  app.post(
    '/api/hearings',
    {
      config: { access: ['clerk', 'admin'] },
      schema: {
        tags: ['hearings'],
        summary: 'Schedule a hearing',
        body: CreateHearingBody,
        response: { 201: Type.Object({ hearing: Hearing }), ...errors },
      },
    },
    async (request, reply) =>
      orConflict(reply, async () => {
        const h = await hearings.create(requireCourt(request.user), request.body);
        return reply.code(201).send({ hearing: hearingView(h) });
      }),
  );

  app.get(
    '/api/hearings',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['hearings'],
        summary: 'The docket, a page at a time: a judge’s own hearings, or the court’s for a clerk or admin',
        querystring: DocketQuery,
        response: {
          200: Type.Object({
            hearings: Type.Array(Hearing),
            next: Type.Union([Type.String(), Type.Null()], {
              description: 'Pass as `after` for the next page; null on the last',
            }),
          }),
          ...errors,
        },
      },
    },
    async (request) => hearings.docket(requireCourt(request.user), request.query),
  );

  app.get(
    '/api/hearings/:id',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['hearings'],
        summary: 'One hearing with its participants',
        params: IdParams,
        response: {
          200: Type.Object({
            hearing: Hearing,
            participants: Type.Array(Participant),
            may: Type.Array(Type.String(), { description: 'What the hearing policy lets the caller do now' }),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const user = requireCourt(request.user);
      const { hearing: h, may } = await hearings.withMay(user, request.params.id);
      return { hearing: hearingView(h), participants: await participants.list(user, h.id), may };
    },
  );

  app.patch(
    '/api/hearings/:id',
    {
      config: { access: ['clerk', 'admin'] },
      schema: {
        tags: ['hearings'],
        summary: 'Reschedule, or change the judge, courtroom or details; invitees are told',
        params: IdParams,
        body: PatchHearingBody,
        response: { 200: Type.Object({ hearing: Hearing, notified: Type.Integer() }), ...errors },
      },
    },
    async (request, reply) =>
      orConflict(reply, async () => {
        const user = requireCourt(request.user);
        const { after, tellInvitees } = await hearings.update(user, request.params.id, request.body);
        const told = tellInvitees ? await participants.notifyChange(user, after) : [];
        return { hearing: hearingView(after), notified: told.length };
      }),
  );

  app.post(
    '/api/hearings/:id/cancel',
    {
      config: { access: ['clerk', 'admin'] },
      schema: {
        tags: ['hearings'],
        summary: 'Cancel a hearing; its links stop working and invitees are told',
        params: IdParams,
        body: EmptyBody,
        response: { 200: Type.Object({ hearing: Hearing, notified: Type.Integer() }), ...errors },
      },
    },
    async (request) => {
      const user = requireCourt(request.user);
      const h = await hearings.cancel(user, request.params.id);
      const told = await participants.notifyChange(user, h);
      return { hearing: hearingView(h), notified: told.length };
    },
  );

  app.get(
    '/api/hearings/:id/calendar.ics',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['hearings'],
        summary: 'The hearing as an RFC 5545 calendar file in the court’s time zone',
        params: IdParams,
        produces: ['text/calendar'],
        response: { 200: Type.String(), ...errors },
      },
    },
    async (request, reply) => {
      const h = await hearings.get(requireCourt(request.user), request.params.id);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="hearing-${h.id}.ics"`)
        .send(hearingCalendar(h, new URL(publicOrigin).host, { now: now() }));
    },
  );
};
