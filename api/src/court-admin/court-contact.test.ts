import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../../test/db.ts';
import { createStaff } from '../../test/app.ts';
import { courtEvents } from '../../test/admin.ts';
import {
  call,
  closeScheduling,
  createCourtFixture,
  hearingBody,
  openScheduling,
  signInAs,
  tokenOf,
  type CourtFixture,
} from '../../test/scheduling.ts';

// The court's public contact: set by its admin (validated, audited), shown on every dead invite link.

let t: TestDatabase;
let app: FastifyInstance;
let f: CourtFixture;
let admin: string;
let clerk: string;

beforeAll(async () => {
  ({ t, app, f, clerk } = await openScheduling('Contact Court', { now: () => new Date('2026-12-01T00:00:00Z') }));
  const a = await createStaff(t.db, 'admin', { courtId: f.court.id });
  admin = await signInAs(app, a);
});
afterAll(closeScheduling);

const settings = (payload: unknown) => call(app, 'POST', '/api/admin/court', { cookie: admin, payload });
const landing = (token: string) => app.inject({ method: 'GET', url: `/api/join/${token}`, remoteAddress: '10.9.0.1' });
const courtRow = () => t.db.selectFrom('courts').selectAll().where('id', '=', f.court.id).executeTakeFirstOrThrow();

describe('the court’s public contact', () => {
  it('starts empty; the admin sets it (trimmed), and the change is audited', async () => {
    expect((await call(app, 'GET', '/api/admin/court', { cookie: admin })).json().court).toMatchObject({
      contactPhone: null,
      contactEmail: null,
      contactNote: null,
    });
    const res = await settings({
      contactPhone: ' +86 (21) 5555-0100 ',
      contactEmail: 'registry@contact-court.example',
      contactNote: 'Registry desk, weekdays 9:00–17:00.\n立案窗口：工作日 9:00–17:00。',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().court).toMatchObject({
      contactPhone: '+86 (21) 5555-0100',
      contactEmail: 'registry@contact-court.example',
      contactNote: 'Registry desk, weekdays 9:00–17:00.\n立案窗口：工作日 9:00–17:00。',
    });
    const event = (await courtEvents(t.db, f.court.id)).findLast((e) => e.action === 'court.settings_changed');
    expect(event?.payload).toMatchObject({
      changed: {
        contactPhone: { from: null, to: '+86 (21) 5555-0100' },
        contactEmail: { from: null, to: 'registry@contact-court.example' },
      },
    });
  });

  it('refuses what is not a phone number, an e-mail address or a short note with 400, changing nothing', async () => {
    const before = await courtRow();
    for (const body of [
      { contactPhone: 'call us' },
      { contactPhone: '12' },
      { contactPhone: '1'.repeat(41) },
      { contactPhone: 5550100 },
      { contactEmail: 'registry' },
      { contactEmail: 'a b@court.example' },
      { contactEmail: 'Registry <registry@court.example>' },
      { contactEmail: `${'a'.repeat(250)}@court.example` },
      { contactNote: 'x'.repeat(501) },
      { contactNote: 'bell\u0007' },
      // A bad field refuses the whole change, the good one too.
      { contactPhone: '+86 21 5555 0199', contactEmail: 'nope' },
    ]) {
      const res = await settings(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code, JSON.stringify(body)).toMatch(/validation|bad_request|invalid/);
    }
    expect(await courtRow()).toEqual(before);
  });

  it('clears a field with an empty string or null', async () => {
    const res = await settings({ contactNote: '   ', contactEmail: null });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().court).toMatchObject({
      contactPhone: '+86 (21) 5555-0100',
      contactEmail: null,
      contactNote: null,
    });
    await settings({ contactEmail: 'registry@contact-court.example', contactNote: 'Registry desk.' });
  });

  it('a dead link says how to reach the court, and nothing else about it', async () => {
    const h = await call(app, 'POST', '/api/hearings', {
      cookie: clerk,
      payload: hearingBody(f, '2026-12-03T02:00:00Z', '2026-12-03T03:00:00Z'),
    });
    expect(h.statusCode, h.body).toBe(201);
    const hearingId = h.json().hearing.id as string;
    const issued = await call(app, 'POST', `/api/hearings/${hearingId}/participants`, {
      cookie: clerk,
      payload: { role: 'plaintiff', displayName: 'Zhang San' },
    });
    const token = tokenOf(issued.json().inviteUrl);
    // A good link: the landing carries the contact too (for the screen after the hearing).
    const ok = await landing(token);
    expect(ok.json().court.contact).toEqual({
      court: 'Contact Court',
      phone: '+86 (21) 5555-0100',
      email: 'registry@contact-court.example',
      note: 'Registry desk.',
    });
    expect((await call(app, 'POST', `/api/hearings/${hearingId}/cancel`, { cookie: clerk })).statusCode).toBe(200);
    const gone = await landing(token);
    expect(gone.statusCode).toBe(410);
    expect(gone.json()).toEqual({
      error: { code: 'hearing_cancelled', message: expect.any(String) },
      contact: {
        court: 'Contact Court',
        phone: '+86 (21) 5555-0100',
        email: 'registry@contact-court.example',
        note: 'Registry desk.',
        clerkName: expect.any(String),
        clerkEmail: f.clerk.email,
      },
    });

    // A link that never was: with one court served, it can only be this court.
    const unknown = await landing('A'.repeat(43));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({
      error: { code: 'invite_not_found', message: expect.any(String) },
      contact: {
        court: 'Contact Court',
        phone: '+86 (21) 5555-0100',
        email: 'registry@contact-court.example',
        note: 'Registry desk.',
      },
    });
  });

  it('a link that never was names no court where Gavel serves several', async () => {
    await createCourtFixture(t.db, 'Second Court');
    const unknown = await landing('B'.repeat(43));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: { code: 'invite_not_found', message: expect.any(String) } });
  });
});
