import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../../../test/db.ts';
import { call } from '../../../test/scheduling.ts';
import {
  closeLive,
  expectOk,
  liveCourt,
  openLive,
  scheduleHearing,
  setState,
  type LiveCourt,
} from '../../../test/live.ts';
import { listNotes } from '../../record/procedural.ts';

let t: TestDatabase;
let app: FastifyInstance;
let c: LiveCourt;

beforeAll(async () => {
  ({ t, app, c } = await openLive('Crowd'));
});
afterAll(closeLive);

describe('admit-all of a large lobby', () => {
  it('admits everyone and keeps every name in the record, over as many notes as an entry’s limit needs', async () => {
    const id = await scheduleHearing(app, c);
    await setState(app, c, id, 'open');
    // 600 waiting with long names: one "Admitted: …" note would be ~41,000 characters, over the
    // 20,000 an entry may hold; the whole admit-all used to fail with 500.
    const names = Array.from({ length: 600 }, (_, i) => `Member ${i} of the plaintiff class in the matter before us`);
    await t.db
      .insertInto('participants')
      .values(
        [
          ...names.map((n) => ({ hearing_id: id, role: 'plaintiff' as const, display_name: n })),
          // The public gallery is counted in the record, never named: the parties read it.
          ...[1, 2, 3].map((i) => ({ hearing_id: id, role: 'observer' as const, display_name: `Press ${i}` })),
        ].map((p) => ({ ...p, presence: 'in_lobby' as const })),
      )
      .execute();

    const res = await expectOk(call(app, 'POST', `/api/hearings/${id}/admit-all`, { cookie: c.cookies.judge }));
    expect(res.json().admitted).toHaveLength(603);

    const record = await expectOk(call(app, 'GET', `/api/hearings/${id}/transcript`, { cookie: c.cookies.clerk }));
    const notes = (record.json().entries as Array<{ text: string; source: string }>)
      .filter((e) => e.source === 'procedural' && /^Admitted: /.test(e.text))
      .map((e) => e.text);
    expect(notes.length).toBeGreaterThan(1);
    for (const n of notes) expect(n.length).toBeLessThanOrEqual(20_000);
    const listed = notes.flatMap((n) => n.replace(/^Admitted: /, '').split(', '));
    // Lobby order (they all arrived in one insert); each name once; the gallery as a count.
    expect(listed.sort()).toEqual([...names.map((n) => `${n} (plaintiff)`), '3 observers'].sort());
    expect(notes.join(' ')).not.toMatch(/Press \d/);
  });
});

describe('Gavel’s notes in the court’s language', () => {
  it('a Chinese court’s record says in Chinese who was admitted, the gallery counted, and each move of the hearing', async () => {
    const zh = await liveCourt(app, t, 'ZhNotes');
    await t.db.updateTable('courts').set({ locale: 'zh-CN' }).where('id', '=', zh.f.court.id).execute();
    const id = await scheduleHearing(app, zh);
    await setState(app, zh, id, 'open');
    await t.db
      .insertInto('participants')
      .values([
        { hearing_id: id, role: 'plaintiff' as const, display_name: '张三', presence: 'in_lobby' as const },
        { hearing_id: id, role: 'defendant' as const, display_name: '李四', presence: 'in_lobby' as const },
        { hearing_id: id, role: 'observer' as const, display_name: '记者王五', presence: 'in_lobby' as const },
      ])
      .execute();
    await expectOk(call(app, 'POST', `/api/hearings/${id}/admit-all`, { cookie: zh.cookies.judge }));
    await setState(app, zh, id, 'start');
    await setState(app, zh, id, 'recess');
    await setState(app, zh, id, 'resume');
    await setState(app, zh, id, 'adjourn');
    const record = await expectOk(call(app, 'GET', `/api/hearings/${id}/transcript`, { cookie: zh.cookies.clerk }));
    const notes = (record.json().entries as Array<{ text: string; source: string }>)
      .filter((e) => e.source === 'procedural')
      .map((e) => e.text);
    // The two arrived in one insert: either may be first in the lobby's order.
    expect(notes[1]).toMatch(/^准许进入庭审：(张三（原告）、李四（被告）|李四（被告）、张三（原告）)、旁听人员 1 名$/);
    expect(notes).toEqual(['候审室开放', notes[1], '开庭', '休庭', '继续开庭', '闭庭']);
    expect(notes.join(' ')).not.toMatch(/王五|[A-Za-z]/);
  });
});

describe('listNotes', () => {
  it('splits a list into notes under the limit that together list every item once, in order', () => {
    const item = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes(', '));
    fc.assert(
      fc.property(fc.array(item, { maxLength: 60 }), fc.integer({ min: 50, max: 400 }), (items, max) => {
        const notes = listNotes('Admitted: ', items, max);
        for (const n of notes) {
          expect(n.startsWith('Admitted: ')).toBe(true);
          expect(n.length).toBeLessThanOrEqual(max);
        }
        const back = notes.flatMap((n) => n.slice('Admitted: '.length).split(', '));
        expect(back).toEqual(items);
      }),
    );
  });
});
