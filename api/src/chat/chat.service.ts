import * as audit from '../audit/audit.service.ts';
import { DomainError } from '../http/errors.ts';
import type { LiveDeps } from '../lobby/live-deps.ts';
import { actorOfCaller, ENDED_STATES, type LiveCaller } from '../lobby/live-caller.ts';
import * as repo from './chat.repository.ts';
import type { ChatMessageRow } from './chat.repository.ts';

export function messageView(m: ChatMessageRow) {
  return {
    id: m.id,
    at: m.created_at.toISOString(),
    from: {
      kind: m.sender_kind,
      id: (m.sender_kind === 'staff' ? m.sender_user_id : m.sender_participant_id) ?? '',
      name: m.sender_name,
      role: m.sender_role,
    },
    to: m.recipients,
    text: m.text,
  };
}

export type MessageView = ReturnType<typeof messageView>;

/** In-hearing chat, kept by Gavel (not LiveKit data) so it stays with the hearing. */
export class ChatService {
  private readonly d: LiveDeps;
  constructor(deps: LiveDeps) {
    this.d = deps;
  }

  async post(c: LiveCaller, input: { text: string; to: 'all' | 'bench' }) {
    const h = c.hearing;
    if (c.kind === 'participant') {
      const p = c.participant;
      if (c.ended === 'removed' || p.presence === 'removed') {
        throw new DomainError(403, 'removed', 'The judge removed you from this hearing.');
      }
      if (p.role === 'observer')
        throw new DomainError(403, 'observers_cannot_post', 'Observers watch and listen only.');
      if (!['in_lobby', 'admitted', 'in_consultation'].includes(p.presence)) {
        throw new DomainError(403, 'not_present', 'Join the lobby to write in the chat.');
      }
    }
    if (ENDED_STATES.has(h.state) || (c.kind === 'participant' && c.ended === 'hearing_ended')) {
      throw new DomainError(409, 'hearing_ended', 'The hearing has ended; its chat is closed.');
    }
    const text = input.text.trim();
    if (!text) throw new DomainError(400, 'validation', 'Write a message first.');
    return this.d.db.transaction().execute(async (trx) => {
      const row = await repo.insertMessage(trx, {
        hearing_id: h.id,
        sender_kind: c.kind,
        sender_user_id: c.kind === 'staff' ? c.user.id : null,
        sender_participant_id: c.kind === 'participant' ? c.participant.id : null,
        sender_name: c.kind === 'staff' ? c.user.name : c.participant.display_name,
        sender_role: c.kind === 'staff' ? c.bench : c.participant.role,
        recipients: input.to,
        text,
      });
      const message = messageView(row);
      await audit.append(trx, {
        stream: h.id,
        actor: actorOfCaller(c),
        action: 'chat.posted',
        payload: { messageId: row.id, to: input.to, text },
      });
      await this.d.hub.publish(trx, {
        stream: h.id,
        kind: 'chat.message',
        audience:
          input.to === 'all'
            ? { to: 'all' }
            : c.kind === 'participant'
              ? { to: 'participants', ids: [c.participant.id] }
              : { to: 'staff' },
        payload: { message },
      });
      return message;
    });
  }

  async list(c: LiveCaller, limit = 200) {
    if (c.kind === 'participant' && (c.ended === 'removed' || c.participant.presence === 'removed')) {
      throw new DomainError(403, 'removed', 'The judge removed you from this hearing.');
    }
    const rows = await repo.visibleMessages(
      this.d.db,
      c.hearing.id,
      c.kind === 'participant' ? c.participant.id : null,
      limit,
    );
    return rows.map(messageView);
  }
}
