import { apiClient, ApiError, type ApiResponse } from '#lib/api.ts';
import { hasMessage, t } from '#lib/i18n/index.svelte.ts';

export type AuditTrail = ApiResponse<'get', '/hearings/{id}/audit'>;
export type AuditEvent = AuditTrail['events'][number];
export type ChainCheck = ApiResponse<'get', '/hearings/{id}/audit/verify'>;

export interface AuditFilter {
  action: string;
  actor: string;
}

const PAGE = 100;

/** One page of the trail, after the event numbered `after`; a page's load function passes SvelteKit's fetch. */
export function loadTrail(
  hearingId: string,
  filter: AuditFilter,
  after = 0,
  fetch?: typeof globalThis.fetch,
): Promise<AuditTrail> {
  return apiClient.get('/hearings/{id}/audit', {
    path: { id: hearingId },
    fetch,
    query: {
      limit: String(PAGE),
      ...(after > 0 ? { after: String(after) } : {}),
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.actor ? { actor: filter.actor } : {}),
    },
  });
}

export const verifyChain = (hearingId: string) =>
  apiClient.get('/hearings/{id}/audit/verify', { path: { id: hearingId } });

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
