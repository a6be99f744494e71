import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { courtClock, courtDate, zoneName } from '../domain/court-time.ts';
import * as audit from '../audit/audit.service.ts';
import { canonicalJson } from '../audit/audit.hash.ts';
import { claim, type ContentClaim } from '../audit/record-contents.ts';
import { GENESIS_HASH } from '../audit/audit.hash.ts';
import { DomainError, notFound } from '../platform/http/errors.ts';
import { findHearing, type HearingRow } from '../scheduling/hearings.service.ts';
import {
  authorize,
  authorizeParticipant,
  authorizeStaff,
  resolveHearingCaller,
  type HearingCaller,
  type Identity,
  type StaffCaller,
} from '../courtroom/hearing-caller.ts';
import type { Action } from '../domain/hearing/index.ts';
import type { RealtimeHub } from '../platform/realtime/realtime.hub.ts';
import type { TranscriptDocument } from './pdf.ts';
import { renderInWorker } from './render.ts';
import type { PdfSigningKey } from './pades.ts';
import * as recordLog from '../record-log/log.service.ts';
import { sameName } from '../domain/invitation/names.ts';
import type { RecordLog } from '../record-log/log.service.ts';
import * as repo from './transcript.repository.ts';
import type { TranscriptSource } from './transcript.table.ts';
import { UNPRINTABLE } from '../platform/pdf/text.ts';

export interface TranscriptDeps {
  db: Kysely<Database>;
  hub: RealtimeHub;
  now: () => Date;
  publicOrigin: string;
  render?: typeof renderInWorker;
  /** The court's key: every sealed PDF is signed with it. */
  signing?: PdfSigningKey;
  /** The record log every sealed PDF is appended to. */
  log?: RecordLog;
}

type Bench = StaffCaller;

export const invalidText = (field: string) =>
  new DomainError(
    400,
    'invalid_text',
    `The ${field} contains a null byte or a control character that cannot be printed.`,
  );
/** NUL and other control characters (tab and line breaks aside) cannot go into the record or the PDF. */
function printable(field: string, value: string): string {
  if (UNPRINTABLE.test(value)) throw invalidText(field);
  return value;
}

/** A time the database can store: ajv's date-time format lets through what Date cannot read (a leap second). */
function instant(field: string, value: string | Date): Date {
  const at = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(at.getTime()) || Math.abs(at.getUTCFullYear() - 2000) > 1000)
    throw new DomainError(400, 'invalid_time', `The ${field} is not a time Gavel can record.`);
  return at;
}

/** What a match vouches for, and what it does not: said in every answer, so no one reads more into it. */
const VOUCHES_FOR =
  'This hash belongs to a sealed transcript of this court. It says nothing about a paper or other copy unless that copy’s contents match what is listed here: court, case number and caption, version, page count, the time it was sealed, and its first page.';
const NO_MATCH =
  'No sealed transcript of this court has this hash. A document carrying it is not vouched for by this court.';

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

export function entryView(e: repo.EntryRow) {
  return {
    id: e.id,
    seq: e.seq,
    speaker: e.speaker,
    speakerParticipantId: e.speaker_participant_id,
    spokenAt: e.spoken_at.toISOString(),
    text: e.text,
    source: e.source,
    author: e.author_id ? { id: e.author_id, name: e.author_name ?? '' } : null,
    corrected: Number(e.corrections ?? 0) > 0,
  };
}

/** The hearing's latest entries, as the realtime snapshot shows them. */
export async function recentEntries(db: Kysely<Database>, hearingId: string, limit: number) {
  return (await repo.latestEntries(db, hearingId, limit)).map((e) => entryView(e));
}

/** What the record export reads of the sealed versions: each seal, its PDF and its review by the parties. */
export { findSealPdf, listSeals, signaturesOfHearing } from './transcript.repository.ts';

function sealView(s: repo.SealRow, all: repo.SealRow[]) {
  return {
    id: s.id,
    version: s.version,
    sha256: s.sha256,
    pdfSha256: s.pdf_sha256,
    pages: s.pages,
    sealedAt: s.sealed_at.toISOString(),
    sealedBy: { id: s.sealed_by_id, name: s.sealed_by_name },
    supersedes: s.supersedes_id,
    supersededBy: all.find((x) => x.supersedes_id === s.id)?.id ?? null,
  };
}

/**
 * The record of a hearing: the clerk's live entries, Gavel's procedural notes, corrections that
 * keep the earlier text, sealed versions rendered to PDF, and the parties' review of each seal.
 */
export class TranscriptService {
  private readonly d: TranscriptDeps;
  constructor(deps: TranscriptDeps) {
    this.d = deps;
  }

  /** Whoever asks about the hearing's record, if the hearing policy lets them read it (staff see each correction's earlier text). */
  reader(c: HearingCaller): HearingCaller {
    authorize(c, 'record.read');
    return c;
  }

  /** The judge or the clerk of the hearing, keeping its record. */
  bench(c: HearingCaller, action: Action = 'record.keep'): Bench {
    return authorizeStaff(c, action);
  }

  async transcript(r: HearingCaller) {
    const h = r.hearing;
    const [entries, seals] = await Promise.all([repo.listEntries(this.d.db, h.id), repo.listSeals(this.d.db, h.id)]);
    const views = entries.map((e) => entryView(e));
    if (r.user) {
      const byEntry = new Map<string, ReturnType<typeof correctionView>[]>();
      for (const c of await repo.correctionsOfHearing(this.d.db, h.id)) {
        byEntry.set(c.entry_id, [...(byEntry.get(c.entry_id) ?? []), correctionView(c)]);
      }
      return {
        entries: views.map((v) => ({ ...v, history: byEntry.get(v.id) ?? [] })),
        draftOf: seals.at(-1)?.id ?? null,
        seals: seals.map((s) => sealView(s, seals)),
      };
    }
    return { entries: views, draftOf: seals.at(-1)?.id ?? null, seals: seals.map((s) => sealView(s, seals)) };
  }

  private writable(h: HearingRow) {
    if (h.state === 'cancelled') throw new DomainError(409, 'hearing_cancelled', 'The hearing was cancelled.');
  }

  private async speakerOf(hearingId: string, id: string | undefined): Promise<string | null> {
    if (!id) return null;
    const p = await repo.participantName(this.d.db, hearingId, id);
    if (!p) throw new DomainError(400, 'unknown_speaker', 'The speaker is not a participant of this hearing.');
    return p.id;
  }

  async addEntry(b: Bench, body: { speaker: string; speakerParticipantId?: string; spokenAt?: string; text: string }) {
    this.writable(b.hearing);
    const text = printable('text', body.text);
    const speaker = printable('speaker', body.speaker).trim();
    const speakerId = await this.speakerOf(b.hearing.id, body.speakerParticipantId);
    const [entry] = await this.insert(
      b,
      [{ speaker, speakerId, at: body.spokenAt ? instant('time spoken', body.spokenAt) : this.d.now(), text }],
      'clerk',
    );
    return { entry: entry! };
  }

  async import(
    b: Bench,
    segments: Array<{ speaker: string; start: number | string; text: string }>,
    opts: { source?: 'captions' | 'import'; origin?: string },
  ) {
    this.writable(b.hearing);
    const origin = opts.origin ? instant('origin', opts.origin) : b.hearing.scheduled_start;
    const rows = segments.map((s, i) => ({
      speaker: printable(`speaker of segment ${i + 1}`, s.speaker).trim(),
      speakerId: null,
      at: instant(
        `start of segment ${i + 1}`,
        typeof s.start === 'number' ? new Date(origin.getTime() + Math.round(s.start * 1000)) : s.start,
      ),
      text: printable(`text of segment ${i + 1}`, s.text),
    }));
    const entries = await this.insert(b, rows, opts.source ?? 'import');
    return { imported: entries.length, entries };
  }

  private async insert(
    b: Bench,
    rows: Array<{ speaker: string; speakerId: string | null; at: Date; text: string }>,
    source: Exclude<TranscriptSource, 'procedural'>,
  ) {
    const h = b.hearing;
    return this.d.db.transaction().execute(async (trx) => {
      const inserted = await repo.insertNumbered(
        trx,
        h.id,
        rows.map((r) => ({
          speaker: r.speaker,
          speaker_participant_id: r.speakerId,
          spoken_at: r.at,
          text: r.text,
          source,
          author_id: b.user.id,
        })),
      );
      const ids = inserted.map((row) => row.id);
      const contents: ContentClaim[] = inserted.map((row) => claim('entry', row));
      await audit.append(trx, {
        stream: h.id,
        actor: { type: 'user', id: b.user.id },
        action: source === 'clerk' ? 'transcript.entry_added' : 'transcript.imported',
        payload: { entries: ids, source, count: ids.length, contents },
      });
      // New rows: their text is the text written, by this author, uncorrected.
      const entries = inserted.map((row) => entryView({ ...row, author_name: b.user.name, corrections: '0' }));
      await this.d.hub.publishMany(
        trx,
        h.id,
        entries.map((entry) => ({ kind: 'transcript.entry', topic: { data: 'record' } as const, payload: { entry } })),
      );
      return entries;
    });
  }

  /** A correction keeps the earlier text; after a seal it changes the draft, never the sealed version. */
  async correct(b: Bench, entryId: string, body: { text: string; reason: string }) {
    this.writable(b.hearing);
    const text = printable('text', body.text);
    const reason = printable('reason', body.reason);
    const h = b.hearing;
    const entry = await this.d.db.transaction().execute(async (trx) => {
      const e = await repo.lockEntry(trx, h.id, entryId);
      if (!e) throw notFound('Entry');
      if (e.source === 'procedural')
        throw new DomainError(
          409,
          'procedural_note',
          'This is Gavel’s own note of what happened in the hearing; it cannot be corrected.',
        );
      if (e.text === text) throw new DomainError(400, 'unchanged', 'The corrected text is the same as the entry.');
      const at = this.d.now();
      const correction = await repo.insertCorrection(trx, {
        entry_id: e.id,
        previous_text: e.text,
        text,
        reason,
        corrected_by: b.user.id,
        corrected_at: at,
      });
      await audit.append(trx, {
        stream: h.id,
        actor: { type: 'user', id: b.user.id },
        action: 'transcript.entry_corrected',
        payload: {
          entryId: e.id,
          previousText: e.text,
          text,
          reason,
          contents: [claim('correction', correction)],
        },
      });
      const view = entryView((await repo.findEntry(trx, h.id, e.id))!);
      await this.d.hub.publish(trx, {
        stream: h.id,
        kind: 'transcript.corrected',
        topic: { data: 'record' },
        payload: { entry: view },
      });
      return view;
    });
    return { entry };
  }

  /**
   * Seals version N (the clerk, after adjournment). The hash covers a canonical serialisation of
   * the entries, the hearing header and the audit chain head; the stream stays locked while the
   * worker renders, so the seal's own audit event follows exactly that head.
   */
  async seal(b: Bench) {
    const h = b.hearing;
    if (h.state !== 'adjourned')
      throw new DomainError(409, 'not_adjourned', 'The record is sealed after the hearing is adjourned.');
    const render = this.d.render ?? renderInWorker;
    const seal = await this.d.db.transaction().execute(async (trx) => {
      await repo.lockSeals(trx, h.id);
      const head = await audit.lockHead(trx, h.id);
      const [entries, seals, people, rulings, consultations] = await Promise.all([
        repo.listEntries(trx, h.id),
        repo.listSeals(trx, h.id),
        repo.appearances(trx, h.id),
        repo.exhibitRulings(trx, h.id),
        repo.consultationsHeld(trx, h.id),
      ]);
      if (entries.length === 0) throw new DomainError(409, 'empty_record', 'There are no entries to seal.');
      const last = seals.at(-1);
      const recordEntries = entries.map((e) => ({
        seq: e.seq,
        speaker: e.speaker,
        speakerParticipantId: e.speaker_participant_id,
        spokenAt: e.spoken_at.toISOString(),
        text: e.text,
        source: e.source,
      }));
      if (last) {
        const prev = await trx
          .selectFrom('transcript_seals')
          .select('record')
          .where('id', '=', last.id)
          .executeTakeFirstOrThrow();
        const prevEntries = (prev.record as { entries: unknown }).entries;
        if (canonicalJson(prevEntries) === canonicalJson(recordEntries)) {
          throw new DomainError(409, 'nothing_to_seal', `Nothing changed since version ${last.version} was sealed.`);
        }
      }
      const version = (last?.version ?? 0) + 1;
      const sealedAt = this.d.now();
      const tz = h.court_timezone;
      // An interpreter appears with their language and the person they interpret for.
      const appearances = people.map((p) =>
        p.role === 'interpreter'
          ? { name: p.display_name, role: p.role, represents: p.interprets_for, language: p.language }
          : { name: p.display_name, role: p.role, represents: p.represents },
      );
      const exhibitRulings = rulings.map((r) => ({
        label: r.label,
        title: r.title,
        ruling: r.status === 'admitted' ? ('admitted' as const) : ('rejected' as const),
        at: r.ruled_at!.toISOString(),
      }));
      const consultationsHeld = consultations.map((c) => ({
        names: c.names,
        openedAt: c.openedAt.toISOString(),
        closedAt: c.closedAt?.toISOString() ?? null,
      }));
      const record = {
        format: 'gavel.transcript/1',
        hearing: {
          id: h.id,
          court: h.court_name,
          caseNumber: h.case_number,
          caseCaption: h.case_caption,
          title: h.title,
          scheduledStart: h.scheduled_start.toISOString(),
          judge: h.judge_name,
          clerk: h.clerk_name,
          appearances,
          exhibitRulings,
          consultations: consultationsHeld,
        },
        version,
        supersedes: last?.sha256 ?? null,
        sealedBy: { id: b.user.id, name: b.user.name },
        sealedAt: sealedAt.toISOString(),
        entries: recordEntries,
        auditHead: { seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS_HASH },
      };
      const canonical = canonicalJson(record);
      const hash = sha256(canonical);
      const doc: TranscriptDocument = {
        locale: h.court_locale,
        court: h.court_name,
        caseNumber: h.case_number,
        caseCaption: h.case_caption,
        hearingTitle: h.title,
        hearingDate: courtDate(h.scheduled_start, tz),
        timeZone: zoneName(tz, h.scheduled_start, h.court_locale),
        judge: h.judge_name,
        clerk: h.clerk_name,
        appearances,
        exhibitRulings: exhibitRulings.map((r) => ({ ...r, time: courtClock(new Date(r.at), tz) })),
        consultations: consultationsHeld.map((c) => ({
          names: c.names,
          from: courtClock(new Date(c.openedAt), tz),
          to: c.closedAt ? courtClock(new Date(c.closedAt), tz) : null,
        })),
        entries: entries.map((e) => ({
          seq: e.seq,
          speaker: e.speaker,
          time: courtClock(e.spoken_at, tz, { seconds: true }),
          text: e.text,
          procedural: e.source === 'procedural',
        })),
        seal: {
          sha256: hash,
          version,
          supersedesVersion: last?.version ?? null,
          sealedBy: b.user.name,
          sealedAt: `${courtDate(sealedAt, tz)} ${courtClock(sealedAt, tz)} (${tz})`,
          sealedAtIso: sealedAt.toISOString(),
          verifyUrl: `${this.d.publicOrigin}/verify/${hash}`,
        },
      };
      const rendered = await render(doc, this.d.signing);
      const pdfSha256 = sha256(rendered.pdf);
      const sealRow = {
        hearing_id: h.id,
        version,
        supersedes_id: last?.id ?? null,
        sha256: hash,
        pdf_sha256: pdfSha256,
        audit_seq: record.auditHead.seq,
        audit_head: record.auditHead.hash,
        pages: rendered.pages,
        sealed_by: b.user.id,
        sealed_at: sealedAt,
      };
      const { id } = await repo.insertSeal(trx, {
        ...sealRow,
        pdf: Buffer.from(rendered.pdf),
        record: canonical,
        first_page_png: rendered.firstPagePng ? Buffer.from(rendered.firstPagePng) : null,
      });
      if (this.d.log)
        await recordLog.append(trx, this.d.log, {
          kind: 'transcript.pdf',
          sha256: pdfSha256,
          ref: `transcript_seal:${id}`,
          hearingId: h.id,
          at: sealedAt,
        });
      await audit.append(trx, {
        stream: h.id,
        actor: { type: 'user', id: b.user.id },
        action: 'transcript.sealed',
        payload: {
          sealId: id,
          version,
          sha256: hash,
          pdfSha256,
          supersedes: last?.id ?? null,
          pages: rendered.pages,
          contents: [claim('seal', { id, ...sealRow })],
        },
      });
      const all = await repo.listSeals(trx, h.id);
      const view = sealView(
        all.find((s) => s.id === id)!,
        all,
      );
      await this.d.hub.publish(trx, {
        stream: h.id,
        kind: 'transcript.sealed',
        topic: { data: 'record' },
        payload: { seal: view },
      });
      return view;
    });
    return { seal };
  }

  /** The seal and whoever asks about it, if they may `action`; anyone who may not see it is told it does not exist. */
  async sealFor(who: Identity, sealId: string, action: Action = 'record.read') {
    const s = await repo.findSealMeta(this.d.db, sealId);
    if (!s) throw notFound('Sealed transcript');
    try {
      const reader = await resolveHearingCaller(this.d.db, who, s.hearing_id);
      authorize(reader, action);
      return { seal: s, reader };
    } catch (err) {
      if (err instanceof DomainError && err.status === 404) throw notFound('Sealed transcript');
      throw err;
    }
  }

  async pdf(sealId: string) {
    const row = await repo.findSealPdf(this.d.db, sealId);
    if (!row) throw notFound('Sealed transcript');
    return row;
  }

  /** A party or agent signs that they reviewed this seal, or objects to it; both are audit events bound to its hash. */
  async review(
    who: Identity,
    sealId: string,
    input: { kind: 'signature'; fullName: string } | { kind: 'objection'; text: string },
  ) {
    const { seal, reader } = await this.sealFor(who, sealId, 'record.review');
    const p = authorizeParticipant(reader, 'record.review').participant;
    const fullName = input.kind === 'signature' ? printable('full name', input.fullName).trim() : null;
    // A signature is the invited person's: the typed name must be the name the court invited.
    if (fullName !== null && !sameName(fullName, p.display_name)) {
      throw new DomainError(422, 'name_mismatch', `Type your full name as the court invited you: ${p.display_name}.`);
    }
    const text = input.kind === 'objection' ? printable('objection', input.text) : null;
    const signature = await this.d.db.transaction().execute(async (trx) => {
      await repo.lockSeals(trx, seal.hearing_id);
      const seals = await repo.listSeals(trx, seal.hearing_id);
      if (seals.some((s) => s.supersedes_id === seal.id)) {
        throw new DomainError(409, 'superseded', 'A later version supersedes this one: review the latest version.');
      }
      if (input.kind === 'signature' && (await repo.findSignature(trx, seal.id, p.id))) {
        throw new DomainError(409, 'already_signed', 'You have already signed this version.');
      }
      const at = this.d.now();
      // The event comes first (the signature keeps its hash), so it vouches for the row about to be written.
      const row = {
        id: randomUUID(),
        seal_id: seal.id,
        participant_id: p.id,
        kind: input.kind,
        full_name: fullName,
        text,
        created_at: at,
      };
      const event = await audit.append(trx, {
        stream: seal.hearing_id,
        actor: { type: 'participant', id: p.id },
        action: input.kind === 'signature' ? 'transcript.signed' : 'transcript.objected',
        payload: {
          sealId: seal.id,
          version: seal.version,
          sha256: seal.sha256,
          fullName,
          text,
          contents: [claim('signature', row)],
        },
      });
      const { id } = await repo.insertSignature(trx, { ...row, audit_hash: event.hash });
      const view = {
        id,
        sealId: seal.id,
        version: seal.version,
        sha256: seal.sha256,
        kind: input.kind,
        fullName,
        text,
        at: at.toISOString(),
        participant: { id: p.id, name: p.display_name, role: p.role },
      };
      await this.d.hub.publish(trx, {
        stream: seal.hearing_id,
        kind: 'transcript.reviewed',
        topic: { data: 'record' },
        payload: { signature: view },
      });
      return view;
    });
    return { signature };
  }

  async signatures(r: HearingCaller) {
    const rows = await repo.signaturesOfHearing(this.d.db, r.hearing.id);
    return {
      signatures: rows.map((g) => ({
        id: g.id,
        sealId: g.seal_id,
        version: g.version,
        sha256: g.sha256,
        kind: g.kind,
        fullName: g.full_name,
        text: g.text,
        at: g.created_at.toISOString(),
        participant: { id: g.participant_id, name: g.display_name, role: g.role },
      })),
    };
  }

  /** The first page of a sealed PDF as drawn at sealing, by the PDF's or the seal's SHA-256; null when none. */
  async firstPage(hash: string): Promise<Buffer | null> {
    const h = hash.toLowerCase();
    const row = await this.d.db
      .selectFrom('transcript_seals')
      .select('first_page_png')
      .where((eb) => eb.or([eb('pdf_sha256', '=', h), eb('sha256', '=', h)]))
      .executeTakeFirst();
    return row?.first_page_png ?? null;
  }

  /** Matches the PDF's own SHA-256 (or, from the QR code, the seal's); says no more than the PDF holds. */
  async verify(hash: string) {
    const h = hash.toLowerCase();
    const seal = await this.d.db
      .selectFrom('transcript_seals as s')
      .innerJoin('users as u', 'u.id', 's.sealed_by')
      .select([
        's.id',
        's.hearing_id',
        's.version',
        's.sha256',
        's.pdf_sha256',
        's.sealed_at',
        's.pages',
        'u.name as sealed_by',
        (eb) => eb('s.first_page_png', 'is not', null).as('has_first_page'),
      ])
      .where((eb) => eb.or([eb('s.pdf_sha256', '=', h), eb('s.sha256', '=', h)]))
      .executeTakeFirst();
    if (!seal) return { match: false as const, vouchesFor: NO_MATCH };
    const [hearing, seals, signatures] = await Promise.all([
      findHearing(this.d.db, seal.hearing_id),
      repo.listSeals(this.d.db, seal.hearing_id),
      repo.signaturesOfSeal(this.d.db, seal.id),
    ]);
    const next = seals.find((s) => s.supersedes_id === seal.id);
    const tz = hearing!.court_timezone;
    return {
      match: true as const,
      vouchesFor: VOUCHES_FOR,
      court: hearing!.court_name,
      timeZone: tz,
      case: { number: hearing!.case_number, caption: hearing!.case_caption },
      hearing: { title: hearing!.title, date: courtDate(hearing!.scheduled_start, hearing!.court_timezone) },
      version: seal.version,
      sha256: seal.sha256,
      pdfSha256: seal.pdf_sha256,
      sealedAt: seal.sealed_at.toISOString(),
      sealedAtCourtTime: `${courtDate(seal.sealed_at, tz)} ${courtClock(seal.sealed_at, tz)} (${tz})`,
      pages: seal.pages,
      firstPage: seal.has_first_page ? `/api/verify/${seal.pdf_sha256}/first-page.png` : null,
      sealedBy: seal.sealed_by,
      supersededBy: next ? { version: next.version, sha256: next.sha256 } : null,
      signatures: signatures.map((g) => ({
        name: g.kind === 'signature' ? (g.full_name ?? g.display_name) : g.display_name,
        role: g.role,
        at: g.created_at.toISOString(),
        kind: g.kind,
      })),
    };
  }
}

function correctionView(c: Awaited<ReturnType<typeof repo.correctionsOfHearing>>[number]) {
  return {
    previousText: c.previous_text,
    text: c.text,
    reason: c.reason,
    correctedAt: c.corrected_at.toISOString(),
    correctedBy: { id: c.by_id, name: c.by_name },
  };
}
