import { Type } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });

export const ParticipantRole = Type.Union([
  Type.Literal('plaintiff'),
  Type.Literal('defendant'),
  Type.Literal('agent'),
  Type.Literal('witness'),
  Type.Literal('interpreter'),
  Type.Literal('observer'),
]);

export const Participant = Type.Object({
  id: Uuid,
  hearingId: Uuid,
  role: ParticipantRole,
  displayName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  representsId: Type.Union([Uuid, Type.Null()]),
  interpretsForId: Type.Union([Uuid, Type.Null()]),
  language: Type.Union([Type.String(), Type.Null()]),
  /** The language Gavel writes to them in. */
  locale: Type.Union([Type.Literal('en'), Type.Literal('zh-CN')]),
  presence: Type.String(),
  accessCodeRequired: Type.Boolean(),
  invite: Type.Object({
    status: Type.Union([
      Type.Literal('active'),
      Type.Literal('revoked'),
      Type.Literal('expired'),
      Type.Literal('closed'),
    ]),
    issuedAt: Type.Union([Type.String(), Type.Null()]),
    expiresAt: Type.Union([Type.String(), Type.Null()]),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
  }),
  joined: Type.Boolean(),
  firstJoinedAt: Type.Union([Type.String(), Type.Null()]),
  lastJoinedAt: Type.Union([Type.String(), Type.Null()]),
  /** The last message prepared for this person, without the link. */
  message: Type.Union([
    Type.Object({ text: Type.String(), sentAt: Type.Union([Type.String(), Type.Null()]), delivered: Type.Boolean() }),
    Type.Null(),
  ]),
});

export const AddParticipantBody = Type.Object(
  {
    role: ParticipantRole,
    displayName: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    phone: Type.Optional(Type.String({ maxLength: 40, pattern: '^\\+?[0-9 ()./-]{3,40}$' })),
    representsId: Type.Optional(Uuid),
    interpretsForId: Type.Optional(Uuid),
    language: Type.Optional(Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' })),
    /** The invitee's language for the invitation and pre-join rules; the court's when left out. */
    locale: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('zh-CN')])),
    /** Ask for a six-digit access code, delivered separately from the link. */
    accessCode: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const EmptyBody = Type.Object({}, { additionalProperties: false });

/** The link (and access code) are in this answer and nowhere else, ever. */
export const InviteIssued = Type.Object({
  participant: Participant,
  inviteUrl: Type.String(),
  accessCode: Type.Union([Type.String(), Type.Null()]),
  /** The full message with the link, for the clerk to copy when it was not emailed. */
  message: Type.Object({ subject: Type.String(), text: Type.String() }),
  delivered: Type.Boolean(),
});

export const ParticipantParams = Type.Object({ id: Uuid, pid: Uuid }, { additionalProperties: false });
