import type { ColumnType } from 'kysely';
import type { AdminTables } from '../../court-admin/admin.table.ts';
import type { SchedulingTables } from '../../scheduling/scheduling.table.ts';
import type { RealtimeTables } from '../realtime/realtime.table.ts';
import type { InvitationTables } from '../../invitations/participants.table.ts';
import type { ChatTables } from '../../courtroom/chat/chat.table.ts';
import type { ConsultationTables } from '../../courtroom/consultations/consultations.table.ts';
import type { MediaTables } from '../../courtroom/media/media.table.ts';
import type { AccountTables } from '../../accounts/auth.table.ts';
import type { AuditTables } from '../../audit/audit.table.ts';
import type { RecordingTables } from '../../recordings/recordings.table.ts';
import type { TranscriptTables } from '../../record/transcript.table.ts';
import type { ExhibitTables } from '../../exhibits/exhibits.table.ts';
import type { RecordLogTables } from '../../record-log/log.table.ts';
import type { StorageTables } from '../storage/storage.table.ts';

export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type { StaffRole } from '../../domain/hearing/index.ts';

/**
 * Every table. Features keep their own table interfaces beside their code (Kysely's example-app
 * style) and are joined here.
 */
export interface Database
  extends
    AccountTables,
    AdminTables,
    AuditTables,
    SchedulingTables,
    InvitationTables,
    RealtimeTables,
    ChatTables,
    ConsultationTables,
    MediaTables,
    RecordingTables,
    TranscriptTables,
    ExhibitTables,
    RecordLogTables,
    StorageTables {}
