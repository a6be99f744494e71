import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import type { Kysely } from 'kysely';
import { ZipFile } from 'yazl';
import type { Database } from '../platform/db/schema.ts';
import type { SessionUser } from '../accounts/auth.service.ts';
import * as audit from '../audit/audit.service.ts';
import { docketPage, type DocketRow, type HearingRow } from '../scheduling/hearings.service.ts';
import { listExhibits } from '../exhibits/exhibits.service.ts';
import type { Storage } from '../platform/storage/storage.ts';
import { DomainError, notFound } from '../platform/http/errors.ts';
import { authorize, staffCaller } from '../courtroom/hearing-caller.ts';
import * as repo from './record.repository.ts';
import * as transcripts from '../record/transcript.service.ts';
import { csvLine } from './csv.ts';
import { courtDate } from '../domain/court-time.ts';
import { readmeText } from './readme.ts';
import * as recordLog from '../record-log/log.service.ts';
import type { RecordLog } from '../record-log/log.service.ts';
import { signDetached } from '../record/court-identity.ts';

/**
 * The bundle's file name a person can read: `Gavel-record-2026-CV-0012-2026-12-05.zip`, the case
 * number as written (Chinese too: the header carries it as UTF-8 `filename*`) and the hearing's court
 * date. Only what no file system accepts (separators, control characters, reserved marks) becomes "-".
 */
export function bundleFileName(caseNumber: string, date: string): string {
  const safeCase = caseNumber
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what no file name may hold
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|\s]+/gu, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return `Gavel-record-${safeCase || 'case'}-${date}.zip`;
}

export interface RecordDeps {
  db: Kysely<Database>;
  now: () => Date;
  /** Where Gavel can read a recording's file (RECORDING_LOCAL_DIR), or null when it cannot. */
  recordingPath: (location: string) => string | null;
  /** Puts a finished recording's file in the record log (once) and answers its SHA-256. */
  logRecording?: (recordingId: string) => Promise<string | null>;
  /** Where the exhibits and their stamped copies are kept. */
  storage: Storage;
  /** The court's key and record log: the manifest is signed and logged, with proofs for what is sealed. */
  log?: RecordLog;
}

export interface AuditQuery {
  action?: string | undefined;
  actor?: string | undefined;
  actorType?: string | undefined;
  after?: string | undefined;
  limit?: string | undefined;
}

/** One file of the bundle as manifest.json lists it. */
export interface BundleFile {
  path: string;
  sha256: string;
  size: number;
}

export interface RecordExport {
  filename: string;
  /** Sum of the sizes known before streaming (files, PDFs): the web's progress bar leans on it. */
  estimatedBytes: number;
  stream: Readable;
  /** Settles once the last byte is written: the manifest's files, or the error that cut the bundle short. */
  done: Promise<BundleFile[]>;
}

const MAX_AUDIT_PAGE = 500;
const EXTENSION = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' } as const;
const MAX_DOCKET_DAYS = 366;
/** Hearings read at a time for the docket's CSV. */
const EXPORT_PAGE = 2000;
const PAGE = 500;

/** The hearing's record: its audit trail for the bench, and the clerk's export bundle. */
export class RecordService {
  private readonly d: RecordDeps;
  constructor(deps: RecordDeps) {
    this.d = deps;
  }

  /** The judge or the clerk of the hearing, who may read its audit trail (the hearing policy's call). */
  async bench(user: SessionUser, hearingId: string): Promise<HearingRow> {
    const c = await staffCaller(this.d.db, user, hearingId);
    authorize(c, 'audit.read');
    return c.hearing;
  }

  /**
   * Who may export the record: the hearing's judge or clerk, who may read every part of it (the audit
   * trail holds private messages to the bench). An admin assigns a clerk to a hearing whose clerk is gone.
   */
  async exporter(user: SessionUser, hearingId: string): Promise<HearingRow> {
    const c = await staffCaller(this.d.db, user, hearingId);
    authorize(c, 'record.export');
    return c.hearing;
  }

  async auditTrail(h: HearingRow, q: AuditQuery) {
    const limit = Math.max(1, Math.min(q.limit ? Number(q.limit) : 100, MAX_AUDIT_PAGE));
    const rows = await repo.auditPage(this.d.db, h.id, {
      afterSeq: q.after ? Number(q.after) : 0,
      limit: limit + 1,
      action: q.action,
      actorId: q.actor,
      actorType: q.actorType,
    });
    const page = rows.slice(0, limit);
    const names = await repo.actorNames(
      this.d.db,
      page.flatMap((e) => (e.actor_id ? [e.actor_id] : [])),
    );
    const actions = await repo.distinctActions(this.d.db, h.id);
    return {
      events: page.map((e) => {
        const who = e.actor_id ? names.get(e.actor_id) : undefined;
        return {
          seq: e.seq,
          occurredAt: e.occurred_at.toISOString(),
          actor: { type: e.actor_type, id: e.actor_id, name: who?.name ?? null, role: who?.role ?? null },
          action: e.action,
          payload: (e.payload ?? {}) as Record<string, unknown>,
          prevHash: e.prev_hash,
          hash: e.hash,
        };
      }),
      next: rows.length > limit ? (page.at(-1)?.seq ?? null) : null,
      actions: actions.map((a) => a.action),
    };
  }

  async verify(h: HearingRow) {
    const r = await audit.verifyStream(this.d.db, h.id);
    return {
      ok: r.ok,
      events: r.events,
      firstBrokenSeq: r.firstBreak?.seq ?? null,
      reason: r.firstBreak?.reason ?? r.recordDifference?.reason ?? null,
      record: r.recordDifference
        ? { kind: r.recordDifference.kind, id: r.recordDifference.id, seq: r.recordDifference.seq }
        : null,
      head: r.head ?? null,
      checkedAt: this.d.now().toISOString(),
    };
  }

  /**
   * Streams the hearing's record as a ZIP: each file is read only when its turn comes and hashed on
   * the way, so memory stays flat however large the recordings are. The export is audited first,
   * so the bundle's own audit.jsonl shows it.
   */
  async exportHearing(
    h: HearingRow,
    actor: audit.Actor,
    opts: { recordings: boolean; via: 'web' | 'cli' },
  ): Promise<RecordExport> {
    const db = this.d.db;
    const exportedAt = this.d.now();
    await audit.append(db, {
      stream: h.id,
      actor,
      action: 'record.exported',
      payload: { includeRecordings: opts.recordings, via: opts.via },
    });
    const verification = await audit.verifyStream(db, h.id);
    // Every event up to now, broken or not: the verification result says where the chain fails.
    const lastEvent = await audit.lastEvent(db, h.id);
    const lastSeq = lastEvent?.seq ?? 0;
    const [participants, recordings, seals, signatures, exhibits] = await Promise.all([
      repo.participantsOf(db, h.id),
      repo.recordingsOf(db, h.id),
      transcripts.listSeals(db, h.id),
      transcripts.signaturesOfHearing(db, h.id).then((rows) => rows.sort((a, b) => a.version - b.version)),
      listExhibits(db, h.id),
    ]);

    const zip = new ZipFile();
    const files: BundleFile[] = [];
    const pending: Promise<void>[] = [];
    let estimatedBytes = 0;
    let failed: Error | null = null;
    /** The file being read now, closed at once when the download is cut short. */
    let current: Readable | null = null;
    const output = new PassThrough();
    const fail = (err: Error) => {
      if (failed) return;
      failed = err;
      output.destroy(err);
    };
    zip.on('error', fail);
    output.on('close', () => {
      if (output.readableEnded) return;
      // The client went away (or a file failed): stop reading instead of leaving files open.
      current?.destroy();
      (zip.outputStream as Readable).destroy();
    });

    /** Adds one entry whose bytes come from open() when yazl reaches it, hashed on the way. */
    const add = (path: string, open: () => Promise<Readable> | Readable, compress: boolean) => {
      let settle!: () => void;
      pending.push(new Promise<void>((r) => (settle = r)));
      zip.addReadStreamLazy(path, { compress, mtime: exportedAt }, (cb) => {
        Promise.resolve()
          .then(open)
          .then((source) => {
            const hasher = new HashingStream((sha256, size) => {
              files.push({ path, sha256, size });
              settle();
            });
            source.on('error', fail);
            current = source;
            cb(null, source.pipe(hasher));
          })
          .catch((err: Error) => {
            fail(err);
            cb(err, undefined as never);
          });
      });
    };
    const text = (path: string, body: () => Promise<string> | string) =>
      add(path, async () => Readable.from([Buffer.from(await body(), 'utf8')]), true);

    const header = {
      court: h.court_name,
      caseNumber: h.case_number,
      caseCaption: h.case_caption,
      caseType: h.case_type,
      hearingId: h.id,
      title: h.title,
      courtroom: h.courtroom_name,
      judge: h.judge_name,
      clerk: h.clerk_name,
      scheduledStart: h.scheduled_start.toISOString(),
      scheduledEnd: h.scheduled_end.toISOString(),
      state: h.state,
      timezone: h.court_timezone,
    };

    text('README.txt', () => readmeText(header));
    const identity = this.d.log?.identity;
    if (identity) text('court.pem', () => identity.certificatePem);

    for (const s of seals) {
      const base = `transcript/v${s.version}`;
      add(
        `${base}.pdf`,
        async () => {
          const pdf = (await transcripts.findSealPdf(db, s.id))?.pdf;
          if (!pdf) throw new Error(`sealed version ${s.version} has no PDF`);
          return Readable.from([pdf]);
        },
        false,
      );
      text(`${base}.record.json`, async () => JSON.stringify(await repo.sealRecord(db, s.id), null, 2) + '\n');
    }
    text(
      'transcript/seals.json',
      () =>
        JSON.stringify(
          seals.map((s) => ({
            version: s.version,
            pdf: `transcript/v${s.version}.pdf`,
            record: `transcript/v${s.version}.record.json`,
            sha256: s.sha256,
            pdfSha256: s.pdf_sha256,
            pages: s.pages,
            supersedes: seals.find((x) => x.id === s.supersedes_id)?.version ?? null,
            auditSeq: s.audit_seq,
            auditHead: s.audit_head,
            sealedAt: s.sealed_at.toISOString(),
            sealedBy: s.sealed_by_name,
          })),
          null,
          2,
        ) + '\n',
    );
    text(
      'transcript/signatures.json',
      () =>
        JSON.stringify(
          signatures.map((g) => ({
            version: g.version,
            sealSha256: g.sha256,
            kind: g.kind,
            participant: { id: g.participant_id, name: g.display_name, role: g.role },
            fullName: g.full_name,
            text: g.text,
            auditHash: g.audit_hash,
            at: g.created_at.toISOString(),
          })),
          null,
          2,
        ) + '\n',
    );

    add('audit.jsonl', () => Readable.from(this.auditLines(h.id, lastSeq)), true);
    const verificationJson = {
      stream: h.id,
      ok: verification.ok,
      events: verification.events,
      firstBrokenSeq: verification.firstBreak?.seq ?? null,
      reason: verification.firstBreak?.reason ?? verification.recordDifference?.reason ?? null,
      record: verification.recordDifference ?? null,
      head: verification.head ?? null,
      checkedAt: exportedAt.toISOString(),
    };
    text('audit-verification.json', () => JSON.stringify(verificationJson, null, 2) + '\n');

    const byId = new Map(participants.map((p) => [p.id, p.display_name]));
    text('participants.csv', () =>
      [
        csvLine([
          'id',
          'role',
          'name',
          'represents',
          'interprets_for',
          'language',
          'presence',
          'invited_at',
          'revoked_at',
          'first_joined_at',
          'last_joined_at',
        ]),
        ...participants.map((p) =>
          csvLine([
            p.id,
            p.role,
            p.display_name,
            p.represents_id ? (byId.get(p.represents_id) ?? p.represents_id) : '',
            p.interprets_for_id ? (byId.get(p.interprets_for_id) ?? p.interprets_for_id) : '',
            p.language ?? '',
            p.presence,
            p.invite_issued_at?.toISOString() ?? '',
            p.revoked_at?.toISOString() ?? '',
            p.first_joined_at?.toISOString() ?? '',
            p.last_joined_at?.toISOString() ?? '',
          ]),
        ),
      ].join(''),
    );

    // A recording's file goes in only when asked for and Gavel can read it where Egress wrote it.
    const recordingFiles = new Map<string, { path: string; size: number; sha256: string | null }>();
    if (opts.recordings) {
      for (const r of recordings) {
        if (r.status !== 'complete' || r.output !== 'file' || !r.file_location) continue;
        const local = this.d.recordingPath(r.file_location);
        const stat = local ? await fs.stat(local).catch(() => null) : null;
        if (!local || !stat || stat.isDirectory()) continue;
        const sha256 = (await this.d.logRecording?.(r.id)) ?? r.file_sha256;
        recordingFiles.set(r.id, { path: local, size: stat.size, sha256 });
      }
    }
    text(
      'recordings.json',
      () =>
        JSON.stringify(
          recordings.map((r) => ({
            id: r.id,
            status: r.status,
            output: r.output,
            startedAt: r.started_at.toISOString(),
            endedAt: r.ended_at?.toISOString() ?? null,
            location: r.file_location,
            sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
            durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
            error: r.error,
            file: recordingFiles.has(r.id) ? `recordings/${r.id}.mp4` : null,
            sha256: recordingFiles.get(r.id)?.sha256 ?? r.file_sha256 ?? null,
          })),
          null,
          2,
        ) + '\n',
    );
    for (const [id, f] of recordingFiles) {
      estimatedBytes += f.size;
      add(`recordings/${id}.mp4`, () => createReadStream(f.path), false);
    }

    // Every exhibit put before the court, whatever the ruling: the original as uploaded and its stamped copy.
    const exhibitFiles: Record<string, unknown>[] = [];
    for (const x of exhibits) {
      const original = `exhibits/${x.label}-original.${EXTENSION[x.media_type]}`;
      const stamped = `exhibits/${x.label}-stamped.pdf`;
      const [originalSize, stampedSize] = await Promise.all([
        this.d.storage.size(x.storage_key),
        this.d.storage.size(x.stamped_key),
      ]);
      if (originalSize !== null) {
        estimatedBytes += originalSize;
        add(original, () => this.d.storage.open(x.storage_key), false);
      }
      if (stampedSize !== null) {
        estimatedBytes += stampedSize;
        add(stamped, () => this.d.storage.open(x.stamped_key), false);
      }
      exhibitFiles.push({
        label: x.label,
        side: x.side,
        number: x.number,
        title: x.title,
        status: x.status,
        submittedBy: x.submitted_by_name,
        markedAt: x.marked_at.toISOString(),
        ruledAt: x.ruled_at?.toISOString() ?? null,
        fileName: x.file_name,
        mediaType: x.media_type,
        pages: x.pages,
        original: originalSize === null ? null : original,
        sha256: x.sha256,
        sizeBytes: Number(x.size_bytes),
        stamped: stampedSize === null ? null : stamped,
        stampedSha256: x.stamped_sha256,
      });
    }
    text('exhibits.json', () => JSON.stringify(exhibitFiles, null, 2) + '\n');

    add('chat.jsonl', () => Readable.from(this.chatLines(h.id)), true);

    // Written last: by then every earlier file has been hashed on its way out.
    const listed = (count: number) => async () => {
      await Promise.all(pending.slice(0, count));
      return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    };
    const manifestFiles = listed(pending.length);
    let manifestReady!: (bytes: Buffer) => void;
    const manifestBytes = new Promise<Buffer>((r) => (manifestReady = r));
    add(
      'manifest.json',
      async () => {
        const bytes = Buffer.from(
          JSON.stringify(
            {
              format: 'gavel-hearing-record/1',
              hearing: header,
              exportedAt: exportedAt.toISOString(),
              exportedBy: actor,
              auditVerification: verificationJson,
              ...(this.d.log ? { courtCertificateSha256: this.d.log.identity.fingerprint } : {}),
              files: await manifestFiles(),
            },
            null,
            2,
          ) + '\n',
          'utf8',
        );
        manifestReady(bytes);
        return Readable.from([bytes]);
      },
      true,
    );
    const log = this.d.log;
    if (log) {
      // The court signs the manifest (which lists court.pem and every file above), then logs it with the
      // audit head; the bundle carries the tree head after that and a proof for every sealed item in it.
      add('manifest.json.sig', async () => Readable.from([signDetached(log.identity, await manifestBytes)]), false);
      const logged = manifestBytes.then(async (bytes) => {
        const at = this.d.now();
        // The head of the audit trail as the bundle carries it (audit.jsonl ends there).
        const auditHead = lastEvent?.hash ?? null;
        await db.transaction().execute(async (trx) => {
          const sha256 = createHash('sha256').update(bytes).digest('hex');
          await recordLog.append(trx, log, {
            kind: 'export.manifest',
            sha256,
            ref: `export:${h.id}`,
            hearingId: h.id,
            at,
          });
          if (auditHead)
            await recordLog.append(trx, log, {
              kind: 'audit.head',
              sha256: auditHead,
              ref: `audit:${h.id}`,
              hearingId: h.id,
              at,
            });
        });
        const sth = (await recordLog.latestHead(db))!;
        const items: { path: string; sha256: string }[] = [
          ...seals.map((s) => ({ path: `transcript/v${s.version}.pdf`, sha256: s.pdf_sha256 })),
          ...exhibits.flatMap((x) => [
            { path: `exhibits/${x.label}-original.${EXTENSION[x.media_type]}`, sha256: x.sha256 },
            { path: `exhibits/${x.label}-stamped.pdf`, sha256: x.stamped_sha256 },
          ]),
          ...[...recordingFiles].flatMap(([id, f]) =>
            f.sha256 ? [{ path: `recordings/${id}.mp4`, sha256: f.sha256 }] : [],
          ),
          { path: 'manifest.json', sha256: createHash('sha256').update(bytes).digest('hex') },
          ...(auditHead ? [{ path: 'audit.jsonl#head', sha256: auditHead }] : []),
        ];
        const proofs = [];
        for (const item of items) {
          const leaf = (await recordLog.leavesOf(db, item.sha256)).find((l) => l.index < sth.treeSize);
          if (!leaf) continue;
          proofs.push({
            path: item.path,
            sha256: item.sha256,
            kind: leaf.kind,
            leafIndex: leaf.index,
            treeSize: sth.treeSize,
            entry: leaf.entry,
            proof: await recordLog.inclusion(db, leaf.index, sth.treeSize),
          });
        }
        return { sth, proofs };
      });
      text('log/sth.json', async () => JSON.stringify((await logged).sth, null, 2) + '\n');
      text('log/inclusion.json', async () => JSON.stringify((await logged).proofs, null, 2) + '\n');
    }
    const summedFiles = listed(pending.length);
    text('SHA256SUMS', async () => (await summedFiles()).map((f) => `${f.sha256}  ${f.path}\n`).join(''));
    zip.end();
    estimatedBytes += seals.reduce((n, s) => n + Number(s.pdf_bytes), 0);

    zip.outputStream.on('error', fail);
    zip.outputStream.pipe(output);
    const done = new Promise<BundleFile[]>((resolve, reject) => {
      output.on('finish', () => (failed ? reject(failed) : resolve([...files])));
      output.on('close', () => {
        if (failed || !output.writableFinished) reject(failed ?? new Error('the download was cut short'));
      });
    });
    done.catch(() => undefined);

    const filename = bundleFileName(h.case_number, courtDate(h.scheduled_start, h.court_timezone));
    return { filename, estimatedBytes, stream: output, done };
  }

  private async *auditLines(stream: string, untilSeq: number): AsyncGenerator<Buffer> {
    let after = 0;
    for (;;) {
      const page = await repo.auditPage(this.d.db, stream, { afterSeq: after, limit: PAGE, untilSeq });
      if (page.length === 0) return;
      yield Buffer.from(
        page
          .map(
            (e) =>
              JSON.stringify({
                stream: e.stream,
                seq: e.seq,
                occurredAt: e.occurred_at.toISOString(),
                actorType: e.actor_type,
                actorId: e.actor_id,
                action: e.action,
                payload: e.payload,
                prevHash: e.prev_hash,
                hash: e.hash,
              }) + '\n',
          )
          .join(''),
        'utf8',
      );
      after = page.at(-1)!.seq;
    }
  }

  private async *chatLines(hearingId: string): AsyncGenerator<Buffer> {
    let after: string | null = null;
    for (;;) {
      const page = await repo.chatPage(this.d.db, hearingId, after, PAGE);
      if (page.length === 0) return;
      yield Buffer.from(
        page
          .map(
            (m) =>
              JSON.stringify({
                id: m.id,
                at: m.created_at.toISOString(),
                sender: {
                  kind: m.sender_kind,
                  userId: m.sender_user_id,
                  participantId: m.sender_participant_id,
                  name: m.sender_name,
                  role: m.sender_role,
                },
                recipients: m.recipients,
                text: m.text,
              }) + '\n',
          )
          .join(''),
        'utf8',
      );
      after = page.at(-1)!.id;
    }
  }

  /** The court's docket for [from, to) as CSV, one hearing a line. */
  async docketCsv(user: SessionUser, q: { from: string; to: string }) {
    if (!user.court) throw notFound('Court');
    const from = new Date(q.from);
    const to = new Date(q.to);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
      throw new DomainError(400, 'validation', '"from" and "to" must be ISO 8601 instants.');
    }
    if (to <= from) throw new DomainError(400, 'validation', '"to" must be after "from".');
    if (to.getTime() - from.getTime() > MAX_DOCKET_DAYS * 86_400_000) {
      throw new DomainError(400, 'validation', `The docket export covers at most ${MAX_DOCKET_DAYS} days at a time.`);
    }
    const lines = [
      csvLine([
        'hearing_id',
        'start',
        'end',
        'timezone',
        'case_number',
        'caption',
        'case_type',
        'title',
        'courtroom',
        'judge',
        'clerk',
        'state',
        'public',
        'recording_required',
      ]),
    ];
    const line = (h: DocketRow) =>
      csvLine([
        h.id,
        h.scheduled_start.toISOString(),
        h.scheduled_end.toISOString(),
        h.court_timezone,
        h.case_number,
        h.case_caption,
        h.case_type,
        h.title,
        h.courtroom_name,
        h.judge_name,
        h.clerk_name ?? '',
        h.state,
        h.public ? 'yes' : 'no',
        h.recording_required ? 'yes' : 'no',
      ]);
    // The whole range, a page at a time (a year of a busy court is tens of thousands of hearings), each
    // page written out before the next is read, so only one page of rows is held. All pages read one
    // snapshot: a hearing moved while the export runs is in it once, where it was when the export began.
    const filter = { courtId: user.court.id, from, to };
    await this.d.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        for (let after: string | null | undefined; after !== null;) {
          const page = await docketPage(trx, filter, { after, limit: EXPORT_PAGE });
          lines.push(page.rows.map(line).join(''));
          after = page.next;
        }
      });
    return {
      filename: `docket-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.csv`,
      // A BOM so spreadsheet programs read the Chinese names as UTF-8.
      body: '\ufeff' + lines.join(''),
    };
  }
}

/** Passes bytes through while computing their SHA-256 and count. */
class HashingStream extends Transform {
  private readonly hash = createHash('sha256');
  private size = 0;
  private readonly onDone: (sha256: string, size: number) => void;
  constructor(onDone: (sha256: string, size: number) => void) {
    super();
    this.onDone = onDone;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    this.onDone(this.hash.digest('hex'), this.size);
    cb();
  }
}
