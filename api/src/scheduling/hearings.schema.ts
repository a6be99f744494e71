import { Type } from 'typebox';
import { HEARING_STATES, type HearingState as HearingStateValue } from '../domain/hearing/index.ts';

const Uuid = Type.String({ format: 'uuid' });
/** An ISO 8601 instant with its offset (Z or ±hh:mm): the API never guesses a zone. */
const Instant = Type.String({ format: 'date-time', maxLength: 40 });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

export const HearingState = Type.Unsafe<HearingStateValue>(Type.Union(HEARING_STATES.map((s) => Type.Literal(s))));

export const Case = Type.Object({
  id: Uuid,
  number: Type.String(),
  caption: Type.String(),
  caseType: Type.String(),
  createdAt: Type.String(),
});

export const CreateCaseBody = Type.Object(
  { number: Text(100), caption: Text(500), caseType: Text(100) },
  { additionalProperties: false },
);

export const CaseSearchQuery = Type.Object(
  { q: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);

const Named = Type.Object({ id: Uuid, name: Type.String() });

export const Hearing = Type.Object({
  id: Uuid,
  court: Type.Object({ id: Uuid, name: Type.String(), timezone: Type.String() }),
  case: Type.Object({ id: Uuid, number: Type.String(), caption: Type.String(), caseType: Type.String() }),
  courtroom: Named,
  judge: Named,
  clerk: Type.Union([Named, Type.Null()]),
  title: Type.String(),
  scheduledStart: Type.String(),
  scheduledEnd: Type.String(),
  state: HearingState,
  public: Type.Boolean(),
  recordingRequired: Type.Boolean(),
  notes: Type.String(),
  livekitRoom: Type.String(),
  sequence: Type.Integer(),
});

export const CreateHearingBody = Type.Object(
  {
    caseId: Uuid,
    courtroomId: Uuid,
    judgeId: Uuid,
    clerkId: Type.Optional(Uuid),
    title: Text(300),
    scheduledStart: Instant,
    scheduledEnd: Instant,
    public: Type.Optional(Type.Boolean()),
    recordingRequired: Type.Optional(Type.Boolean()),
    notes: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
);

export const PatchHearingBody = Type.Object(
  {
    courtroomId: Type.Optional(Uuid),
    judgeId: Type.Optional(Uuid),
    clerkId: Type.Optional(Uuid),
    title: Type.Optional(Text(300)),
    scheduledStart: Type.Optional(Instant),
    scheduledEnd: Type.Optional(Instant),
    public: Type.Optional(Type.Boolean()),
    recordingRequired: Type.Optional(Type.Boolean()),
    notes: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Hearings in a page of the docket when the caller names no limit, and the most it may name. */
export const DOCKET_PAGE = 200;
export const DOCKET_PAGE_MAX = 500;

export const DocketQuery = Type.Object(
  {
    from: Instant,
    to: Instant,
    judgeId: Type.Optional(Uuid),
    courtroomId: Type.Optional(Uuid),
    after: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{1,200}$',
        description: 'The previous page’s `next`: the page continues after the position it names',
      }),
    ),
    // A query string carries text, and the app's validator does not coerce it: 1 to 500, as digits.
    limit: Type.Optional(
      Type.String({
        pattern: '^(?:[1-9][0-9]?|[1-4][0-9][0-9]|500)$',
        description: `Hearings in the page, 1 to ${DOCKET_PAGE_MAX} (${DOCKET_PAGE} when not given)`,
      }),
    ),
  },
  { additionalProperties: false },
);

export const ConflictQuery = Type.Object(
  { start: Instant, end: Instant, judgeId: Uuid, courtroomId: Uuid, excludeId: Type.Optional(Uuid) },
  { additionalProperties: false },
);

export const Conflict = Type.Object({
  id: Uuid,
  title: Type.String(),
  caseNumber: Type.String(),
  scheduledStart: Type.String(),
  scheduledEnd: Type.String(),
  /** What clashes: the same judge, the same courtroom, or both. */
  judge: Type.Boolean(),
  courtroom: Type.Boolean(),
});

export const ConflictBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
  conflicts: Type.Optional(Type.Array(Conflict)),
});

export const HearingOptions = Type.Object({
  court: Type.Object({
    id: Uuid,
    name: Type.String(),
    timezone: Type.String(),
    recordingRequiredDefault: Type.Boolean(),
  }),
  judges: Type.Array(Named),
  clerks: Type.Array(Named),
  courtrooms: Type.Array(Named),
});

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
