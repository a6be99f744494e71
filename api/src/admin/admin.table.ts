// Tables of court administration, staff accounts and two-factor sign-in (issue 9).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled as the feature lands
export interface AdminTables {}
