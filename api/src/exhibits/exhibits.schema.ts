import { Type, type Static } from 'typebox';
import { ErrorBody } from '../platform/http/errors.ts';

const Uuid = Type.String({ format: 'uuid' });

export const ExhibitParams = Type.Object({ id: Uuid, eid: Uuid }, { additionalProperties: false });

export const FileQuery = Type.Object(
  {
    /** stamped (default): the copy with sticker and footer; original: the file as submitted. */
    copy: Type.Optional(Type.Union([Type.Literal('stamped'), Type.Literal('original')])),
  },
  { additionalProperties: false },
);

export const RulingBody = Type.Object(
  { ruling: Type.Union([Type.Literal('admitted'), Type.Literal('rejected')]) },
  { additionalProperties: false },
);

export const PresentBody = Type.Object(
  { page: Type.Integer({ minimum: 1, maximum: 100000 }) },
  { additionalProperties: false },
);

export const ExhibitSideSchema = Type.Union([
  Type.Literal('plaintiff'),
  Type.Literal('defendant'),
  Type.Literal('court'),
]);
export const ExhibitStatusSchema = Type.Union([
  Type.Literal('marked'),
  Type.Literal('admitted'),
  Type.Literal('rejected'),
]);

export const Exhibit = Type.Object({
  id: Uuid,
  label: Type.String(),
  side: ExhibitSideSchema,
  number: Type.Integer(),
  title: Type.String(),
  fileName: Type.String(),
  mediaType: Type.String(),
  sizeBytes: Type.Number(),
  sha256: Type.String(),
  stampedSha256: Type.String(),
  stampedSizeBytes: Type.Number(),
  pages: Type.Integer(),
  status: ExhibitStatusSchema,
  submittedBy: Type.Object({
    kind: Type.Union([Type.Literal('staff'), Type.Literal('participant')]),
    id: Uuid,
    name: Type.String(),
  }),
  markedAt: Type.String(),
  ruledAt: Type.Union([Type.String(), Type.Null()]),
});
export type ExhibitView = Static<typeof Exhibit>;

export const Presentation = Type.Union([Type.Object({ exhibitId: Uuid, page: Type.Integer() }), Type.Null()]);

export const ExhibitList = Type.Object({
  exhibits: Type.Array(Exhibit),
  presentation: Presentation,
  /** What the caller may do here. */
  you: Type.Object({
    canSubmit: Type.Boolean(),
    canRule: Type.Boolean(),
    /** The side the caller's exhibits are numbered on, when they may submit. */
    side: Type.Union([ExhibitSideSchema, Type.Null()]),
    participantId: Type.Union([Uuid, Type.Null()]),
  }),
  maxBytes: Type.Integer(),
  /** Most pages an exhibit PDF may have (EXHIBIT_MAX_PAGES). */
  maxPages: Type.Integer(),
});

export const ExhibitAnswer = Type.Object({ exhibit: Exhibit });
export const PresentationAnswer = Type.Object({ presentation: Presentation });

export const exhibitErrors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
};
