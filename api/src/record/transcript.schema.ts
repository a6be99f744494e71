import { Evidence } from './evidence.ts';
import { Type } from 'typebox';
import { ErrorBody } from '../platform/http/errors.ts';

const Uuid = Type.String({ format: 'uuid' });
const Instant = Type.String({ format: 'date-time', maxLength: 40 });
const Sha256 = Type.String({ pattern: '^[0-9a-fA-F]{64}$' });
const Named = Type.Object({ id: Uuid, name: Type.String() });

export const SealParams = Type.Object({ sealId: Uuid });
export const EntryParams = Type.Object({ id: Uuid, eid: Uuid });
export const HashParams = Type.Object({ sha256: Sha256 });

export const Source = Type.Union([
  Type.Literal('clerk'),
  Type.Literal('captions'),
  Type.Literal('import'),
  Type.Literal('procedural'),
]);

export const Correction = Type.Object({
  previousText: Type.String(),
  text: Type.String(),
  reason: Type.String(),
  correctedAt: Type.String(),
  correctedBy: Named,
});

export const Entry = Type.Object({
  id: Uuid,
  seq: Type.Integer(),
  speaker: Type.String(),
  speakerParticipantId: Type.Union([Uuid, Type.Null()]),
  spokenAt: Type.String(),
  text: Type.String(),
  source: Source,
  author: Type.Union([Named, Type.Null()]),
  corrected: Type.Boolean(),
  history: Type.Optional(Type.Array(Correction)),
});

export const Seal = Type.Object({
  id: Uuid,
  version: Type.Integer(),
  sha256: Type.String(),
  pdfSha256: Type.String(),
  pages: Type.Integer(),
  sealedAt: Type.String(),
  sealedBy: Named,
  supersedes: Type.Union([Uuid, Type.Null()]),
  supersededBy: Type.Union([Uuid, Type.Null()]),
});

export const TranscriptView = Type.Object({
  entries: Type.Array(Entry),
  draftOf: Type.Union([Uuid, Type.Null()]),
  seals: Type.Array(Seal),
});

export const EntryAnswer = Type.Object({ entry: Entry });
export const SealAnswer = Type.Object({ seal: Seal });

export const NewEntryBody = Type.Object(
  {
    speaker: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    speakerParticipantId: Type.Optional(Uuid),
    spokenAt: Type.Optional(Instant),
    text: Type.String({ minLength: 1, maxLength: 10000, pattern: '\\S' }),
  },
  { additionalProperties: false },
);

export const CorrectionBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 10000, pattern: '\\S' }),
    reason: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }),
  },
  { additionalProperties: false },
);

const Segment = Type.Object(
  {
    speaker: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    /** Seconds from `origin`, or an ISO instant. */
    start: Type.Union([Type.Number({ minimum: 0, maximum: 1e7 }), Instant]),
    text: Type.String({ minLength: 1, maxLength: 10000, pattern: '\\S' }),
  },
  { additionalProperties: false },
);
export const ImportBody = Type.Array(Segment, { minItems: 1, maxItems: 5000 });
export const ImportQuery = Type.Object(
  {
    source: Type.Optional(Type.Union([Type.Literal('captions'), Type.Literal('import')])),
    origin: Type.Optional(Instant),
  },
  { additionalProperties: false },
);
export const ImportAnswer = Type.Object({ imported: Type.Integer(), entries: Type.Array(Entry) });

export const SignatureBody = Type.Object(
  { fullName: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }), confirm: Type.Literal(true) },
  { additionalProperties: false },
);
export const ObjectionBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S' }) },
  { additionalProperties: false },
);

export const Signature = Type.Object({
  id: Uuid,
  sealId: Uuid,
  version: Type.Integer(),
  sha256: Type.String(),
  kind: Type.Union([Type.Literal('signature'), Type.Literal('objection')]),
  fullName: Type.Union([Type.String(), Type.Null()]),
  text: Type.Union([Type.String(), Type.Null()]),
  at: Type.String(),
  participant: Type.Object({ id: Uuid, name: Type.String(), role: Type.String() }),
});
export const SignatureAnswer = Type.Object({ signature: Signature });
export const SignatureList = Type.Object({ signatures: Type.Array(Signature) });

export const Verification = Type.Union([
  Type.Object({
    match: Type.Literal(true),
    /** What a match vouches for, and that it says nothing of a copy whose contents differ. */
    vouchesFor: Type.String(),
    court: Type.String(),
    /** The court's IANA zone: `sealedAtCourtTime` is its wall clock. */
    timeZone: Type.String(),
    case: Type.Object({ number: Type.String(), caption: Type.String() }),
    hearing: Type.Object({ title: Type.String(), date: Type.String() }),
    version: Type.Integer(),
    sha256: Type.String(),
    pdfSha256: Type.String(),
    sealedAt: Type.String(),
    sealedAtCourtTime: Type.String(),
    pages: Type.Integer(),
    /** The first page as a PNG, drawn at sealing (null for seals made before Gavel drew it). */
    firstPage: Type.Union([Type.String(), Type.Null()]),
    sealedBy: Type.String(),
    supersededBy: Type.Union([Type.Object({ version: Type.Integer(), sha256: Type.String() }), Type.Null()]),
    signatures: Type.Array(
      Type.Object({
        name: Type.String(),
        role: Type.String(),
        at: Type.String(),
        kind: Type.Union([Type.Literal('signature'), Type.Literal('objection')]),
      }),
    ),
    ...Evidence,
  }),
  Type.Object({ match: Type.Literal(false), vouchesFor: Type.String(), ...Evidence }),
]);

export const transcriptErrors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  415: ErrorBody,
  422: ErrorBody,
  429: ErrorBody,
};
