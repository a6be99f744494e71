import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { EmptyBody, ParticipantParams } from '../invitations/participants.schema.ts';
import { resolveHearingCaller, type HearingCaller } from './hearing-caller.ts';
import type { LobbyService } from './lobby/lobby.service.ts';
import type { ControlService } from './control.service.ts';
import type { Presence as PresenceValue } from '../domain/hearing/index.ts';
import { IdParams } from '../scheduling/hearings.schema.ts';
import {
  AdmittedView,
  HearingStateView,
  MuteBody,
  MutedView,
  ParticipantPresenceView,
  ScreenShareBody,
  ScreenShareView,
  StateBody,
  liveErrors,
} from './control.schema.ts';

/** The bench runs the hearing: its state, the lobby, who is in the room and with what powers. */
export const controlRoutes: FastifyPluginAsync<{
  db: Kysely<Database>;
  control: ControlService;
  lobby: LobbyService;
}> = async (fastify, { db, control, lobby }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['live hearing'];

  app.post(
    '/api/hearings/:id/state',
    {
      config: { access: ['judge'] },
      schema: {
        tags,
        summary: 'Open, start, recess, resume or adjourn the hearing (its judge)',
        params: IdParams,
        body: StateBody,
        response: { 200: HearingStateView, ...liveErrors },
      },
    },
    async (request) => {
      return control.changeState(await resolveHearingCaller(db, request, request.params.id), request.body.action);
    },
  );

  const participantAction = (
    path: string,
    summary: string,
    access: readonly ('judge' | 'clerk')[],
    act: (c: HearingCaller, pid: string) => Promise<{ participantId: string; presence: PresenceValue }>,
  ) =>
    app.post(
      `/api/hearings/:id/participants/:pid/${path}`,
      {
        config: { access },
        schema: {
          tags,
          summary,
          params: ParticipantParams,
          body: EmptyBody,
          response: { 200: ParticipantPresenceView, ...liveErrors },
        },
      },
      async (request) => act(await resolveHearingCaller(db, request, request.params.id), request.params.pid),
    );

  participantAction(
    'admit',
    'Admit a participant from the lobby; for a witness, call them (judge or clerk)',
    ['judge', 'clerk'],
    (c, pid) => lobby.admit(c, pid),
  );
  participantAction(
    'return-to-lobby',
    'Send a participant back to the lobby; for a witness, release them (judge or clerk)',
    ['judge', 'clerk'],
    (c, pid) => lobby.returnToLobby(c, pid),
  );
  participantAction('remove', 'Remove a participant for the rest of the hearing (judge)', ['judge'], (c, pid) =>
    lobby.remove(c, pid),
  );

  app.post(
    '/api/hearings/:id/admit-all',
    {
      config: { access: ['judge', 'clerk'] },
      schema: {
        tags,
        summary: 'Admit everyone waiting in the lobby except witnesses (judge or clerk)',
        params: IdParams,
        body: EmptyBody,
        response: { 200: AdmittedView, ...liveErrors },
      },
    },
    async (request) => lobby.admitAll(await resolveHearingCaller(db, request, request.params.id)),
  );

  app.post(
    '/api/hearings/:id/participants/:pid/mute',
    {
      config: { access: ['judge'] },
      schema: {
        tags,
        summary: 'Mute a participant’s published track (judge)',
        params: ParticipantParams,
        body: MuteBody,
        response: { 200: MutedView, ...liveErrors },
      },
    },
    async (request) => {
      const c = await resolveHearingCaller(db, request, request.params.id);
      return control.mute(c, request.params.pid, request.body.trackSid);
    },
  );

  app.post(
    '/api/hearings/:id/participants/:pid/screen-share',
    {
      config: { access: ['judge'] },
      schema: {
        tags,
        summary: 'Allow or stop a party’s or agent’s screen sharing (judge)',
        params: ParticipantParams,
        body: ScreenShareBody,
        response: { 200: ScreenShareView, ...liveErrors },
      },
    },
    async (request) => {
      const c = await resolveHearingCaller(db, request, request.params.id);
      return control.screenShare(c, request.params.pid, request.body.allowed);
    },
  );
};
