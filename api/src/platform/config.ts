import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

const LogLevel = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)));

/** Every setting Gavel reads from the environment; docs/README's table mirrors this. */
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535 }),
  HOST: Type.String({ minLength: 1 }),
  PUBLIC_URL: Type.String({ pattern: '^https?://[^/]+/?$' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ minLength: 1 }),
  STORAGE: Type.Union([Type.Literal('local'), Type.Literal('postgres')]),
  SESSION_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  LIVEKIT_URL: Type.String({ pattern: '^(wss?|https?)://' }),
  LIVEKIT_API_URL: Type.Optional(Type.String({ pattern: '^(wss?|https?)://' })),
  LIVEKIT_API_KEY: Type.String({ minLength: 1 }),
  LIVEKIT_API_SECRET: Type.String({ minLength: 1 }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  LOG_LEVEL: LogLevel,
  TRUST_PROXY: Type.Union([Type.Boolean(), Type.Integer({ minimum: 0 })]),
  WEB_ROOT: Type.Optional(Type.String({ minLength: 1 })),
  RECORDING_OUTPUT: Type.Union([Type.Literal('file'), Type.Literal('s3')]),
  RECORDING_FILE_DIR: Type.String({ pattern: '^/' }),
  RECORDING_LOCAL_DIR: Type.Optional(Type.String({ minLength: 1 })),
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  S3_BUCKET: Type.Optional(Type.String({ minLength: 1 })),
  S3_REGION: Type.String({ minLength: 1 }),
  S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1 })),
  S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  S3_FORCE_PATH_STYLE: Type.Boolean(),
  EXHIBIT_MAX_BYTES: Type.Integer({ minimum: 1 }),
  TWO_FACTOR_RESET_DELAY_HOURS: Type.Integer({ minimum: 1, maximum: 720 }),
  EXHIBIT_MAX_PAGES: Type.Integer({ minimum: 1 }),
  EXHIBIT_STAMP_TIMEOUT_MS: Type.Integer({ minimum: 1 }),
  EXHIBIT_STAMP_MEMORY_MB: Type.Integer({ minimum: 1 }),
  EXHIBIT_STAMP_CONCURRENCY: Type.Integer({ minimum: 1 }),
  VERIFY_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1000 }),
  COURT_SIGNING_NAME: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  COURT_SIGNING_P12: Type.Optional(Type.String({ minLength: 1 })),
  COURT_SIGNING_P12_PASSWORD: Type.Optional(Type.String()),
});
type RawConfig = Static<typeof ConfigSchema>;

export interface Config {
  port: number;
  host: string;
  /** Origin of the browser-facing URL, e.g. https://court.example.org */
  publicOrigin: string;
  secureCookies: boolean;
  databaseUrl: string | undefined;
  dataDir: string;
  /** Where exhibits and other files go: local, DATA_DIR/files (one instance); postgres, the database (any number). */
  storage: 'local' | 'postgres';
  sessionSecret: string;
  /** url: what browsers connect to; apiUrl: where Gavel calls RoomService/Egress (often internal). */
  livekit: { url: string; apiUrl: string; apiKey: string; apiSecret: string };
  smtpUrl: string | undefined;
  logLevel: string;
  trustProxy: boolean | number;
  /** Built web app to serve; undefined means the default web/build. */
  webRoot: string | undefined;
  recording: RecordingConfig;
  /** Largest exhibit file accepted, in bytes. */
  exhibitMaxBytes: number;
  /** With no second admin to approve it, how long a removal of a second factor waits for its owner to cancel. */
  twoFactorResetDelayHours: number;
  /** What stamping one exhibit may take: pages, time, the worker's heap, and how many at once. */
  exhibitStamp: StampLimits;
  /** Public PDF verifications running at once on this server; more are answered 503 busy. */
  verifyConcurrency: number;
  /** The court's record-signing identity: a generated certificate's name, or a PKCS#12 file. */
  signing: { courtName: string | undefined; p12File: string | undefined; p12Password: string | undefined };
}

export interface StampLimits {
  maxPages: number;
  timeoutMs: number;
  memoryMb: number;
  concurrency: number;
}

/** Where Egress writes recordings, and where Gavel finds them again for download. */
export interface RecordingConfig {
  output: 'file' | 's3';
  /** file: the output directory on the egress host (its volume), e.g. /out. */
  fileDir: string;
  /** file: the same files as Gavel sees them (a shared volume). */
  localDir: string;
  s3: {
    endpoint: string | undefined;
    bucket: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    forcePathStyle: boolean;
  } | null;
}

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.variable = variable;
  }
}

const DEFAULTS: Record<string, string> = {
  PORT: '3000',
  HOST: '0.0.0.0',
  DATA_DIR: './data',
  STORAGE: 'local',
  LIVEKIT_URL: 'ws://localhost:7880',
  LIVEKIT_API_KEY: 'devkey',
  LIVEKIT_API_SECRET: 'secret',
  LOG_LEVEL: 'info',
  TRUST_PROXY: 'false',
  RECORDING_OUTPUT: 'file',
  RECORDING_FILE_DIR: '/out',
  S3_REGION: 'us-east-1',
  S3_FORCE_PATH_STYLE: 'false',
  EXHIBIT_MAX_BYTES: String(50 * 1024 * 1024),
  TWO_FACTOR_RESET_DELAY_HOURS: '72',
  EXHIBIT_MAX_PAGES: '2000',
  EXHIBIT_STAMP_TIMEOUT_MS: '30000',
  EXHIBIT_STAMP_MEMORY_MB: '256',
  EXHIBIT_STAMP_CONCURRENCY: '2',
  VERIFY_CONCURRENCY: '4',
};

const NUMERIC = new Set([
  'PORT',
  'EXHIBIT_MAX_BYTES',
  'EXHIBIT_MAX_PAGES',
  'EXHIBIT_STAMP_TIMEOUT_MS',
  'EXHIBIT_STAMP_MEMORY_MB',
  'EXHIBIT_STAMP_CONCURRENCY',
  'TWO_FACTOR_RESET_DELAY_HOURS',
  'VERIFY_CONCURRENCY',
]);

function coerce(name: string, value: string): unknown {
  if (NUMERIC.has(name)) return /^\d+$/.test(value) ? Number(value) : value;
  if (name === 'S3_FORCE_PATH_STYLE') return value === 'true' ? true : value === 'false' ? false : value;
  if (name === 'TRUST_PROXY') {
    if (value === 'true' || value === 'false') return value === 'true';
    return /^\d+$/.test(value) ? Number(value) : value;
  }
  return value;
}

/**
 * Reads and validates the environment once. Throws ConfigError naming the first bad variable.
 * Pure apart from `loadSecrets`, so tests can pass their own env.
 */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(ConfigSchema.properties)) {
    const given = env[name];
    const value = given === undefined || given === '' ? DEFAULTS[name] : given;
    if (value !== undefined) raw[name] = coerce(name, value);
  }
  raw.PUBLIC_URL ??= `http://localhost:${String(raw.PORT)}`;
  const first = Value.Errors(ConfigSchema, raw)[0];
  if (first) {
    const variable = first.instancePath.split('/')[1] ?? 'environment';
    throw new ConfigError(variable, describe(variable, env[variable] ?? raw[variable]));
  }
  const c = raw as RawConfig;
  const url = new URL(c.PUBLIC_URL);
  // Whoever knows the LiveKit secret mints tokens for every room: a public or short one is for development only.
  if (url.protocol === 'https:') {
    if (c.LIVEKIT_API_KEY === 'devkey' && c.LIVEKIT_API_SECRET === 'secret') {
      throw new ConfigError(
        'LIVEKIT_API_SECRET',
        "is LiveKit's public development key devkey/secret; set LIVEKIT_API_KEY and a random LIVEKIT_API_SECRET of at least 32 characters when PUBLIC_URL is https",
      );
    }
    if (c.LIVEKIT_API_SECRET.length < 32) {
      throw new ConfigError(
        'LIVEKIT_API_SECRET',
        `must be at least 32 characters when PUBLIC_URL is https (got ${c.LIVEKIT_API_SECRET.length})`,
      );
    }
  }
  return {
    port: c.PORT,
    host: c.HOST,
    publicOrigin: url.origin,
    secureCookies: url.protocol === 'https:',
    databaseUrl: c.DATABASE_URL,
    dataDir: resolve(c.DATA_DIR),
    storage: c.STORAGE,
    sessionSecret: c.SESSION_SECRET ?? '',
    livekit: {
      url: c.LIVEKIT_URL,
      apiUrl: (c.LIVEKIT_API_URL ?? c.LIVEKIT_URL).replace(/^ws/, 'http'),
      apiKey: c.LIVEKIT_API_KEY,
      apiSecret: c.LIVEKIT_API_SECRET,
    },
    smtpUrl: c.SMTP_URL,
    logLevel: c.LOG_LEVEL,
    trustProxy: c.TRUST_PROXY,
    webRoot: c.WEB_ROOT ? resolve(c.WEB_ROOT) : undefined,
    recording: recordingConfig(c),
    exhibitMaxBytes: c.EXHIBIT_MAX_BYTES,
    twoFactorResetDelayHours: c.TWO_FACTOR_RESET_DELAY_HOURS,
    exhibitStamp: {
      maxPages: c.EXHIBIT_MAX_PAGES,
      timeoutMs: c.EXHIBIT_STAMP_TIMEOUT_MS,
      memoryMb: c.EXHIBIT_STAMP_MEMORY_MB,
      concurrency: c.EXHIBIT_STAMP_CONCURRENCY,
    },
    verifyConcurrency: c.VERIFY_CONCURRENCY,
    signing: {
      courtName: c.COURT_SIGNING_NAME,
      p12File: c.COURT_SIGNING_P12 ? resolve(c.COURT_SIGNING_P12) : undefined,
      p12Password: c.COURT_SIGNING_P12_PASSWORD,
    },
  };
}

function recordingConfig(c: RawConfig): RecordingConfig {
  const base = {
    output: c.RECORDING_OUTPUT,
    fileDir: c.RECORDING_FILE_DIR,
    localDir: resolve(c.RECORDING_LOCAL_DIR ?? join(c.DATA_DIR, 'recordings')),
  };
  if (c.RECORDING_OUTPUT !== 's3') return { ...base, s3: null };
  // Egress uploads with these keys and Gavel presigns downloads with them: all are needed.
  for (const name of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
    if (!c[name]) throw new ConfigError(name, 'must be set when RECORDING_OUTPUT=s3 (missing)');
  }
  return {
    ...base,
    s3: {
      endpoint: c.S3_ENDPOINT,
      bucket: c.S3_BUCKET!,
      region: c.S3_REGION,
      accessKeyId: c.S3_ACCESS_KEY_ID!,
      secretAccessKey: c.S3_SECRET_ACCESS_KEY!,
      forcePathStyle: c.S3_FORCE_PATH_STYLE,
    },
  };
}

function describe(variable: string, value: unknown): string {
  const shown = value === undefined ? 'missing' : `got ${JSON.stringify(value)}`;
  const expected: Record<string, string> = {
    PORT: 'must be a port number 0-65535',
    HOST: 'must not be empty',
    PUBLIC_URL: 'must be an http(s) origin like https://court.example.org',
    DATABASE_URL: 'must be a postgres:// connection URL',
    DATA_DIR: 'must be a directory path',
    STORAGE: 'must be local or postgres',
    SESSION_SECRET: 'must be at least 32 characters',
    LIVEKIT_URL: 'must be a ws://, wss://, http:// or https:// URL',
    LIVEKIT_API_URL: 'must be a ws://, wss://, http:// or https:// URL',
    LIVEKIT_API_KEY: 'must not be empty',
    LIVEKIT_API_SECRET: 'must not be empty',
    SMTP_URL: 'must be an smtp:// or smtps:// URL',
    LOG_LEVEL: 'must be one of fatal, error, warn, info, debug, trace, silent',
    TRUST_PROXY: 'must be true, false or a number of proxy hops',
    WEB_ROOT: 'must be a directory path',
    RECORDING_OUTPUT: 'must be file or s3',
    RECORDING_FILE_DIR: 'must be an absolute path on the egress host',
    RECORDING_LOCAL_DIR: 'must be a directory path',
    S3_ENDPOINT: 'must be an http(s) URL',
    S3_BUCKET: 'must not be empty',
    S3_REGION: 'must not be empty',
    S3_ACCESS_KEY_ID: 'must not be empty',
    S3_SECRET_ACCESS_KEY: 'must not be empty',
    S3_FORCE_PATH_STYLE: 'must be true or false',
    EXHIBIT_MAX_BYTES: 'must be a whole number of bytes, at least 1',
    TWO_FACTOR_RESET_DELAY_HOURS: 'must be a whole number of hours from 1 to 720',
    EXHIBIT_MAX_PAGES: 'must be a whole number of pages, at least 1',
    EXHIBIT_STAMP_TIMEOUT_MS: 'must be a whole number of milliseconds, at least 1',
    EXHIBIT_STAMP_MEMORY_MB: 'must be a whole number of megabytes, at least 1',
    EXHIBIT_STAMP_CONCURRENCY: 'must be a whole number of stampings at once, at least 1',
    VERIFY_CONCURRENCY: 'must be a whole number from 1 to 1000',
    COURT_SIGNING_NAME: 'must be 1-64 characters',
    COURT_SIGNING_P12: 'must be the path of a PKCS#12 (.p12/.pfx) file',
  };
  return `${expected[variable] ?? 'is invalid'} (${shown})`;
}

/** Creates DATA_DIR and, when SESSION_SECRET is unset, a secret kept there across restarts. */
export function loadSecrets(config: Config): Config {
  mkdirSync(config.dataDir, { recursive: true });
  if (config.sessionSecret) return config;
  const file = join(config.dataDir, 'session-secret');
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return { ...config, sessionSecret: readFileSync(file, 'utf8').trim() };
}
