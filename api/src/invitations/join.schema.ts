import { Type } from 'typebox';
import { ParticipantRole } from './participants.schema.ts';
import { HearingState as HearingStateSchema } from '../scheduling/hearings.schema.ts';
import { PRESENCES, type Presence } from '../domain/hearing/index.ts';

const PresenceSchema = Type.Unsafe<Presence>(Type.Union(PRESENCES.map((p) => Type.Literal(p))));

export const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) }, { additionalProperties: false });

export const JoinBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200 }),
    accessCode: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);

const Nullable = Type.Union([Type.String(), Type.Null()]);

/** How the public reaches the court, as its admin set it: nothing else about the court. */
export const CourtContact = Type.Object({
  court: Type.String(),
  phone: Nullable,
  email: Nullable,
  note: Nullable,
});

/** Everything the landing page may show: no ids, no other participants, no staff details. */
export const Landing = Type.Object({
  court: Type.Object({ name: Type.String(), timezone: Type.String(), contact: CourtContact }),
  case: Type.Object({ number: Type.String(), caption: Type.String() }),
  hearing: Type.Object({
    title: Type.String(),
    scheduledStart: Type.String(),
    scheduledEnd: Type.String(),
    state: HearingStateSchema,
  }),
  invitee: Type.Object({
    displayName: Type.String(),
    role: ParticipantRole,
    presence: PresenceSchema,
    /** The invitee's language: the pre-join rules are shown in it. */
    locale: Type.Union([Type.Literal('en'), Type.Literal('zh-CN')]),
  }),
  accessCodeRequired: Type.Boolean(),
  rules: Type.Record(Type.String(), Type.String()),
  /** For a signed-in participant: what the hearing policy lets them do now (the page draws its controls from it). */
  may: Type.Optional(Type.Array(Type.String())),
});

export const Joined = Type.Object({ hearingId: Type.String({ format: 'uuid' }), landing: Landing });

/** A link that worked once and no longer does, with whom to ask for a new one. */
export const GoneBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
  contact: Type.Object({
    court: Type.String(),
    phone: Nullable,
    email: Nullable,
    note: Nullable,
    clerkName: Nullable,
    clerkEmail: Nullable,
  }),
});

/** A link that never was; where Gavel serves one court, with how to reach it. */
export const UnknownBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
  contact: Type.Optional(CourtContact),
});
