// The declared access policy of every /api route (docs/security.md): for each caller class of the
// security fixture, whether it gets through to what the route does, or is refused and with which status.
//
// It is written from the routes and the per-feature tables (api/src/*/*.access.test.ts,
// exports/export.test.ts) and agrees with them. access-matrix.test.ts walks the app's route table
// and holds every route to this file: a route without an entry here fails.
import type { Access } from '../../src/platform/http/access.ts';
import {
  CALLERS,
  PARTICIPANT_CALLERS,
  STAFF_CALLERS,
  isParticipantCaller,
  isStaffCaller,
  type Caller,
} from './fixture.ts';

/** What a caller gets from a route. */
export type Outcome =
  /** Reaches the handler and is served: a 2xx, or exactly `status` (a 4xx about the input or the state, never 401/403/404). */
  | { allowed: true; status?: number }
  /** Refused (`status`, one of REFUSED unless the policy says otherwise), and nothing changes. */
  | { allowed: false; status: number };

/** How Gavel refuses a caller: not signed in (401), not allowed (403), or "no such thing" for what is not theirs (404). */
export const REFUSED = new Set([401, 403, 404]);

export interface RoutePolicy {
  /** What the route declares (config.access); must equal the route table's. */
  access: Access;
  outcomes: Record<Caller, Outcome>;
  /** Why, where the answer is not what the access rule alone says. */
  why?: string;
}

type Allowed = Caller | readonly Caller[];

interface Spec {
  access: Access;
  /** Who gets through. */
  allow: readonly Caller[];
  /** The answer of an allowed caller when it is not a 2xx (about the state or the input). */
  answers?: Partial<Record<Caller, number>>;
  /** Refusals that the defaults below do not give. */
  refuse?: Partial<Record<Caller, number>>;
  /** The route, reached by a staff session, lets its handler decide (config.orStaff). */
  orStaff?: boolean;
  why?: string;
}

const STAFF: readonly Caller[] = STAFF_CALLERS;
const PARTS: readonly Caller[] = PARTICIPANT_CALLERS;
const EVERYONE: readonly Caller[] = CALLERS;
const COURT_A_STAFF: readonly Caller[] = ['adminA', 'judgeA', 'otherJudgeA', 'clerkA', 'otherClerkA'];
const COURT_B_STAFF: readonly Caller[] = ['adminB', 'judgeB', 'clerkB'];

/** The same refusal for several callers. */
function all(callers: Allowed, status: number): Partial<Record<Caller, number>> {
  return Object.fromEntries([callers].flat().map((c) => [c, status]));
}

/**
 * The refusal a caller gets when the policy does not name one: it follows from the route's access
 * rule alone. Where it depends on what the id names (whose hearing, whose session), the spec must say.
 */
function defaultRefusal(spec: Spec, caller: Caller): number | undefined {
  const { access } = spec;
  if (caller === 'anonymous' || caller === 'halfSignedIn') return 401;
  if (caller === 'partOther') {
    // A participant session is scoped to one hearing: to it, any other does not exist.
    return access === 'participant' ? 404 : 401;
  }
  if (isParticipantCaller(caller)) {
    // A participant session is not a staff session.
    return access === 'participant' ? 403 : 401;
  }
  if (isStaffCaller(caller)) {
    if (access === 'participant') return spec.orStaff ? undefined : 401;
    if (Array.isArray(access)) {
      const role = caller
        .replace(/^other/, '')
        .replace(/[AB]$/, '')
        .toLowerCase();
      if (!(access as readonly string[]).includes(role)) return 403;
    }
  }
  return undefined;
}

function policy(route: string, spec: Spec): RoutePolicy {
  const outcomes = {} as Record<Caller, Outcome>;
  for (const caller of CALLERS) {
    if (spec.allow.includes(caller)) {
      const status = spec.answers?.[caller];
      outcomes[caller] = status === undefined ? { allowed: true } : { allowed: true, status };
      continue;
    }
    const status = spec.refuse?.[caller] ?? defaultRefusal(spec, caller);
    if (status === undefined) throw new Error(`policy of ${route} does not say what ${caller} gets`);
    outcomes[caller] = { allowed: false, status };
  }
  return { access: spec.access, outcomes, ...(spec.why ? { why: spec.why } : {}) };
}

// Recurring shapes.

/** Anyone at all: the route authenticates by what it is sent (a link, a signature), or is public. */
const open = (why?: string, answers?: Partial<Record<Caller, number>>): Spec => ({
  access: 'public',
  allow: EVERYONE,
  ...(answers ? { answers } : {}),
  ...(why ? { why } : {}),
});

/** Acts in the caller's own court (no id of court A in the request): everyone the access rule lets in gets through. */
const ownCourt = (access: Access, allow: readonly Caller[], why?: string): Spec => ({
  access,
  allow,
  ...(why ? { why } : {}),
});

/**
 * About something of court A (a hearing, a courtroom, a staff member, a session): staff who pass the
 * access rule but may not see it (another court, another judge, not its owner) are told it does not exist.
 */
const owned = (
  access: Access,
  allow: readonly Caller[],
  refuse: Partial<Record<Caller, number>> = {},
  why?: string,
): Spec => {
  const hidden = [...COURT_A_STAFF, ...COURT_B_STAFF].filter(
    (c) => !allow.includes(c) && defaultRefusal({ access, allow }, c) === undefined,
  );
  return { access, allow, refuse: { ...all(hidden, 404), ...refuse }, ...(why ? { why } : {}) };
};

const BENCH: readonly Caller[] = ['judgeA', 'clerkA'];
/** Judge of the hearing, clerks and admins of its court. */
const COURT_READERS: readonly Caller[] = ['judgeA', 'clerkA', 'otherClerkA', 'adminA'];

/** Clerks and admins of the hearing's court who do not sit in it: the hearing exists for them (403, not 404). */
const REGISTRY: readonly Caller[] = ['otherClerkA', 'adminA'];

/** A live-hearing route that serves the bench and the participants (access 'participant' with orStaff). */
const live = (allow: readonly Caller[], refuse: Partial<Record<Caller, number>> = {}, why?: string): Spec => {
  const hidden = [...COURT_A_STAFF, ...COURT_B_STAFF].filter((c) => !allow.includes(c) && !REGISTRY.includes(c));
  const registry = REGISTRY.filter((c) => !allow.includes(c));
  return {
    access: 'participant',
    orStaff: true,
    allow,
    // Another judge of the court and anyone of another court: "no such hearing". The court's registry: not theirs to do.
    refuse: { ...all(hidden, 404), ...all(registry, 403), ...refuse },
    ...(why ? { why } : {}),
  };
};

const SPECS: Record<string, Spec> = {
  'GET /api/openapi.json': open(),
  'GET /api/health': open(),

  // Sign-in.
  'POST /api/auth/login': open('Anyone may sign in; the credentials decide.'),
  'POST /api/auth/login/second-factor': {
    access: 'staff',
    allow: [...STAFF, 'halfSignedIn'],
    answers: all(STAFF, 409),
    why: 'Only for a session that owes its code (signInStep second_factor); a fully signed-in one owes nothing (409).',
  },
  'POST /api/auth/logout': {
    access: 'staff',
    allow: [...STAFF, 'halfSignedIn'],
    why: 'A half-signed-in session may sign out too (signInStep).',
  },
  'GET /api/auth/me': ownCourt('staff', STAFF, 'Half signed in is not signed in: 401 second_factor_required.'),

  // Court administration: each admin administers their own court only.
  'GET /api/admin/court': ownCourt(['admin'], ['adminA', 'adminB']),
  'POST /api/admin/court': ownCourt(['admin'], ['adminA', 'adminB'], 'Another court’s admin changes their own court.'),
  'GET /api/admin/courtrooms': ownCourt(['admin'], ['adminA', 'adminB']),
  'POST /api/admin/courtrooms': ownCourt(['admin'], ['adminA', 'adminB']),
  ...Object.fromEntries(
    ['rename', 'retire', 'reinstate'].map((a) => [
      `POST /api/admin/courtrooms/:courtroomId/${a}`,
      owned(['admin'], ['adminA'], {}, 'A courtroom of another court is not found.'),
    ]),
  ),
  'GET /api/admin/staff': ownCourt(['admin'], ['adminA', 'adminB']),
  'POST /api/admin/staff': ownCourt(
    ['admin'],
    ['adminA', 'adminB'],
    'Another court’s admin invites into their own court.',
  ),
  ...Object.fromEntries(
    ['role', 'disable', 'enable', 'password-reset', 'two-factor-reset'].map((a) => [
      `POST /api/admin/staff/:userId/${a}`,
      owned(['admin'], ['adminA'], {}, 'A staff member of another court is not found.'),
    ]),
  ),

  'GET /api/admin/two-factor-resets': ownCourt(['admin'], ['adminA', 'adminB']),
  ...Object.fromEntries(
    ['approve', 'cancel'].map((a) => [
      `POST /api/admin/two-factor-resets/:resetId/${a}`,
      owned(['admin'], ['adminA'], {}, 'A request of another court is not found; judgeA asked, so adminA may approve.'),
    ]),
  ),

  // One's own account: every staff member, each on their own account.
  'GET /api/account': ownCourt('staff', STAFF),
  'GET /api/account/notices': ownCourt('staff', STAFF),
  'POST /api/account/notices/:noticeId/dismiss': owned(
    'staff',
    ['judgeA'],
    {},
    'The notice is judgeA’s: anyone else is told it does not exist.',
  ),
  'POST /api/account/two-factor-resets/:resetId/cancel': owned(
    'staff',
    ['judgeA'],
    {},
    'The request concerns judgeA’s account: only judgeA cancels it here; admins cancel at /api/admin.',
  ),
  'POST /api/account/password': {
    access: 'staff',
    allow: STAFF,
    answers: all(STAFF, 400),
    why: 'The sample sends a wrong current password: 400 wrong_password.',
  },
  'GET /api/account/sessions': ownCourt('staff', STAFF),
  'POST /api/account/sessions/:sessionId/end': owned(
    'staff',
    ['judgeA'],
    {},
    'The session is judgeA’s: anyone else is told it does not exist.',
  ),
  'POST /api/account/two-factor/setup': {
    access: 'staff',
    allow: STAFF,
    answers: { judgeA: 409 },
    why: 'judgeA already has two-factor sign-in (409); a half-signed-in session may not enrol (signInStep is enrol only).',
  },
  'POST /api/account/two-factor/confirm': {
    access: 'staff',
    allow: STAFF,
    answers: { ...all(STAFF, 400), judgeA: 409 },
    why: 'A wrong code after setup: 400; judgeA’s two-factor sign-in is already on: 409.',
  },
  'POST /api/account/two-factor/recovery-codes': {
    access: 'staff',
    allow: STAFF,
    answers: all(STAFF, 400),
    why: 'The sample sends a wrong password: 400.',
  },
  'POST /api/account/two-factor/disable': {
    access: 'staff',
    allow: STAFF,
    answers: { ...all(STAFF, 409), judgeA: 400 },
    why: 'Two-factor is off (409) for all but judgeA, whose wrong password gets 400.',
  },
  'POST /api/account/set-password/inspect': open('The one-time link decides, not the caller.'),
  'POST /api/account/set-password': open('The one-time link decides, not the caller.'),

  // Scheduling.
  'POST /api/cases': ownCourt(
    ['clerk', 'admin'],
    ['adminA', 'clerkA', 'otherClerkA', 'adminB', 'clerkB'],
    'Another court’s clerk opens the case in their own court.',
  ),
  'GET /api/cases': ownCourt('staff', STAFF),
  'GET /api/hearings/options': ownCourt('staff', STAFF),
  'GET /api/hearings/conflicts': ownCourt('staff', STAFF),
  'POST /api/hearings': {
    access: ['clerk', 'admin'],
    allow: ['adminA', 'clerkA', 'otherClerkA'],
    refuse: { adminB: 400, clerkB: 400 },
    why: 'Another court’s staff cannot book this court’s case, judge or courtroom: 400, as for ids that do not exist.',
  },
  'GET /api/hearings': ownCourt('staff', STAFF, 'Each court’s own docket.'),
  'GET /api/hearings/:id': owned('staff', COURT_READERS, {}, 'A judge sees only their own hearings.'),
  'PATCH /api/hearings/:id': owned(['clerk', 'admin'], ['adminA', 'clerkA', 'otherClerkA']),
  'POST /api/hearings/:id/cancel': owned(['clerk', 'admin'], ['adminA', 'clerkA', 'otherClerkA']),
  'GET /api/hearings/:id/calendar.ics': owned('staff', COURT_READERS),
  'POST /api/hearings/:id/participants': owned(['clerk', 'admin'], ['adminA', 'clerkA', 'otherClerkA']),
  'POST /api/hearings/:id/participants/:pid/invite': owned(['clerk', 'admin'], ['adminA', 'clerkA', 'otherClerkA']),
  'DELETE /api/hearings/:id/participants/:pid': owned(['clerk', 'admin'], ['adminA', 'clerkA', 'otherClerkA']),

  // Invitation links.
  'GET /api/join/:token': open('The invitation link decides, not the caller.'),
  'GET /api/join/:token/calendar.ics': open('The invitation link decides, not the caller.'),
  'POST /api/join': open('The invitation link decides, not the caller.'),
  'GET /api/hearings/:id/me': {
    access: 'participant',
    allow: PARTS,
    why: 'A participant session is scoped to its hearing: another hearing is, to it, not found (404).',
  },

  // The live hearing: its bench is its judge and its clerk; anyone else on staff is told it does not exist.
  'POST /api/hearings/:id/state': owned(['judge'], ['judgeA']),
  'POST /api/hearings/:id/participants/:pid/admit': owned(['judge', 'clerk'], BENCH, { otherClerkA: 403 }),
  'POST /api/hearings/:id/participants/:pid/return-to-lobby': owned(['judge', 'clerk'], BENCH, { otherClerkA: 403 }),
  'POST /api/hearings/:id/participants/:pid/remove': owned(['judge'], ['judgeA']),
  'POST /api/hearings/:id/admit-all': owned(['judge', 'clerk'], BENCH, { otherClerkA: 403 }),
  'POST /api/hearings/:id/participants/:pid/mute': owned(['judge'], ['judgeA']),
  'POST /api/hearings/:id/participants/:pid/screen-share': owned(['judge'], ['judgeA']),
  'POST /api/hearings/:id/lobby': { access: 'participant', allow: PARTS },
  'POST /api/hearings/:id/leave': { access: 'participant', allow: PARTS },
  'POST /api/hearings/:id/media-token': live([...BENCH, ...PARTS]),
  'POST /api/livekit/webhook': open('LiveKit’s signature on the body opens it, whatever session comes along.'),
  'POST /api/hearings/:id/chat': live(
    [...BENCH, 'plaintiff', 'agent', 'defendant', 'witness'],
    { observer: 403 },
    'Observers read the chat but do not write.',
  ),
  'GET /api/hearings/:id/chat': live([...BENCH, ...PARTS]),
  'POST /api/hearings/:id/consultation-requests': live(
    ['plaintiff', 'agent'],
    { judgeA: 403, clerkA: 403, defendant: 403, witness: 403, observer: 403 },
    'A party and their own agent ask each other; the bench never joins one (403).',
  ),
  'POST /api/hearings/:id/consultation-requests/:rid/accept': live(
    ['plaintiff'],
    { judgeA: 403, clerkA: 403, agent: 403, defendant: 404, witness: 403, observer: 403 },
    'Those asked only: the asker cannot answer themselves (403); another party’s asking is not found (404).',
  ),
  'POST /api/hearings/:id/consultation-requests/:rid/decline': live(
    ['plaintiff'],
    { judgeA: 403, clerkA: 403, agent: 403, defendant: 404, witness: 403, observer: 403 },
    'Those asked only: the asker withdraws instead (403); another party’s asking is not found (404).',
  ),
  'POST /api/hearings/:id/consultation-requests/:rid/withdraw': live(
    ['plaintiff'],
    { judgeA: 403, clerkA: 403, agent: 403, defendant: 404, witness: 403, observer: 403 },
    'The asker only (403 for the one asked); another party’s asking is not found (404).',
  ),
  'POST /api/hearings/:id/consultations/:cid/media-token': live(
    ['plaintiff', 'agent'],
    { judgeA: 403, clerkA: 403, defendant: 404, witness: 403, observer: 403 },
    'Its members only: another party’s is not found; witnesses and the gallery never consult (403).',
  ),
  'POST /api/hearings/:id/consultations/:cid/leave': live(
    ['plaintiff', 'agent'],
    { judgeA: 403, clerkA: 403, defendant: 404, witness: 403, observer: 403 },
    'Its members only: another party’s is not found; witnesses and the gallery never consult (403).',
  ),
  'GET /api/ws': open(
    'A plain GET is not a websocket (426); ws-origin.test.ts checks sessions and Origin on the upgrade.',
    all(EVERYONE, 426),
  ),

  // Recordings.
  'POST /api/hearings/:id/recordings/start': owned(['judge', 'clerk'], BENCH, { otherClerkA: 403 }),
  'POST /api/hearings/:id/recordings/stop': owned(['judge', 'clerk'], BENCH, { otherClerkA: 403 }),
  'GET /api/hearings/:id/recordings': owned(['judge', 'clerk', 'admin'], COURT_READERS),
  'GET /api/hearings/:id/recordings/:rid/download': owned(['judge', 'clerk', 'admin'], COURT_READERS),

  // The record: read by the court and the parties; kept by the bench; sealed by the hearing's clerk.
  'GET /api/hearings/:id/transcript': live(
    [...COURT_READERS, 'plaintiff', 'agent', 'defendant'],
    { witness: 403, observer: 403, partOther: 404 },
    'Parties and agents read the record; witnesses and observers do not; another hearing’s participant is told it does not exist.',
  ),
  'POST /api/hearings/:id/transcript/entries': owned(['judge', 'clerk'], BENCH, { otherClerkA: 403 }),
  'PATCH /api/hearings/:id/transcript/entries/:eid': owned(['judge', 'clerk'], BENCH, { otherClerkA: 403 }),
  'POST /api/hearings/:id/transcript/import': owned(['judge', 'clerk'], BENCH, { otherClerkA: 403 }),
  'POST /api/hearings/:id/transcript/seal': owned(
    ['clerk'],
    ['clerkA'],
    { otherClerkA: 403 },
    'Only the clerk of the hearing seals.',
  ),
  'GET /api/hearings/:id/transcript/signatures': live([...COURT_READERS, 'plaintiff', 'agent', 'defendant'], {
    witness: 403,
    observer: 403,
    partOther: 404,
  }),
  'GET /api/transcripts/:sealId/pdf': live([...COURT_READERS, 'plaintiff', 'agent', 'defendant'], {
    witness: 403,
    observer: 403,
    partOther: 404,
  }),
  'POST /api/transcripts/:sealId/signatures': {
    access: 'participant',
    allow: ['plaintiff', 'agent', 'defendant'],
    refuse: { partOther: 404 },
    why: 'The parties and their agents review the record; nobody on staff signs for them.',
  },
  'POST /api/transcripts/:sealId/objections': {
    access: 'participant',
    allow: ['plaintiff', 'agent', 'defendant'],
    refuse: { partOther: 404 },
  },
  'POST /api/verify': open('Anyone may check a PDF against the seals; it changes nothing.'),
  'GET /api/verify/:sha256': open('Anyone may check a hash against the seals.'),
  'GET /api/verify/:sha256/first-page.png': open(
    'Whoever holds the hash (it is printed only on the document) may see the first page, to compare a printout with.',
  ),
  'GET /api/court-certificate': open('The court’s signing certificate is published for anyone to check a seal.'),
  'GET /api/log/sth': open('The record log’s signed tree head is public, so anyone can hold the court to it.'),
  'GET /api/log/sth/:treeSize': open('Every signed tree head the log ever had stays public.'),
  'GET /api/log/inclusion': open('Anyone holding a file may ask where its SHA-256 is in the log.'),
  'GET /api/log/consistency': open('Anyone may check that a later tree extends an earlier one.'),

  // Exhibits (P-1 is the plaintiff's agent's, marked; the staff who may see the hearing see all).
  'GET /api/hearings/:id/exhibits': live([...COURT_READERS, ...PARTS]),
  'POST /api/hearings/:id/exhibits': live(
    ['clerkA', 'plaintiff', 'agent', 'defendant'],
    { judgeA: 403, adminA: 403, otherClerkA: 403, witness: 403, observer: 403 },
    'Parties and agents submit on their side, the hearing’s clerk for the court.',
  ),
  'GET /api/hearings/:id/exhibits/:eid/file': live(
    [...COURT_READERS, 'plaintiff', 'agent'],
    { defendant: 404, witness: 404, observer: 404 },
    'A marked exhibit is its side’s until admitted: to the other side and the gallery it does not exist.',
  ),
  'POST /api/hearings/:id/exhibits/:eid/ruling': live(
    ['judgeA'],
    { clerkA: 403, otherClerkA: 403, adminA: 403, ...all(PARTS, 403) },
    'The judge alone rules.',
  ),
  'POST /api/hearings/:id/exhibits/:eid/present': live(
    ['judgeA', 'agent'],
    { clerkA: 403, otherClerkA: 403, adminA: 403, plaintiff: 403, defendant: 404, witness: 404, observer: 404 },
    'The judge, or whoever submitted it; those who may not see it are told it does not exist.',
  ),
  'POST /api/hearings/:id/exhibits/presentation/end': live(
    ['judgeA', 'agent'],
    { clerkA: 403, otherClerkA: 403, adminA: 403, ...all(['plaintiff', 'defendant', 'witness', 'observer'], 403) },
    'While the agent presents: the judge or the presenter takes it down.',
  ),

  // Audit trail and exports.
  'GET /api/hearings/:id/audit': owned(['judge', 'clerk'], BENCH, { otherClerkA: 403 }),
  'GET /api/hearings/:id/audit/verify': owned(['judge', 'clerk'], BENCH, { otherClerkA: 403 }),
  'GET /api/hearings/:id/export': owned(
    ['judge', 'clerk'],
    ['judgeA', 'clerkA'],
    { otherClerkA: 403 },
    'The bench of the hearing: the record holds what only the bench may read (an admin assigns a clerk to export).',
  ),
  'GET /api/dockets/export.csv': ownCourt(
    ['clerk', 'admin'],
    ['adminA', 'clerkA', 'otherClerkA', 'adminB', 'clerkB'],
    'Each court’s own docket.',
  ),
};

export const POLICY: Record<string, RoutePolicy> = Object.fromEntries(
  Object.entries(SPECS).map(([route, spec]) => [route, policy(route, spec)]),
);

/** The caller classes the policy speaks of, for reports. */
export const CALLER_CLASSES: Record<Caller, string> = {
  anonymous: 'no session',
  halfSignedIn: 'the hearing’s judge, password accepted, second factor still owed',
  adminA: 'admin of the hearing’s court',
  judgeA: 'the hearing’s own judge',
  otherJudgeA: 'another judge of the same court',
  clerkA: 'the hearing’s own clerk',
  otherClerkA: 'another clerk of the same court',
  adminB: 'admin of another court',
  judgeB: 'judge of another court',
  clerkB: 'clerk of another court',
  plaintiff: 'plaintiff of this hearing',
  agent: 'the plaintiff’s agent',
  defendant: 'defendant of this hearing',
  witness: 'witness of this hearing',
  observer: 'observer of this hearing',
  partOther: 'participant of another hearing of the same court',
};
