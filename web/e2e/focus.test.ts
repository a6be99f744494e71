import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, Locator, Page } from 'playwright-core';
import { apiAs, invite, launchChromium, openPage, scheduleHearing, startGavel, type Gavel } from './harness.ts';

// Keyboard and screen-reader users never lose their place. The judge's whole hearing and two parties'
// (a plaintiff and the agent who represents them, on 375 × 667 phones) are driven by keyboard alone;
// after every action focus must sit on something visible, never on the page body, and the change
// must have been put into a live region. No LiveKit server runs here: media fails to connect, the
// hearing's states and focus must not care.

let gavel: Gavel;
let browser: Browser;
let clerkApi: APIRequestContext;
let judge: { email: string; password: string };
let clerk: { email: string; password: string };
let hearingId = '';
let plaintiffInvite = '';
let agentInvite = '';

const CASE = '(2027) 沪0101民初21号';
const TITLE = 'Focus hearing';
const BANNER = 'Private consultation — not recorded; the judge cannot hear you';
const PHONE = { width: 375, height: 667 };

beforeAll(async () => {
  [gavel, browser] = await Promise.all([
    startGavel(),
    launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
  ]);
  clerk = gavel.createUser('clerk', 'Clerk Zhao');
  judge = gavel.createUser('judge', 'Judge Li Ming');
  clerkApi = await apiAs(gavel, clerk);
  ({ hearingId } = await scheduleHearing(clerkApi, {
    caseNumber: CASE,
    title: TITLE,
    judge: 'Judge Li Ming',
    clerk: 'Clerk Zhao',
  }));
  const plaintiff = await invite(clerkApi, hearingId, { role: 'plaintiff', displayName: 'Zhang San' });
  const agent = await invite(clerkApi, hearingId, {
    role: 'agent',
    displayName: 'Lawyer Wang',
    representsId: plaintiff.participant.id,
  });
  plaintiffInvite = plaintiff.inviteUrl;
  agentInvite = agent.inviteUrl;
});

afterAll(async () => {
  await clerkApi?.dispose();
  await browser?.close();
  await gavel?.stop();
});

// Page code is given as strings: the tsconfig that type-checks e2e has no DOM types.
const WATCH = `
  // Keyboard only: a trusted pointer press, or a click with a pointer behind it, fails the journey.
  // (Enter or Space on a button dispatches a synthetic click: detail 0, no pointer type.)
  window.gavelMouse = [];
  for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'click', 'dblclick', 'contextmenu'])
    window.addEventListener(type, (e) => {
      if (!e.isTrusted) return;
      if (type === 'click' && e.detail === 0 && !e.pointerType) return;
      window.gavelMouse.push(type);
    }, true);
  // What a screen reader would be told: each new text of a live region, in order.
  window.gavelHeard = [];
  const live = '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]';
  new MutationObserver((records) => {
    const regions = new Set();
    for (const r of records) {
      const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const region = node && node.closest(live);
      if (region) regions.add(region);
    }
    for (const region of regions) {
      const text = (region.textContent || '').replace(/\\s+/g, ' ').trim();
      if (text && window.gavelHeard[window.gavelHeard.length - 1] !== text) window.gavelHeard.push(text);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
`;

/** The focused element as the checks need it: what it is, its box, and whether an indicator shows. */
const FOCUSED = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return { body: true };
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  const name = (el.getAttribute('aria-label') || el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 60);
  return {
    body: false,
    what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + name + '"',
    width: r.width,
    height: r.height,
    rect: [r.left, r.top, r.width, r.height].map(Math.round).join(',') + ' in ' + innerWidth + '×' + innerHeight,
    inView: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    // Chromium's calendar or clock button inside a date or time field: the field is the active
    // element but not :focus, and the button draws the browser's own ring, which CSS cannot restyle.
    picker: el.matches('input[type=date], input[type=time], input[type=datetime-local]') && !el.matches(':focus'),
    indicator: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none',
  };
})()`;

interface Focused {
  body: boolean;
  what?: string;
  width?: number;
  height?: number;
  rect?: string;
  picker?: boolean;
  inView?: boolean;
  indicator?: boolean;
}

const focused = (page: Page) => page.evaluate<Focused>(FOCUSED);
const isFocused = (target: Locator) =>
  target.evaluate(
    (el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
  );

async function keyboardPage(viewport = { width: 1280, height: 800 }) {
  const opened = await openPage(browser, { viewport, reducedMotion: 'reduce' });
  await opened.page.addInitScript({ content: WATCH });
  return opened;
}

/** Presses Tab until `target` has focus, as a keyboard user would. */
async function tabTo(page: Page, target: Locator, max = 120): Promise<void> {
  await target.waitFor({ timeout: 15_000 });
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target.toString()}; focus is on ${(await focused(page)).what ?? 'the body'}`);
}

/** How many announcements the page has made so far: what comes after is the action's. */
const heardSoFar = (page: Page) => page.evaluate<number>('window.gavelHeard.length');
const heardSince = (page: Page, from: number) => page.evaluate<string[]>(`window.gavelHeard.slice(${from})`);

/** Every place where focus was lost or nothing was said: the journey goes on, and reports them all at the end. */
const lost: string[] = [];

/**
 * After an action: focus lands on `target` (and stays there), which has a visible box in the
 * viewport and a visible focus indicator, and a live region said `heard`.
 */
async function expectPlace(
  page: Page,
  step: string,
  target: Locator,
  heard: RegExp | null,
  from: number,
): Promise<void> {
  try {
    await checkPlace(page, step, target, heard, from);
  } catch (e) {
    lost.push((e instanceof Error ? e.message : String(e)).split('\n')[0]!);
  }
}

async function checkPlace(
  page: Page,
  step: string,
  target: Locator,
  heard: RegExp | null,
  from: number,
): Promise<void> {
  await expect
    .poll(async () => ((await isFocused(target)) ? 'there' : ((await focused(page)).what ?? 'the body')), {
      message: `${step}: focus should move to ${target.toString()}`,
      timeout: 15_000,
    })
    .toBe('there');
  // It stays: a late update of the screen must not drop it again.
  await page.waitForTimeout(400);
  const f = await focused(page);
  expect(f.body, `${step}: focus fell to the body`).toBe(false);
  expect(await isFocused(target), `${step}: focus moved on to ${f.what}`).toBe(true);
  expect(f.width! > 0 && f.height! > 0, `${step}: ${f.what} has no box`).toBe(true);
  expect(f.inView, `${step}: ${f.what} is outside the viewport`).toBe(true);
  expect(f.indicator, `${step}: ${f.what} shows no focus indicator`).toBe(true);
  if (heard) {
    await expect
      .poll(async () => (await heardSince(page, from)).some((text) => heard.test(text)), {
        message: `${step}: a live region should say ${heard}; it said ${JSON.stringify(await heardSince(page, from))}`,
      })
      .toBe(true);
  }
}

/** A live region said `heard` since `from` (recorded as lost if not). */
async function expectHeard(page: Page, step: string, heard: RegExp, from: number): Promise<void> {
  try {
    await expect
      .poll(async () => (await heardSince(page, from)).some((text) => heard.test(text)), {
        message: `${step}: a live region should say ${heard}`,
      })
      .toBe(true);
  } catch {
    lost.push(`${step}: a live region should say ${heard}; it said ${JSON.stringify(await heardSince(page, from))}`);
  }
}

/** Presses `key` on `target` (reached by Tab) and checks where focus goes and what is said. */
async function act(
  page: Page,
  step: string,
  control: Locator,
  then: { focus: Locator; heard: RegExp | null },
  key = 'Enter',
): Promise<void> {
  await tabTo(page, control);
  const from = await heardSoFar(page);
  await page.keyboard.press(key);
  await expectPlace(page, step, then.focus, then.heard, from);
}

/** One full round of Tab: every stop has a box, sits in the viewport and shows a focus indicator. */
async function everyTabStopVisible(page: Page, where: string): Promise<number> {
  const seen: string[] = [];
  const bad: string[] = [];
  let first = '';
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    let f = await focused(page);
    if (f.body) continue;
    // Coming back from the browser's own controls, the page can take a moment to be focused again.
    if (!f.inView || !f.indicator) {
      await page.waitForTimeout(200);
      f = await focused(page);
    }
    const what = f.what!;
    if (what === first) break;
    if (!first) first = what;
    seen.push(what);
    if (!(f.width! > 0 && f.height! > 0)) bad.push(`${what}: no box (${f.width}×${f.height})`);
    else if (!f.inView) bad.push(`${what}: outside the viewport (${f.rect})`);
    if (!f.indicator && !f.picker) bad.push(`${what}: no focus indicator`);
  }
  expect(seen.length, `${where}: Tab reached nothing`).toBeGreaterThan(3);
  for (const b of bad) lost.push(`${where}: a Tab stop a keyboard user cannot see: ${b}`);
  return seen.length;
}

/** Staff sign in by typing on the sign-in page. */
async function signInByKeyboard(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${gavel.url}/login`);
  await tabTo(page, page.getByLabel('Email'));
  await page.keyboard.type(user.email);
  await tabTo(page, page.getByLabel('Password'));
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /^(My docket|Court docket)$/ }).waitFor();
}

/** From the docket, through the hearing page and pre-join, to the bench (or the clerk's desk). */
async function toBench(page: Page, heading: string): Promise<void> {
  await tabTo(page, page.getByRole('link', { name: CASE }));
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`/hearings/${hearingId}$`));
  await tabTo(page, page.getByRole('link', { name: 'Enter the courtroom' }));
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Before you enter' }).waitFor();
  await tabTo(page, page.getByLabel(/I will not record/));
  await page.keyboard.press('Space');
  await act(page, 'enter the courtroom', page.getByRole('button', { name: 'Enter the courtroom' }), {
    focus: page.locator('#room-heading'),
    heard: null,
  });
  await page.getByRole('heading', { name: heading }).waitFor();
}

async function intoLobby(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByRole('heading', { name: TITLE }).waitFor();
  await tabTo(page, page.getByRole('button', { name: 'Continue to the lobby' }));
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Before you enter' }).waitFor();
  await tabTo(page, page.getByLabel('Join without camera'));
  await page.keyboard.press('Space');
  await tabTo(page, page.getByLabel(/I will not record/));
  await page.keyboard.press('Space');
  await act(page, 'enter the lobby', page.getByRole('button', { name: 'Enter the lobby' }), {
    focus: page.getByRole('heading', { name: 'Lobby', exact: true }),
    heard: /Waiting for the judge/,
  });
}

describe('keyboard and screen-reader users never lose their place', () => {
  it('the clerk’s docket and the schedule form: every Tab stop can be seen, dates and times too', async () => {
    const { context, page } = await keyboardPage();
    await signInByKeyboard(page, clerk);
    await everyTabStopVisible(page, 'the court docket');
    await tabTo(page, page.getByRole('link', { name: 'Schedule a hearing' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Schedule a hearing' }).waitFor();
    await everyTabStopVisible(page, 'the schedule form');
    expect(await page.evaluate<string[]>('window.gavelMouse')).toEqual([]);
    await context.close();
    expect(lost.splice(0), 'Tab stops a keyboard user cannot see').toEqual([]);
  });

  it('the judge runs the hearing and two parties take part, by keyboard alone', async () => {
    const bench = await keyboardPage();
    const b = bench.page;

    // The judge signs in by typing, and goes to the bench.
    await signInByKeyboard(b, judge);
    await toBench(b, 'Judge’s bench');

    const stateButton = (name: string) => b.getByRole('button', { name, exact: true });

    // 1. Open the lobby: the button goes, Start takes its place.
    await act(b, 'open the lobby', stateButton('Open the lobby'), {
      focus: stateButton('Start the hearing'),
      heard: /The hearing is now: Lobby open/,
    });

    // The clerk takes the desk.
    const desk = await keyboardPage();
    const c = desk.page;
    await signInByKeyboard(c, clerk);
    await toBench(c, 'Clerk’s desk');

    // The parties come in on their phones; the bench and the desk hear each arrive.
    const plaintiff = await keyboardPage(PHONE);
    const agent = await keyboardPage(PHONE);
    const p = plaintiff.page;
    const a = agent.page;
    const bFrom = await heardSoFar(b);
    let cFrom = await heardSoFar(c);
    await intoLobby(p, plaintiffInvite);
    await intoLobby(a, agentInvite);
    for (const [page, from] of [
      [b, bFrom],
      [c, cFrom],
    ] as const) {
      for (const name of ['Zhang San', 'Lawyer Wang']) {
        await expectHeard(page, `${name} arrives`, new RegExp(`${name} is waiting in the lobby`), from);
      }
    }

    // 2. Admit the first: focus goes to the next person waiting.
    await b.getByRole('button', { name: 'Admit Lawyer Wang' }).waitFor({ timeout: 15_000 });
    let pFrom = await heardSoFar(p);
    await act(b, 'admit Zhang San', b.getByRole('button', { name: 'Admit Zhang San' }), {
      focus: b.getByRole('button', { name: 'Admit Lawyer Wang' }),
      heard: /Zhang San was admitted/,
    });
    // Being admitted: the party's room takes focus, and says so.
    await expectPlace(p, 'admitted (plaintiff)', p.locator('#room-heading'), /You have been called/, pFrom);

    // 3. Admit the last: the lobby is empty, focus goes to its heading.
    let aFrom = await heardSoFar(a);
    await act(b, 'admit Lawyer Wang', b.getByRole('button', { name: 'Admit Lawyer Wang' }), {
      focus: b.getByRole('heading', { name: /^Lobby/ }),
      heard: /Lawyer Wang was admitted/,
    });
    await expectPlace(a, 'admitted (agent)', a.locator('#room-heading'), /You have been called/, aFrom);

    // 4. Start: Recess takes the button's place; the parties and the clerk hear the new state.
    pFrom = await heardSoFar(p);
    cFrom = await heardSoFar(c);
    await act(b, 'start the hearing', stateButton('Start the hearing'), {
      focus: stateButton('Call a recess'),
      heard: /The hearing is now: In session/,
    });
    await expectHeard(p, 'in session (plaintiff)', /The hearing is now: In session/, pFrom);
    await expectHeard(c, 'in session (clerk)', /The hearing is now: In session/, cFrom);

    // Every Tab stop on the bench and in the party's room can be seen.
    await everyTabStopVisible(b, 'the bench in session');
    await everyTabStopVisible(c, 'the clerk’s desk in session');
    await everyTabStopVisible(p, 'the party’s room in session at 375 px');

    // A private consultation: in, and back.
    // The plaintiff asks (focus goes to Withdraw, which replaces the button); the agent hears the asking and accepts.
    aFrom = await heardSoFar(a);
    await act(
      p,
      'ask to consult (plaintiff)',
      p.getByRole('button', { name: 'Consult privately with my representative' }),
      {
        focus: p.getByRole('button', { name: 'Withdraw the request' }),
        heard: null,
      },
    );
    await expectHeard(a, 'asked to consult (agent)', /Zhang San asks to speak privately with you/, aFrom);
    pFrom = await heardSoFar(p);
    await act(a, 'accept (agent)', a.getByRole('button', { name: 'Accept' }), {
      focus: a.getByRole('heading', { name: BANNER }),
      heard: /private consultation with Zhang San/,
    });
    await expectPlace(
      p,
      'consultation (plaintiff)',
      p.getByRole('heading', { name: BANNER }),
      /You are in a private consultation with Lawyer Wang/,
      pFrom,
    );
    aFrom = await heardSoFar(a);
    await act(p, 'return (plaintiff)', p.getByRole('button', { name: 'Return to the hearing' }), {
      focus: p.locator('#room-heading'),
      heard: /You are back in the hearing/,
    });
    await expectPlace(a, 'consultation over (agent)', a.locator('#room-heading'), /consultation has ended/, aFrom);

    // Returned to the lobby from the person's menu: the menu opens on its first item; the judge's focus
    // then goes to the next person's menu button, the party's to the lobby.
    pFrom = await heardSoFar(p);
    await act(b, 'open Zhang San’s menu', b.getByRole('button', { name: 'Actions for Zhang San' }), {
      focus: b.getByRole('menuitem', { name: 'Return Zhang San to the lobby' }),
      heard: null,
    });
    const bFromReturn = await heardSoFar(b);
    await b.keyboard.press('Enter');
    await expectPlace(
      b,
      'return Zhang San to the lobby',
      b.getByRole('button', { name: 'Actions for Lawyer Wang' }),
      /Zhang San was returned to the lobby/,
      bFromReturn,
    );
    await expectPlace(
      p,
      'returned (plaintiff)',
      p.getByRole('heading', { name: 'Lobby', exact: true }),
      /You are back in the lobby/,
      pFrom,
    );
    pFrom = await heardSoFar(p);
    await act(b, 'admit Zhang San again', b.getByRole('button', { name: 'Admit Zhang San' }), {
      focus: b.getByRole('heading', { name: /^Lobby/ }),
      heard: /Zhang San was admitted/,
    });
    await expectPlace(p, 'admitted again (plaintiff)', p.locator('#room-heading'), /You have been called/, pFrom);

    // 5. Recess, 6. resume: each button hands focus to the one that replaces it.
    await act(b, 'call a recess', stateButton('Call a recess'), {
      focus: stateButton('Resume the hearing'),
      heard: /The hearing is now: In recess/,
    });
    await act(b, 'resume the hearing', stateButton('Resume the hearing'), {
      focus: stateButton('Call a recess'),
      heard: /The hearing is now: In session/,
    });

    // 7. Adjourn: the dialog takes focus; Escape gives it back to the opener; confirming ends the hearing.
    const adjourn = stateButton('Adjourn');
    const dialog = b.getByRole('dialog', { name: 'Adjourn the hearing?' });
    await act(b, 'open the adjourn dialog', adjourn, {
      focus: dialog.getByRole('button', { name: 'Cancel' }),
      heard: null,
    });
    let from = await heardSoFar(b);
    await b.keyboard.press('Escape');
    await expectPlace(b, 'close the adjourn dialog', adjourn, null, from);
    from = await heardSoFar(b);
    await b.keyboard.press('Enter');
    await expectPlace(b, 'reopen the adjourn dialog', dialog.getByRole('button', { name: 'Cancel' }), null, from);
    pFrom = await heardSoFar(p);
    aFrom = await heardSoFar(a);
    cFrom = await heardSoFar(c);
    const ended = (page: Page) => page.getByRole('heading', { name: 'The hearing has been adjourned' });
    await act(b, 'adjourn', dialog.getByRole('button', { name: 'Adjourn the hearing' }), {
      focus: ended(b),
      heard: /The hearing has been adjourned|Adjourned/,
    });
    await expectPlace(p, 'adjourned (plaintiff)', ended(p), /adjourned/i, pFrom);
    await expectPlace(a, 'adjourned (agent)', ended(a), /adjourned/i, aFrom);
    await expectPlace(c, 'adjourned (clerk)', ended(c), /adjourned/i, cFrom);

    for (const [who, page] of [
      ['judge', b],
      ['clerk', c],
      ['plaintiff', p],
      ['agent', a],
    ] as const) {
      expect(await page.evaluate<string[]>('window.gavelMouse'), `${who}: mouse events reached the page`).toEqual([]);
    }
    expect(bench.problems).toEqual([]);
    expect(desk.problems).toEqual([]);
    expect(plaintiff.problems).toEqual([]);
    expect(agent.problems).toEqual([]);
    await Promise.all([bench.context.close(), desk.context.close(), plaintiff.context.close(), agent.context.close()]);
    expect(lost, 'places where a keyboard user lost their place').toEqual([]);
  }, 300_000);
});
