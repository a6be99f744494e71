import { Type } from 'typebox';
import { ErrorBody } from '../platform/http/errors.ts';

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const AuditQuery = Type.Object(
  {
    action: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        pattern: '^[a-z0-9_.]+$',
        description: "An action (e.g. 'hearing.started'), or every action under a prefix ending in '.' ('hearing.')",
      }),
    ),
    actor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'The acting user or participant id' }),
    ),
    actorType: Type.Optional(
      Type.Union([
        Type.Literal('user'),
        Type.Literal('participant'),
        Type.Literal('system'),
        Type.Literal('anonymous'),
      ]),
    ),
    // Query strings are not coerced (ajv coerceTypes is off): numbers arrive as digits.
    after: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$', description: 'Events after this seq' })),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: 'Events per page, 1–500 (100)' })),
  },
  { additionalProperties: false },
);

export const AuditEvent = Type.Object({
  seq: Type.Integer(),
  occurredAt: Type.String(),
  actor: Type.Object({
    type: Type.String(),
    id: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
    role: Type.Union([Type.String(), Type.Null()]),
  }),
  action: Type.String(),
  payload: Type.Record(Type.String(), Type.Unknown()),
  prevHash: Sha256,
  hash: Sha256,
});

export const AuditTrail = Type.Object({
  events: Type.Array(AuditEvent),
  next: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Pass as ?after= for the next page; null at the end',
  }),
  actions: Type.Array(Type.String(), { description: 'Every action in this hearing’s trail, for filters' }),
});

export const AuditVerification = Type.Object({
  ok: Type.Boolean(),
  events: Type.Integer({ description: 'Events checked (up to and including the first broken one)' }),
  firstBrokenSeq: Type.Union([Type.Integer(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  record: Type.Union(
    [
      Type.Object({
        kind: Type.String({ description: 'entry, correction, chat, exhibit, participant, signature or seal' }),
        id: Type.String(),
        seq: Type.Union([Type.Integer(), Type.Null()], {
          description: 'The audit event whose content hash the row no longer matches (null: no event vouches for it)',
        }),
      }),
      Type.Null(),
    ],
    { description: 'The first row of the record that differs from what the audit chain recorded' },
  ),
  head: Type.Union(
    [
      Type.Object({
        seq: Type.Integer(),
        hash: Type.String(),
        signedAt: Type.String(),
        keyId: Type.String({ description: 'SHA-256 of the Ed25519 public key (SPKI DER) that signed it' }),
        signature: Type.String({
          description: 'Ed25519 over "gavel-audit-head/1\\n<stream>\\n<seq>\\n<hash>\\n<signedAt>", base64',
        }),
      }),
      Type.Null(),
    ],
    { description: 'The stream’s signed head as stored (copy it elsewhere to compare later)' },
  ),
  checkedAt: Type.String(),
});

export const ExportQuery = Type.Object(
  {
    recordings: Type.Optional(
      Type.Union([Type.Literal('0'), Type.Literal('1')], {
        description: "'1': include the recordings' files that Gavel can read (RECORDING_LOCAL_DIR)",
      }),
    ),
  },
  { additionalProperties: false },
);

export const DocketExportQuery = Type.Object(
  {
    from: Type.String({ format: 'date-time', maxLength: 40 }),
    to: Type.String({ format: 'date-time', maxLength: 40 }),
  },
  { additionalProperties: false },
);

export const recordErrors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
