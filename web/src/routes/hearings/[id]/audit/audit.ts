import { api, ApiError } from '#lib/api.ts';
import { hasMessage, t } from '#lib/i18n/index.svelte.ts';

export interface AuditEvent {
  seq: number;
  occurredAt: string;
  actor: { type: string; id: string | null; name: string | null; role: string | null };
  action: string;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditTrail {
  events: AuditEvent[];
  next: number | null;
  actions: string[];
}

export interface ChainCheck {
  ok: boolean;
  events: number;
  firstBrokenSeq: number | null;
  reason: string | null;
  checkedAt: string;
}

export interface AuditFilter {
  action: string;
  actor: string;
}

const PAGE = 100;

export function loadTrail(hearingId: string, filter: AuditFilter, after = 0): Promise<AuditTrail> {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (after > 0) q.set('after', String(after));
  if (filter.action) q.set('action', filter.action);
  if (filter.actor) q.set('actor', filter.actor);
  return api.get<AuditTrail>(`/hearings/${encodeURIComponent(hearingId)}/audit?${q.toString()}`);
}

export const verifyChain = (hearingId: string) =>
  api.get<ChainCheck>(`/hearings/${encodeURIComponent(hearingId)}/audit/verify`);

/** The action in the court's words when we have them, else its code as recorded. */
export function actionName(action: string): string {
  const key = `audit.action.${action}`;
  return hasMessage(key) ? t(key) : action;
}

export function actorName(e: AuditEvent): string {
  if (e.actor.type === 'system') return t('audit.actor.system');
  if (e.actor.type === 'anonymous') return t('audit.actor.anonymous');
  return e.actor.name ?? t('audit.actor.unknown');
}

/** Payload values shown as text; ids and nested values as compact JSON. */
export function detailValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function auditErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return t('audit.loadError');
  if (error.code === 'network') return t('audit.networkError');
  if (error.status === 404) return t('audit.notFound');
  if (error.status === 403) return t('audit.forbidden');
  return t('audit.loadError');
}
