import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { ORIGIN, createStaff, sessionCookie, testApp } from '../../test/app.ts';
import { enrolTotp } from '../../test/admin.ts';
import { HashLimiter } from './password.ts';

let t: TestDatabase;
let app: FastifyInstance;
let clock = new Date('2026-12-01T09:00:00Z');
let ips = 0;
const nextIp = () => `10.70.${(++ips >> 8) & 255}.${ips & 255}`;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await testApp(t.db, { now: () => clock });
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

function login(email: string, password: string, cookie?: string, ip = nextIp()) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: ip,
    headers: { origin: ORIGIN, ...(cookie ? { cookie } : {}) },
    payload: { email, password },
  });
}
const deviceCookie = (res: LightMyRequestResponse) => {
  const c = res.cookies.find((x) => x.name === 'gavel_device');
  return c ? `${c.name}=${c.value}` : undefined;
};

/** Five wrong passwords from five other addresses: the account's lockout. */
async function attack(email: string) {
  for (let i = 0; i < 5; i++) expect((await login(email, 'wrong wrong wrong')).statusCode).toBe(401);
}

describe('device cookies', () => {
  it('a browser that signed in before keeps signing in while others’ wrong passwords lock the account', async () => {
    const judge = await createStaff(t.db, 'judge');
    const first = await login(judge.email, judge.password);
    expect(first.statusCode).toBe(200);
    const known = deviceCookie(first)!;
    expect(known).toBeDefined();
    expect(first.cookies.find((c) => c.name === 'gavel_device')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    await attack(judge.email);
    // Locked for everyone else, with the right password too.
    expect((await login(judge.email, judge.password)).statusCode).toBe(429);
    // The judge's own browser, from its usual address, signs in.
    const again = await login(judge.email, judge.password, known, '10.71.0.1');
    expect(again.statusCode, again.body).toBe(200);
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie: sessionCookie(again) } })).statusCode).toBe(200);
    // Which does not lift the lockout for anyone else.
    expect((await login(judge.email, judge.password)).statusCode).toBe(429);
  });

  it('a known browser’s own failures lock that browser alone; another account’s or a forged cookie lifts nothing', async () => {
    const judge = await createStaff(t.db, 'judge');
    const clerk = await createStaff(t.db, 'clerk');
    const known = deviceCookie(await login(judge.email, judge.password))!;
    const clerkDevice = deviceCookie(await login(clerk.email, clerk.password))!;

    for (let i = 0; i < 5; i++) expect((await login(judge.email, 'wrong wrong wrong', known)).statusCode).toBe(401);
    expect((await login(judge.email, judge.password, known)).statusCode).toBe(429);
    // The account itself was not locked by them.
    expect((await login(judge.email, judge.password)).statusCode).toBe(200);

    await attack(clerk.email);
    const forged = clerkDevice.replace(/^gavel_device=[^.]+/, 'gavel_device=AAAAAAAAAAAAAAAAAAAAAA');
    expect((await login(clerk.email, clerk.password, forged)).statusCode).toBe(429);
    expect((await login(clerk.email, clerk.password, known)).statusCode).toBe(429);
    expect((await login(clerk.email, clerk.password, clerkDevice)).statusCode).toBe(200);
  });

  it('with two-factor sign-in the known browser gets past the lockout to its code, and wrong codes stay limited', async () => {
    const judge = await createStaff(t.db, 'judge');
    const first = await login(judge.email, judge.password);
    await enrolTotp(app, sessionCookie(first), clock);
    clock = new Date(clock.getTime() + 60_000);
    // Only a full sign-in makes a browser known: after the code.
    const pending = await login(judge.email, judge.password);
    expect(pending.json()).toEqual({ step: 'second_factor' });
    expect(deviceCookie(pending)).toBeUndefined();
    const known = deviceCookie(first)!;

    await attack(judge.email);
    const res = await login(judge.email, judge.password, known);
    expect(res.json()).toEqual({ step: 'second_factor' });
    const half = sessionCookie(res);
    const code = (c: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login/second-factor',
        headers: { origin: ORIGIN, cookie: half },
        payload: { code: c },
      });
    for (let i = 0; i < 5; i++) expect((await code('000000')).statusCode).toBe(401);
    expect((await code('000000')).statusCode).toBe(429);
  });
});

describe('the hash queue', () => {
  it('keeps a lane for known sign-ins: a flood fills only its own and is told busy', async () => {
    const limiter = new HashLimiter(1, 3);
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const hold = limiter.run(() => gate);
    const flood = Array.from({ length: 5 }, (_, i) =>
      limiter.run(async () => void order.push(`other${i}`), 'other').catch((e: { code?: string }) => e.code),
    );
    const known = limiter.run(async () => void order.push('known'), 'known');
    release();
    await hold;
    await known;
    const results = await Promise.all(flood);
    expect(results.filter((r) => r === 'busy')).toHaveLength(2);
    // Queued after three guesses, served first.
    expect(order[0]).toBe('known');
  });

  it('never gives a queueing flood every slot: a known sign-in starts at once while guesses hold the rest', async () => {
    const limiter = new HashLimiter(2, 10);
    const gates: Array<() => void> = [];
    let inFlood = 0;
    let mostAfterQueue = 0;
    let queued = false;
    const flood = Array.from({ length: 5 }, () =>
      limiter.run(async () => {
        inFlood++;
        if (queued) mostAfterQueue = Math.max(mostAfterQueue, inFlood);
        await new Promise<void>((r) => gates.push(r));
        inFlood--;
      }, 'other'),
    );
    const tick = () => new Promise((r) => setImmediate(r));
    await tick();
    // Nothing was queued when the first two came: they took both slots. Three wait.
    expect(gates).toHaveLength(2);
    queued = true;
    gates.shift()!();
    await tick();
    // A slot is free, but guesses queue: the other lane keeps to one.
    expect(gates).toHaveLength(1);
    // The free slot is a real person's, though three guesses wait: this finishes without them.
    expect(await limiter.run(async () => 'signed in', 'known')).toBe('signed in');
    for (let released = 1; released < 5; released++) {
      while (gates.length === 0) await tick();
      gates.shift()!();
    }
    await Promise.all(flood);
    expect(mostAfterQueue).toBe(1);
  });

  it('starts two attempts on a quiet server together, whichever lane each is in', async () => {
    // The lane follows whether the account exists: a second guess made to wait would say it does not.
    for (const lanes of [
      ['other', 'other'],
      ['other', 'known'],
      ['known', 'known'],
    ] as const) {
      const limiter = new HashLimiter(2, 10);
      const started: string[] = [];
      const gates: Array<() => void> = [];
      const both = lanes.map((lane) =>
        limiter.run(async () => {
          started.push(lane);
          await new Promise<void>((r) => gates.push(r));
        }, lane),
      );
      await new Promise((r) => setImmediate(r));
      expect(started).toHaveLength(2);
      for (const g of gates) g();
      await Promise.all(both);
    }
  });
});
