import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import * as audit from '../audit/audit.service.ts';
import { DomainError, tooManyRequests } from '../platform/http/errors.ts';
import { findHearing, type HearingRow } from '../scheduling/hearings.service.ts';
import * as repo from './join.repository.ts';
import type { SessionParticipant } from './participant-session.ts';
import {
  findByInviteHash,
  findParticipant,
  inviteExpiry,
  updateParticipant,
  type ParticipantRow,
} from './participants.service.ts';
import { accessCodeMatches, inviteTokenHash, isTokenShaped, newToken, participantSessionHash } from './invite-token.ts';
import { may, permitted, standingOf } from '../domain/hearing/index.ts';
import { normaliseAccessCode } from '../domain/invitation/index.ts';
import { courtContact, type CourtContact } from '../court-admin/court-contact.ts';

export interface JoinPolicy {
  /** Failed attempts (unknown links, wrong codes) from one address within the window. */
  maxFailuresPerIp: number;
  /** Wrong access codes for one link within the window. */
  maxFailuresPerToken: number;
  windowMs: number;
}

export const DEFAULT_JOIN_POLICY: JoinPolicy = { maxFailuresPerIp: 20, maxFailuresPerToken: 5, windowMs: 15 * 60_000 };

/** A link that was valid once: 410 with whom to contact. */
export class InviteGone extends DomainError {
  readonly contact: CourtContact & { clerkName: string | null; clerkEmail: string | null };
  constructor(code: string, message: string, h: HearingRow) {
    super(410, code, message);
    this.contact = { ...courtContact(h), clerkName: h.clerk_name, clerkEmail: h.clerk_email };
  }
}

/**
 * A link that never was: 404. Which court it was meant for cannot be known, so the contact is given
 * only where Gavel serves one court (then it can only be that one).
 */
export class InviteUnknown extends DomainError {
  readonly contact: CourtContact | undefined;
  constructor(contact: CourtContact | undefined) {
    super(404, 'invite_not_found', UNKNOWN_MESSAGE);
    this.contact = contact;
  }
}

const UNKNOWN_MESSAGE =
  'This invitation link is not valid. It may have been mistyped or replaced by a newer one; ask the court for a new link.';

export class JoinService {
  private readonly db: Kysely<Database>;
  private readonly secret: string;
  private readonly now: () => Date;
  private readonly policy: JoinPolicy;

  constructor(opts: { db: Kysely<Database>; secret: string; now: () => Date; policy?: Partial<JoinPolicy> }) {
    this.db = opts.db;
    this.secret = opts.secret;
    this.now = opts.now;
    this.policy = { ...DEFAULT_JOIN_POLICY, ...opts.policy };
  }

  private keys(tokenHash: string, ip: string) {
    return { ip: `ip:${ip}`, token: `token:${tokenHash}` };
  }

  private async refuseIfLimited(tokenHash: string, ip: string) {
    const k = this.keys(tokenHash, ip);
    const now = this.now();
    const rows = await repo.countAttemptFailures(
      this.db,
      [k.ip, k.token],
      new Date(now.getTime() - this.policy.windowMs),
    );
    for (const row of rows) {
      const max = row.key === k.ip ? this.policy.maxFailuresPerIp : this.policy.maxFailuresPerToken;
      if (row.count >= max) {
        const reopens = new Date(row.oldest).getTime() + this.policy.windowMs;
        const retryAfter = Math.max(1, Math.ceil((reopens - now.getTime()) / 1000));
        throw tooManyRequests(retryAfter, `Too many attempts. Try again in ${retryAfter} seconds.`);
      }
    }
  }

  /** The invite behind a token, or 404/410; counts unknown links against the caller's address. */
  private async resolve(token: string, ip: string): Promise<{ p: ParticipantRow; h: HearingRow; tokenHash: string }> {
    const tokenHash = inviteTokenHash(token);
    await this.refuseIfLimited(tokenHash, ip);
    const p = isTokenShaped(token) ? await findByInviteHash(this.db, tokenHash) : undefined;
    const h = p ? await findHearing(this.db, p.hearing_id) : undefined;
    if (!p || !h) {
      const k = this.keys(tokenHash, ip);
      await repo.recordAttemptFailure(this.db, [k.ip, k.token], this.now());
      throw new InviteUnknown(await this.soleCourtContact());
    }
    if (p.revoked_at || p.presence === 'removed') {
      throw new InviteGone('invite_revoked', 'This invitation has been withdrawn by the court.', h);
    }
    if (h.state === 'cancelled') throw new InviteGone('hearing_cancelled', 'This hearing has been cancelled.', h);
    // After the hearing, the link still opens for those the policy lets read the record (to review and sign it).
    const after = { caller: { kind: 'participant', role: p.role, standing: 'after_hearing' }, state: h.state } as const;
    if (h.state === 'adjourned' && !may('record.read', after)) {
      throw new InviteGone('hearing_adjourned', 'This hearing has ended.', h);
    }
    if (this.now() >= inviteExpiry(h)) {
      throw new InviteGone('invite_expired', 'This invitation has expired: the hearing is over.', h);
    }
    return { p, h, tokenHash };
  }

  private async soleCourtContact(): Promise<CourtContact | undefined> {
    const courts = await this.db
      .selectFrom('courts')
      .select([
        'name as court_name',
        'contact_phone as court_contact_phone',
        'contact_email as court_contact_email',
        'contact_note as court_contact_note',
      ])
      .limit(2)
      .execute();
    return courts.length === 1 ? courtContact(courts[0]!) : undefined;
  }

  /** What the landing page may show, and nothing else. */
  async landing(token: string, ip: string) {
    const { p, h } = await this.resolve(token, ip);
    await audit.append(this.db, {
      stream: h.id,
      actor: { type: 'participant', id: p.id },
      action: 'invite.opened',
      payload: { participantId: p.id, ip },
    });
    return landingView(p, h);
  }

  /** The invite's own calendar file needs the hearing; the link must still be good. */
  /** The hearing and the language its invitee reads, for their own calendar file. */
  async calendarOf(token: string, ip: string) {
    const { h, p } = await this.resolve(token, ip);
    return { h, locale: p.locale };
  }

  async join(input: { token: string; accessCode?: string | undefined; ip: string }) {
    const { p, h, tokenHash } = await this.resolve(input.token, input.ip);
    const k = this.keys(tokenHash, input.ip);
    if (p.access_code_hash) {
      const code = input.accessCode ?? '';
      const digits = normaliseAccessCode(code);
      const ok = digits !== null && accessCodeMatches(this.secret, p.id, digits, p.access_code_hash);
      if (!ok) {
        await this.db.transaction().execute(async (trx) => {
          await repo.recordAttemptFailure(trx, [k.ip, k.token], this.now());
          await audit.append(trx, {
            stream: h.id,
            actor: { type: 'participant', id: p.id },
            action: 'participant.join_failed',
            payload: { participantId: p.id, reason: code ? 'wrong_access_code' : 'missing_access_code', ip: input.ip },
          });
        });
        throw new DomainError(
          401,
          code ? 'wrong_access_code' : 'access_code_required',
          code ? 'The access code is not correct.' : 'Enter the access code the court sent you.',
        );
      }
    }
    const token = newToken();
    const now = this.now();
    const expiresAt = inviteExpiry(h);
    await this.db.transaction().execute(async (trx) => {
      const s = await repo.insertSession(trx, {
        token_hash: participantSessionHash(this.secret, token),
        participant_id: p.id,
        hearing_id: h.id,
        expires_at: expiresAt,
        ip: input.ip,
      });
      await updateParticipant(trx, p.id, {
        first_joined_at: p.first_joined_at ?? now,
        last_joined_at: now,
      });
      await repo.clearAttemptFailures(trx, k.token);
      await audit.append(trx, {
        stream: h.id,
        actor: { type: 'participant', id: p.id },
        action: 'participant.joined',
        payload: { participantId: p.id, sessionId: s.id, ip: input.ip },
      });
    });
    return { token, expiresAt, hearingId: h.id, participantId: p.id };
  }

  /**
   * The session's participant, or null when the session ended (then it is deleted): expired, the link
   * expired, the invitation withdrawn, the hearing cancelled. A party keeps it after the hearing is
   * adjourned, to read, sign and object to the record until the invitation expires.
   */
  async authenticate(token: string): Promise<SessionParticipant | null> {
    const row = await repo.findSession(this.db, participantSessionHash(this.secret, token));
    if (!row) return null;
    const {
      session_id,
      session_expires_at,
      participant_id: id,
      participant_role: role,
      participant_display_name: display_name,
      participant_presence: presence,
      participant_revoked_at: revoked_at,
      participant_represents_id: represents_id,
      participant_interprets_for_id: interprets_for_id,
      participant_screen_share_allowed: screen_share_allowed,
      participant_media_connected: media_connected,
      ...hearing
    } = row;
    const ended = participantSessionEnded(
      {
        expires_at: session_expires_at,
        scheduled_end: hearing.scheduled_end,
        invite_grace_minutes: hearing.invite_grace_minutes,
        revoked_at,
        hearing_state: hearing.state,
      },
      this.now(),
    );
    if (ended) {
      await repo.deleteSession(this.db, session_id);
      return null;
    }
    return {
      id,
      hearingId: hearing.id,
      role,
      displayName: display_name,
      sessionId: session_id,
      live: {
        id,
        hearing_id: hearing.id,
        role,
        display_name,
        represents_id,
        interprets_for_id,
        presence,
        revoked_at,
        screen_share_allowed,
        media_connected,
      },
      hearing,
    };
  }

  /** What a signed-in participant's page shows of their hearing, with what the policy lets them do now. */
  async participantView(participantId: string, hearingId: string) {
    const p = await findParticipant(this.db, hearingId, participantId);
    const h = await findHearing(this.db, hearingId);
    if (!p || !h) throw new DomainError(404, 'not_found', 'Participant not found.');
    const caller = {
      kind: 'participant' as const,
      role: p.role,
      standing: standingOf({ presence: p.presence, revoked: p.revoked_at !== null }, h.state),
    };
    return { ...landingView(p, h), may: permitted({ caller, state: h.state }) };
  }
}

/** Whether a participant session has ended: expired, its invitation expired or withdrawn, the hearing cancelled. */
export function participantSessionEnded(
  row: {
    expires_at: Date;
    scheduled_end: Date;
    invite_grace_minutes: number;
    revoked_at: Date | null;
    hearing_state: string;
  },
  now: Date,
): boolean {
  return (
    row.expires_at <= now || inviteExpiry(row) <= now || row.revoked_at !== null || row.hearing_state === 'cancelled'
  );
}

export function landingView(p: ParticipantRow, h: HearingRow) {
  return {
    court: { name: h.court_name, timezone: h.court_timezone, contact: courtContact(h) },
    case: { number: h.case_number, caption: h.case_caption },
    hearing: {
      title: h.title,
      scheduledStart: h.scheduled_start.toISOString(),
      scheduledEnd: h.scheduled_end.toISOString(),
      state: h.state,
    },
    invitee: {
      displayName: p.display_name,
      role: p.role,
      presence: p.presence,
      locale: (p.locale === 'zh-CN' ? 'zh-CN' : 'en') as 'en' | 'zh-CN',
    },
    accessCodeRequired: p.access_code_hash !== null,
    /** Pre-join rules per language, as the court wrote them. */
    rules: h.rules_text,
  };
}
