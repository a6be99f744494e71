import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sql } from 'kysely';
import { expectAccessible, launchChromium, startGavel, type Gavel } from './harness.ts';

let gavel: Gavel;
let browser: Browser;

beforeAll(async () => {
  [gavel, browser] = await Promise.all([startGavel(), launchChromium()]);
  // The demo court sits in Shanghai; the clerk's browser below is in UTC, the party's in New York.
  await gavel.database.db.updateTable('courts').set({ timezone: 'Asia/Shanghai' }).execute();
});
afterAll(async () => {
  await browser?.close();
  await gavel?.stop();
});

async function contextIn(timezoneId: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale: 'en-GB', timezoneId });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/40[14]|410/.test(m.text())) problems.push(m.text());
  });
  return { context, page, problems };
}

describe('scheduling and inviting, in Chromium', () => {
  let inviteUrl = '';
  let agentUrl = '';
  let hearingId = '';

  it('a clerk schedules a hearing and adds a plaintiff and their representative', async () => {
    const clerk = gavel.createUser('clerk', 'Clerk Zhao');
    gavel.createUser('judge', 'Judge Li Ming');
    const { context, page, problems } = await contextIn('UTC');
    await page.goto(`${gavel.url}/login`);
    await page.getByLabel('Email').fill(clerk.email);
    await page.getByLabel('Password').fill(clerk.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Court docket' }).waitFor();

    await page.getByRole('link', { name: 'Schedule a hearing' }).click();
    await page.getByRole('heading', { name: 'Schedule a hearing' }).waitFor();
    await expectAccessible(page, 'schedule form');
    await page.getByRole('button', { name: 'Create a new case' }).click();
    await page.getByLabel('Case number').fill('(2027) 沪0101民初1号');
    await page.getByLabel('Case title (caption)').fill('Zhang San v. Acme Trading Ltd');
    await page.getByLabel('Hearing title').fill('First hearing');
    await page.getByLabel('Judge', { exact: true }).selectOption({ label: 'Judge Li Ming' });
    await page.getByLabel('Courtroom', { exact: true }).selectOption({ label: 'Courtroom 1' });
    await page.getByLabel('Date').fill('2027-01-15');
    await page.getByLabel('Start time').fill('09:30');
    await page.getByLabel('End time').fill('10:30');
    await page.getByText('The judge and the courtroom are free at this time.').waitFor();
    await page.getByRole('button', { name: 'Schedule hearing' }).click();

    await page.getByRole('heading', { name: /First hearing/ }).waitFor();
    await expectAccessible(page, 'hearing page (clerk)');
    hearingId = page.url().split('/hearings/')[1] ?? '';
    // Typed as Shanghai wall-clock time in a UTC browser: stored at 01:30Z.
    const row = await gavel.database.db
      .selectFrom('hearings')
      .select(['scheduled_start', 'scheduled_end'])
      .where('id', '=', hearingId)
      .executeTakeFirstOrThrow();
    expect(row.scheduled_start.toISOString()).toBe('2027-01-15T01:30:00.000Z');
    expect(row.scheduled_end.toISOString()).toBe('2027-01-15T02:30:00.000Z');
    await page.getByText('Friday, January 15, 2027 9:30 – 10:30 AM GMT+8').waitFor();

    await page.getByLabel('Role', { exact: true }).selectOption('plaintiff');
    await page.getByLabel('Full name').fill('Zhang San');
    await page.getByRole('button', { name: 'Add and create invitation' }).click();
    await page.getByRole('heading', { name: 'Invitation for Zhang San' }).waitFor();
    await expectAccessible(page, 'invitation shown once');
    inviteUrl = await page.getByLabel('Invitation link').inputValue();
    expect(inviteUrl).toMatch(new RegExp(`^${gavel.url}/join/[A-Za-z0-9_-]{43}$`));
    await page.getByRole('button', { name: 'Done' }).click();

    await page.getByLabel('Role', { exact: true }).selectOption('agent');
    await page.getByLabel('Represents').selectOption({ label: 'Zhang San (Plaintiff)' });
    await page.getByLabel('Full name').fill('Lawyer Wang');
    await page.getByRole('button', { name: 'Add and create invitation' }).click();
    await page.getByRole('heading', { name: 'Invitation for Lawyer Wang' }).waitFor();
    agentUrl = await page.getByLabel('Invitation link').inputValue();
    await page.getByRole('button', { name: 'Done' }).click();

    const table = page.getByRole('table', { name: 'Participants' });
    await table.getByRole('row', { name: /Zhang San.*Plaintiff/ }).waitFor();
    await table.getByRole('row', { name: /Lawyer Wang.*Representative.*for Zhang San/ }).waitFor();
    expect(problems).toEqual([]);

    // A hearing that does not exist (or is another court's) says so in the hearing's words, on each of its pages.
    for (const path of ['', '/recordings', '/audit']) {
      await page.goto(`${gavel.url}/hearings/00000000-0000-4000-8000-000000000000${path}`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      await page.getByText('This hearing does not exist, or you may not see it.').waitFor();
    }
    await context.close();
  });

  it('in another browser the plaintiff opens the link and sees the case and the time, then continues', async () => {
    const { context, page, problems } = await contextIn('America/New_York');
    await page.goto(inviteUrl);
    await page.getByRole('heading', { name: 'First hearing' }).waitFor();
    await expectAccessible(page, 'join landing');
    expect(page.url()).toBe(inviteUrl);
    await page.getByText('(2027) 沪0101民初1号 — Zhang San v. Acme Trading Ltd').waitFor();
    expect(await page.getByTestId('court-time').innerText()).toBe('Friday, January 15, 2027 09:30 AM – 10:30 AM');
    // The same instant on the viewer's own clock, the evening before in New York.
    expect(await page.getByTestId('local-time').innerText()).toBe('Thursday, January 14, 2027 08:30 PM – 09:30 PM');
    await page.getByText('Zhang San, Plaintiff').waitFor();

    await page.getByRole('button', { name: 'Continue to the lobby' }).click();
    await page.waitForURL(new RegExp(`/hearings/${hearingId}/lobby$`));
    await page.getByRole('heading', { name: 'Check your camera and microphone' }).waitFor();
    await expectAccessible(page, 'lobby');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a revoked link gets a page that says so and whom to contact', async () => {
    const participant = await gavel.database.db
      .selectFrom('participants')
      .select('id')
      .where('display_name', '=', 'Lawyer Wang')
      .executeTakeFirstOrThrow();
    await gavel.database.db
      .updateTable('participants')
      .set({ revoked_at: new Date() })
      .where('id', '=', participant.id)
      .execute();
    const { context, page } = await contextIn('Asia/Shanghai');
    await page.goto(agentUrl);
    await page.getByRole('heading', { name: 'This invitation has been withdrawn' }).waitFor();
    await expectAccessible(page, 'invitation withdrawn');
    await page.getByText('Clerk: Clerk Zhao').waitFor();
    await context.close();
  });
});

describe('a court’s busy week, in Chromium', () => {
  it('a clerk’s week view shows every one of 450 hearings, the docket arriving a page at a time', async () => {
    // Set-up around the step: 450 hearings in the week of Monday 1 February 2027, 90 a weekday from 09:00
    // Shanghai time, five minutes apart. The step under test is the clerk's, typed and clicked.
    const db = gavel.database.db;
    const court = await db.selectFrom('courts').select('id').executeTakeFirstOrThrow();
    const room = await db
      .selectFrom('courtrooms')
      .select('id')
      .where('court_id', '=', court.id)
      .executeTakeFirstOrThrow();
    gavel.createUser('judge', 'Judge Busy Week');
    const judge = await db
      .selectFrom('users')
      .select('id')
      .where('name', '=', 'Judge Busy Week')
      .executeTakeFirstOrThrow();
    const c = await db
      .insertInto('cases')
      .values({ court_id: court.id, number: '(2027) 沪0101民初450号', caption: 'A busy week', case_type: 'civil' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`
      insert into hearings (court_id, case_id, courtroom_id, title, scheduled_start, scheduled_end,
                            judge_id, livekit_room)
      select ${court.id}::uuid, ${c.id}::uuid, ${room.id}::uuid, 'Busy week ' || (i + 1),
             st, st + interval '30 minutes', ${judge.id}::uuid, 'hearing-busy-' || gen_random_uuid()
      from generate_series(0, 449) i,
           lateral (select timestamptz '2027-02-01T01:00:00Z' + (i / 90) * interval '1 day'
                           + (i % 90) * interval '5 minutes' as st) s`.execute(db);

    const clerk = gavel.createUser('clerk', 'Clerk Qian');
    const { context, page, problems } = await contextIn('Asia/Shanghai');
    const pages: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/hearings') pages.push(new URL(r.url()).searchParams.get('after') ?? '');
    });
    await page.goto(`${gavel.url}/login`);
    await page.getByLabel('Email').fill(clerk.email);
    await page.getByLabel('Password').fill(clerk.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Court docket' }).waitFor();
    // The pages after the first are held until the first is on screen.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(
      (url) => url.pathname === '/api/hearings' && url.searchParams.has('after'),
      async (route) => {
        await held;
        await route.continue();
      },
    );
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await page.getByLabel('Date').fill('2027-02-03');
    await page.getByRole('heading', { name: /^Week of .*February 1, 2027/ }).waitFor();
    // The first 200 are there (Monday's 90, Tuesday's 90, 20 of Wednesday's); a day not reached yet says it is
    // loading, not that it has no hearings.
    await page.getByRole('cell', { name: 'Busy week 200', exact: true }).waitFor();
    await page.getByRole('region', { name: 'Fri, February 5, 2027' }).getByText('Loading the docket…').waitFor();
    await page.getByRole('status').getByText('Loading the docket…').waitFor();
    await page.getByRole('region', { name: 'Thu, February 4, 2027' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/busy-week-loading.png' });
    // Meanwhile a clerk elsewhere moves the last hearing of the first page to Friday evening: the later
    // pages bring it again, and the screen shows it once, where it is now.
    await db
      .updateTable('hearings')
      .set({ scheduled_start: new Date('2027-02-05T09:00:00Z'), scheduled_end: new Date('2027-02-05T09:30:00Z') })
      .where('title', '=', 'Busy week 200')
      .execute();
    release();
    await page.getByRole('status').getByText('450 hearings').waitFor();

    const rows = page.getByRole('row').filter({ hasText: 'Busy week' });
    expect(await rows.count()).toBe(450);
    const friday = page.getByRole('region', { name: 'Fri, February 5, 2027' });
    expect(await friday.getByRole('row').filter({ hasText: 'Busy week' }).count()).toBe(91);
    await friday.getByRole('cell', { name: 'Busy week 450', exact: true }).waitFor();
    expect(await page.getByRole('cell', { name: 'Busy week 200', exact: true }).count()).toBe(1);
    await friday.getByRole('cell', { name: 'Busy week 200', exact: true }).waitFor();
    // Three pages (200, 200 and the rest): the first from the start, each later one after the last received.
    expect(pages.slice(-3)).toEqual(['', expect.any(String), expect.any(String)]);
    expect(new Set(pages.slice(-2)).size).toBe(2);
    await page.screenshot({ path: '/tmp/busy-week.png' });
    await expectAccessible(page, 'a busy week');

    // The next week, its first page held: neither this week's hearings nor "no hearings" meanwhile.
    await page.unroute((url) => url.pathname === '/api/hearings' && url.searchParams.has('after'));
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    await page.route(
      (url) => url.pathname === '/api/hearings' && !url.searchParams.has('after'),
      async (route) => {
        await firstHeld;
        await route.continue();
      },
    );
    await page.getByRole('button', { name: 'Next week' }).click();
    await page.getByRole('heading', { name: /^Week of .*February 8, 2027/ }).waitFor();
    const monday = page.getByRole('region', { name: 'Mon, February 8, 2027' });
    await monday.getByText('Loading the docket…').waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'Busy week' }).count()).toBe(0);
    expect(await page.getByText('No hearings on this day.').count()).toBe(0);
    releaseFirst();
    await page.getByText('No hearings scheduled').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
