import { describe, expect, it } from 'vitest';
import {
  consultationMemory,
  consultingWithMe,
  consultPartners,
  joinNames,
  mayConsult,
  memberNames,
} from './consultation.ts';
import { applyEvent, fromSnapshot, type LiveState } from './live-state.ts';
import type { LiveEvent, LiveParticipant, Snapshot, Viewer } from './types.ts';

const PLAINTIFF = '11111111-1111-4111-8111-111111111111';
const AGENT = '22222222-2222-4222-8222-222222222222';
const AGENT2 = '33333333-3333-4333-8333-333333333333';
const DEFENDANT = '44444444-4444-4444-8444-444444444444';
const THEIR_AGENT = '55555555-5555-4555-8555-555555555555';
const CID = '66666666-6666-4666-8666-666666666666';

const person = (
  id: string,
  role: LiveParticipant['role'],
  displayName: string,
  representsId: string | null = null,
  presence: LiveParticipant['presence'] = 'admitted',
): LiveParticipant => ({ id, role, displayName, presence, screenShareAllowed: false, representsId });

function state(you: Viewer, participants: LiveParticipant[]): LiveState {
  const s: Snapshot = {
    hearing: {
      id: 'h',
      title: 'Hearing',
      state: 'in_session',
      caseNumber: '(2027) 1',
      caption: 'Zhang v. Acme',
      scheduledStart: '2027-01-15T01:30:00.000Z',
      scheduledEnd: '2027-01-15T02:30:00.000Z',
      courtTimezone: 'Asia/Shanghai',
      recording: false,
      recordingStatus: null,
      recordingId: null,
    },
    participants,
    you,
    chat: [],
  };
  return fromSnapshot(s);
}

const everyone = () => [
  person(PLAINTIFF, 'plaintiff', 'Zhang San'),
  person(AGENT, 'agent', 'Lawyer Wang', PLAINTIFF),
  person(AGENT2, 'agent', 'Lawyer Zhou', PLAINTIFF, 'in_lobby'),
  person(DEFENDANT, 'defendant', 'Acme'),
  person(THEIR_AGENT, 'agent', 'Lawyer Sun', DEFENDANT),
];

const asPlaintiff: Viewer = { kind: 'participant', id: PLAINTIFF, role: 'plaintiff', presence: 'admitted' };
const asAgent: Viewer = {
  kind: 'participant',
  id: AGENT,
  role: 'agent',
  presence: 'admitted',
  representsId: PLAINTIFF,
};

let seq = 0;
// Loose on purpose: handlers must survive payloads that lack what the protocol promises.
const event = (kind: string, payload: Record<string, unknown>): LiveEvent =>
  ({
    type: 'event',
    hearingId: 'h',
    seq: ++seq,
    kind,
    payload,
    at: new Date(0).toISOString(),
  }) as LiveEvent;

describe('whom a participant may consult privately', () => {
  it('a party: their own admitted agents only, never the other side’s', () => {
    const s = state(asPlaintiff, everyone());
    expect(consultPartners(s).map((p) => p.id)).toEqual([AGENT]);
    expect(mayConsult(s)).toBe(true);
    // Once the second agent is admitted, both are offered.
    s.participants.find((p) => p.id === AGENT2)!.presence = 'admitted';
    expect(consultPartners(s).map((p) => p.id)).toEqual([AGENT, AGENT2]);
  });

  it('an agent: the admitted party they represent', () => {
    expect(consultPartners(state(asAgent, everyone())).map((p) => p.id)).toEqual([PLAINTIFF]);
    const theirs: Viewer = { kind: 'participant', id: THEIR_AGENT, role: 'agent', representsId: DEFENDANT };
    expect(consultPartners(state(theirs, everyone())).map((p) => p.id)).toEqual([DEFENDANT]);
    // Without a party in the room, nothing is offered.
    const away = everyone().map((p) => (p.id === PLAINTIFF ? { ...p, presence: 'in_lobby' as const } : p));
    expect(consultPartners(state(asAgent, away))).toEqual([]);
  });

  it('no one to consult for witnesses, observers, staff, or a partner already consulting', () => {
    expect(consultPartners(state({ kind: 'participant', id: 'w', role: 'witness' }, everyone()))).toEqual([]);
    expect(mayConsult(state({ kind: 'participant', id: 'w', role: 'witness' }, everyone()))).toBe(false);
    expect(consultPartners(state({ kind: 'staff', id: PLAINTIFF, role: 'judge', bench: 'judge' }, everyone()))).toEqual(
      [],
    );
    const busy = everyone().map((p) => (p.id === AGENT ? { ...p, presence: 'in_consultation' as const } : p));
    expect(consultPartners(state(asPlaintiff, busy))).toEqual([]);
  });
});

describe('consultation events', () => {
  it('takes a member into the consultation, and ignores it for anyone else', () => {
    const s = state(asAgent, everyone());
    const consultation = { id: CID, room: `consult-${CID}`, participantIds: [PLAINTIFF, AGENT] };
    expect(applyEvent(s, event('consultation.opened', { consultation }))).toEqual({
      kind: 'consultationOpened',
      consultation: { ...consultation, over: false },
    });
    expect(s.consultation?.id).toBe(CID);
    expect(memberNames(s, s.consultation!)).toEqual(['Zhang San']);
    // The echo of one's own POST changes nothing.
    expect(applyEvent(s, event('consultation.opened', { consultation })).kind).toBe('none');

    const other = state({ kind: 'participant', id: DEFENDANT, role: 'defendant' }, everyone());
    expect(applyEvent(other, event('consultation.opened', { consultation })).kind).toBe('none');
    expect(other.consultation).toBeNull();
  });

  it('when the party goes back, the agent left behind is told the consultation is over', () => {
    const s = state(asAgent, everyone());
    s.consultation = { id: CID, room: 'r', participantIds: [PLAINTIFF, AGENT], over: false };
    const effect = applyEvent(
      s,
      event('consultation.left', {
        consultation: { id: CID, room: 'r', participantIds: [AGENT] },
        participantId: PLAINTIFF,
      }),
    );
    expect(effect).toEqual({ kind: 'consultationLeft', participantId: PLAINTIFF, over: true });
    expect(s.consultation).toMatchObject({ id: CID, participantIds: [AGENT], over: true, leftId: PLAINTIFF });
  });

  it('one of two agents going back leaves the party and the other agent consulting', () => {
    const s = state(asPlaintiff, everyone());
    s.consultation = { id: CID, room: 'r', participantIds: [PLAINTIFF, AGENT, AGENT2], over: false };
    const effect = applyEvent(
      s,
      event('consultation.left', {
        consultation: { id: CID, room: 'r', participantIds: [PLAINTIFF, AGENT2] },
        participantId: AGENT,
      }),
    );
    expect(effect).toEqual({ kind: 'consultationLeft', participantId: AGENT, over: false });
    expect(s.consultation?.over).toBe(false);
    expect(s.consultation?.participantIds).toEqual([PLAINTIFF, AGENT2]);
  });

  it('one’s own leaving, a closing, or a presence out of consultation ends it for the viewer', () => {
    const s = state(asPlaintiff, everyone());
    const open = () => (s.consultation = { id: CID, room: 'r', participantIds: [PLAINTIFF, AGENT], over: false });
    open();
    expect(
      applyEvent(
        s,
        event('consultation.left', {
          consultation: { id: CID, room: 'r', participantIds: [AGENT] },
          participantId: PLAINTIFF,
        }),
      ),
    ).toEqual({ kind: 'consultationEnded' });
    expect(s.consultation).toBeNull();

    open();
    applyEvent(
      s,
      event('consultation.closed', {
        consultation: { id: CID, room: 'r', participantIds: [] },
        participantId: PLAINTIFF,
      }),
    );
    expect(s.consultation).toBeNull();

    // The judge returns the party to the lobby mid-consultation.
    open();
    applyEvent(s, event('participant.presence', { participantId: PLAINTIFF, presence: 'in_lobby' }));
    expect(s.consultation).toBeNull();
  });

  it('ignores events of another consultation and malformed payloads', () => {
    const s = state(asPlaintiff, everyone());
    s.consultation = { id: CID, room: 'r', participantIds: [PLAINTIFF, AGENT], over: false };
    const before = JSON.stringify(s);
    const elsewhere = { id: 'other', room: 'r2', participantIds: [PLAINTIFF] };
    expect(applyEvent(s, event('consultation.left', { consultation: elsewhere, participantId: AGENT })).kind).toBe(
      'none',
    );
    expect(applyEvent(s, event('consultation.opened', { consultation: { id: 3 } })).kind).toBe('none');
    expect(applyEvent(s, event('consultation.left', {})).kind).toBe('none');
    expect(JSON.stringify(s)).toBe(before);
  });

  it('a fresh snapshot keeps the consultation while the viewer is still in it, and drops it after', () => {
    const s = state({ ...asPlaintiff, presence: 'in_consultation' }, everyone());
    s.consultation = { id: CID, room: 'r', participantIds: [PLAINTIFF, AGENT], over: false };
    const base = {
      hearing: s.hearing!,
      participants: everyone(),
      chat: [],
    };
    expect(fromSnapshot({ ...base, you: { ...asPlaintiff, presence: 'in_consultation' } }, s).consultation?.id).toBe(
      CID,
    );
    expect(fromSnapshot({ ...base, you: asPlaintiff }, s).consultation).toBeNull();
    // A server that names the consultation in the snapshot is taken at its word.
    const named = {
      ...asPlaintiff,
      presence: 'in_consultation' as const,
      consultation: { id: 'x', participantIds: [] },
    };
    expect(fromSnapshot({ ...base, you: named }).consultation?.id).toBe('x');
  });

  it('asks for a fresh snapshot when a party sees an agent arrive without knowing whom they represent', () => {
    const s = state(asPlaintiff, [person(PLAINTIFF, 'plaintiff', 'Zhang San')]);
    const arrives = { participantId: AGENT, presence: 'admitted', role: 'agent', displayName: 'Lawyer Wang' };
    expect(applyEvent(s, event('participant.presence', arrives))).toEqual({ kind: 'resync' });
    // Known already, or the payload says whom they represent: no need.
    expect(applyEvent(s, event('participant.presence', { ...arrives, presence: 'in_consultation' })).kind).toBe('none');
    const told = { ...arrives, participantId: AGENT2, representsId: PLAINTIFF };
    expect(applyEvent(s, event('participant.presence', told)).kind).toBe('none');
    expect(consultPartners(s).map((p) => p.id)).toEqual([AGENT2]);
    // A defendant's view of a new witness, or an agent's view: no resync.
    const d = state({ kind: 'participant', id: DEFENDANT, role: 'defendant' }, []);
    expect(applyEvent(d, event('participant.presence', { ...arrives, role: 'witness' })).kind).toBe('none');
    const a = state(asAgent, []);
    expect(applyEvent(a, event('participant.presence', { ...arrives, participantId: AGENT2 })).kind).toBe('none');
  });
});

describe('consultation helpers', () => {
  it('after a reload, takes the viewer’s own side who are consulting as the members', () => {
    const consulting = everyone().map((p) =>
      [PLAINTIFF, AGENT, THEIR_AGENT].includes(p.id) ? { ...p, presence: 'in_consultation' as const } : p,
    );
    expect(consultingWithMe(state(asPlaintiff, consulting))).toEqual([PLAINTIFF, AGENT]);
    expect(consultingWithMe(state(asAgent, consulting))).toEqual([AGENT, PLAINTIFF]);
    expect(consultingWithMe(state({ kind: 'staff', id: 'u', role: 'judge' }, consulting))).toEqual([]);
  });

  it('remembers the consultation per hearing, and survives a storage that throws', () => {
    const map = new Map<string, string>();
    const storage = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
      removeItem: (k: string) => void map.delete(k),
    };
    consultationMemory.remember(storage, 'h1', CID);
    expect(consultationMemory.recall(storage, 'h1')).toBe(CID);
    expect(consultationMemory.recall(storage, 'h2')).toBeNull();
    consultationMemory.forget(storage, 'h1');
    expect(consultationMemory.recall(storage, 'h1')).toBeNull();
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(() => consultationMemory.remember(broken, 'h1', CID)).not.toThrow();
    expect(consultationMemory.recall(broken, 'h1')).toBeNull();
    expect(consultationMemory.recall(undefined, 'h1')).toBeNull();
  });

  it('joins names in the reader’s language', () => {
    expect(joinNames(['Zhang San', 'Lawyer Wang'], 'en')).toBe('Zhang San and Lawyer Wang');
    expect(joinNames(['张三', '王律师'], 'zh-CN')).toBe('张三和王律师');
  });
});
