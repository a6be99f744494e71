/**
 * The realtime protocol of /api/ws: every message the server sends, as TypeBox schemas shared by the
 * API (which may publish nothing else) and the web app (which handles each kind). A new event is a
 * new member of `ServerEvent`; the compiler then asks for its handler on the web.
 */
import { Type, type Static, type TSchema } from 'typebox';
import {
  HEARING_STATES,
  PARTICIPANT_ROLES,
  PRESENCES,
  type Action,
  type CallerClass,
  type HearingState,
  type ParticipantRole,
  type Presence,
  type StaffRole,
} from './hearing/index.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const Id = Type.String();
const Instant = Type.String({ format: 'date-time' });

const State = Type.Unsafe<HearingState>(literals(HEARING_STATES));
const Role = Type.Unsafe<ParticipantRole>(literals(PARTICIPANT_ROLES));
const PresenceSchema = Type.Unsafe<Presence>(literals(PRESENCES));
const Named = Type.Object({ id: Id, name: Type.String() });

export const ChatMessage = Type.Object({
  id: Id,
  at: Instant,
  from: Type.Object({
    kind: Type.Union([Type.Literal('staff'), Type.Literal('participant')]),
    id: Id,
    name: Type.String(),
    role: Type.String(),
  }),
  to: Type.Union([Type.Literal('all'), Type.Literal('bench')]),
  text: Type.String(),
});
export type ChatMessage = Static<typeof ChatMessage>;

export const Consultation = Type.Object({ id: Id, room: Type.String(), participantIds: Type.Array(Id) });

/** One asking for a private consultation, told to those it names only. */
export const ConsultationRequest = Type.Object({
  id: Id,
  requesterId: Id,
  /** Everyone it would bring together, the requester included. */
  participantIds: Type.Array(Id),
  requestedAt: Instant,
  expiresAt: Instant,
});
export type ConsultationRequest = Static<typeof ConsultationRequest>;

/** How an asking ended: answered, withdrawn, lapsed, or overtaken by the hearing (`cancelled`). */
export const REQUEST_OUTCOMES = ['accepted', 'declined', 'withdrawn', 'expired', 'cancelled'] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];

/** That a consultation is being held, as the bench sees it: whose, and since when; never its content. */
export const HeldConsultation = Type.Object({ id: Id, partyId: Id, partyName: Type.String(), since: Instant });
export type HeldConsultation = Static<typeof HeldConsultation>;

/**
 * A transcript entry as pushed: Gavel's own procedural notes carry the fields every entry has; the
 * clerk's entries and corrections carry the rest as the REST routes show them.
 */
export const PushedEntry = Type.Object({
  id: Id,
  seq: Type.Integer(),
  speaker: Type.String(),
  spokenAt: Instant,
  text: Type.String(),
  source: Type.String(),
  speakerParticipantId: Type.Optional(Nullable(Id)),
  corrected: Type.Optional(Type.Boolean()),
});

const Seal = Type.Object({
  id: Id,
  version: Type.Integer(),
  sha256: Type.String(),
  pdfSha256: Type.String(),
  pages: Type.Integer(),
  sealedAt: Instant,
  sealedBy: Named,
  supersedes: Nullable(Id),
  supersededBy: Nullable(Id),
});

const Signature = Type.Object({
  id: Id,
  sealId: Id,
  version: Type.Integer(),
  sha256: Type.String(),
  kind: Type.Union([Type.Literal('signature'), Type.Literal('objection')]),
  fullName: Nullable(Type.String()),
  text: Nullable(Type.String()),
  at: Instant,
  participant: Type.Object({ id: Id, name: Type.String(), role: Type.String() }),
});

const Exhibit = Type.Object({
  id: Id,
  label: Type.String(),
  side: Type.String(),
  title: Type.String(),
  pages: Type.Integer(),
  status: Type.String(),
});

const event = <K extends string, P extends TSchema>(kind: K, payload: P) =>
  Type.Object({ kind: Type.Literal(kind), payload });
/** About one participant, named in the payload. */
const about = <E extends Record<string, TSchema>>(extra: E) => Type.Object({ participantId: Id, ...extra });
const left = Type.Object({ consultation: Consultation, participantId: Id });
/** Someone's presence as the lists show it. */
const PresencePayload = Type.Object({
  participantId: Id,
  presence: PresenceSchema,
  role: Role,
  displayName: Type.String(),
  representsId: Nullable(Id),
});

/** Every event the server publishes, by kind, with its payload. */
export const ServerEvent = Type.Union([
  event('hearing.state', Type.Object({ state: State })),
  event('hearing.bench', Type.Object({ judgeId: Id, clerkId: Nullable(Id) })),
  event(
    'hearing.bench_changed',
    Type.Object({
      role: Type.Union([Type.Literal('judge'), Type.Literal('clerk')]),
      from: Nullable(Named),
      to: Nullable(Named),
      by: Type.String(),
    }),
  ),
  event('participant.presence', PresencePayload),
  /**
   * Several people's presence at once (admit-all), each change as `participant.presence` says it; each
   * watcher gets only the changes they may know of. A participant's own admission is among them.
   */
  event('participant.presence_many', Type.Object({ changes: Type.Array(PresencePayload) })),
  event('participant.admitted', about({})),
  event('participant.returned_to_lobby', about({})),
  event('participant.removed', about({})),
  event('participant.revoked', about({})),
  event('participant.reinvited', about({})),
  event('participant.muted', about({ trackSid: Type.String() })),
  event('participant.screen_share', about({ allowed: Type.Boolean() })),
  event('chat.message', Type.Object({ message: ChatMessage })),
  event('consultation.opened', Type.Object({ consultation: Consultation })),
  event('consultation.left', left),
  event('consultation.closed', left),
  event('consultation.requested', Type.Object({ request: ConsultationRequest })),
  event(
    'consultation.request_ended',
    Type.Object({
      request: ConsultationRequest,
      outcome: Type.Unsafe<RequestOutcome>(literals(REQUEST_OUTCOMES)),
      /** Who ended it (answered, withdrew), when someone did. */
      by: Nullable(Id),
      /** Why it was cancelled, as a code the screens word. */
      reason: Nullable(Type.String()),
    }),
  ),
  event('consultation.held', Type.Object({ held: HeldConsultation })),
  event('consultation.held_ended', Type.Object({ id: Id })),
  event('media.unavailable', Type.Object({ message: Type.String(), action: Type.String() })),
  event('media.presence', Type.Object({ participantId: Id, connected: Type.Boolean() })),
  event(
    'recording.status',
    Type.Object({ recording: Type.Boolean(), status: Nullable(Type.String()), recordingId: Nullable(Id) }),
  ),
  event(
    'recording.alert',
    Type.Object({ recordingId: Nullable(Id), reason: Type.String(), message: Type.String(), hearingState: State }),
  ),
  event('transcript.entry', Type.Object({ entry: PushedEntry })),
  event('transcript.corrected', Type.Object({ entry: PushedEntry })),
  event('transcript.sealed', Type.Object({ seal: Seal })),
  event('transcript.reviewed', Type.Object({ signature: Signature })),
  event('exhibit.marked', Type.Object({ exhibit: Exhibit })),
  event('exhibit.ruled', Type.Object({ exhibit: Exhibit })),
  event(
    'exhibit.presented',
    Type.Object({
      exhibitId: Id,
      page: Type.Integer(),
      label: Type.String(),
      title: Type.String(),
      pages: Type.Integer(),
    }),
  ),
  event('exhibit.presentation_ended', Type.Object({})),
]);
export type ServerEvent = Static<typeof ServerEvent>;
export type EventKind = ServerEvent['kind'];
/** One kind of event, with its payload. */
export type EventOf<K extends EventKind> = Extract<ServerEvent, { kind: K }>;
export type PayloadOf<K extends EventKind> = EventOf<K>['payload'];

/** Every kind, in the order declared. */
export const EVENT_KINDS: readonly EventKind[] = ServerEvent.anyOf.map((e) => e.properties.kind.const);

export const SnapshotParticipant = Type.Object({
  id: Id,
  role: Role,
  displayName: Type.String(),
  presence: PresenceSchema,
  screenShareAllowed: Type.Boolean(),
  representsId: Nullable(Id),
  /** Staff only: connected to LiveKit right now (from its webhooks). */
  connected: Type.Optional(Type.Boolean()),
});
export type SnapshotParticipant = Static<typeof SnapshotParticipant>;

const Caller = Type.Unsafe<CallerClass>(Type.Object({ kind: Type.String() }));
const ActionSchema = Type.Unsafe<Action>(Type.String());

/** The state a new subscriber starts from: only what the hearing policy lets this watcher see. */
export const Snapshot = Type.Object({
  hearing: Type.Object({
    id: Id,
    title: Type.String(),
    state: State,
    caseNumber: Type.String(),
    caption: Type.String(),
    scheduledStart: Instant,
    scheduledEnd: Instant,
    courtTimezone: Type.String(),
    recording: Type.Boolean(),
    recordingStatus: Nullable(Type.String()),
    recordingId: Nullable(Id),
  }),
  participants: Type.Array(SnapshotParticipant),
  you: Type.Union([
    Type.Object({
      kind: Type.Literal('staff'),
      id: Id,
      role: Type.Unsafe<StaffRole>(Type.String()),
      /** Their seat in this hearing (its judge, its clerk), or null for other court staff. */
      bench: Nullable(Type.Union([Type.Literal('judge'), Type.Literal('clerk')])),
      caller: Caller,
      may: Type.Array(ActionSchema),
    }),
    Type.Object({
      kind: Type.Literal('participant'),
      id: Nullable(Id),
      role: Nullable(Role),
      displayName: Nullable(Type.String()),
      presence: Nullable(PresenceSchema),
      screenShareAllowed: Type.Boolean(),
      /** An agent: the party they represent. */
      representsId: Nullable(Id),
      caller: Caller,
      may: Type.Array(ActionSchema),
      /** The private consultation they are in, so another window or device finds it again. */
      consultation: Nullable(Consultation),
      /** Askings for a consultation that name them and still wait for an answer. */
      consultationRequests: Type.Optional(Type.Array(ConsultationRequest)),
    }),
  ]),
  /** The bench: consultations being held now (whose, since when). */
  consultationsHeld: Type.Optional(Type.Array(HeldConsultation)),
  chat: Type.Array(ChatMessage),
  /** The latest entries, for those who may read the record. */
  transcript: Type.Array(PushedEntry),
});
export type Snapshot = Static<typeof Snapshot>;

/** Server → client messages on /api/ws. */
export type ServerMessage =
  | { type: 'snapshot'; hearingId: string; seq: number; state: Snapshot }
  | ({ type: 'event'; hearingId: string; seq: number; at: string } & ServerEvent)
  | { type: 'error'; code: string; message: string }
  /** The viewer may no longer watch (removed, invitation withdrawn or replaced, session ended): why, then closed. */
  | { type: 'ended'; hearingId: string | undefined; code: string; message: string };
