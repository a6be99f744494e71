import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadSecrets, parseConfig } from './config.ts';

const server = new URL('../server.ts', import.meta.url).pathname;

describe('configuration', () => {
  it('has working defaults (livekit-server --dev keys, embedded database)', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      publicOrigin: 'http://localhost:3000',
      secureCookies: false,
      databaseUrl: undefined,
      livekit: { url: 'ws://localhost:7880', apiUrl: 'http://localhost:7880', apiKey: 'devkey', apiSecret: 'secret' },
      logLevel: 'info',
      trustProxy: false,
    });
  });

  it('reads every variable', () => {
    const c = parseConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      PUBLIC_URL: 'https://court.example.org/',
      DATABASE_URL: 'postgres://u:p@db:5432/gavel',
      DATA_DIR: '/var/lib/gavel',
      SESSION_SECRET: 'x'.repeat(40),
      LIVEKIT_URL: 'wss://media.example.org',
      LIVEKIT_API_KEY: 'k',
      LIVEKIT_API_SECRET: 's'.repeat(32),
      SMTP_URL: 'smtp://mail:25',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: '1',
    });
    expect(c).toMatchObject({
      port: 8080,
      publicOrigin: 'https://court.example.org',
      secureCookies: true,
      databaseUrl: 'postgres://u:p@db:5432/gavel',
      dataDir: '/var/lib/gavel',
      sessionSecret: 'x'.repeat(40),
      smtpUrl: 'smtp://mail:25',
      trustProxy: 1,
    });
  });

  it.each([
    [{}, /LiveKit's public development key/],
    [{ LIVEKIT_API_KEY: 'gavel', LIVEKIT_API_SECRET: 'secret' }, /at least 32 characters/],
    [{ LIVEKIT_API_KEY: 'gavel', LIVEKIT_API_SECRET: 'x'.repeat(31) }, /at least 32 characters/],
  ])('refuses to serve https with a guessable LiveKit secret (%o), naming the setting', (env, why) => {
    let error: unknown;
    try {
      parseConfig({ PUBLIC_URL: 'https://court.example.org', ...env });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('LIVEKIT_API_SECRET');
    expect((error as ConfigError).message).toMatch(why);
    expect((error as ConfigError).message).not.toContain('\n');
    // Development over http keeps LiveKit's dev keys; https with a long secret starts.
    expect(() => parseConfig({ PUBLIC_URL: 'http://localhost:3000', ...env })).not.toThrow();
    expect(() =>
      parseConfig({
        PUBLIC_URL: 'https://court.example.org',
        LIVEKIT_API_KEY: 'gavel',
        LIVEKIT_API_SECRET: 'y'.repeat(32),
      }),
    ).not.toThrow();
  });

  it('reads the recording settings: a local directory by default, or S3 with all its keys', () => {
    expect(parseConfig({ DATA_DIR: '/var/lib/gavel' }).recording).toEqual({
      output: 'file',
      fileDir: '/out',
      localDir: '/var/lib/gavel/recordings',
      s3: null,
    });
    const local = parseConfig({ RECORDING_FILE_DIR: '/egress/out', RECORDING_LOCAL_DIR: '/mnt/rec' }).recording;
    expect(local).toMatchObject({ fileDir: '/egress/out', localDir: '/mnt/rec' });
    const s3 = parseConfig({
      RECORDING_OUTPUT: 's3',
      S3_ENDPOINT: 'http://minio:9000',
      S3_BUCKET: 'court-recordings',
      S3_REGION: 'cn-north-1',
      S3_ACCESS_KEY_ID: 'AKIA',
      S3_SECRET_ACCESS_KEY: 'shh',
      S3_FORCE_PATH_STYLE: 'true',
    }).recording;
    expect(s3).toMatchObject({
      output: 's3',
      s3: {
        endpoint: 'http://minio:9000',
        bucket: 'court-recordings',
        region: 'cn-north-1',
        accessKeyId: 'AKIA',
        secretAccessKey: 'shh',
        forcePathStyle: true,
      },
    });
    let error: unknown;
    try {
      parseConfig({ RECORDING_OUTPUT: 's3', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('S3_BUCKET');
  });

  it.each([
    ['RECORDING_OUTPUT', 'tape'],
    ['RECORDING_FILE_DIR', 'out'],
    ['S3_ENDPOINT', 'minio:9000'],
    ['S3_FORCE_PATH_STYLE', 'yes'],
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PUBLIC_URL', 'court.example.org'],
    ['PUBLIC_URL', 'https://court.example.org/some/path'],
    ['DATABASE_URL', 'mysql://x'],
    ['SESSION_SECRET', 'short'],
    ['LIVEKIT_URL', 'localhost:7880'],
    ['SMTP_URL', 'mail.example.org'],
    ['LOG_LEVEL', 'loud'],
    ['TRUST_PROXY', 'maybe'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    let error: unknown;
    try {
      parseConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(name);
    expect((error as ConfigError).message).toContain(JSON.stringify(value));
  });

  it('generates a session secret once and keeps it in DATA_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gavel-config-'));
    try {
      const first = loadSecrets(parseConfig({ DATA_DIR: dir }));
      const second = loadSecrets(parseConfig({ DATA_DIR: dir }));
      expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
      expect(second.sessionSecret).toBe(first.sessionSecret);
      expect(readFileSync(join(dir, 'session-secret'), 'utf8')).toBe(first.sessionSecret);
      expect(statSync(join(dir, 'session-secret')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops the server with one clear line and exit code 1', () => {
    const res = spawnSync(process.execPath, [server], {
      env: { ...process.env, PORT: 'not-a-port', DATABASE_URL: 'postgres://127.0.0.1:1/none' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr.trim().split('\n')).toEqual([
      'gavel: configuration error: PORT: must be a port number 0-65535 (got "not-a-port")',
    ]);
  });

  it('will not start on https with LiveKit’s development secret: one line naming the setting', () => {
    const res = spawnSync(process.execPath, [server], {
      env: {
        ...process.env,
        PUBLIC_URL: 'https://court.example.org',
        LIVEKIT_API_KEY: 'devkey',
        LIVEKIT_API_SECRET: 'secret',
        DATABASE_URL: 'postgres://127.0.0.1:1/none',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status).toBe(1);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^gavel: configuration error: LIVEKIT_API_SECRET: is LiveKit's public development key/);
  });
});
