import { Type } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
export const CourtLocale = Type.Union([Type.Literal('en'), Type.Literal('zh-CN')]);

const RulesText = Type.Object(
  {
    en: Type.Optional(Type.String({ maxLength: 20000 })),
    'zh-CN': Type.Optional(Type.String({ maxLength: 20000 })),
  },
  { additionalProperties: false },
);

export const CourtSettings = Type.Object({
  id: Uuid,
  name: Type.String(),
  timezone: Type.String(),
  locale: Type.String(),
  rulesText: Type.Record(Type.String(), Type.String()),
  recordingRequiredDefault: Type.Boolean(),
  inviteGraceMinutes: Type.Integer(),
  sessionIdleMinutes: Type.Integer(),
  sessionAbsoluteMinutes: Type.Integer(),
  requireTwoFactor: Type.Boolean(),
  /** How the public reaches the court, shown on links that no longer work and after a hearing. */
  contactPhone: Type.Union([Type.String(), Type.Null()]),
  contactEmail: Type.Union([Type.String(), Type.Null()]),
  contactNote: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const CourtResponse = Type.Object({ court: CourtSettings });

/** Any subset of the settings; the ranges are the database's own checks. */
export const UpdateCourtBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    locale: Type.Optional(CourtLocale),
    rulesText: Type.Optional(RulesText),
    recordingRequiredDefault: Type.Optional(Type.Boolean()),
    inviteGraceMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 10080 })),
    sessionIdleMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 1440 })),
    sessionAbsoluteMinutes: Type.Optional(Type.Integer({ minimum: 15, maximum: 10080 })),
    requireTwoFactor: Type.Optional(Type.Boolean()),
    /** Blank or null clears the field. */
    contactPhone: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    contactEmail: Type.Optional(Type.Union([Type.String({ maxLength: 400 }), Type.Null()])),
    contactNote: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const Courtroom = Type.Object({
  id: Uuid,
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  retiredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const CourtroomResponse = Type.Object({ courtroom: Courtroom });
export const CourtroomList = Type.Object({ courtrooms: Type.Array(Courtroom) });

export const CourtroomBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const CourtroomParams = Type.Object({ courtroomId: Uuid });
