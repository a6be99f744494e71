import { Type } from 'typebox';
import { ErrorBody } from '../platform/http/errors.ts';

const Uuid = Type.String({ format: 'uuid' });

export const RecordingParams = Type.Object({ id: Uuid, rid: Uuid }, { additionalProperties: false });

export const StartBody = Type.Object(
  {
    /** Defaults to the hearing's room; named only to be refused when it is anything else. */
    room: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const RecordingStatus = Type.Union([
  Type.Literal('starting'),
  Type.Literal('active'),
  Type.Literal('ending'),
  Type.Literal('complete'),
  Type.Literal('failed'),
  Type.Literal('aborted'),
]);

export const Recording = Type.Object({
  id: Uuid,
  status: RecordingStatus,
  output: Type.Union([Type.Literal('file'), Type.Literal('s3')]),
  startedBy: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()]),
  startedAt: Type.String(),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Union([Type.Number(), Type.Null()]),
  sizeBytes: Type.Union([Type.Number(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  interrupted: Type.Boolean(),
  downloadable: Type.Boolean(),
});

export const RecordingView = Type.Object({ recording: Recording });
export const RecordingList = Type.Object({ recordings: Type.Array(Recording) });

export const recordingErrors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  503: ErrorBody,
};
