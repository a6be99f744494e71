// Tables of scheduling: cases, hearings, participants and invites (issue 3).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled as the feature lands
export interface SchedulingTables {}
