import type { CallerClass, ParticipantRole, Standing, StaffRelation } from './callers.ts';
import { allCallerClasses } from './callers.ts';
import type { HearingState } from './states.ts';
import { isBeforeLobby, isEnded, isLive } from './states.ts';

/**
 * Who may see, hear and do what in a hearing: the one table. Every door (REST, the socket's snapshot
 * and events, media tokens, the record, the export) asks `decide` and nothing else.
 */
export const ACTIONS = [
  /** The hearing's own facts (title, times, state). */
  'hearing.read',
  /** Follow the hearing over the socket at all. */
  'hearing.watch',
  /** Reschedule, rename, cancel or postpone: the registry's work. */
  'hearing.edit',
  /** Put another judge or clerk on the hearing. */
  'hearing.reassign_bench',
  /** Add, invite, re-invite and withdraw participants. */
  'participants.manage',
  /** Open, start, recess, resume, adjourn. */
  'hearing.move',
  /** Admit from the lobby (call a witness), admit everyone, return to the lobby (release a witness). */
  'lobby.admit',
  /** Remove, mute, allow or stop screen sharing. */
  'participant.moderate',
  'lobby.enter',
  'lobby.leave',
  /** A token for the hearing's media room. */
  'media.join',
  /** Messages to everyone. */
  'chat.read_all',
  /** Other people's private messages to the bench. */
  'chat.read_bench',
  /** One's own messages, whoever they were for. */
  'chat.read_own',
  'chat.post_all',
  'chat.post_bench',
  /** Join or leave a private consultation between a party and their agent (once it has been agreed). */
  'consultation.take_part',
  /** Ask one's own party or agent to consult privately, or withdraw the asking. */
  'consultation.request',
  /** Accept or decline being asked: only on acceptance does a consultation start. */
  'consultation.answer',
  /** That a consultation is being held, by whom and since when (never what is said): the bench's. */
  'consultation.see_held',
  'recording.control',
  'recordings.read',
  /** The transcript as it is kept, live entries and corrections, sealed versions, PDFs and signatures. */
  'record.read',
  /** Add entries, correct them, import captions. */
  'record.keep',
  'record.seal',
  /** Sign or object to a sealed version. */
  'record.review',
  'exhibits.read',
  'exhibits.submit',
  'exhibits.rule',
  'exhibits.present',
  'audit.read',
  'record.export',
  /** Who waits in the lobby (and who has not come). */
  'lobby.see',
  /** Who sits in the public gallery. */
  'gallery.see',
  /** Who is in the hearing room. */
  'room.see',
  /** Who is connected to media, media-server trouble, recording alerts, changes of the bench. */
  'bench.notices',
] as const;
export type Action = (typeof ACTIONS)[number];

export type Verdict = { allow: true } | { allow: false; status: 401 | 403 | 404 | 409; code: string; message: string };

export interface Situation {
  caller: CallerClass;
  state: HearingState;
}

const ALLOW: Verdict = { allow: true };
const deny = (status: 401 | 403 | 404 | 409, code: string, message: string): Verdict => ({
  allow: false,
  status,
  code,
  message,
});

const NOT_FOUND = deny(404, 'not_found', 'Hearing not found.');
const SIGN_IN = deny(401, 'unauthorized', 'Sign in, or open your invitation link first.');
const NOT_BENCH = deny(403, 'not_bench', 'Only the judge or the clerk of this hearing may do this.');
const JUDGE_ONLY = deny(403, 'judge_only', 'Only the judge of this hearing may do this.');
const CLERK_ONLY = deny(403, 'clerk_only', 'Only the clerk of this hearing may do this.');
const REGISTRY_ONLY = deny(403, 'registry_only', "Scheduling is the registry's: a clerk or an admin of the court.");
const STAFF_ONLY = deny(403, 'staff_only', 'Only the court may do this.');
const PARTICIPANTS_ONLY = deny(403, 'participants_only', 'Only participants of the hearing may do this.');
const REMOVED = deny(403, 'removed', 'The judge removed you from this hearing.');
const REVOKED = deny(403, 'invite_revoked', 'The court withdrew your invitation.');
const ENDED = deny(409, 'hearing_ended', 'The hearing has ended.');
const NOT_ADMITTED = deny(403, 'not_admitted', 'This is shown in the hearing room, once the judge admits you.');
const NOT_LIVE = deny(409, 'hearing_not_live', 'The hearing is not open.');
const NOT_PRESENTING = deny(409, 'not_in_session', 'Exhibits are presented while the hearing is open.');
const EXHIBITS_CLOSED = deny(409, 'hearing_ended', 'The hearing has ended: its exhibits are closed.');

/** Parties and the agents who represent them: the people whose case it is. */
const PARTY_ROLES: ReadonlySet<ParticipantRole> = new Set(['plaintiff', 'defendant', 'agent']);
const IN_ROOM: ReadonlySet<Standing> = new Set(['admitted', 'in_consultation']);
const PRESENT: ReadonlySet<Standing> = new Set(['in_lobby', 'admitted', 'in_consultation']);

type StaffRule = Partial<Record<StaffRelation, Verdict>>;
type ParticipantRule = (role: ParticipantRole, standing: Standing, state: HearingState) => Verdict;

interface Rule {
  staff: StaffRule | ((relation: StaffRelation, state: HearingState) => Verdict);
  participant: ParticipantRule;
}

/** The hearing's judge and clerk; other staff of the court get `registry`; the rest never see the hearing. */
function staffRule(judge: Verdict, clerk: Verdict, registry: Verdict = NOT_BENCH): StaffRule {
  return { judge, clerk, court_clerk: registry, court_admin: registry };
}
const BENCH = staffRule(ALLOW, ALLOW);
const READERS = staffRule(ALLOW, ALLOW, ALLOW);
const NO_STAFF = staffRule(PARTICIPANTS_ONLY, PARTICIPANTS_ONLY, PARTICIPANTS_ONLY);

const noParticipant: ParticipantRule = () => STAFF_ONLY;

/** The common refusals of a participant who is out: removed, or their invitation withdrawn. */
function present(rule: ParticipantRule): ParticipantRule {
  return (role, standing, state) =>
    standing === 'revoked' ? REVOKED : standing === 'removed' ? REMOVED : rule(role, standing, state);
}

/** Something done in the live hearing: refused once it is over, and before it opens. */
function live(rule: ParticipantRule): ParticipantRule {
  return present((role, standing, state) =>
    standing === 'after_hearing' || isEnded(state) ? ENDED : rule(role, standing, state),
  );
}

/** Material of the hearing: in the room; after the hearing, the parties' own. */
const inRoomOrPartyAfter = present((role, standing) =>
  IN_ROOM.has(standing) || (standing === 'after_hearing' && PARTY_ROLES.has(role)) ? ALLOW : NOT_ADMITTED,
);

const NEVER_CONSULTS = staffRule(
  deny(403, 'bench_never_joins', 'Private consultations are between a party and their own agent.'),
  deny(403, 'bench_never_joins', 'Private consultations are between a party and their own agent.'),
);

/** Asking for a consultation, and answering: a party or agent in the hearing room, not already consulting. */
const consultFromRoom: ParticipantRule = live((role, standing, state) => {
  if (!PARTY_ROLES.has(role))
    return deny(403, 'parties_only', 'Private consultations are between a party and their own agent.');
  if (!isLive(state)) return NOT_LIVE;
  if (standing === 'in_consultation')
    return deny(409, 'already_consulting', 'You are already in a private consultation.');
  return standing === 'admitted' ? ALLOW : NOT_ADMITTED;
});

const RULES: Readonly<Record<Action, Rule>> = {
  'hearing.read': { staff: READERS, participant: () => ALLOW },
  'hearing.watch': { staff: READERS, participant: present(() => ALLOW) },
  'hearing.edit': { staff: staffRule(REGISTRY_ONLY, ALLOW, ALLOW), participant: noParticipant },
  'hearing.reassign_bench': {
    staff: (relation, state) => {
      if (relation === 'court_admin') return ALLOW;
      if (relation === 'judge') return REGISTRY_ONLY;
      if (relation !== 'clerk' && relation !== 'court_clerk') return NOT_FOUND;
      // Once the lobby is open, people rely on who sits: only an admin changes it, as its own event.
      return isBeforeLobby(state)
        ? ALLOW
        : deny(403, 'bench_change_admin_only', 'Once the lobby is open, only an admin of the court changes the bench.');
    },
    participant: noParticipant,
  },
  'participants.manage': { staff: staffRule(REGISTRY_ONLY, ALLOW, ALLOW), participant: noParticipant },
  'hearing.move': { staff: staffRule(ALLOW, JUDGE_ONLY, JUDGE_ONLY), participant: noParticipant },
  'lobby.admit': {
    staff: (relation, state) => {
      const v = BENCH[relation] ?? NOT_FOUND;
      return v.allow && !isLive(state) ? NOT_LIVE : v;
    },
    participant: noParticipant,
  },
  'participant.moderate': { staff: staffRule(ALLOW, JUDGE_ONLY), participant: noParticipant },
  'lobby.enter': {
    staff: NO_STAFF,
    participant: live((_r, _s, state) =>
      isLive(state)
        ? ALLOW
        : deny(409, 'lobby_not_open', `The lobby opens when the judge opens the hearing (it is ${state}).`),
    ),
  },
  'lobby.leave': { staff: NO_STAFF, participant: present(() => ALLOW) },
  'media.join': {
    staff: (relation, state) => {
      if (relation === 'court_judge' || relation === 'other_court') return NOT_FOUND;
      if (relation !== 'judge' && relation !== 'clerk') return NOT_BENCH;
      if (isEnded(state)) return ENDED;
      return isLive(state) ? ALLOW : deny(403, 'hearing_not_open', 'The hearing has not been opened yet.');
    },
    participant: live((_r, standing, state) => {
      if (!isLive(state)) return deny(403, 'hearing_not_open', 'The hearing has not been opened yet.');
      if (standing === 'admitted') return ALLOW;
      if (standing === 'in_consultation')
        return deny(403, 'in_consultation', 'You are in a private consultation: use its token.');
      return deny(403, 'in_lobby', 'Wait in the lobby until the judge admits you.');
    }),
  },
  'chat.read_all': { staff: BENCH, participant: inRoomOrPartyAfter },
  'chat.read_bench': {
    staff: BENCH,
    participant: () => deny(403, 'bench_only', 'Messages to the bench are for the judge and the clerk.'),
  },
  'chat.read_own': { staff: BENCH, participant: present(() => ALLOW) },
  'chat.post_all': {
    staff: (relation, state) => chatStaff(relation, state),
    participant: live((role, standing) =>
      role === 'observer'
        ? deny(403, 'observers_cannot_post', 'Observers watch and listen only.')
        : IN_ROOM.has(standing)
          ? ALLOW
          : NOT_ADMITTED,
    ),
  },
  'chat.post_bench': {
    staff: (relation, state) => chatStaff(relation, state),
    participant: live((role, standing) =>
      role === 'observer'
        ? deny(403, 'observers_cannot_post', 'Observers watch and listen only.')
        : PRESENT.has(standing)
          ? ALLOW
          : deny(403, 'not_present', 'Join the lobby to write to the bench.'),
    ),
  },
  'consultation.take_part': {
    staff: staffRule(
      deny(403, 'bench_never_joins', 'Private consultations are between a party and their own agent.'),
      deny(403, 'bench_never_joins', 'Private consultations are between a party and their own agent.'),
    ),
    participant: live((role, standing, state) => {
      if (!PARTY_ROLES.has(role))
        return deny(403, 'parties_only', 'Private consultations are between a party and their own agent.');
      if (!isLive(state)) return NOT_LIVE;
      return IN_ROOM.has(standing) ? ALLOW : NOT_ADMITTED;
    }),
  },
  'consultation.request': { staff: NEVER_CONSULTS, participant: consultFromRoom },
  'consultation.answer': { staff: NEVER_CONSULTS, participant: consultFromRoom },
  'consultation.see_held': {
    staff: BENCH,
    participant: () => deny(403, 'bench_only', 'For the bench only.'),
  },
  'recording.control': { staff: BENCH, participant: noParticipant },
  'recordings.read': { staff: READERS, participant: noParticipant },
  'record.read': {
    staff: READERS,
    participant: (role, standing, state) =>
      PARTY_ROLES.has(role) || standing === 'removed' || standing === 'revoked'
        ? inRoomOrPartyAfter(role, standing, state)
        : deny(403, 'record_parties_only', 'Only the parties and their agents may read the record.'),
  },
  'record.keep': { staff: BENCH, participant: noParticipant },
  'record.seal': { staff: staffRule(CLERK_ONLY, ALLOW, CLERK_ONLY), participant: noParticipant },
  'record.review': {
    staff: staffRule(PARTICIPANTS_ONLY, PARTICIPANTS_ONLY, PARTICIPANTS_ONLY),
    participant: (role, standing, state) =>
      PARTY_ROLES.has(role) || standing === 'removed' || standing === 'revoked'
        ? inRoomOrPartyAfter(role, standing, state)
        : deny(403, 'record_parties_only', 'Only the parties and their agents review the record.'),
  },
  'exhibits.read': {
    staff: READERS,
    participant: present((role, standing) => (PARTY_ROLES.has(role) || IN_ROOM.has(standing) ? ALLOW : NOT_ADMITTED)),
  },
  'exhibits.submit': {
    staff: (relation, state) => {
      if (relation !== 'clerk')
        return deny(403, 'clerk_marks_for_court', 'The clerk of this hearing marks exhibits for the court.');
      return isEnded(state) ? EXHIBITS_CLOSED : ALLOW;
    },
    participant: (role, standing, state) =>
      !PARTY_ROLES.has(role)
        ? deny(403, 'parties_submit', 'Only the parties and their agents may submit exhibits.')
        : standing === 'after_hearing' || isEnded(state)
          ? EXHIBITS_CLOSED
          : ALLOW,
  },
  'exhibits.rule': { staff: staffRule(ALLOW, JUDGE_ONLY, JUDGE_ONLY), participant: () => JUDGE_ONLY },
  'exhibits.present': {
    staff: (relation, state) => {
      if (relation === 'court_judge' || relation === 'other_court') return NOT_FOUND;
      if (relation !== 'judge') return deny(403, 'judge_or_submitter', 'The judge, or whoever submitted it, presents.');
      return isLive(state) ? ALLOW : NOT_PRESENTING;
    },
    participant: live((role, standing, state) => {
      if (!PARTY_ROLES.has(role))
        return deny(403, 'judge_or_submitter', 'The judge, or whoever submitted it, presents.');
      if (!isLive(state)) return NOT_PRESENTING;
      return standing === 'admitted'
        ? ALLOW
        : deny(403, 'not_admitted', 'Only a participant admitted to the hearing room may present.');
    }),
  },
  'audit.read': { staff: BENCH, participant: noParticipant },
  'record.export': {
    staff: staffRule(
      ALLOW,
      ALLOW,
      deny(
        403,
        'export_bench_only',
        'The record is exported by the judge or the clerk of this hearing (an admin may assign a clerk to do it).',
      ),
    ),
    participant: noParticipant,
  },
  'lobby.see': { staff: READERS, participant: () => deny(403, 'bench_only', 'The lobby is the bench’s to see.') },
  'gallery.see': {
    staff: READERS,
    participant: () => deny(403, 'bench_only', 'The public gallery is not listed to participants.'),
  },
  'room.see': { staff: READERS, participant: present((_r, s) => (IN_ROOM.has(s) ? ALLOW : NOT_ADMITTED)) },
  'bench.notices': { staff: BENCH, participant: () => deny(403, 'bench_only', 'For the bench only.') },
};

function chatStaff(relation: StaffRelation, state: HearingState): Verdict {
  if (relation === 'court_judge' || relation === 'other_court') return NOT_FOUND;
  if (relation !== 'judge' && relation !== 'clerk') return NOT_BENCH;
  return isEnded(state) ? deny(409, 'hearing_ended', 'The hearing has ended; its chat is closed.') : ALLOW;
}

/** The answer for one action, by one class of caller, in one state of the hearing. */
export function decide(action: Action, { caller, state }: Situation): Verdict {
  if (caller.kind === 'anonymous') return SIGN_IN;
  if (caller.kind === 'stranger') return NOT_FOUND;
  const rule = RULES[action];
  if (caller.kind === 'staff') {
    // Another judge of the court never learns of the hearing; nor does anyone of another court.
    if (caller.relation === 'court_judge' || caller.relation === 'other_court') return NOT_FOUND;
    const v = typeof rule.staff === 'function' ? rule.staff(caller.relation, state) : rule.staff[caller.relation];
    return v ?? NOT_FOUND;
  }
  // Out is out, on every door: a withdrawn invitation gives nothing, a removal nothing but the hearing's name.
  if (caller.standing === 'revoked') return REVOKED;
  if (caller.standing === 'removed' && action !== 'hearing.read') return REMOVED;
  return rule.participant(caller.role, caller.standing, state);
}

export const may = (action: Action, s: Situation): boolean => decide(action, s).allow;

/** Everything the caller may do now, for the screens to draw their controls from. */
export function permitted(s: Situation): Action[] {
  return ACTIONS.filter((a) => may(a, s));
}

/** The whole table for one state, for documentation and review. */
export function policyTable(state: HearingState): Array<{ caller: CallerClass; verdicts: Record<Action, Verdict> }> {
  return allCallerClasses().map((caller) => ({
    caller,
    verdicts: Object.fromEntries(ACTIONS.map((a) => [a, decide(a, { caller, state })])) as Record<Action, Verdict>,
  }));
}
