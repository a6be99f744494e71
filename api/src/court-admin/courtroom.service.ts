import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { CourtroomTable } from './admin.table.ts';
import * as audit from '../audit/audit.service.ts';
import { DomainError, notFound } from '../platform/http/errors.ts';
import type { SessionUser } from '../accounts/auth.service.ts';
import * as repo from './court.repository.ts';
import { actorOf, courtOf, courtStream } from './court.service.ts';

export function courtroomView(r: Selectable<CourtroomTable>) {
  return {
    id: r.id,
    name: r.name,
    createdAt: r.created_at.toISOString(),
    retiredAt: r.retired_at ? r.retired_at.toISOString() : null,
  };
}

const nameTaken = () =>
  new DomainError(409, 'courtroom_name_taken', 'This court already has a courtroom of that name.');

/** Courtrooms: created, renamed and retired (a retired one keeps its past hearings and takes no new ones). */
export class CourtroomService {
  private readonly db: Kysely<Database>;
  private readonly now: () => Date;
  constructor(db: Kysely<Database>, now: () => Date) {
    this.db = db;
    this.now = now;
  }

  async list(user: SessionUser) {
    return (await repo.listCourtrooms(this.db, courtOf(user))).map(courtroomView);
  }

  async create(user: SessionUser, rawName: string) {
    const courtId = courtOf(user);
    const name = cleanName(rawName);
    return this.db.transaction().execute(async (trx) => {
      await repo.lockCourt(trx, courtId);
      if (await repo.findCourtroomByName(trx, courtId, name)) throw nameTaken();
      const room = await repo.insertCourtroom(trx, courtId, name, this.now());
      await audit.append(trx, {
        stream: courtStream(courtId),
        actor: actorOf(user),
        action: 'courtroom.created',
        payload: { courtroomId: room.id, name },
      });
      return courtroomView(room);
    });
  }

  async rename(user: SessionUser, courtroomId: string, rawName: string) {
    const courtId = courtOf(user);
    const name = cleanName(rawName);
    return this.db.transaction().execute(async (trx) => {
      await repo.lockCourt(trx, courtId);
      const room = await repo.findCourtroom(trx, courtId, courtroomId);
      if (!room) throw notFound('Courtroom');
      if (room.name === name) return courtroomView(room);
      if (await repo.findCourtroomByName(trx, courtId, name)) throw nameTaken();
      const renamed = await repo.updateCourtroom(trx, courtId, courtroomId, { name });
      await audit.append(trx, {
        stream: courtStream(courtId),
        actor: actorOf(user),
        action: 'courtroom.renamed',
        payload: { courtroomId, from: room.name, to: name },
      });
      return courtroomView(renamed);
    });
  }

  /** Retiring twice, or reinstating an active courtroom, changes nothing and records nothing. */
  async setRetired(user: SessionUser, courtroomId: string, retired: boolean) {
    const courtId = courtOf(user);
    return this.db.transaction().execute(async (trx) => {
      const room = await repo.findCourtroom(trx, courtId, courtroomId);
      if (!room) throw notFound('Courtroom');
      if ((room.retired_at !== null) === retired) return courtroomView(room);
      const updated = await repo.updateCourtroom(trx, courtId, courtroomId, {
        retired_at: retired ? this.now() : null,
      });
      await audit.append(trx, {
        stream: courtStream(courtId),
        actor: actorOf(user),
        action: retired ? 'courtroom.retired' : 'courtroom.reinstated',
        payload: { courtroomId, name: room.name },
      });
      return courtroomView(updated);
    });
  }
}

function cleanName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  if (!trimmed) throw new DomainError(400, 'validation', 'body/name must not be blank');
  return trimmed;
}
