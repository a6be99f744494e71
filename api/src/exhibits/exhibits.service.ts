import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { SessionUser } from '../auth/auth.service.ts';
import * as audit from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.service.ts';
import { DomainError, forbidden, notFound, unauthorized } from '../http/errors.ts';
import * as hearingsRepo from '../hearings/hearings.repository.ts';
import type { HearingRow } from '../hearings/hearings.repository.ts';
import * as lobbyRepo from '../lobby/lobby.repository.ts';
import type { LiveParticipantRow } from '../lobby/lobby.repository.ts';
import { LIVE_STATES } from '../lobby/live-caller.ts';
import type { RealtimeHub } from '../realtime/realtime.hub.ts';
import type { Audience } from '../realtime/realtime.table.ts';
import type { Storage } from '../storage/storage.ts';
import { TypeSniffer, type ExhibitMediaType } from './file-type.ts';
import * as repo from './exhibits.repository.ts';
import type { ExhibitRow } from './exhibits.repository.ts';
import type { ExhibitView } from './exhibits.schema.ts';
import type { ExhibitSide, ExhibitStatus } from './exhibits.table.ts';
import { stampInWorker } from './stamp-thread.ts';

/**
 * Who is looking at a hearing's exhibits. Staff: the hearing's judge, and clerks and admins of its
 * court (`bench` says whether they sit in it). Participants: their side, when they are a party or an agent.
 */
export type ExhibitViewer =
  | { kind: 'staff'; user: SessionUser; hearing: HearingRow; bench: 'judge' | 'clerk' | null }
  | { kind: 'participant'; participant: LiveParticipantRow; hearing: HearingRow; side: ExhibitSide | null };

const PREFIX: Record<ExhibitSide, string> = { plaintiff: 'P', defendant: 'D', court: 'C' };
const ENDED = new Set(['adjourned', 'cancelled']);

/** The one visibility rule, used for lists, files and realtime audiences alike. */
export function canSee(
  viewer: { kind: 'staff' } | { kind: 'participant'; side: ExhibitSide | null },
  e: Pick<ExhibitRow, 'side' | 'status'>,
): boolean {
  if (viewer.kind === 'staff') return true;
  if (e.status === 'admitted') return true;
  // Witnesses, interpreters and the public gallery see admitted exhibits only.
  if (!viewer.side) return false;
  return e.side === 'court' || e.side === viewer.side;
}

/** The side a party or agent stands on; null for everyone else. */
export function sideOf(
  p: Pick<LiveParticipantRow, 'role' | 'represents_id'>,
  all: LiveParticipantRow[],
): ExhibitSide | null {
  if (p.role === 'plaintiff' || p.role === 'defendant') return p.role;
  if (p.role === 'agent' && p.represents_id) {
    const party = all.find((x) => x.id === p.represents_id);
    if (party?.role === 'plaintiff' || party?.role === 'defendant') return party.role;
  }
  return null;
}

export function exhibitView(e: ExhibitRow): ExhibitView {
  return {
    id: e.id,
    label: e.label,
    side: e.side,
    number: e.number,
    title: e.title,
    fileName: e.file_name,
    mediaType: e.media_type,
    sizeBytes: Number(e.size_bytes),
    sha256: e.sha256,
    stampedSha256: e.stamped_sha256,
    stampedSizeBytes: Number(e.stamped_size_bytes),
    pages: e.pages,
    status: e.status,
    submittedBy: e.submitted_by_user_id
      ? { kind: 'staff', id: e.submitted_by_user_id, name: e.submitted_by_name }
      : { kind: 'participant', id: e.submitted_by_participant_id!, name: e.submitted_by_name },
    markedAt: e.marked_at.toISOString(),
    ruledAt: e.ruled_at ? e.ruled_at.toISOString() : null,
  };
}

const hearingEnded = () => new DomainError(409, 'hearing_ended', 'The hearing has ended: its exhibits are closed.');

export interface Upload {
  /** The file part as it arrives; read once, never buffered whole. */
  file: Readable & { truncated?: boolean };
  fileName: string;
  fields: { title?: string | undefined; side?: string | undefined };
}

export interface ExhibitDeps {
  db: Kysely<Database>;
  hub: RealtimeHub;
  storage: Storage;
  maxBytes: number;
  now: () => Date;
}

export class ExhibitService {
  private readonly deps: ExhibitDeps;

  constructor(deps: ExhibitDeps) {
    this.deps = deps;
  }

  /** Resolves the caller; any staff member who may not see the hearing is told it does not exist. */
  async viewer(request: FastifyRequest, hearingId: string): Promise<ExhibitViewer> {
    const { db } = this.deps;
    const user = request.user;
    if (user) {
      const h = await hearingsRepo.findHearing(db, hearingId);
      if (!h || !user.court || user.court.id !== h.court_id) throw notFound('Hearing');
      if (user.role === 'judge' && h.judge_id !== user.id) throw notFound('Hearing');
      const bench =
        user.role === 'judge'
          ? ('judge' as const)
          : user.role === 'clerk' && h.clerk_id === user.id
            ? ('clerk' as const)
            : null;
      return { kind: 'staff', user, hearing: h, bench };
    }
    const me = request.participant;
    if (!me) throw unauthorized('Open your invitation link first.');
    if (me.hearingId !== hearingId) throw forbidden('Your invitation is for another hearing.');
    const [h, all] = await Promise.all([
      hearingsRepo.findHearing(db, hearingId),
      lobbyRepo.listLiveParticipants(db, hearingId),
    ]);
    const p = all.find((x) => x.id === me.id);
    if (!h || !p || p.presence === 'removed') throw unauthorized('Open your invitation link first.');
    return { kind: 'participant', participant: p, hearing: h, side: sideOf(p, all) };
  }

  /** The side the caller's exhibits are numbered on, or null when they may not submit. */
  submitSide(v: ExhibitViewer, asked?: string): ExhibitSide | null {
    if (v.kind === 'participant') return v.side;
    if (v.bench !== 'clerk') return null;
    // The clerk marks the court's exhibits, or one a party handed in, on that party's side.
    return asked === 'plaintiff' || asked === 'defendant' ? asked : 'court';
  }

  async list(v: ExhibitViewer) {
    const { db } = this.deps;
    const rows = await repo.listExhibits(db, v.hearing.id);
    const visible = rows.filter((e) => canSee(v, e));
    const shown = await repo.currentPresentation(db, v.hearing.id);
    const presentation = shown && visible.some((e) => e.id === shown.exhibit_id) ? shown : undefined;
    const side = this.submitSide(v);
    return {
      exhibits: visible.map(exhibitView),
      presentation: presentation ? { exhibitId: presentation.exhibit_id, page: presentation.page } : null,
      you: {
        canSubmit: side !== null && !ENDED.has(v.hearing.state),
        canRule: v.kind === 'staff' && v.bench === 'judge',
        side,
        participantId: v.kind === 'participant' ? v.participant.id : null,
      },
      maxBytes: this.deps.maxBytes,
    };
  }

  /** One exhibit the caller may see; any other is not found, so its existence does not leak. */
  async visible(v: ExhibitViewer, exhibitId: string): Promise<ExhibitRow> {
    const e = await repo.findExhibit(this.deps.db, v.hearing.id, exhibitId);
    if (!e || !canSee(v, e)) throw notFound('Exhibit');
    return e;
  }

  openFile(e: ExhibitRow, copy: 'stamped' | 'original') {
    const key = copy === 'original' ? e.storage_key : e.stamped_key;
    return {
      stream: this.deps.storage.open(key),
      size: Number(copy === 'original' ? e.size_bytes : e.stamped_size_bytes),
      mediaType: copy === 'original' ? e.media_type : 'application/pdf',
      fileName: copy === 'original' ? `${e.label}-${safeName(e.file_name)}` : `${e.label}-stamped.pdf`,
    };
  }

  /**
   * Marks a new exhibit: streams the file to storage (hashed on the way, its type read from its first
   * bytes, its size capped), stamps a copy, and records it with its label in one transaction.
   */
  async submit(v: ExhibitViewer, upload: Upload): Promise<ExhibitView> {
    const { db, storage } = this.deps;
    const drainAnd = (err: DomainError) => {
      upload.file.resume();
      return err;
    };
    const side = this.submitSide(v, upload.fields.side);
    if (!side) {
      throw drainAnd(
        v.kind === 'participant'
          ? forbidden('Only the parties and their agents may submit exhibits.')
          : forbidden('Only the clerk of this hearing may mark exhibits for the court.'),
      );
    }
    if (ENDED.has(v.hearing.state)) throw drainAnd(hearingEnded());
    const title = (upload.fields.title ?? '').trim();
    if (title.length < 1 || title.length > 200) {
      throw drainAnd(new DomainError(400, 'validation', 'Give the exhibit a title of 1 to 200 characters.'));
    }
    const fileName = (upload.fileName || 'exhibit').slice(0, 200);

    const id = randomUUID();
    const originalKey = `exhibits/${v.hearing.id}/${id}/original`;
    const sniffer = new TypeSniffer();
    const original = await storage.put(originalKey, upload.file, {
      through: [sniffer],
      check: (f) => {
        if (upload.file.truncated) throw tooLarge(this.deps.maxBytes);
        if (f.size === 0) throw new DomainError(400, 'empty_file', 'The file is empty.');
      },
    });
    const type = sniffer.type as ExhibitMediaType;
    let stampedKey: string | undefined;
    try {
      // The number is held (under the side's lock) while the copy carrying it is stamped.
      const row = await db.transaction().execute(async (trx) => {
        const number = await repo.nextNumber(trx, v.hearing.id, side);
        const label = `${PREFIX[side]}-${number}`;
        const stamped = await this.stamp(originalKey, type, v.hearing, label, 'marked');
        stampedKey = `exhibits/${v.hearing.id}/${id}/stamped-marked.pdf`;
        const stampedFile = await storage.put(stampedKey, Readable.from([stamped.pdf]));
        const e = await repo.insertExhibit(trx, {
          id,
          hearing_id: v.hearing.id,
          side,
          number,
          label,
          title,
          file_name: fileName,
          media_type: type,
          size_bytes: original.size,
          sha256: original.sha256,
          storage_key: originalKey,
          stamped_key: stampedKey!,
          stamped_sha256: stampedFile.sha256,
          stamped_size_bytes: stampedFile.size,
          pages: stamped.pages,
          status: 'marked',
          submitted_by_user_id: v.kind === 'staff' ? v.user.id : null,
          submitted_by_participant_id: v.kind === 'participant' ? v.participant.id : null,
          submitted_by_name: v.kind === 'staff' ? v.user.name : v.participant.display_name,
          marked_at: this.deps.now(),
        });
        await audit.append(trx, {
          stream: v.hearing.id,
          actor: actorOf(v),
          action: 'exhibit.marked',
          payload: {
            exhibitId: e.id,
            label,
            title,
            side,
            mediaType: type,
            sizeBytes: original.size,
            sha256: original.sha256,
            stampedSha256: stampedFile.sha256,
            pages: stamped.pages,
          },
        });
        await this.deps.hub.publish(trx, {
          stream: v.hearing.id,
          kind: 'exhibit.marked',
          audience: await this.audience(trx, v.hearing.id, e),
          payload: { exhibit: exhibitView(e) },
        });
        return e;
      });
      return exhibitView(row);
    } catch (err) {
      await storage.remove(originalKey);
      if (stampedKey) await storage.remove(stampedKey);
      throw err;
    }
  }

  /** The judge admits or rejects a marked exhibit; the stamped copy is made again with the ruling. */
  async rule(v: ExhibitViewer, exhibitId: string, ruling: 'admitted' | 'rejected'): Promise<ExhibitView> {
    const { db, storage } = this.deps;
    if (v.kind !== 'staff' || v.bench !== 'judge') throw forbidden('Only the judge of this hearing rules on exhibits.');
    if (ENDED.has(v.hearing.state)) throw hearingEnded();
    const e = await this.visible(v, exhibitId);
    if (e.status !== 'marked') throw alreadyRuled(e);
    const stamped = await this.stamp(e.storage_key, e.media_type, v.hearing, e.label, ruling);
    const stampedKey = `exhibits/${v.hearing.id}/${e.id}/stamped-${ruling}.pdf`;
    const file = await storage.put(stampedKey, Readable.from([stamped.pdf]));
    try {
      const row = await db.transaction().execute(async (trx) => {
        const locked = await repo.findExhibitForUpdate(trx, v.hearing.id, e.id);
        if (!locked || locked.status !== 'marked') throw alreadyRuled(locked ?? e);
        const updated = await repo.updateExhibit(trx, e.id, {
          status: ruling,
          stamped_key: stampedKey,
          stamped_sha256: file.sha256,
          stamped_size_bytes: file.size,
          ruled_by: v.user.id,
          ruled_at: this.deps.now(),
        });
        await audit.append(trx, {
          stream: v.hearing.id,
          actor: actorOf(v),
          action: `exhibit.${ruling}`,
          payload: { exhibitId: e.id, label: e.label, stampedSha256: file.sha256 },
        });
        await this.deps.hub.publish(trx, {
          stream: v.hearing.id,
          kind: 'exhibit.ruled',
          audience: await this.audience(trx, v.hearing.id, updated),
          payload: { exhibit: exhibitView(updated) },
        });
        return updated;
      });
      // The copy stamped "marked" is superseded; the original is kept untouched.
      if (e.stamped_key !== stampedKey) await storage.remove(e.stamped_key);
      return exhibitView(row);
    } catch (err) {
      await storage.remove(stampedKey);
      throw err;
    }
  }

  /** Shows an exhibit at a page to everyone who may see it (the judge, or the party or agent who submitted it). */
  async present(v: ExhibitViewer, exhibitId: string, page: number) {
    const { db } = this.deps;
    const e = await this.visible(v, exhibitId);
    const isJudge = v.kind === 'staff' && v.bench === 'judge';
    const isSubmitter = v.kind === 'participant' && e.submitted_by_participant_id === v.participant.id;
    if (!isJudge && !isSubmitter) throw forbidden('Only the judge or whoever submitted this exhibit may present it.');
    if (v.kind === 'participant' && v.participant.presence !== 'admitted') {
      throw forbidden('Only a participant admitted to the hearing room may present.');
    }
    if (!LIVE_STATES.has(v.hearing.state)) {
      throw new DomainError(409, 'not_in_session', 'Exhibits are presented while the hearing is open.');
    }
    if (e.status === 'rejected' && !isJudge) throw new DomainError(409, 'rejected', 'The court rejected this exhibit.');
    if (page > e.pages) throw new DomainError(400, 'page_out_of_range', `${e.label} has ${e.pages} page(s).`);
    await db.transaction().execute(async (trx) => {
      const before = await repo.currentPresentation(trx, v.hearing.id);
      await repo.setPresentation(trx, v.hearing.id, e.id, page);
      // Page turns are pushed, not audited; what was put on screen, and by whom, is.
      if (before?.exhibit_id !== e.id) {
        await audit.append(trx, {
          stream: v.hearing.id,
          actor: actorOf(v),
          action: 'exhibit.presented',
          payload: { exhibitId: e.id, label: e.label, page },
        });
      }
      const audience = await this.audience(trx, v.hearing.id, e);
      await this.deps.hub.publish(trx, {
        stream: v.hearing.id,
        kind: 'exhibit.presented',
        audience,
        payload: { exhibitId: e.id, page, label: e.label, title: e.title, pages: e.pages },
      });
      // Whoever may not see this exhibit stops seeing the previous one.
      if (before && audience.to === 'participants') {
        const others = (await lobbyRepo.listLiveParticipants(trx, v.hearing.id))
          .map((p) => p.id)
          .filter((id) => !audience.ids.includes(id));
        if (others.length > 0) {
          await this.deps.hub.publish(trx, {
            stream: v.hearing.id,
            kind: 'exhibit.presentation_ended',
            audience: { to: 'participants', ids: others },
            payload: {},
          });
        }
      }
    });
    return { presentation: { exhibitId: e.id, page } };
  }

  /** Takes the exhibit off everyone's screen (the judge, or whoever presents their own exhibit). */
  async endPresentation(v: ExhibitViewer) {
    const { db } = this.deps;
    await db.transaction().execute(async (trx) => {
      const current = await repo.currentPresentation(trx, v.hearing.id);
      if (!current) return;
      const e = await repo.findExhibit(trx, v.hearing.id, current.exhibit_id);
      const isJudge = v.kind === 'staff' && v.bench === 'judge';
      const isSubmitter = v.kind === 'participant' && e?.submitted_by_participant_id === v.participant.id;
      if (!isJudge && !isSubmitter) throw forbidden('Only the judge or the presenter may end the presentation.');
      await repo.endPresentation(trx, v.hearing.id);
      await audit.append(trx, {
        stream: v.hearing.id,
        actor: actorOf(v),
        action: 'exhibit.presentation_ended',
        payload: { exhibitId: current.exhibit_id },
      });
      await this.deps.hub.publish(trx, { stream: v.hearing.id, kind: 'exhibit.presentation_ended', payload: {} });
    });
    return { presentation: null };
  }

  /** Who may see an event about `e`: everyone once admitted, otherwise the staff and the participants allowed. */
  private async audience(
    db: Kysely<Database> | Transaction<Database>,
    hearingId: string,
    e: Pick<ExhibitRow, 'side' | 'status'>,
  ): Promise<Audience> {
    if (e.status === 'admitted') return { to: 'all' };
    const all = await lobbyRepo.listLiveParticipants(db, hearingId);
    const ids = all.filter((p) => canSee({ kind: 'participant', side: sideOf(p, all) }, e)).map((p) => p.id);
    return { to: 'participants', ids };
  }

  private async stamp(key: string, type: ExhibitMediaType, h: HearingRow, label: string, status: ExhibitStatus) {
    const bytes = await readAll(this.deps.storage.open(key));
    const date = new Intl.DateTimeFormat('en-CA', {
      timeZone: h.court_timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(this.deps.now());
    // The worker answers a file pdf-lib cannot handle with a 400; anything else is ours (500).
    return stampInWorker(bytes, type, {
      court: h.court_name,
      caseNumber: h.case_number,
      label,
      status: status.toUpperCase(),
      date,
    });
  }
}

function actorOf(v: ExhibitViewer): Actor {
  return v.kind === 'staff' ? { type: 'user', id: v.user.id } : { type: 'participant', id: v.participant.id };
}

const alreadyRuled = (e: Pick<ExhibitRow, 'label' | 'status'>) =>
  new DomainError(409, 'already_ruled', `${e.label} is already ${e.status}.`);

export const tooLarge = (max: number) =>
  new DomainError(
    413,
    'payload_too_large',
    `The file is larger than ${Math.floor(max / (1024 * 1024)) || max} ${max >= 1024 * 1024 ? 'MB' : 'bytes'}, the most an exhibit may be.`,
  );

/** Only for stamping, which pdf-lib does in memory; uploads themselves are never buffered. */
async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  // Its own ArrayBuffer (never Buffer's shared pool), as it is handed over to the stamp worker.
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A download name without path separators, quotes or control characters. */
function safeName(name: string): string {
  return name.replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 120) || 'exhibit';
}
