import { HEARING_STATES } from '@gavel/api/domain/hearing';
import { ApiError } from '../api.ts';
import { t } from '../i18n/index.svelte.ts';
import { PARTICIPANT_ROLES, type ParticipantRole } from '../scheduling/client.ts';

/** A role's name in the reader's language: a participant's role, or the bench's. */
export function roleName(role: string): string {
  if ((PARTICIPANT_ROLES as string[]).includes(role)) return t(`participants.role.${role as ParticipantRole}`);
  if (role === 'judge' || role === 'clerk' || role === 'admin') return t(`role.${role}`);
  return t('live.role.unknown');
}

/** A failed live-hearing action in the reader's language. */
export function liveErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return t('live.error.generic');
  if (error.code === 'network') return t('live.error.network');
  if (error.code === 'invalid_transition') return t('live.error.transition');
  if (error.code === 'not_in_lobby') return t('live.error.notInLobby');
  if (error.status === 403) return t('live.error.forbidden');
  if (error.status === 409) return t('live.error.transition');
  return t('live.error.generic');
}

/** A refused consultation in the reader's language. */
export function consultationErrorMessage(error: unknown): string {
  if (error instanceof ApiError && error.code === 'not_admitted') return t('live.consultation.error.notAdmitted');
  if (error instanceof ApiError && error.code === 'not_party_and_agents') {
    return t('live.consultation.error.notPartyAndAgents');
  }
  if (error instanceof ApiError && error.code === 'request_pending') return t('live.consultation.error.pending');
  if (error instanceof ApiError && error.code === 'already_consulting') return t('live.consultation.error.busy');
  if (error instanceof ApiError && error.code === 'request_expired') return t('live.consultation.invite.lapsed');
  if (error instanceof ApiError && error.code === 'request_cancelled') return t('live.consultation.invite.cancelled');
  if (error instanceof ApiError && error.code.startsWith('request_')) return t('live.consultation.error.answered');
  return liveErrorMessage(error);
}

/** A hearing state's name in the reader's language. */
export function stateName(state: string): string {
  const known = HEARING_STATES.find((s) => s === state);
  return known ? t(`hearing.status.${known}`) : state;
}
