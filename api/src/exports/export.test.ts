import { spawnSync } from 'node:child_process';
import { X509Certificate, createHash, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import fc from 'fast-check';
import { buildApp } from '../app.ts';
import { CapturingMailer } from '../platform/mail/mailer.ts';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { ORIGIN, createStaff, passwords, testConfig } from '../../test/app.ts';
import { loadBundle, verifyBundle } from '../verify/bundle.ts';
import { selfSignedCertificate } from '../record/court-identity.ts';
import { call, signInAs } from '../../test/scheduling.ts';
import {
  expectOk,
  invite,
  liveCourt,
  liveEnv,
  scheduleHearing,
  setState,
  startStandin,
  type LiveCourt,
} from '../../test/live.ts';
import type { LiveKitStandin } from '../../test/livekit-standin.ts';
import { eventHash, GENESIS_HASH } from '../audit/audit.hash.ts';
import { pdfBytes, pngBytes, upload } from '../../test/exhibits.ts';

let t: TestDatabase;
let app: FastifyInstance;
let standin: LiveKitStandin;
let c: LiveCourt;
let other: LiveCourt;
let work: string;
let localDir: string;
let admin: string;
let otherAdmin: string;
let clerk2: string;
let h: {
  id: string;
  plaintiff: { id: string; cookie: string };
  sealId: string;
  pdfSha256: string;
  recording: Buffer;
  exhibits: Uint8Array[];
};

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  t = await createTestDatabase();
  work = mkdtempSync(join(tmpdir(), 'gavel-export-'));
  localDir = join(work, 'recordings');
  mkdirSync(localDir);
  const s = await startStandin();
  standin = s.standin;
  app = await buildApp({
    config: testConfig({
      ...liveEnv(s.apiUrl),
      RECORDING_FILE_DIR: '/out',
      RECORDING_LOCAL_DIR: localDir,
      DATA_DIR: join(work, 'data'),
    }),
    db: t.db,
    passwords,
    logger: false,
    mailer: new CapturingMailer(),
    databaseUrl: t.url,
  });
  c = await liveCourt(app, t, 'Exp');
  other = await liveCourt(app, t, 'ExpOther');
  admin = await signInAs(app, await createStaff(t.db, 'admin', { courtId: c.f.court.id }));
  otherAdmin = await signInAs(app, await createStaff(t.db, 'admin', { courtId: other.f.court.id }));
  clerk2 = await signInAs(app, await createStaff(t.db, 'clerk', { courtId: c.f.court.id }));

  // A whole hearing: parties admitted, chat, a record sealed and signed, one recording on disk.
  const id = await scheduleHearing(app, c);
  const plaintiff = await invite(app, c, id, 'plaintiff', { displayName: '张三' });
  const agent = await invite(app, c, id, 'agent', { representsId: plaintiff.id, displayName: '=HYPERLINK("x")' });
  await setState(app, c, id, 'open');
  for (const p of [plaintiff, agent])
    await expectOk(call(app, 'POST', `/api/hearings/${id}/lobby`, { cookie: p.cookie }));
  await expectOk(call(app, 'POST', `/api/hearings/${id}/admit-all`, { cookie: c.cookies.judge }));
  await setState(app, c, id, 'start');
  await expectOk(
    call(app, 'POST', `/api/hearings/${id}/chat`, {
      cookie: c.cookies.clerk,
      payload: { text: '请出示证据。', to: 'all' },
    }),
    201,
  );
  await expectOk(
    call(app, 'POST', `/api/hearings/${id}/transcript/entries`, {
      cookie: c.cookies.clerk,
      payload: { speaker: 'Court', text: '原告请求法院判令被告支付货款。 The court is in session.' },
    }),
    201,
  );
  const exhibitPdf = await pdfBytes(2);
  const exhibitPng = pngBytes();
  await expectOk(
    upload(app, id, c.cookies.clerk, { fileName: 'order.pdf', bytes: exhibitPdf }, { title: 'Court order' }),
    201,
  );
  await expectOk(
    upload(app, id, plaintiff.cookie, { fileName: 'photo.png', bytes: exhibitPng }, { title: '现场照片' }),
    201,
  );
  await setState(app, c, id, 'adjourn');
  const seal = (
    await expectOk(call(app, 'POST', `/api/hearings/${id}/transcript/seal`, { cookie: c.cookies.clerk }), 201)
  ).json();
  const sealView = seal.seal ?? seal;
  await expectOk(
    call(app, 'POST', `/api/transcripts/${sealView.id}/signatures`, {
      cookie: plaintiff.cookie,
      payload: { fullName: '张三', confirm: true },
    }),
    201,
  );
  const recording = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
  mkdirSync(join(localDir, id));
  writeFileSync(join(localDir, id, 'rec.mp4'), recording);
  await t.db
    .insertInto('recordings')
    .values({
      hearing_id: id,
      egress_id: 'EG_export',
      room: 'room',
      status: 'complete',
      output: 'file',
      ended_at: new Date(),
      file_location: `/out/${id}/rec.mp4`,
      size_bytes: recording.length,
      duration_ms: 1000,
    })
    .execute();
  h = {
    id,
    plaintiff,
    sealId: sealView.id,
    pdfSha256: sealView.pdfSha256,
    recording,
    exhibits: [Buffer.from(exhibitPdf), exhibitPng],
  };
}, 60_000);

afterAll(async () => {
  await app.close();
  await standin.stop();
  await t.drop();
  rmSync(work, { recursive: true, force: true });
});

/** Unzips a bundle with the system's unzip into a fresh directory. */
function unzip(zip: Buffer): string {
  const dir = mkdtempSync(join(work, 'bundle-'));
  writeFileSync(join(dir, '..', `${relative(work, dir)}.zip`), zip);
  const res = spawnSync('unzip', ['-q', join(dir, '..', `${relative(work, dir)}.zip`), '-d', dir], {
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`unzip failed: ${res.stderr}`);
  return dir;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

const exportOf = (cookie: string | undefined, query = '') =>
  app.inject({
    method: 'GET',
    url: `/api/hearings/${h.id}/export${query}`,
    headers: { origin: ORIGIN, ...(cookie ? { cookie } : {}) },
  });

describe('the record bundle', () => {
  let dir: string;
  let zipFile: string;
  beforeAll(async () => {
    const res = await exportOf(c.cookies.clerk, '?recordings=1');
    zipFile = join(work, 'genuine.zip');
    writeFileSync(zipFile, res.rawPayload);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="Gavel-record-Exp-2026-001-\d{4}-\d\d-\d\d\.zip"$/,
    );
    // The progress estimate: the files whose sizes are known beforehand, never more than the bundle.
    const estimated = Number(res.headers['x-gavel-estimated-bytes']);
    expect(estimated).toBeGreaterThan(h.recording.length);
    expect(estimated).toBeLessThan(res.rawPayload.length);
    dir = unzip(res.rawPayload);
  });

  it('holds every file manifest.json lists, each with its SHA-256 and size, and nothing else', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.hearing).toMatchObject({ hearingId: h.id, caseNumber: 'Exp-2026-001', state: 'adjourned' });
    const listed = manifest.files.map((f: { path: string }) => f.path);
    const outside = ['SHA256SUMS', 'manifest.json', 'manifest.json.sig', 'log/sth.json', 'log/inclusion.json'];
    expect([...listed, ...outside].sort()).toEqual(filesUnder(dir));
    for (const f of manifest.files as Array<{ path: string; sha256: string; size: number }>) {
      const bytes = readFileSync(join(dir, f.path));
      expect({ path: f.path, sha256: sha256(bytes), size: bytes.length }).toEqual(f);
    }
    expect(listed).toEqual(
      expect.arrayContaining([
        'README.txt',
        'transcript/v1.pdf',
        'transcript/v1.record.json',
        'transcript/seals.json',
        'transcript/signatures.json',
        'audit.jsonl',
        'audit-verification.json',
        'participants.csv',
        'recordings.json',
        `recordings/${JSON.parse(readFileSync(join(dir, 'recordings.json'), 'utf8'))[0].id}.mp4`,
        'chat.jsonl',
        'exhibits.json',
        'exhibits/C-1-stamped.pdf',
        'court.pem',
      ]),
    );
  });

  it('is signed by the court: openssl verifies manifest.json and the tree head against court.pem, as README.txt says', () => {
    const readme = readFileSync(join(dir, 'README.txt'), 'utf8');
    expect(readme).toContain('openssl dgst -sha256 -verify court.pub -signature manifest.json.sig manifest.json');
    const pem = readFileSync(join(dir, 'court.pem'), 'utf8');
    expect(pem).toBe(app.courtIdentity.certificatePem);
    const openssl = (args: string[]) => spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    expect(openssl(['x509', '-in', 'court.pem', '-pubkey', '-noout', '-out', 'court.pub']).status).toBe(0);
    const ok = openssl(['dgst', '-sha256', '-verify', 'court.pub', '-signature', 'manifest.json.sig', 'manifest.json']);
    expect(ok.stdout.trim()).toBe('Verified OK');
    // A manifest rewritten to match a changed file no longer verifies.
    const manifest = readFileSync(join(dir, 'manifest.json'), 'utf8');
    writeFileSync(join(dir, 'forged-manifest.json'), manifest.replace('"Exp-2026-001"', '"Exp-2026-002"'));
    const forged = openssl([
      'dgst',
      '-sha256',
      '-verify',
      'court.pub',
      '-signature',
      'manifest.json.sig',
      'forged-manifest.json',
    ]);
    expect(forged.stdout.trim()).toBe('Verification failure');
    const sth = JSON.parse(readFileSync(join(dir, 'log/sth.json'), 'utf8'));
    writeFileSync(join(dir, 'sth.txt'), sth.signed);
    writeFileSync(join(dir, 'sth.sig'), Buffer.from(sth.signature, 'base64'));
    expect(openssl(['dgst', '-sha256', '-verify', 'court.pub', '-signature', 'sth.sig', 'sth.txt']).stdout.trim()).toBe(
      'Verified OK',
    );
    for (const f of ['court.pub', 'forged-manifest.json', 'sth.txt', 'sth.sig']) rmSync(join(dir, f));
    // Every sealed item of the bundle, the manifest and the audit head have a proof to that head.
    const proofs = JSON.parse(readFileSync(join(dir, 'log/inclusion.json'), 'utf8')) as {
      path: string;
      treeSize: number;
    }[];
    // The recording's file is logged when it is first exported (Egress wrote it; nobody had downloaded it).
    const [rec] = JSON.parse(readFileSync(join(dir, 'recordings.json'), 'utf8')) as { id: string; sha256: string }[];
    expect(rec!.sha256).toBe(sha256(readFileSync(join(dir, `recordings/${rec!.id}.mp4`))));
    expect(proofs.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'transcript/v1.pdf',
        'exhibits/C-1-stamped.pdf',
        `recordings/${rec!.id}.mp4`,
        'manifest.json',
        'audit.jsonl#head',
      ]),
    );
    expect(proofs.every((p) => p.treeSize === sth.treeSize)).toBe(true);
  });

  describe('verify-bundle, offline', () => {
    const courtPem = () => {
      const f = join(work, 'court-published.pem');
      writeFileSync(f, app.courtIdentity.certificatePem);
      return f;
    };
    // No DATABASE_URL, no DATA_DIR, no SESSION_SECRET: the verifier needs none of them.
    const run = (args: string[]) =>
      spawnSync(process.execPath, [new URL('../cli.ts', import.meta.url).pathname, 'verify-bundle', ...args], {
        env: { PATH: process.env.PATH ?? '' },
        encoding: 'utf8',
        timeout: 60_000,
      });
    /** A copy of the bundle to forge, as a dictionary of files. */
    const copy = () => loadBundle(dir);
    const failures = (files: Map<string, Buffer>, opts: { courtCert?: string } = {}) =>
      verifyBundle(files, opts)
        .filter((c) => !c.ok)
        .map((c) => `${c.name}: ${c.detail ?? ''}`);
    const rehash = (files: Map<string, Buffer>) => {
      const m = JSON.parse(files.get('manifest.json')!.toString('utf8'));
      for (const f of m.files) {
        const b = files.get(f.path);
        if (b) Object.assign(f, { sha256: sha256(b), size: b.length });
      }
      m.files = m.files.filter((f: { path: string }) => files.has(f.path));
      files.set('manifest.json', Buffer.from(JSON.stringify(m, null, 2) + '\n'));
      const sums = [...files.keys()]
        .filter((p) => p !== 'SHA256SUMS')
        .sort()
        .map((p) => `${sha256(files.get(p)!)}  ${p}\n`);
      files.set('SHA256SUMS', Buffer.from(sums.join('')));
      return m;
    };

    it('passes a genuine bundle, zipped or unzipped, with the database out of reach', () => {
      for (const target of [zipFile, dir]) {
        const res = run([target, '--court-cert', courtPem()]);
        expect(res.status, res.stdout + res.stderr).toBe(0);
        expect(res.stdout).toContain('ok    manifest.json is signed by the court');
        expect(res.stdout).toContain('ok    transcript/v1.pdf carries the court');
        expect(res.stdout).toContain('ok    log/inclusion.json proves every sealed file is in that tree');
        expect(res.stdout).toContain('ok    audit.jsonl is an unbroken hash chain');
        expect(res.stdout).not.toContain('FAIL');
      }
    });

    it('fails a changed file whose SHA256SUMS and manifest.json were recomputed to match, naming the signature', () => {
      const files = copy();
      files.set(
        'participants.csv',
        Buffer.concat([files.get('participants.csv')!, Buffer.from('x,plaintiff,Intruder\n')]),
      );
      rehash(files);
      // The log says so too: the manifest it holds is not this one.
      expect(failures(files)).toEqual([
        expect.stringMatching(/^manifest.json is signed by the court's key: the signature does not verify/),
        expect.stringMatching(/^log\/inclusion.json proves .*: manifest.json is not the file that was logged/),
      ]);
      // And through the CLI, with a non-zero exit.
      const forged = mkdtempSync(join(work, 'forged-'));
      for (const [p, b] of files) {
        mkdirSync(dirname(join(forged, p)), { recursive: true });
        writeFileSync(join(forged, p), b);
      }
      const res = run([forged]);
      expect(res.status).toBe(1);
      expect(res.stdout).toMatch(/^FAIL {2}manifest.json is signed by the court's key/m);
    });

    it('fails a bundle re-signed with another key and certificate', () => {
      const files = copy();
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = selfSignedCertificate(privateKey, { courtName: 'Impostor', publicOrigin: 'https://evil.example' });
      files.set('court.pem', Buffer.from(pem));
      const m = rehash(files);
      m.courtCertificateSha256 = sha256(new X509Certificate(pem).raw);
      files.set('manifest.json', Buffer.from(JSON.stringify(m, null, 2) + '\n'));
      const sth = JSON.parse(files.get('log/sth.json')!.toString('utf8'));
      sth.signature = cryptoSign('sha256', Buffer.from(sth.signed), privateKey).toString('base64');
      files.set('log/sth.json', Buffer.from(JSON.stringify(sth)));
      rehash(files);
      files.set('manifest.json.sig', cryptoSign('sha256', files.get('manifest.json')!, privateKey));
      rehash(files);
      // The impostor's manifest and tree head verify against the impostor's certificate; the court's PDF
      // signature and the court's log do not follow.
      const failed = failures(files);
      expect(failed).toEqual([
        expect.stringMatching(/^transcript\/v1.pdf carries the court's PDF signature.*: signed by another certificate/),
        expect.stringMatching(/^log\/inclusion.json proves .*: manifest.json is not the file that was logged/),
      ]);
      expect(failures(files, { courtCert: courtPem() })).toContainEqual(
        expect.stringMatching(/signed by the court's certificate given with --court-cert: court.pem is/),
      );
    });

    it('fails a stale tree head and a removed file', async () => {
      const stale = copy();
      const old = await app.inject({ method: 'GET', url: '/api/log/sth/1' });
      expect(old.statusCode).toBe(200);
      stale.set('log/sth.json', Buffer.from(old.body));
      rehash(stale);
      expect(failures(stale)).toEqual([
        expect.stringMatching(/^log\/inclusion.json proves.*proof is for a tree of \d+, the head is 1/),
      ]);

      const removed = copy();
      removed.delete('exhibits/C-1-stamped.pdf');
      expect(failures(removed)).toContainEqual(expect.stringMatching(/exhibits\/C-1-stamped.pdf is missing/));
    });

    it('runs as its own package: packed, installed into an empty folder offline, and run with npx', () => {
      const root = new URL('../../..', import.meta.url).pathname;
      // Node 22 or later first on the PATH, as for anyone who runs the package.
      const env = { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, HOME: work };
      const sh = (cmd: string, args: string[], cwd: string) => {
        const res = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
        return { ...res, out: `${res.stdout}${res.stderr}` };
      };
      const pack = sh('npm', ['pack', '-w', '@gavel/verify-bundle', '--pack-destination', work, '--json'], root);
      expect(pack.status, pack.out).toBe(0);
      const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as {
        filename: string;
        files: { path: string }[];
      }[];
      // JavaScript only, nothing of Gavel's server.
      expect(packed!.files.map((f) => f.path).every((p) => /^(dist\/.*\.js|package\.json|README\.md)$/.test(p))).toBe(
        true,
      );
      const party = mkdtempSync(join(work, 'party-'));
      writeFileSync(join(party, 'package.json'), '{"private":true}\n');
      const install = sh(
        'npm',
        ['install', '--offline', '--no-audit', '--no-fund', join(work, packed!.filename.replace(/^.*\//, ''))],
        party,
      );
      expect(install.status, install.out).toBe(0);
      expect(readdirSync(join(party, 'node_modules')).sort()).toEqual(['.bin', '.package-lock.json', '@gavel']);

      const genuine = sh('npx', ['--no', 'gavel-verify-bundle', zipFile, '--court-cert', courtPem()], party);
      expect(genuine.status, genuine.out).toBe(0);
      expect(genuine.stdout).toContain('ok    manifest.json is signed by the court');
      expect(genuine.stdout).toContain('the bundle is intact and signed by the court');

      const forged = mkdtempSync(join(work, 'forged-npx-'));
      for (const [p, b] of copy()) {
        mkdirSync(dirname(join(forged, p)), { recursive: true });
        writeFileSync(join(forged, p), p === 'participants.csv' ? Buffer.concat([b, Buffer.from('x\n')]) : b);
      }
      const bad = sh('npx', ['--no', 'gavel-verify-bundle', forged], party);
      expect(bad.status, bad.out).toBe(1);
      expect(bad.stdout).toMatch(/^FAIL {2}.*participants\.csv/m);
      expect(bad.stdout).toContain('the bundle FAILED verification');
    }, 240_000);
  });

  it('checks with sha256sum -c alone, as README.txt says', () => {
    expect(readFileSync(join(dir, 'README.txt'), 'utf8')).toContain('sha256sum -c SHA256SUMS');
    const res = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
    expect(res.status, res.stdout + res.stderr).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toContain('manifest.json: OK');
    expect(lines.every((l) => l.endsWith(': OK'))).toBe(true);
    expect(lines).toHaveLength(filesUnder(dir).length - 1);
  });

  it('carries the sealed transcript PDF that matches its seal', async () => {
    const pdf = readFileSync(join(dir, 'transcript/v1.pdf'));
    expect(sha256(pdf)).toBe(h.pdfSha256);
    const seals = JSON.parse(readFileSync(join(dir, 'transcript/seals.json'), 'utf8'));
    expect(seals[0]).toMatchObject({ version: 1, pdfSha256: h.pdfSha256, pdf: 'transcript/v1.pdf' });
    const verified = await app.inject({
      method: 'POST',
      url: '/api/verify',
      headers: { origin: ORIGIN, 'content-type': 'application/pdf' },
      payload: pdf,
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(JSON.stringify(verified.json())).toContain(h.pdfSha256);
    const signatures = JSON.parse(readFileSync(join(dir, 'transcript/signatures.json'), 'utf8'));
    expect(signatures).toEqual([
      expect.objectContaining({
        version: 1,
        kind: 'signature',
        fullName: '张三',
        participant: expect.objectContaining({ id: h.plaintiff.id }),
      }),
    ]);
  });

  it('has an audit trail whose chain verifies from the file alone, including the export itself', () => {
    const events = readFileSync(join(dir, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    let prev = GENESIS_HASH;
    events.forEach((e, i) => {
      expect(e.seq).toBe(i + 1);
      expect(e.prevHash).toBe(prev);
      expect(eventHash(prev, { ...e, occurredAt: new Date(e.occurredAt) })).toBe(e.hash);
      prev = e.hash;
    });
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['hearing.scheduled', 'transcript.sealed']));
    expect(events.at(-1)).toMatchObject({
      action: 'record.exported',
      payload: { includeRecordings: true, via: 'web' },
    });
    const v = JSON.parse(readFileSync(join(dir, 'audit-verification.json'), 'utf8'));
    expect(v).toMatchObject({ ok: true, events: events.length, firstBrokenSeq: null });
  });

  it('lists participants (formula-safe), recordings with their file, and the chat', () => {
    const csv = readFileSync(join(dir, 'participants.csv'), 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe(
      'id,role,name,represents,interprets_for,language,presence,invited_at,revoked_at,first_joined_at,last_joined_at',
    );
    expect(csv).toHaveLength(3);
    expect(csv[2]).toContain(`"'=HYPERLINK(""x"")"`);
    const recs = JSON.parse(readFileSync(join(dir, 'recordings.json'), 'utf8'));
    expect(recs).toEqual([
      expect.objectContaining({ status: 'complete', sizeBytes: 4096, file: `recordings/${recs[0].id}.mp4` }),
    ]);
    expect(readFileSync(join(dir, recs[0].file)).equals(h.recording)).toBe(true);
    const chat = readFileSync(join(dir, 'chat.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(chat).toEqual([expect.objectContaining({ text: '请出示证据。', recipients: 'all' })]);
  });

  it('carries each exhibit as uploaded and its stamped copy, as recorded at upload', async () => {
    const list = JSON.parse(readFileSync(join(dir, 'exhibits.json'), 'utf8'));
    expect(list.map((x: { label: string; title: string }) => [x.label, x.title])).toEqual([
      ['C-1', 'Court order'],
      ['P-1', '现场照片'],
    ]);
    const rows = await t.db
      .selectFrom('exhibits')
      .selectAll()
      .where('hearing_id', '=', h.id)
      .orderBy('label')
      .execute();
    for (const [i, x] of list.entries()) {
      const original = readFileSync(join(dir, x.original));
      expect(original.equals(Buffer.from(h.exhibits[i]!))).toBe(true);
      expect(sha256(original)).toBe(rows[i]!.sha256);
      expect(sha256(readFileSync(join(dir, x.stamped)))).toBe(rows[i]!.stamped_sha256);
    }
    expect(list.map((x: { original: string; stamped: string }) => [x.original, x.stamped])).toEqual([
      ['exhibits/C-1-original.pdf', 'exhibits/C-1-stamped.pdf'],
      ['exhibits/P-1-original.png', 'exhibits/P-1-stamped.pdf'],
    ]);
  });

  it('leaves the recordings’ files out unless asked, keeping their manifest', async () => {
    const res = await exportOf(c.cookies.judge);
    expect(res.statusCode).toBe(200);
    const d = unzip(res.rawPayload);
    expect(filesUnder(d).some((f) => f.startsWith('recordings/'))).toBe(false);
    expect(JSON.parse(readFileSync(join(d, 'recordings.json'), 'utf8'))[0]).toMatchObject({
      file: null,
      sizeBytes: 4096,
    });
    const last = await t.db
      .selectFrom('audit_events')
      .select(['action', 'actor_type', 'payload'])
      .where('stream', '=', h.id)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(last).toMatchObject({
      action: 'record.exported',
      actor_type: 'user',
      payload: { includeRecordings: false },
    });
  });

  it('answers HEAD without building a bundle or writing an audit event', async () => {
    const count = async () =>
      Number(
        (
          await t.db
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('stream', '=', h.id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const res = await app.inject({
      method: 'HEAD',
      url: `/api/hearings/${h.id}/export`,
      headers: { cookie: c.cookies.clerk },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['x-gavel-estimated-bytes']).toBeUndefined();
    expect(res.rawPayload.length).toBe(0);
    expect(await count()).toBe(before);
    // Whoever may not export is told so on HEAD too.
    const party = await app.inject({ method: 'HEAD', url: `/api/hearings/${h.id}/export` });
    expect(party.statusCode).toBe(401);
    expect(await count()).toBe(before);
  });
});

describe('the audit trail', () => {
  const trail = (cookie: string | undefined, query = '') =>
    app.inject({ method: 'GET', url: `/api/hearings/${h.id}/audit${query}`, headers: cookie ? { cookie } : {} });

  it('reads in order, a page at a time, with the actors named', async () => {
    const all = (await expectOk(trail(c.cookies.judge, '?limit=500'))).json();
    expect(all.events.map((e: { seq: number }) => e.seq)).toEqual(all.events.map((_: unknown, i: number) => i + 1));
    expect(all.next).toBeNull();
    const scheduled = all.events.find((e: { action: string }) => e.action === 'hearing.scheduled');
    expect(scheduled.actor).toMatchObject({ type: 'user', id: c.f.clerk.id, name: c.f.clerk.name, role: 'clerk' });
    expect(all.actions).toContain('record.exported');

    const pages: number[] = [];
    let after = 0;
    for (;;) {
      const page = (await expectOk(trail(c.cookies.clerk, `?limit=3&after=${after}`))).json();
      pages.push(...page.events.map((e: { seq: number }) => e.seq));
      if (page.next === null) break;
      after = page.next;
    }
    expect(pages).toEqual(all.events.map((e: { seq: number }) => e.seq));
  });

  it('filters by action, by action prefix and by actor', async () => {
    const exported = (await expectOk(trail(c.cookies.clerk, '?action=record.exported'))).json().events;
    expect(exported.length).toBeGreaterThanOrEqual(2);
    expect(exported.every((e: { action: string }) => e.action === 'record.exported')).toBe(true);
    const hearing = (await expectOk(trail(c.cookies.clerk, '?action=hearing.'))).json().events;
    expect(hearing.length).toBeGreaterThan(2);
    expect(hearing.every((e: { action: string }) => e.action.startsWith('hearing.'))).toBe(true);
    const byPlaintiff = (await expectOk(trail(c.cookies.clerk, `?actor=${h.plaintiff.id}`))).json().events;
    expect(byPlaintiff.length).toBeGreaterThan(0);
    expect(byPlaintiff.every((e: { actor: { id: string } }) => e.actor.id === h.plaintiff.id)).toBe(true);
    const none = (await expectOk(trail(c.cookies.clerk, '?action=nothing.here'))).json();
    expect(none.events).toEqual([]);
  });

  it('verifies, and names the seq of a row changed behind the database’s back', async () => {
    const ok = (
      await expectOk(call(app, 'GET', `/api/hearings/${h.id}/audit/verify`, { cookie: c.cookies.judge }))
    ).json();
    expect(ok).toMatchObject({ ok: true, firstBrokenSeq: null });
    // Only a superuser who disables the append-only trigger can do this.
    await expect(
      sql`update audit_events set action = 'x' where stream = ${h.id} and seq = 3`.execute(t.db),
    ).rejects.toThrow();
    await t.db.transaction().execute(async (trx) => {
      await sql`alter table audit_events disable trigger audit_events_append_only`.execute(trx);
      await sql`update audit_events set payload = '{"forged":true}'::jsonb where stream = ${h.id} and seq = 3`.execute(
        trx,
      );
      await sql`alter table audit_events enable trigger audit_events_append_only`.execute(trx);
    });
    const broken = (
      await expectOk(call(app, 'GET', `/api/hearings/${h.id}/audit/verify`, { cookie: c.cookies.clerk }))
    ).json();
    expect(broken).toMatchObject({ ok: false, firstBrokenSeq: 3, events: 3 });
    expect(broken.reason).toMatch(/altered/);
  });
});

describe('who may call each route', () => {
  type Who =
    | 'anonymous'
    | 'party'
    | 'judge'
    | 'otherJudge'
    | 'clerk'
    | 'otherClerk'
    | 'admin'
    | 'otherCourtClerk'
    | 'otherCourtAdmin';
  const cookieOf = (w: Who): string | undefined =>
    ({
      anonymous: undefined,
      party: h.plaintiff.cookie,
      judge: c.cookies.judge,
      otherJudge: c.cookies.judge2,
      clerk: c.cookies.clerk,
      otherClerk: clerk2,
      admin,
      otherCourtClerk: other.cookies.clerk,
      otherCourtAdmin: otherAdmin,
    })[w];
  const from = '2029-12-01T00:00:00Z';
  const to = '2030-12-01T00:00:00Z';
  const routes = () => ({
    audit: `/api/hearings/${h.id}/audit`,
    verify: `/api/hearings/${h.id}/audit/verify`,
    export: `/api/hearings/${h.id}/export`,
    docket: `/api/dockets/export.csv?from=${from}&to=${to}`,
  });
  const table: Record<keyof ReturnType<typeof routes>, Record<Who, number>> = {
    audit: {
      anonymous: 401,
      party: 401,
      judge: 200,
      otherJudge: 404,
      clerk: 200,
      otherClerk: 403,
      admin: 403,
      otherCourtClerk: 404,
      otherCourtAdmin: 403,
    },
    verify: {
      anonymous: 401,
      party: 401,
      judge: 200,
      otherJudge: 404,
      clerk: 200,
      otherClerk: 403,
      admin: 403,
      otherCourtClerk: 404,
      otherCourtAdmin: 403,
    },
    // The bench exports: the record holds what only the bench may read (its private messages, the audit
    // trail). An admin assigns a clerk to a hearing whose clerk is gone.
    export: {
      anonymous: 401,
      party: 401,
      judge: 200,
      otherJudge: 404,
      clerk: 200,
      otherClerk: 403,
      admin: 403,
      otherCourtClerk: 404,
      otherCourtAdmin: 403,
    },
    docket: {
      anonymous: 401,
      party: 401,
      judge: 403,
      otherJudge: 403,
      clerk: 200,
      otherClerk: 200,
      admin: 200,
      otherCourtClerk: 200,
      otherCourtAdmin: 200,
    },
  };

  it('answers each caller as the table says, with the one error shape', async () => {
    const got: Record<string, Record<string, number>> = {};
    for (const [name, url] of Object.entries(routes())) {
      got[name] = {};
      for (const who of Object.keys(table.audit) as Who[]) {
        const res = await call(app, 'GET', url, { cookie: cookieOf(who) });
        got[name][who] = res.statusCode;
        if (res.statusCode >= 400) expect(res.json().error.code, `${name} ${who}`).toEqual(expect.any(String));
      }
    }
    expect(got).toEqual(table);
    expect(app.routeAccess.filter((r) => /\/audit|export/.test(r.url))).toEqual([
      { method: 'GET', url: '/api/hearings/:id/audit', access: ['judge', 'clerk'] },
      { method: 'GET', url: '/api/hearings/:id/audit/verify', access: ['judge', 'clerk'] },
      { method: 'GET', url: '/api/hearings/:id/export', access: ['judge', 'clerk'] },
      { method: 'GET', url: '/api/dockets/export.csv', access: ['clerk', 'admin'] },
    ]);
  });

  it('gives each court only its own docket, as CSV', async () => {
    const mine = await call(app, 'GET', routes().docket, { cookie: c.cookies.clerk });
    expect(mine.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(mine.body.startsWith('\ufeffhearing_id,start,end,')).toBe(true);
    expect(mine.body).toContain(h.id);
    expect(mine.body).toContain('Exp-2026-001');
    const theirs = await call(app, 'GET', routes().docket, { cookie: other.cookies.clerk });
    expect(theirs.body).not.toContain(h.id);
    expect(theirs.body.trim().split('\r\n')).toHaveLength(1);
  });
});

describe('bad input', () => {
  it('gives 4xx JSON, never 5xx, for any query, and exports nothing', async () => {
    const before = await t.db
      .selectFrom('audit_events')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    const value = fc.oneof(
      fc.string(),
      fc.integer().map(String),
      fc.constant(''),
      fc.constant('-1'),
      fc.constant('1e99'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('audit', 'verify', 'export', 'docket'),
        fc.dictionary(
          fc.constantFrom('action', 'actor', 'actorType', 'after', 'limit', 'recordings', 'from', 'to', 'x'),
          value,
        ),
        fc.oneof(fc.constant('id'), fc.string({ minLength: 1, maxLength: 40 })),
        async (route, query, idKind) => {
          const id = idKind === 'id' ? h.id : encodeURIComponent(idKind);
          const path = {
            audit: `/api/hearings/${id}/audit`,
            verify: `/api/hearings/${id}/audit/verify`,
            export: `/api/hearings/${id}/export`,
            docket: '/api/dockets/export.csv',
          }[route];
          const res = await app.inject({
            method: 'GET',
            url: path,
            query,
            headers: { origin: ORIGIN, cookie: route === 'audit' || route === 'verify' ? c.cookies.clerk : clerk2 },
          });
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode >= 400)
            expect(res.json().error).toEqual({ code: expect.any(String), message: expect.any(String) });
        },
      ),
      { numRuns: 150 },
    );
    const after = await t.db
      .selectFrom('audit_events')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('refuses a docket range that is backwards or longer than a year', async () => {
    for (const q of [
      'from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z',
      'from=2030-01-01T00:00:00Z&to=2031-06-01T00:00:00Z',
      'from=yesterday&to=2030-01-01T00:00:00Z',
    ]) {
      const res = await call(app, 'GET', `/api/dockets/export.csv?${q}`, { cookie: c.cookies.clerk });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.code).toBe('validation');
    }
  });
});

describe('npm run cli -- export-hearing', () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [new URL('../cli.ts', import.meta.url).pathname, ...args], {
      env: {
        ...process.env,
        DATABASE_URL: t.url,
        LOG_LEVEL: 'silent',
        RECORDING_FILE_DIR: '/out',
        RECORDING_LOCAL_DIR: localDir,
        DATA_DIR: join(work, 'data'),
        // The court's signing key in DATA_DIR is sealed under the app's secret.
        SESSION_SECRET: testConfig().sessionSecret,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('writes the same bundle as the route, audited as the system', async () => {
    const file = join(work, 'cli.zip');
    const res = cli(['export-hearing', h.id, file, '--recordings']);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^wrote .*cli\.zip: \d+ files, \d+ bytes\n$/);
    const dir = unzip(readFileSync(file));
    expect(spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: dir }).status).toBe(0);
    expect(filesUnder(dir)).toEqual(expect.arrayContaining(['transcript/v1.pdf', 'exhibits/P-1-original.png']));
    expect(filesUnder(dir).some((f) => f.startsWith('recordings/') && f.endsWith('.mp4'))).toBe(true);
    const events = readFileSync(join(dir, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ action: 'record.exported', actorType: 'system', payload: { via: 'cli' } });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    // The row forged above is exported as it stands, and the bundle says where the chain breaks.
    expect(JSON.parse(readFileSync(join(dir, 'audit-verification.json'), 'utf8'))).toMatchObject({
      ok: false,
      firstBrokenSeq: 3,
    });
    expect(statSync(file).size).toBeGreaterThan(4096);
  });

  it('refuses an unknown hearing and a missing argument without writing a file', () => {
    const file = join(work, 'none.zip');
    const unknown = cli(['export-hearing', '00000000-0000-4000-8000-000000000000', file]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no hearing');
    expect(cli(['export-hearing', h.id]).status).toBe(2);
    expect(readdirSync(work).filter((f) => f.startsWith('none.zip'))).toEqual([]);
  });
});
