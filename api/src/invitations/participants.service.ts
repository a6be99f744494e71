import type { Kysely, Transaction } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../platform/db/schema.ts';
import * as audit from '../audit/audit.service.ts';
import { claim } from '../audit/record-contents.ts';
import { DomainError, notFound } from '../platform/http/errors.ts';
import type { Mailer } from '../platform/mail/mailer.ts';
import { hearingCalendar } from '../scheduling/hearing-calendar.ts';
import { actorOf, type HearingRow, type HearingsService, type StaffUser } from '../scheduling/hearings.service.ts';
import { takesParticipants } from '../domain/hearing/index.ts';
import type { ParticipantRole } from '../domain/hearing/index.ts';
import * as repo from './participants.repository.ts';
import type { ParticipantRow } from './participants.repository.ts';
import { accessCodeHash, inviteTokenHash, newAccessCode, newToken } from './invite-token.ts';
import { changeNotice, inviteMessage, linkPlaceholder } from './invite-message.ts';

/**
 * What joining by invite link reads and writes of a participant: the invitation behind a token, and their row;
 * and when their link was issued, which the socket tells a page whose link was re-issued.
 */
export {
  findByInviteHash,
  findParticipant,
  inviteIssuedAt,
  updateParticipant,
  type ParticipantRow,
} from './participants.repository.ts';

/** When an invite stops working: the hearing's scheduled end plus the court's grace period. */
export const inviteExpiry = (h: Pick<HearingRow, 'scheduled_end' | 'invite_grace_minutes'>) =>
  new Date(h.scheduled_end.getTime() + h.invite_grace_minutes * 60_000);

export function participantView(p: ParticipantRow, h: Pick<HearingRow, 'state'>, now: Date) {
  const status =
    p.revoked_at || p.presence === 'removed'
      ? 'revoked'
      : !takesParticipants(h.state)
        ? 'closed'
        : p.invite_expires_at && p.invite_expires_at <= now
          ? 'expired'
          : 'active';
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: p.id,
    hearingId: p.hearing_id,
    role: p.role,
    displayName: p.display_name,
    email: p.email,
    phone: p.phone,
    representsId: p.represents_id,
    interpretsForId: p.interprets_for_id,
    language: p.language,
    locale: (p.locale === 'zh-CN' ? 'zh-CN' : 'en') as 'en' | 'zh-CN',
    presence: p.presence,
    accessCodeRequired: p.access_code_hash !== null,
    invite: {
      status: status as 'active' | 'revoked' | 'expired' | 'closed',
      issuedAt: iso(p.invite_issued_at),
      expiresAt: iso(p.invite_expires_at),
      revokedAt: iso(p.revoked_at),
    },
    joined: p.first_joined_at !== null,
    firstJoinedAt: iso(p.first_joined_at),
    lastJoinedAt: iso(p.last_joined_at),
    message: p.message_text
      ? { text: p.message_text, sentAt: iso(p.message_sent_at), delivered: p.message_delivered }
      : null,
  };
}

/** What the live courtroom does when an invitation stops holding (see LobbyService). */
export interface InvitationEffects {
  invitationEnded(
    trx: Transaction<Database>,
    h: { id: string; livekit_room: string },
    pid: string,
    why: 'revoked' | 'reinvited',
  ): Promise<object>;
  cleanupMedia(hearingId: string, media: object): Promise<void>;
}

export interface ParticipantsDeps {
  db: Kysely<Database>;
  hearings: HearingsService;
  courtroom?: InvitationEffects;
  mailer: Mailer;
  publicOrigin: string;
  secret: string;
  now: () => Date;
  log: FastifyBaseLogger;
}

export class ParticipantsService {
  private readonly d: ParticipantsDeps;
  constructor(deps: ParticipantsDeps) {
    this.d = deps;
  }

  private get host() {
    return new URL(this.d.publicOrigin).host;
  }

  async list(user: StaffUser, hearingId: string) {
    const h = await this.d.hearings.visibleHearing(this.d.db, user, hearingId);
    const rows = await repo.listParticipants(this.d.db, h.id);
    const now = this.d.now();
    return rows.map((p) => participantView(p, h, now));
  }

  async add(
    user: StaffUser,
    hearingId: string,
    input: {
      role: ParticipantRole;
      displayName: string;
      email?: string | undefined;
      phone?: string | undefined;
      representsId?: string | undefined;
      interpretsForId?: string | undefined;
      language?: string | undefined;
      locale?: 'en' | 'zh-CN' | undefined;
      accessCode?: boolean | undefined;
    },
  ) {
    const issued = await this.d.db.transaction().execute(async (trx) => {
      const h = await this.d.hearings.visibleHearing(trx, user, hearingId, 'participants.manage');
      if (!takesParticipants(h.state)) {
        throw new DomainError(409, 'hearing_closed', `The hearing is ${h.state}; it takes no more participants.`);
      }
      if (input.role === 'agent') {
        if (!input.representsId) {
          throw new DomainError(400, 'agent_needs_party', 'A representative must name the party they represent.');
        }
        const party = await repo.findParticipant(trx, h.id, input.representsId);
        if (!party || !['plaintiff', 'defendant'].includes(party.role) || party.revoked_at) {
          throw new DomainError(
            400,
            'agent_needs_party',
            'A representative represents a plaintiff or defendant of this hearing.',
          );
        }
      } else if (input.representsId) {
        throw new DomainError(400, 'validation', 'Only a representative (agent) represents another participant.');
      }
      if (input.role === 'interpreter') {
        if (!input.interpretsForId || !input.language) {
          throw new DomainError(
            400,
            'interpreter_needs_party',
            'An interpreter must name the participant they interpret for and the language.',
          );
        }
        const other = await repo.findParticipant(trx, h.id, input.interpretsForId);
        if (!other || other.role === 'interpreter' || other.revoked_at) {
          throw new DomainError(400, 'interpreter_needs_party', 'The interpreted participant must be in this hearing.');
        }
      } else if (input.interpretsForId) {
        throw new DomainError(400, 'validation', 'Only an interpreter interprets for another participant.');
      }
      const inserted = await repo.insertParticipant(trx, {
        hearing_id: h.id,
        role: input.role,
        display_name: input.displayName.trim(),
        email: input.email?.trim() ?? null,
        phone: input.phone?.trim() ?? null,
        represents_id: input.representsId ?? null,
        interprets_for_id: input.interpretsForId ?? null,
        language: input.language?.trim() ?? null,
        locale: input.locale ?? (h.court_locale === 'zh-CN' ? 'zh-CN' : 'en'),
      });
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(user),
        action: 'participant.added',
        payload: {
          participantId: inserted.id,
          role: inserted.role,
          displayName: inserted.display_name,
          representsId: inserted.represents_id,
          interpretsForId: inserted.interprets_for_id,
          language: inserted.language,
          locale: inserted.locale,
          accessCode: input.accessCode === true,
          contents: [claim('participant', inserted)],
        },
      });
      return this.issue(trx, user, h, inserted, input.accessCode === true);
    });
    return this.deliver(issued);
  }

  /**
   * A new link (and access code, if one is required); the old ones stop working at once, and whoever
   * used them is out of the hearing (lobby, room, media) and meets the lobby again with the new link.
   */
  async reissue(user: StaffUser, hearingId: string, participantId: string) {
    const { issued, media } = await this.d.db.transaction().execute(async (trx) => {
      const h = await this.d.hearings.visibleHearing(trx, user, hearingId, 'participants.manage');
      const p = await repo.findParticipant(trx, h.id, participantId);
      if (!p) throw notFound('Participant');
      if (p.revoked_at || p.presence === 'removed') {
        throw new DomainError(409, 'participant_revoked', 'This invitation was revoked; add the person again instead.');
      }
      if (!takesParticipants(h.state)) {
        throw new DomainError(409, 'hearing_closed', `The hearing is ${h.state}; no new links are issued.`);
      }
      await repo.deleteSessionsOfParticipant(trx, p.id);
      const media = (await this.d.courtroom?.invitationEnded(trx, h, p.id, 'reinvited')) ?? {};
      const fresh = (await repo.findParticipant(trx, h.id, p.id))!;
      return { issued: await this.issue(trx, user, h, fresh, p.access_code_hash !== null), media };
    });
    await this.d.courtroom?.cleanupMedia(hearingId, media);
    return this.deliver(issued);
  }

  private async issue(
    trx: Transaction<Database>,
    user: StaffUser,
    h: HearingRow,
    p: ParticipantRow,
    withAccessCode: boolean,
  ) {
    const token = newToken();
    const code = withAccessCode ? newAccessCode() : null;
    const now = this.d.now();
    const inviteUrl = `${this.d.publicOrigin}/join/${token}`;
    const message = inviteMessage(h, p, inviteUrl, code !== null);
    const updated = await repo.updateParticipant(trx, p.id, {
      invite_token_hash: inviteTokenHash(token),
      invite_issued_at: now,
      invite_expires_at: inviteExpiry(h),
      access_code_hash: code ? accessCodeHash(this.d.secret, p.id, code) : null,
      message_text: message.text.replace(inviteUrl, linkPlaceholder(h, p)),
      message_sent_at: null,
      message_delivered: false,
    });
    await audit.append(trx, {
      stream: h.id,
      actor: actorOf(user),
      action: p.invite_issued_at ? 'participant.invite_reissued' : 'participant.invite_issued',
      payload: { participantId: p.id, expiresAt: inviteExpiry(h).toISOString(), accessCode: code !== null },
    });
    return { h, participant: updated, inviteUrl, accessCode: code, message, user };
  }

  /** Emails the invitation when there is a mail server and an address; otherwise the clerk copies it. */
  private async deliver(issued: {
    h: HearingRow;
    participant: ParticipantRow;
    inviteUrl: string;
    accessCode: string | null;
    message: { subject: string; text: string };
    user: StaffUser;
  }) {
    const { h, inviteUrl, message, user } = issued;
    let participant = issued.participant;
    let delivered = false;
    if (this.d.mailer.configured && participant.email) {
      delivered = await this.send(
        participant.email,
        message,
        hearingCalendar(h, this.host, { url: inviteUrl, now: this.d.now(), locale: participant.locale }),
      );
      participant = await this.d.db.transaction().execute(async (trx) => {
        const p = await repo.updateParticipant(trx, participant.id, {
          message_sent_at: this.d.now(),
          message_delivered: delivered,
        });
        await audit.append(trx, {
          stream: h.id,
          actor: actorOf(user),
          action: delivered ? 'participant.invite_emailed' : 'participant.invite_email_failed',
          payload: { participantId: p.id, to: p.email },
        });
        return p;
      });
    }
    return {
      participant: participantView(participant, h, this.d.now()),
      inviteUrl,
      accessCode: issued.accessCode,
      message,
      delivered,
    };
  }

  private async send(to: string, message: { subject: string; text: string }, ics: string): Promise<boolean> {
    try {
      const { delivered } = await this.d.mailer.send({
        to,
        subject: message.subject,
        text: message.text,
        attachments: [{ filename: 'hearing.ics', content: ics, contentType: 'text/calendar; charset=utf-8' }],
      });
      return delivered;
    } catch (err) {
      this.d.log.warn({ err }, 'invite email failed');
      return false;
    }
  }

  /** The invitation is withdrawn: its link and sessions end, and whoever was in the hearing is out at once. */
  async revoke(user: StaffUser, hearingId: string, participantId: string) {
    const media = await this.d.db.transaction().execute(async (trx) => {
      const h = await this.d.hearings.visibleHearing(trx, user, hearingId, 'participants.manage');
      const p = await repo.findParticipant(trx, h.id, participantId);
      if (!p) throw notFound('Participant');
      if (p.revoked_at) return {};
      // The hash stays, so the revoked link is recognized and answered 410 with whom to contact.
      const revoked = await repo.updateParticipant(trx, p.id, { revoked_at: this.d.now() });
      await repo.deleteSessionsOfParticipant(trx, p.id);
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(user),
        action: 'participant.revoked',
        payload: {
          participantId: p.id,
          role: p.role,
          displayName: p.display_name,
          contents: [claim('participant', revoked)],
        },
      });
      return (await this.d.courtroom?.invitationEnded(trx, h, p.id, 'revoked')) ?? {};
    });
    await this.d.courtroom?.cleanupMedia(hearingId, media);
  }

  /**
   * After a reschedule or cancellation: every invitee still in the hearing is told, by email where
   * possible; the notice is kept on the participant for the clerk to pass on otherwise.
   */
  async notifyChange(user: StaffUser, h: HearingRow) {
    const now = this.d.now();
    const rows = (await repo.listParticipants(this.d.db, h.id)).filter(
      (p) => !p.revoked_at && p.presence !== 'removed',
    );
    const results: Array<{ participantId: string; delivered: boolean }> = [];
    for (const p of rows) {
      const notice = changeNotice(h, p);
      const delivered =
        this.d.mailer.configured && p.email
          ? await this.send(p.email, notice, hearingCalendar(h, this.host, { now, locale: p.locale }))
          : false;
      results.push({ participantId: p.id, delivered });
      await repo.updateParticipant(this.d.db, p.id, {
        message_text: notice.text,
        message_sent_at: delivered ? now : null,
        message_delivered: delivered,
        // A new end moves the link's expiry with it.
        ...(p.invite_issued_at ? { invite_expires_at: inviteExpiry(h) } : {}),
      });
    }
    if (rows.length > 0) {
      await audit.append(this.d.db, {
        stream: h.id,
        actor: actorOf(user),
        action: 'hearing.invitees_notified',
        payload: { sequence: h.sequence, state: h.state, participants: results },
      });
    }
    return results;
  }
}
