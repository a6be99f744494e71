import type { Kysely, Updateable } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { Court, CourtTable } from './admin.table.ts';
import { isTimeZone } from '../domain/court-time.ts';
import * as audit from '../audit/audit.service.ts';
import { DomainError, forbidden, notFound, unauthorized } from '../platform/http/errors.ts';
import type { SessionUser } from '../accounts/auth.service.ts';
import * as repo from './court.repository.ts';
import { normaliseContactField } from './court-contact.ts';

/** Court-level events go on the court's own audit stream; an account without a court uses 'system'. */
export const courtStream = (courtId: string | null | undefined) => (courtId ? `court:${courtId}` : audit.SYSTEM_STREAM);

/** The route's access rule already demands a session; this only tells TypeScript so. */
export function signedIn(user: SessionUser | null): SessionUser {
  if (!user) throw unauthorized();
  return user;
}

/** The caller's court: every admin route works inside it and nowhere else. */
export function courtOf(user: SessionUser | null): string {
  if (!user?.court) throw forbidden('Your account belongs to no court.');
  return user.court.id;
}

export const actorOf = (user: SessionUser): audit.Actor => ({ type: 'user', id: user.id });

export interface CourtSettingsInput {
  name?: string;
  timezone?: string;
  locale?: 'en' | 'zh-CN';
  rulesText?: { en?: string; 'zh-CN'?: string };
  recordingRequiredDefault?: boolean;
  inviteGraceMinutes?: number;
  sessionIdleMinutes?: number;
  sessionAbsoluteMinutes?: number;
  requireTwoFactor?: boolean;
  contactPhone?: string | null;
  contactEmail?: string | null;
  contactNote?: string | null;
}

export function courtView(c: Court) {
  return {
    id: c.id,
    name: c.name,
    timezone: c.timezone,
    locale: c.locale,
    rulesText: c.rules_text,
    recordingRequiredDefault: c.recording_required_default,
    inviteGraceMinutes: c.invite_grace_minutes,
    sessionIdleMinutes: c.session_idle_minutes,
    sessionAbsoluteMinutes: c.session_absolute_minutes,
    requireTwoFactor: c.require_two_factor,
    contactPhone: c.contact_phone,
    contactEmail: c.contact_email,
    contactNote: c.contact_note,
    updatedAt: c.updated_at.toISOString(),
  };
}

const invalid = (message: string) => new DomainError(400, 'validation', message);

export class CourtService {
  private readonly db: Kysely<Database>;
  private readonly now: () => Date;
  constructor(db: Kysely<Database>, now: () => Date) {
    this.db = db;
    this.now = now;
  }

  async get(courtId: string) {
    const court = await repo.findCourt(this.db, courtId);
    if (!court) throw notFound('Court');
    return courtView(court);
  }

  async update(user: SessionUser, input: CourtSettingsInput) {
    const courtId = courtOf(user);
    if (input.name !== undefined && !input.name.trim()) throw invalid('body/name must not be blank');
    if (input.timezone !== undefined && !isTimeZone(input.timezone)) {
      throw invalid('body/timezone must be an IANA time zone such as Asia/Shanghai');
    }
    const contact = {
      phone: normaliseContactField('phone', input.contactPhone),
      email: normaliseContactField('email', input.contactEmail),
      note: normaliseContactField('note', input.contactNote),
    };
    for (const [field, r] of Object.entries(contact)) {
      if (!r.ok) throw invalid(`body/contact${field[0]!.toUpperCase()}${field.slice(1)} ${r.reason}`);
    }
    return this.db.transaction().execute(async (trx) => {
      await repo.lockCourt(trx, courtId);
      const before = await repo.findCourt(trx, courtId);
      if (!before) throw notFound('Court');
      const idle = input.sessionIdleMinutes ?? before.session_idle_minutes;
      const absolute = input.sessionAbsoluteMinutes ?? before.session_absolute_minutes;
      if (absolute < idle) throw invalid('the absolute session timeout must not be shorter than the idle timeout');

      const changes: Updateable<CourtTable> = {};
      if (input.name !== undefined) changes.name = input.name.trim();
      if (input.timezone !== undefined) changes.timezone = input.timezone;
      if (input.locale !== undefined) changes.locale = input.locale;
      if (input.rulesText !== undefined) {
        // Blank rules in a language mean "none in that language".
        const rules = Object.fromEntries(Object.entries(input.rulesText).filter(([, text]) => text?.trim()));
        changes.rules_text = JSON.stringify(rules);
      }
      if (input.recordingRequiredDefault !== undefined) {
        changes.recording_required_default = input.recordingRequiredDefault;
      }
      if (input.inviteGraceMinutes !== undefined) changes.invite_grace_minutes = input.inviteGraceMinutes;
      if (input.sessionIdleMinutes !== undefined) changes.session_idle_minutes = input.sessionIdleMinutes;
      if (input.sessionAbsoluteMinutes !== undefined) changes.session_absolute_minutes = input.sessionAbsoluteMinutes;
      if (input.requireTwoFactor !== undefined) changes.require_two_factor = input.requireTwoFactor;
      if (contact.phone.ok && contact.phone.value !== undefined) changes.contact_phone = contact.phone.value;
      if (contact.email.ok && contact.email.value !== undefined) changes.contact_email = contact.email.value;
      if (contact.note.ok && contact.note.value !== undefined) changes.contact_note = contact.note.value;
      const after = await repo.updateCourt(trx, courtId, { ...changes, updated_at: this.now() });

      const beforeView = courtView(before) as Record<string, unknown>;
      const afterView = courtView(after) as Record<string, unknown>;
      const changed = Object.keys(input).filter((k) => JSON.stringify(beforeView[k]) !== JSON.stringify(afterView[k]));
      await audit.append(trx, {
        stream: courtStream(courtId),
        actor: actorOf(user),
        action: 'court.settings_changed',
        payload: {
          courtId,
          changed: Object.fromEntries(changed.map((k) => [k, { from: beforeView[k], to: afterView[k] }])),
        },
      });
      return courtView(after);
    });
  }
}
