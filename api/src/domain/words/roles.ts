import { PARTICIPANT_ROLES, STAFF_ROLES, type ParticipantRole, type StaffRole } from '../hearing/callers.ts';

export type Role = ParticipantRole | StaffRole;

/** A language's one word for each role, as a sentence uses it: "invited as representative", "以代理人身份". */
export type RoleWords = Record<Role, string>;

/**
 * A role's messages, all made from the language's one word for it so that a role is named the same
 * wherever anyone reads it (screens, invitations, the record's notes, the sealed PDF):
 * `role.word.<role>` is the word itself, `role.<staff role>` and `participants.role.<role>` its label.
 */
export type RoleMessages = { [R in Role as `role.word.${R}`]: string } & {
  [R in StaffRole as `role.${R}`]: string;
} & { [R in ParticipantRole as `participants.role.${R}`]: string };

export function rolesOf(words: RoleWords, label: (word: string) => string): RoleMessages {
  const messages: Record<string, string> = {};
  for (const role of [...PARTICIPANT_ROLES, ...STAFF_ROLES]) messages[`role.word.${role}`] = words[role];
  for (const role of STAFF_ROLES) messages[`role.${role}`] = label(words[role]);
  for (const role of PARTICIPANT_ROLES) messages[`participants.role.${role}`] = label(words[role]);
  return messages as RoleMessages;
}
