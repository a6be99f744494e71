import { Type } from 'typebox';
import { ErrorBody } from '../platform/http/errors.ts';

const Uuid = Type.String({ format: 'uuid' });

export const StateBody = Type.Object(
  {
    action: Type.Union([
      Type.Literal('open'),
      Type.Literal('start'),
      Type.Literal('recess'),
      Type.Literal('resume'),
      Type.Literal('adjourn'),
    ]),
  },
  { additionalProperties: false },
);

export const HearingStateView = Type.Object({
  hearing: Type.Object({ id: Uuid, state: Type.String(), stateChangedAt: Type.String() }),
});

export const Presence = Type.Union([
  Type.Literal('invited'),
  Type.Literal('in_lobby'),
  Type.Literal('admitted'),
  Type.Literal('in_consultation'),
  Type.Literal('left'),
  Type.Literal('removed'),
]);

export const PresenceView = Type.Object({ presence: Presence });
export const ParticipantPresenceView = Type.Object({ participantId: Uuid, presence: Presence });
export const AdmittedView = Type.Object({ admitted: Type.Array(Uuid) });

export const MuteBody = Type.Object(
  { trackSid: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);
export const MutedView = Type.Object({ participantId: Uuid, trackSid: Type.String(), muted: Type.Boolean() });

export const ScreenShareBody = Type.Object({ allowed: Type.Boolean() }, { additionalProperties: false });
export const ScreenShareView = Type.Object({ participantId: Uuid, allowed: Type.Boolean() });

export const MediaTokenView = Type.Object({
  /** The LiveKit server browsers connect to. */
  url: Type.String(),
  token: Type.String(),
  room: Type.String(),
  identity: Type.String(),
});

export const ConsultationBody = Type.Object(
  { participantIds: Type.Array(Uuid, { minItems: 2, maxItems: 10 }) },
  { additionalProperties: false },
);
export const ConsultationView = Type.Object({
  consultation: Type.Object({ id: Uuid, room: Type.String(), participantIds: Type.Array(Uuid) }),
});
export const ConsultationParams = Type.Object({ id: Uuid, cid: Uuid }, { additionalProperties: false });
export const LeftConsultationView = Type.Object({ hearingToken: MediaTokenView });
export const ConsultationRequestParams = Type.Object({ id: Uuid, rid: Uuid }, { additionalProperties: false });
const RequestShape = Type.Object({
  id: Uuid,
  requesterId: Uuid,
  participantIds: Type.Array(Uuid),
  requestedAt: Type.String(),
  expiresAt: Type.String(),
});
export const ConsultationRequestView = Type.Object({ request: RequestShape });
export const EndedRequestView = Type.Object({ request: RequestShape, outcome: Type.String() });

export const ChatBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }),
    to: Type.Union([Type.Literal('all'), Type.Literal('bench')]),
  },
  { additionalProperties: false },
);
export const Message = Type.Object({
  id: Uuid,
  at: Type.String(),
  from: Type.Object({
    kind: Type.Union([Type.Literal('staff'), Type.Literal('participant')]),
    id: Type.String(),
    name: Type.String(),
    role: Type.String(),
  }),
  to: Type.Union([Type.Literal('all'), Type.Literal('bench')]),
  text: Type.String(),
});
export const MessageCreated = Type.Object({ message: Message });
export const MessageList = Type.Object({ messages: Type.Array(Message) });

export const liveErrors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  410: ErrorBody,
  503: ErrorBody,
};
