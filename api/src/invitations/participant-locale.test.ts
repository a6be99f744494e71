import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../../test/db.ts';
import type { CapturingMailer } from '../platform/mail/mailer.ts';
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

let t: TestDatabase;
let app: FastifyInstance;
let mailer: CapturingMailer;
let en: CourtFixture;
let zh: CourtFixture;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  const built = await openScheduling('Lang-en', {
    now: () => new Date('2026-12-01T00:00:00Z'),
    timezone: 'Europe/London',
    locale: 'en',
  });
  ({ t, app, f: en, clerk: cookies.en } = built);
  mailer = built.mailer as CapturingMailer;
  zh = await createCourtFixture(t.db, 'Lang-zh', { timezone: 'Asia/Shanghai', locale: 'zh-CN' });
  cookies.zh = await signInAs(app, zh.clerk);
});
afterAll(closeScheduling);

let day = 0;
async function hearingOf(f: CourtFixture, cookie: string) {
  day++;
  const d = String(day + 1).padStart(2, '0');
  const res = await call(app, 'POST', '/api/hearings', {
    cookie,
    payload: hearingBody(f, `2026-12-${d}T02:00:00Z`, `2026-12-${d}T03:00:00Z`),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().hearing.id as string;
}

const add = (cookie: string, hearingId: string, payload: Record<string, unknown>) =>
  call(app, 'POST', `/api/hearings/${hearingId}/participants`, { cookie, payload });

const lastMailTo = (to: string) => [...mailer.sent].reverse().find((m) => m.to === to)!;

describe("a participant's language", () => {
  it('defaults to the court’s: an English court writes in English, a Chinese court in Chinese', async () => {
    const enHearing = await hearingOf(en, cookies.en!);
    const a = await add(cookies.en!, enHearing, { role: 'plaintiff', displayName: 'Ann', email: 'ann@example.test' });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json().participant.locale).toBe('en');
    expect(a.json().message.subject).toMatch(/^Hearing invitation:/);

    const zhHearing = await hearingOf(zh, cookies.zh!);
    const b = await add(cookies.zh!, zhHearing, { role: 'plaintiff', displayName: '张三', email: 'zs@example.test' });
    expect(b.statusCode, b.body).toBe(201);
    expect(b.json().participant.locale).toBe('zh-CN');
    expect(b.json().message.subject).toMatch(/^庭审通知：/);
    const mail = lastMailTo('zs@example.test');
    expect(mail.text).toContain('张三，您好');
    expect(String(mail.attachments?.[0]?.content)).toContain('（在线）');
  });

  it('is set by the clerk: the invitation, .ics and landing follow the invitee, not the court', async () => {
    const h = await hearingOf(en, cookies.en!);
    const res = await add(cookies.en!, h, {
      role: 'defendant',
      displayName: '李四',
      email: 'ls@example.test',
      locale: 'zh-CN',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().participant.locale).toBe('zh-CN');
    const mail = lastMailTo('ls@example.test');
    expect(mail.subject).toMatch(/^庭审通知：/);
    expect(mail.text).toContain('请在开庭前通过以下链接进入');
    expect(mail.text).not.toContain('Dear');
    // The copy kept for the clerk has the link replaced, in the reader's language too.
    const kept = await t.db
      .selectFrom('participants')
      .select('message_text')
      .where('id', '=', res.json().participant.id)
      .executeTakeFirstOrThrow();
    expect(kept.message_text).toContain('［邀请链接：如需再次发送，请重新生成］');
    expect(kept.message_text).not.toContain(tokenOf(res.json().inviteUrl));
    const ics = String(mail.attachments?.[0]?.content);
    expect(ics).toContain('（在线）');
    expect(ics).not.toContain('(online)');

    const land = await app.inject({ method: 'GET', url: `/api/join/${tokenOf(res.json().inviteUrl)}` });
    expect(land.statusCode).toBe(200);
    expect(land.json().invitee).toEqual({
      displayName: '李四',
      role: 'defendant',
      locale: 'zh-CN',
      presence: 'invited',
    });
    // Their own calendar file, fetched from the landing page, is in their language too.
    const own = await app.inject({ method: 'GET', url: `/api/join/${tokenOf(res.json().inviteUrl)}/calendar.ics` });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('（在线）');
    expect(own.body).not.toContain('(online)');

    // And a Chinese court's clerk can write to an English reader in English.
    const zhHearing = await hearingOf(zh, cookies.zh!);
    const other = await add(cookies.zh!, zhHearing, {
      role: 'witness',
      displayName: 'Walter',
      email: 'w@example.test',
      locale: 'en',
    });
    expect(other.json().participant.locale).toBe('en');
    expect(lastMailTo('w@example.test').text).toContain('Dear Walter,');
    expect(String(lastMailTo('w@example.test').attachments?.[0]?.content)).toContain('(online)');
  });

  it('is audited with the addition, and listed with the participant', async () => {
    const h = await hearingOf(en, cookies.en!);
    const res = await add(cookies.en!, h, { role: 'observer', displayName: 'Obs', locale: 'zh-CN' });
    const pid = res.json().participant.id as string;
    const event = await t.db
      .selectFrom('audit_events')
      .select('payload')
      .where('action', '=', 'participant.added')
      .where('stream', '=', h)
      .executeTakeFirstOrThrow();
    expect(event.payload).toMatchObject({ participantId: pid, locale: 'zh-CN' });
    const list = await call(app, 'GET', `/api/hearings/${h}`, { cookie: cookies.en! });
    expect(list.statusCode, list.body).toBe(200);
    const listed = (list.json().participants as { id: string; locale: string }[]).find((p) => p.id === pid);
    expect(listed?.locale).toBe('zh-CN');
  });

  it('refuses a language Gavel does not speak with 400, and adds no one', async () => {
    const h = await hearingOf(en, cookies.en!);
    const before = await t.db
      .selectFrom('participants')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    for (const locale of ['fr', '', 'zh', 'ZH-CN', 7]) {
      const res = await add(cookies.en!, h, { role: 'witness', displayName: 'X', locale });
      expect(res.statusCode, String(locale)).toBe(400);
      expect(res.json().error.code).toBeTypeOf('string');
    }
    const after = await t.db
      .selectFrom('participants')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});
