import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import * as audit from '../../audit/audit.service.ts';
import { claim } from '../../audit/record-contents.ts';
import { DomainError } from '../../platform/http/errors.ts';
import type { LiveDeps } from '../live-deps.ts';
import { actorOf, authorize, benchOf, hearingFacts, type HearingCaller } from '../hearing-caller.ts';
import { chatReach } from '../../domain/hearing/index.ts';
import * as repo from './chat.repository.ts';
import type { ChatMessageRow, ChatReach } from './chat.repository.ts';

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

/** The hearing's latest messages within a reach (what one watcher may read), oldest first. */
export async function messagesWithin(
  db: Kysely<Database>,
  hearingId: string,
  reach: ChatReach,
  limit: number,
): Promise<MessageView[]> {
  return (await repo.messagesWithin(db, hearingId, reach, limit)).map(messageView);
}

/** In-hearing chat, kept by Gavel (not LiveKit data) so it stays with the hearing. */
export class ChatService {
  private readonly d: LiveDeps;
  constructor(deps: LiveDeps) {
    this.d = deps;
  }

  async post(c: HearingCaller, input: { text: string; to: 'all' | 'bench' }) {
    authorize(c, input.to === 'all' ? 'chat.post_all' : 'chat.post_bench');
    const h = c.hearing;
    const text = input.text.trim();
    if (!text) throw new DomainError(400, 'validation', 'Write a message first.');
    return this.d.db.transaction().execute(async (trx) => {
      const row = await repo.insertMessage(trx, {
        hearing_id: h.id,
        sender_kind: c.user ? 'staff' : 'participant',
        sender_user_id: c.user?.id ?? null,
        sender_participant_id: c.participant?.id ?? null,
        sender_name: c.user ? c.user.name : c.participant!.display_name,
        sender_role: c.user ? (benchOf(c) ?? c.user.role) : c.participant!.role,
        recipients: input.to,
        text,
      });
      const message = messageView(row);
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(c),
        action: 'chat.posted',
        payload: { messageId: row.id, to: input.to, text, contents: [claim('chat', row)] },
      });
      await this.d.hub.publish(trx, {
        stream: h.id,
        kind: 'chat.message',
        topic: {
          data: 'chat',
          to: input.to,
          senderParticipantId: row.sender_participant_id,
          senderUserId: row.sender_user_id,
        },
        payload: { message },
      });
      return message;
    });
  }

  /** The messages the caller may read, as the socket would deliver them one by one. */
  async list(c: HearingCaller, limit = 200) {
    authorize(c, 'chat.read_own');
    const reach = chatReach({ caller: c.facts, hearing: hearingFacts(c.hearing) });
    return messagesWithin(this.d.db, c.hearing.id, reach, limit);
  }
}
