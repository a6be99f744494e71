import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUp, expectCall, startGavel, type GavelServer } from './harness.ts';
import { Pressure, demoHearing, isAlive, postmaster } from './db-load.ts';

// The whole thing crashes: Gavel and its embedded PostgreSQL are SIGKILLed together while the clerk
// writes. The next start, as `make run` does it (`node api/src/server.ts`, same DATA_DIR), must come up
// by itself over what the crash left behind (a postmaster.pid, backends that outlive their postmaster,
// their shared memory, even a pid since taken by another process) with every acknowledged write there.

let server: GavelServer | undefined;
let stranger: ChildProcess | undefined;
/** A backend of a killed postmaster, held stopped so it cannot let go of the old shared memory. */
let frozen: number | undefined;
let clerk = '';
let hearingId = '';
/** Every entry acknowledged with a 2xx, across the crashes. */
const acked: Array<{ id: string; seq: number }> = [];

beforeAll(async () => {
  server = await startGavel({ databaseUrl: undefined });
  ({ clerk, hearingId } = await demoHearing(server));
});

afterAll(async () => {
  stranger?.kill('SIGKILL');
  if (frozen) process.kill(frozen, 'SIGCONT');
  await cleanUp(server);
});

/**
 * Writes under load, then SIGKILLs Gavel and its postmaster together, mid-write. `beforeKill` gets the
 * postmaster's pid first.
 */
async function crashWhileWriting(
  srv: GavelServer,
  label: string,
  beforeKill: (postmasterPid: number) => void = () => {},
): Promise<{ pid: number; port: number }> {
  const load = new Pressure(srv, clerk, hearingId, { label, writers: 2 }).start();
  try {
    await expect.poll(() => load.acked.length).toBeGreaterThanOrEqual(30);
    const pm = postmaster(srv.dataDir);
    beforeKill(pm.pid);
    const gavelExit = srv.kill('SIGKILL');
    process.kill(pm.pid, 'SIGKILL');
    expect((await gavelExit).signal).toBe('SIGKILL');
    await expect.poll(() => isAlive(pm.pid)).toBe(false);
    return pm;
  } finally {
    await load.stop();
    acked.push(...load.acked);
  }
}

/** Every acknowledged entry is in the record, in the order of its seq. */
async function expectEveryAckedEntry(srv: GavelServer): Promise<void> {
  const { entries } = (await expectCall(srv, 'GET', `/api/hearings/${hearingId}/transcript`, clerk)).body as {
    entries: Array<{ id: string; seq: number }>;
  };
  const ackedIds = new Set(acked.map((e) => e.id));
  expect(entries.filter((e) => ackedIds.has(e.id)).map((e) => e.id)).toEqual(
    [...acked].sort((a, b) => a.seq - b.seq).map((e) => e.id),
  );
}

describe('the embedded PostgreSQL and Gavel are SIGKILLed together', () => {
  it('starts again cleanly with the same DATA_DIR, and every acknowledged write is there', async () => {
    const srv = server!;
    const killed = await crashWhileWriting(srv, 'Before the first crash');
    // What the crash left: a lock file naming the dead postmaster.
    expect(postmaster(srv.dataDir).pid).toBe(killed.pid);

    await srv.start();
    const restarted = postmaster(srv.dataDir);
    expect(restarted.pid).not.toBe(killed.pid);
    expect(isAlive(restarted.pid)).toBe(true);
    process.stdout.write(
      `faults: after SIGKILL of Gavel and its postmaster, the next start was ready in ${srv.readyAt - srv.startedAt} ms\n`,
    );

    // The session survived with the database; the record has every acknowledged entry, and takes more.
    await expectCall(srv, 'GET', '/api/auth/me', clerk, undefined, [200]);
    await expectEveryAckedEntry(srv);
    const more = await expectCall(srv, 'POST', `/api/hearings/${hearingId}/transcript/entries`, clerk, {
      speaker: 'Court',
      text: 'After the restart.',
    });
    acked.push(more.body.entry as { id: string; seq: number });
    await expectEveryAckedEntry(srv);
  });

  it('is not fooled by a stale postmaster.pid whose pid now belongs to another process', async () => {
    const srv = server!;
    await crashWhileWriting(srv, 'Before the second crash');

    // The pid in the lock file is reused: it now names a live process that is not PostgreSQL.
    stranger = spawn('sleep', ['300'], { stdio: 'ignore' });
    const lockFile = join(srv.dataDir, 'postgres', 'postmaster.pid');
    const lines = readFileSync(lockFile, 'utf8').split('\n');
    lines[0] = String(stranger.pid);
    writeFileSync(lockFile, lines.join('\n'));
    expect(isAlive(stranger.pid!)).toBe(true);

    await srv.start();
    expect(srv.output).toContain(`pid ${stranger.pid} is not a PostgreSQL server of this directory`);
    // The stranger was left alone, and a new postmaster of our own serves the data.
    expect(isAlive(stranger.pid!)).toBe(true);
    expect(postmaster(srv.dataDir).pid).not.toBe(stranger.pid);
    process.stdout.write(
      `faults: over a lock file naming another live process, the next start was ready in ${srv.readyAt - srv.startedAt} ms\n`,
    );
    await expectCall(srv, 'GET', '/api/auth/me', clerk, undefined, [200]);
    await expectEveryAckedEntry(srv);
    expect(acked.length).toBeGreaterThanOrEqual(61);
  });

  it('waits out a backend of the killed server that still holds its shared memory', async () => {
    const srv = server!;
    // A backend that outlives its postmaster keeps the old shared memory attached, and PostgreSQL refuses to
    // start until it lets go. Stopped (SIGSTOP), it cannot notice its postmaster is gone and exit.
    await crashWhileWriting(srv, 'Before the third crash', (postmasterPid) => {
      const children = execFileSync('pgrep', ['-P', String(postmasterPid)], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number);
      frozen = children[0]!;
      process.kill(frozen, 'SIGSTOP');
    });
    expect(isAlive(frozen!)).toBe(true);

    const starting = srv.start();
    // The first start attempt fails over the memory still in use; Gavel says so and tries again.
    await expect
      .poll(() => /embedded PostgreSQL did not start yet \(.*shared memory block.*\); retrying/.test(srv.output), {
        timeout: 60_000,
      })
      .toBe(true);
    process.kill(frozen!, 'SIGCONT');
    await starting;
    await expect.poll(() => isAlive(frozen!)).toBe(false);
    frozen = undefined;
    process.stdout.write(
      `faults: with a backend of the killed server holding on, the next start was ready in ${srv.readyAt - srv.startedAt} ms\n`,
    );
    await expectCall(srv, 'GET', '/api/auth/me', clerk, undefined, [200]);
    await expectEveryAckedEntry(srv);
  });
});
