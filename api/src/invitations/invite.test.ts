import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../../test/db.ts';
import type { CapturingMailer } from '../platform/mail/mailer.ts';
import {
  call,
  closeScheduling,
  hearingBody,
  noSmtp,
  openScheduling,
  participantCookie,
  schedulingApp,
  signInAs,
  tokenOf,
  type CourtFixture,
} from '../../test/scheduling.ts';
import { inviteTokenHash } from './invite-token.ts';

let t: TestDatabase;
let app: FastifyInstance;
let mailer: CapturingMailer;
let f: CourtFixture;
let clerk: string;
// The app's clock: tests move it forward to expire links.
let clock = new Date('2026-12-01T00:00:00Z');

beforeAll(async () => {
  const built = await openScheduling('Invites', { now: () => clock, timezone: 'Asia/Shanghai' });
  ({ t, app, f, clerk } = built);
  mailer = built.mailer as CapturingMailer;
});
afterAll(closeScheduling);

let slot = 0;
async function newHearing() {
  slot++;
  const day = String(slot + 1).padStart(2, '0');
  const res = await call(app, 'POST', '/api/hearings', {
    cookie: clerk,
    payload: hearingBody(f, `2026-12-${day}T02:00:00Z`, `2026-12-${day}T03:00:00Z`),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().hearing as { id: string; scheduledEnd: string };
}

const invite = (hearingId: string, payload: Record<string, unknown>) =>
  call(app, 'POST', `/api/hearings/${hearingId}/participants`, { cookie: clerk, payload });
const join = (token: string, accessCode?: string, ip = '10.0.0.1') =>
  app.inject({
    method: 'POST',
    url: '/api/join',
    remoteAddress: ip,
    headers: { origin: 'http://gavel.test' },
    payload: { token, ...(accessCode !== undefined ? { accessCode } : {}) },
  });
const landing = (token: string, ip = '10.0.0.1') =>
  app.inject({ method: 'GET', url: `/api/join/${token}`, remoteAddress: ip });

describe('issuing an invite', () => {
  it('answers 201 with a one-time link of 256 random bits; only its SHA-256 is stored', async () => {
    const h = await newHearing();
    const res = await invite(h.id, { role: 'plaintiff', displayName: 'Zhang San', email: 'zhang@example.test' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.inviteUrl).toMatch(/^http:\/\/gavel\.test\/join\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(body.inviteUrl);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const row = await t.db
      .selectFrom('participants')
      .selectAll()
      .where('id', '=', body.participant.id)
      .executeTakeFirstOrThrow();
    expect(row.invite_token_hash).toBe(inviteTokenHash(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.message_text).not.toContain(token);
    // The staff view never shows the link again.
    const detail = await call(app, 'GET', `/api/hearings/${h.id}`, { cookie: clerk });
    expect(detail.body).not.toContain(token);
    expect(detail.body).not.toContain(row.invite_token_hash);
    expect(detail.json().participants[0]).toMatchObject({
      displayName: 'Zhang San',
      joined: false,
      invite: { status: 'active' },
    });
    // Emailed with its own calendar entry in the court's zone.
    const mail = mailer.sent.at(-1);
    expect(mail?.to).toBe('zhang@example.test');
    expect(mail?.text).toContain(body.inviteUrl);
    expect(mail?.attachments?.[0]?.content).toContain('BEGIN:VTIMEZONE');
    expect(mail?.attachments?.[0]?.content).toContain(`URL:${body.inviteUrl}`);
    expect(body.delivered).toBe(true);
  });

  it('requires an agent to name the party they represent, and an interpreter the person and language', async () => {
    const h = await newHearing();
    const party = (await invite(h.id, { role: 'defendant', displayName: 'Li Si' })).json().participant;
    const noParty = await invite(h.id, { role: 'agent', displayName: 'Counsel' });
    expect(noParty.statusCode).toBe(400);
    expect(noParty.json().error.code).toBe('agent_needs_party');
    const witness = (await invite(h.id, { role: 'witness', displayName: 'W' })).json().participant;
    expect((await invite(h.id, { role: 'agent', displayName: 'Counsel', representsId: witness.id })).statusCode).toBe(
      400,
    );
    const agent = await invite(h.id, { role: 'agent', displayName: 'Counsel', representsId: party.id });
    expect(agent.statusCode).toBe(201);
    expect(agent.json().participant.representsId).toBe(party.id);
    expect((await invite(h.id, { role: 'interpreter', displayName: 'I', interpretsForId: party.id })).statusCode).toBe(
      400,
    );
    const interp = await invite(h.id, {
      role: 'interpreter',
      displayName: 'I',
      interpretsForId: party.id,
      language: 'en',
    });
    expect(interp.statusCode).toBe(201);
  });

  it('without SMTP keeps the message (without the link) for the clerk to copy', async () => {
    const local = await schedulingApp(t.db, { mailer: noSmtp, now: () => clock });
    const cookie = await signInAs(local.app, f.clerk);
    const h = await newHearing();
    const res = await call(local.app, 'POST', `/api/hearings/${h.id}/participants`, {
      cookie,
      payload: { role: 'witness', displayName: 'Wang Wu', email: 'wang@example.test' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().delivered).toBe(false);
    expect(res.json().message.text).toContain(res.json().inviteUrl);
    expect(res.json().participant.message.text).toContain('Wang Wu');
    expect(res.json().participant.message.text).not.toContain(tokenOf(res.json().inviteUrl));
    await local.app.close();
  });
});

describe('the invite lifecycle', () => {
  it('issue → landing → join → participant session scoped to that hearing', async () => {
    const h = await newHearing();
    const other = await newHearing();
    const res = await invite(h.id, { role: 'plaintiff', displayName: 'Zhang San' });
    const token = tokenOf(res.json().inviteUrl);

    const land = await landing(token);
    expect(land.statusCode).toBe(200);
    expect(land.json()).toEqual({
      court: {
        name: 'Invites',
        timezone: 'Asia/Shanghai',
        // How to reach the court: its name and what its admin published, nothing else.
        contact: { court: 'Invites', phone: null, email: null, note: null },
      },
      case: { number: 'Invites-2026-001', caption: 'Zhang v. Li' },
      hearing: {
        title: 'Pre-trial conference',
        scheduledStart: expect.any(String),
        scheduledEnd: h.scheduledEnd,
        state: 'scheduled',
      },
      invitee: { displayName: 'Zhang San', role: 'plaintiff', locale: 'en', presence: 'invited' },
      accessCodeRequired: false,
      rules: {},
    });

    const joined = await join(token);
    expect(joined.statusCode, joined.body).toBe(200);
    const cookie = participantCookie(joined);
    const set = joined.cookies.find((c) => c.name === 'gavel_participant');
    expect(set).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const sessions = await t.db.selectFrom('participant_sessions').selectAll().execute();
    expect(JSON.stringify(sessions)).not.toContain(cookie.split('=')[1]);

    const me = await call(app, 'GET', `/api/hearings/${h.id}/me`, { cookie });
    expect(me.statusCode).toBe(200);
    expect(me.json().invitee.displayName).toBe('Zhang San');
    expect((await call(app, 'GET', `/api/hearings/${other.id}/me`, { cookie })).statusCode).toBe(404);
    // A participant session is not a staff session.
    expect((await call(app, 'GET', `/api/hearings/${h.id}`, { cookie })).statusCode).toBe(401);

    const detail = await call(app, 'GET', `/api/hearings/${h.id}`, { cookie: clerk });
    expect(detail.json().participants[0].joined).toBe(true);
    const actions = (await t.db.selectFrom('audit_events').select('action').where('stream', '=', h.id).execute()).map(
      (e) => e.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining(['participant.added', 'participant.invite_issued', 'invite.opened', 'participant.joined']),
    );
  });

  it('rotate: the new link works, the old link and its session stop at once', async () => {
    const h = await newHearing();
    const first = (await invite(h.id, { role: 'defendant', displayName: 'Li Si' })).json();
    const oldToken = tokenOf(first.inviteUrl);
    const cookie = participantCookie(await join(oldToken));
    const rotated = await call(app, 'POST', `/api/hearings/${h.id}/participants/${first.participant.id}/invite`, {
      cookie: clerk,
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const newToken = tokenOf(rotated.json().inviteUrl);
    expect(newToken).not.toBe(oldToken);
    expect((await landing(oldToken)).statusCode).toBe(404);
    expect((await join(oldToken)).statusCode).toBe(404);
    expect((await call(app, 'GET', `/api/hearings/${h.id}/me`, { cookie })).statusCode).toBe(401);
    expect((await join(newToken)).statusCode).toBe(200);
  });

  it('revoke: link and session refused with 410 and whom to contact', async () => {
    const h = await newHearing();
    const issued = (await invite(h.id, { role: 'witness', displayName: 'Wang Wu' })).json();
    const token = tokenOf(issued.inviteUrl);
    const cookie = participantCookie(await join(token));
    const del = await call(app, 'DELETE', `/api/hearings/${h.id}/participants/${issued.participant.id}`, {
      cookie: clerk,
    });
    expect(del.statusCode).toBe(204);
    const gone = await landing(token);
    expect(gone.statusCode).toBe(410);
    expect(gone.json()).toMatchObject({ error: { code: 'invite_revoked' }, contact: { court: 'Invites' } });
    expect((await join(token)).statusCode).toBe(410);
    expect((await call(app, 'GET', `/api/hearings/${h.id}/me`, { cookie })).statusCode).toBe(401);
    const reissue = await call(app, 'POST', `/api/hearings/${h.id}/participants/${issued.participant.id}/invite`, {
      cookie: clerk,
    });
    expect(reissue.statusCode).toBe(409);
  });

  it('cancellation: the link answers 410 with the court to contact', async () => {
    const h = await newHearing();
    const token = tokenOf((await invite(h.id, { role: 'observer', displayName: 'Press' })).json().inviteUrl);
    expect((await call(app, 'POST', `/api/hearings/${h.id}/cancel`, { cookie: clerk })).statusCode).toBe(200);
    const res = await landing(token);
    expect(res.statusCode).toBe(410);
    expect(res.json()).toMatchObject({
      error: { code: 'hearing_cancelled' },
      contact: { court: 'Invites', clerkName: 'Test clerk', clerkEmail: f.clerk.email },
    });
    expect((await join(token)).statusCode).toBe(410);
  });

  it('expiry: works until the scheduled end plus the court’s grace period, then 410', async () => {
    const h = await newHearing();
    const token = tokenOf((await invite(h.id, { role: 'plaintiff', displayName: 'Late' })).json().inviteUrl);
    const end = new Date(h.scheduledEnd).getTime();
    const saved = clock;
    try {
      clock = new Date(end + 119 * 60_000);
      expect((await landing(token)).statusCode).toBe(200);
      const cookie = participantCookie(await join(token));
      clock = new Date(end + 120 * 60_000);
      const res = await landing(token);
      expect(res.statusCode).toBe(410);
      expect(res.json().error.code).toBe('invite_expired');
      expect((await call(app, 'GET', `/api/hearings/${h.id}/me`, { cookie })).statusCode).toBe(401);
      // A court's own grace period counts.
      await t.db.updateTable('courts').set({ invite_grace_minutes: 300 }).where('id', '=', f.court.id).execute();
      expect((await landing(token)).statusCode).toBe(200);
    } finally {
      clock = saved;
      await t.db.updateTable('courts').set({ invite_grace_minutes: 120 }).where('id', '=', f.court.id).execute();
    }
  });

  it('access code: six digits returned once, stored hashed; wrong → 401; right → joined', async () => {
    const h = await newHearing();
    const res = await invite(h.id, { role: 'plaintiff', displayName: 'Coded', accessCode: true });
    const { accessCode, inviteUrl, participant } = res.json();
    expect(accessCode).toMatch(/^\d{6}$/);
    expect(participant.accessCodeRequired).toBe(true);
    const row = await t.db
      .selectFrom('participants')
      .select('access_code_hash')
      .where('id', '=', participant.id)
      .executeTakeFirstOrThrow();
    expect(row.access_code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.access_code_hash).not.toContain(accessCode);
    const token = tokenOf(inviteUrl);
    expect((await landing(token)).json().accessCodeRequired).toBe(true);
    const missing = await join(token);
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe('access_code_required');
    const wrong = await join(token, accessCode === '000000' ? '111111' : '000000');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('wrong_access_code');
    expect((await join(token, accessCode)).statusCode).toBe(200);
  });

  it('an access code typed with spaces or full-width digits is the same code', async () => {
    const h = await newHearing();
    const res = (await invite(h.id, { role: 'plaintiff', displayName: 'Typist', accessCode: true })).json();
    const token = tokenOf(res.inviteUrl);
    const code: string = res.accessCode;
    const fullWidth = code.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    expect((await join(token, `${fullWidth.slice(0, 3)} ${code.slice(3)}`)).statusCode).toBe(200);
  });
});

describe('rate limits', () => {
  it('per link: after 5 wrong access codes even the right one waits (429 + Retry-After)', async () => {
    const h = await newHearing();
    const res = (await invite(h.id, { role: 'defendant', displayName: 'Target', accessCode: true })).json();
    const token = tokenOf(res.inviteUrl);
    const wrong = res.accessCode === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++) {
      // A different address each time: the per-link limit holds however the guesses are spread.
      expect((await join(token, wrong, `10.1.0.${i}`)).statusCode).toBe(401);
    }
    const limited = await join(token, res.accessCode, '10.1.0.99');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().error.code).toBe('rate_limited');
  });

  it('per address: after 20 unknown links the address waits, other addresses do not', async () => {
    for (let i = 0; i < 20; i++) {
      const bogus = Buffer.alloc(32, i).toString('base64url');
      expect((await landing(bogus, '10.2.0.1')).statusCode).toBe(404);
    }
    const h = await newHearing();
    const token = tokenOf((await invite(h.id, { role: 'witness', displayName: 'W' })).json().inviteUrl);
    const limited = await landing(token, '10.2.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await landing(token, '10.2.0.2')).statusCode).toBe(200);
  });
});
