import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { FIELD_NAMES } from './domain/field-name.ts';
import { AppError } from './errors.ts';

/**
 * One schema validates everything at start-up: the contest rules in config/contest.json and the deployment
 * settings from the environment. Types are inferred from it; nothing else reads process.env.
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

const unitSchema = z.object({
  name: z.string().min(1),
  category: z.string().min(1),
  aliases: z.array(z.string()).default([]),
  county: z.string().optional(),
  quota: z.number().int().positive().optional(),
});

const categorySchema = z.object({
  label: z.string(),
  quota: z.number().int().nonnegative(),
  newEmployment: z.object({ quota: z.number().int().nonnegative(), before: isoDate }).optional(),
});

export const contestSchema = z.object({
  name: z.string(),
  timezone: z.string().default('Asia/Shanghai'),
  mailbox: z.string().email(),
  contact: z.object({ name: z.string(), phone: z.string() }).optional(),
  subject: z.object({ tags: z.array(z.string()).min(1), separators: z.array(z.string()).min(1) }),
  deadline: isoDate,
  collectionStart: isoDate.optional(),
  limits: z.object({
    introMaxChars: z.number().int().positive(),
    maxAuthors: z.number().int().positive(),
    maxPieces: z.number().int().positive(),
    maxDurationMinutes: z.number().positive().optional(),
  }),
  requiredFields: z.array(z.enum(FIELD_NAMES)).min(1),
  douyinHosts: z.array(z.string()).min(1),
  labels: z.record(z.enum(FIELD_NAMES), z.array(z.string())),
  summaryLabels: z.object({
    unit: z.array(z.string()),
    contact: z.array(z.string()),
    contactPhone: z.array(z.string()),
    newEmployment: z.array(z.string()).default([]),
  }),
  categories: z.record(z.string(), categorySchema),
  newEmploymentKeywords: z.array(z.string()),
  units: z.array(unitSchema),
  organizers: z.array(z.string().email()).default([]),
  replies: z.object({
    sendReceipts: z.boolean().default(false),
    perSenderPerDay: z.number().int().positive().default(3),
    perDay: z.number().int().positive().default(300),
  }),
  digest: z.object({ cron: z.string().default('0 8 * * *') }),
  /** The notice: 一等奖 3 名，二等奖 6 名，三等奖 9 名，另设优秀奖 50 名 (the judging sheet's award slots). */
  awards: z.array(z.object({ label: z.string().min(1), slots: z.number().int().positive() })).default([
    { label: '一等奖', slots: 3 }, { label: '二等奖', slots: 6 }, { label: '三等奖', slots: 9 }, { label: '优秀奖', slots: 50 },
  ]),
}).superRefine((c, ctx) => {
  for (const [i, u] of c.units.entries()) {
    if (!c.categories[u.category]) {
      ctx.addIssue({ code: 'custom', path: ['units', i, 'category'], message: `unknown category "${u.category}"` });
    }
  }
});

export type ContestConfig = z.infer<typeof contestSchema>;
export type UnitConfig = z.infer<typeof unitSchema>;

const port = z.coerce.number().int().min(1).max(65535);
const tlsMode = z.enum(['implicit', 'starttls', 'none']);
const optionalString = z.string().trim().min(1).optional();

const envSchema = z.object({
  IMAP_HOST: optionalString,
  IMAP_PORT: port.default(993),
  IMAP_TLS: tlsMode.default('implicit'),
  IMAP_USER: optionalString,
  IMAP_PASS: optionalString,
  IMAP_MAILBOX: z.string().min(1).default('INBOX'),
  // Off by default: the organizers' mailbox is theirs; we only read it.
  IMAP_PROCESSED_FLAG: optionalString,
  IMAP_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  SMTP_HOST: optionalString,
  SMTP_PORT: port.default(465),
  SMTP_TLS: tlsMode.default('implicit'),
  SMTP_USER: optionalString,
  SMTP_PASS: optionalString,
  MAIL_FROM: optionalString,
  DIGEST_TO: optionalString,
  DATA_DIR: z.string().min(1).default('data'),
  CONFIG_DIR: z.string().min(1).default('config'),
  DEMO_MAILBOX: z.string().min(1).default('fixtures/demo-mailbox'),
  POLL_CRON: z.string().min(1).default('*/5 * * * *'),
  DIGEST_CRON: optionalString,
  TZ_CONTEST: optionalString,
  PART_MAX_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  POLL_BATCH: z.coerce.number().int().positive().max(1000).default(50),
  PARSE_HEAP_MB: z.coerce.number().int().min(32).max(4096).default(64),
  /** on: Douyin short links are resolved online to their works, so a short and a long link of one work are one. */
  DOUYIN_RESOLVE: z.enum(['on', 'off']).default('off'),
  STALE_AFTER_MINUTES: z.coerce.number().int().positive().default(30),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  // The organizers' console: loopback unless told otherwise (put nginx with TLS in front of it).
  WEB_HOST: z.string().trim().min(1).default('127.0.0.1'),
  WEB_PORT: port.optional(),
  WEB_BASE_URL: z.string().url().refine((u) => /^https?:\/\//.test(u), 'expected an http:// or https:// address').optional(),
  // Believe X-Forwarded-Proto and X-Forwarded-For (only when a proxy of ours is the only way in).
  WEB_TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
});

export type EnvConfig = z.infer<typeof envSchema>;

export interface ImapSettings {
  host: string;
  port: number;
  tls: 'implicit' | 'starttls' | 'none';
  user: string;
  pass: string;
  mailbox: string;
  processedFlag?: string;
  timeoutMs: number;
}

export interface SmtpSettings {
  host: string;
  port: number;
  tls: 'implicit' | 'starttls' | 'none';
  user?: string;
  pass?: string;
}

export interface WebSettings {
  host: string;
  /** null: `run` serves no console (unless asked with --serve); `serve` then uses 8080. */
  port: number | null;
  /** The console's public address (https://… behind nginx): links in mail, and the Secure cookie. */
  baseUrl: string | null;
  trustProxy: boolean;
}

export interface AppConfig {
  contest: ContestConfig;
  dataDir: string;
  configDir: string;
  demoMailbox: string;
  imap: ImapSettings | null;
  smtp: SmtpSettings | null;
  mailFrom: string;
  digestTo: string[];
  pollCron: string;
  digestCron: string;
  partMaxBytes: number;
  pollBatch: number;
  /** Heap cap of the document parse worker: with the main thread's ~150 MB, what bounds the process's peak RSS. */
  parseHeapMb: number;
  /** DOUYIN_RESOLVE=on: ask v.douyin.com where each short link points (off: nothing leaves the server). */
  douyinResolve: boolean;
  staleAfterMinutes: number;
  logLevel: EnvConfig['LOG_LEVEL'];
  web: WebSettings;
}

const SECRETS = ['IMAP_PASS', 'SMTP_PASS'] as const;

/** NAME_FILE wins over nothing, loses to NAME: the usual Docker-secrets convention. */
function resolveSecretFiles(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  for (const name of SECRETS) {
    const file = env[`${name}_FILE`];
    if (!env[name] && file) {
      try {
        out[name] = readFileSync(file, 'utf8').trim();
      } catch (err) {
        throw new AppError('config_invalid', `${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
  }
  // An empty variable means "not set", as in most deployment tools.
  for (const [k, v] of Object.entries(out)) if (v === '') out[k] = undefined;
  return out;
}

function formatIssues(source: string, issues: z.core.$ZodIssue[]): string {
  return issues.map((i) => `${source}${i.path.length ? `: ${i.path.join('.')}` : ''}: ${i.message}`).join('\n');
}

export function loadContest(configDir: string): ContestConfig {
  const file = path.join(configDir, 'contest.json');
  if (!existsSync(file)) throw new AppError('config_invalid', `${file} does not exist`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AppError('config_invalid', `${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = contestSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('config_invalid', formatIssues(file, parsed.error.issues));
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(resolveSecretFiles(env));
  if (!parsed.success) throw new AppError('config_invalid', formatIssues('environment', parsed.error.issues));
  const e = parsed.data;
  const contest = loadContest(e.CONFIG_DIR);

  let imap: ImapSettings | null = null;
  if (e.IMAP_HOST) {
    if (!e.IMAP_USER || !e.IMAP_PASS) {
      throw new AppError('config_invalid', 'environment: IMAP_HOST is set, so IMAP_USER and IMAP_PASS (or IMAP_PASS_FILE) are required');
    }
    imap = {
      host: e.IMAP_HOST, port: e.IMAP_PORT, tls: e.IMAP_TLS, user: e.IMAP_USER, pass: e.IMAP_PASS,
      mailbox: e.IMAP_MAILBOX, processedFlag: e.IMAP_PROCESSED_FLAG, timeoutMs: e.IMAP_TIMEOUT_MS,
    };
  }
  const smtp: SmtpSettings | null = e.SMTP_HOST
    ? { host: e.SMTP_HOST, port: e.SMTP_PORT, tls: e.SMTP_TLS, user: e.SMTP_USER, pass: e.SMTP_PASS }
    : null;

  const digestTo = (e.DIGEST_TO ?? contest.organizers.join(','))
    .split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean);
  for (const addr of digestTo) {
    if (!z.string().email().safeParse(addr).success) throw new AppError('config_invalid', `environment: DIGEST_TO: "${addr}" is not an email address`);
  }

  return {
    contest,
    dataDir: path.resolve(e.DATA_DIR),
    configDir: path.resolve(e.CONFIG_DIR),
    demoMailbox: path.resolve(e.DEMO_MAILBOX),
    imap,
    smtp,
    mailFrom: e.MAIL_FROM ?? imap?.user ?? contest.mailbox,
    digestTo,
    pollCron: e.POLL_CRON,
    digestCron: e.DIGEST_CRON ?? contest.digest.cron,
    partMaxBytes: e.PART_MAX_BYTES,
    pollBatch: e.POLL_BATCH,
    parseHeapMb: e.PARSE_HEAP_MB,
    douyinResolve: e.DOUYIN_RESOLVE === 'on',
    staleAfterMinutes: e.STALE_AFTER_MINUTES,
    logLevel: e.LOG_LEVEL,
    web: { host: e.WEB_HOST, port: e.WEB_PORT ?? null, baseUrl: e.WEB_BASE_URL?.replace(/\/+$/, '') ?? null, trustProxy: e.WEB_TRUST_PROXY },
  };
}
