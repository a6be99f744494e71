import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { courtDate } from '../domain/court-time.ts';
import * as recordLog from '../record-log/log.service.ts';
import type { RecordLog } from '../record-log/log.service.ts';
import * as audit from '../audit/audit.service.ts';
import { claim } from '../audit/record-contents.ts';
import { DomainError, forbidden, notFound } from '../platform/http/errors.ts';
import type { HearingRow } from '../scheduling/hearings.service.ts';
import { actorOf, allows, authorize, benchOf, type HearingCaller } from '../courtroom/hearing-caller.ts';
import { exhibitVisible, isEnded, type Topic } from '../domain/hearing/index.ts';
import type { RealtimeHub } from '../platform/realtime/realtime.hub.ts';
import type { Storage } from '../platform/storage/storage.ts';
import { TypeSniffer, type ExhibitMediaType } from './file-type.ts';
import * as repo from './exhibits.repository.ts';
import type { ExhibitRow } from './exhibits.repository.ts';
import type { ExhibitView } from './exhibits.schema.ts';
import type { ExhibitSide, ExhibitStatus } from './exhibits.table.ts';
import type { StampPool } from './stamp-thread.ts';

/** The record export lists every exhibit of the hearing, whoever may see it. */
export { listExhibits } from './exhibits.repository.ts';

/** Whoever looks at a hearing's exhibits, as the hearing policy sees them. */
export type ExhibitViewer = HearingCaller;

const PREFIX: Record<ExhibitSide, string> = { plaintiff: 'P', defendant: 'D', court: 'C' };

/** The one visibility rule (the hearing policy's), used for lists, files and realtime topics alike. */
export function canSee(v: HearingCaller, e: Pick<ExhibitRow, 'side' | 'status'>): boolean {
  return allows(v, 'exhibits.read') && exhibitVisible({ caller: v.class, side: v.side }, e);
}

const topicOf = (e: Pick<ExhibitRow, 'side' | 'status'>, extra: Partial<Extract<Topic, { data: 'exhibit' }>> = {}) =>
  ({ data: 'exhibit', side: e.side, status: e.status, ...extra }) as const;

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
  /** Where exhibits are stamped: in worker threads, bounded in pages, time, memory and number at once. */
  stamps: StampPool;
  now: () => Date;
  /** The record log every original and stamped copy is appended to. */
  log?: RecordLog;
}

export class ExhibitService {
  private readonly deps: ExhibitDeps;

  constructor(deps: ExhibitDeps) {
    this.deps = deps;
  }

  /** Whoever asks about the hearing's exhibits, if the hearing policy lets them read them. */
  viewer(c: HearingCaller): ExhibitViewer {
    authorize(c, 'exhibits.read');
    return c;
  }

  /** The side the caller's exhibits are numbered on, or null when they may not submit. */
  submitSide(v: ExhibitViewer, asked?: string): ExhibitSide | null {
    if (!allows(v, 'exhibits.submit')) return null;
    if (v.participant) return v.side;
    // The clerk marks the court's exhibits, or one a party handed in, on that party's side.
    return asked === 'plaintiff' || asked === 'defendant' ? asked : 'court';
  }

  async list(v: ExhibitViewer) {
    const { db } = this.deps;
    const rows = await repo.listExhibits(db, v.hearing.id);
    const visible = rows.filter((e) => canSee(v, e));
    // What is on the screen is the room's.
    const shown = allows(v, 'room.see') ? await repo.currentPresentation(db, v.hearing.id) : undefined;
    const presentation = shown && visible.some((e) => e.id === shown.exhibit_id) ? shown : undefined;
    const side = this.submitSide(v);
    return {
      exhibits: visible.map(exhibitView),
      presentation: presentation ? { exhibitId: presentation.exhibit_id, page: presentation.page } : null,
      you: {
        canSubmit: side !== null,
        canRule: allows(v, 'exhibits.rule'),
        side,
        participantId: v.participant?.id ?? null,
      },
      maxBytes: this.deps.maxBytes,
      maxPages: this.deps.stamps.limits.maxPages,
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
   * bytes, its size capped), stamps a copy in a bounded worker, then records it with its label in one
   * short transaction. Whatever is refused leaves nothing: no row, no file, no event, no number.
   */
  async submit(v: ExhibitViewer, upload: Upload): Promise<ExhibitView> {
    const { db, storage } = this.deps;
    const drainAnd = (err: DomainError) => {
      upload.file.resume();
      return err;
    };
    try {
      authorize(v, 'exhibits.submit');
    } catch (err) {
      throw drainAnd(err as DomainError);
    }
    const side = this.submitSide(v, upload.fields.side)!;
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
    const stampedKey = `exhibits/${v.hearing.id}/${id}/stamped-marked.pdf`;
    try {
      for (let attempt = 1; ; attempt++) {
        // Stamped before the transaction, with the number the side would take next: a large file holds
        // no lock and no connection while it is drawn on. Should another exhibit take that number
        // meanwhile, it is stamped again with the next one.
        const number = await repo.peekNextNumber(db, v.hearing.id, side);
        const label = `${PREFIX[side]}-${number}`;
        const stamped = await this.stamp(originalKey, type, v.hearing, label, 'marked');
        const stampedFile = await storage.put(stampedKey, Readable.from([stamped.pdf]));
        const row = await db.transaction().execute(async (trx) => {
          if ((await repo.nextNumber(trx, v.hearing.id, side)) !== number) return null;
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
            stamped_key: stampedKey,
            stamped_sha256: stampedFile.sha256,
            stamped_size_bytes: stampedFile.size,
            pages: stamped.pages,
            status: 'marked',
            submitted_by_user_id: v.user?.id ?? null,
            submitted_by_participant_id: v.participant?.id ?? null,
            submitted_by_name: v.user ? v.user.name : v.participant!.display_name,
            marked_at: this.deps.now(),
          });
          if (this.deps.log) {
            const at = e.marked_at;
            const ref = `exhibit:${e.id}`;
            const hearingId = v.hearing.id;
            await recordLog.append(trx, this.deps.log, {
              kind: 'exhibit.original',
              sha256: original.sha256,
              ref,
              hearingId,
              at,
            });
            await recordLog.append(trx, this.deps.log, {
              kind: 'exhibit.stamped',
              sha256: stampedFile.sha256,
              ref,
              hearingId,
              at,
            });
          }
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
              contents: [claim('exhibit', e)],
            },
          });
          await this.deps.hub.publish(trx, {
            stream: v.hearing.id,
            kind: 'exhibit.marked',
            topic: topicOf(e),
            payload: { exhibit: exhibitView(e) },
          });
          return e;
        });
        if (row) return exhibitView(row);
        if (attempt === NUMBERING_ATTEMPTS) throw numberingBusy();
      }
    } catch (err) {
      await storage.remove(originalKey);
      // Removing a key never written is a no-op.
      await storage.remove(stampedKey);
      throw err;
    }
  }

  /** The judge admits or rejects a marked exhibit; the stamped copy is made again with the ruling. */
  async rule(v: ExhibitViewer, exhibitId: string, ruling: 'admitted' | 'rejected'): Promise<ExhibitView> {
    const { db, storage } = this.deps;
    authorize(v, 'exhibits.rule');
    if (isEnded(v.hearing.state)) throw hearingEnded();
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
          ruled_by: v.user!.id,
          ruled_at: this.deps.now(),
        });
        if (this.deps.log)
          await recordLog.append(trx, this.deps.log, {
            kind: 'exhibit.stamped',
            sha256: file.sha256,
            ref: `exhibit:${e.id}`,
            hearingId: v.hearing.id,
            at: updated.ruled_at ?? this.deps.now(),
          });
        await audit.append(trx, {
          stream: v.hearing.id,
          actor: actorOf(v),
          action: `exhibit.${ruling}`,
          payload: {
            exhibitId: e.id,
            label: e.label,
            stampedSha256: file.sha256,
            contents: [claim('exhibit', updated)],
          },
        });
        await this.deps.hub.publish(trx, {
          stream: v.hearing.id,
          kind: 'exhibit.ruled',
          topic: topicOf(updated),
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
    authorize(v, 'exhibits.present');
    const isJudge = benchOf(v) === 'judge';
    const isSubmitter = !!v.participant && e.submitted_by_participant_id === v.participant.id;
    if (!isJudge && !isSubmitter) throw forbidden('Only the judge or whoever submitted this exhibit may present it.');
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
      await this.deps.hub.publish(trx, {
        stream: v.hearing.id,
        kind: 'exhibit.presented',
        topic: topicOf(e, { onScreen: true }),
        payload: { exhibitId: e.id, page, label: e.label, title: e.title, pages: e.pages },
      });
      // Whoever may not see this exhibit stops seeing the previous one.
      if (before && e.status !== 'admitted') {
        await this.deps.hub.publish(trx, {
          stream: v.hearing.id,
          kind: 'exhibit.presentation_ended',
          topic: topicOf(e, { onScreen: true, to: 'not_seeing' }),
          payload: {},
        });
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
      const isJudge = benchOf(v) === 'judge';
      const isSubmitter = !!v.participant && e?.submitted_by_participant_id === v.participant.id;
      if (!isJudge && !isSubmitter) throw forbidden('Only the judge or the presenter may end the presentation.');
      await repo.endPresentation(trx, v.hearing.id);
      await audit.append(trx, {
        stream: v.hearing.id,
        actor: actorOf(v),
        action: 'exhibit.presentation_ended',
        payload: { exhibitId: current.exhibit_id },
      });
      await this.deps.hub.publish(trx, {
        stream: v.hearing.id,
        kind: 'exhibit.presentation_ended',
        topic: { data: 'room' },
        payload: {},
      });
    });
    return { presentation: null };
  }

  private async stamp(key: string, type: ExhibitMediaType, h: HearingRow, label: string, status: ExhibitStatus) {
    const bytes = await readAll(this.deps.storage.open(key));
    const date = courtDate(this.deps.now(), h.court_timezone);
    // The pool answers a file pdf-lib cannot handle with a 400 and one over a limit with a 413, 422 or
    // 503; anything else is ours (500).
    return this.deps.stamps.stamp(bytes, type, {
      court: h.court_name,
      caseNumber: h.case_number,
      label,
      status: status.toUpperCase(),
      date,
    });
  }
}

/** How often an upload is stamped again when others keep taking the number it was stamped with. */
const NUMBERING_ATTEMPTS = 3;

const numberingBusy = () =>
  new DomainError(
    503,
    'stamping_busy',
    'Other exhibits on this side were numbered at the same moment. Submit this one again; nothing was kept.',
    { 'retry-after': '1' },
  );

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
