import type { Translation } from './en.ts';

// What Gavel sends an invitee, in their language: the invitation mail, the notice that a hearing moved
// or was cancelled ('invitation.'), and the hearing's calendar event ('calendar.').
export const invitationEn = {
  'invitation.subject': (p: { caseNumber: string; title: string }) => `Hearing invitation: ${p.caseNumber} ${p.title}`,
  'invitation.greeting': (p: { name: string }) => `Dear ${p.name},`,
  'invitation.invites': (p: { court: string; role: string }) =>
    `${p.court} invites you to join the following online hearing as ${p.role}:`,
  'invitation.caseNumber': (p: { caseNumber: string }) => `Case number: ${p.caseNumber}`,
  'invitation.case': (p: { caption: string }) => `Case: ${p.caption}`,
  'invitation.hearing': (p: { title: string }) => `Hearing: ${p.title}`,
  'invitation.time': (p: { when: string }) => `Time: ${p.when}`,
  'invitation.when': (p: { start: string; end: string; zone: string }) => `${p.start} – ${p.end} (${p.zone})`,
  'invitation.link': (p: { link: string }) => `Join through this link shortly before the start: ${p.link}`,
  'invitation.accessCode': 'You will need an access code, which the court sends you separately.',
  'invitation.personal': 'This link is for you alone; please do not forward it.',
  /** Where the link stood, in the copy of an invitation Gavel keeps. */
  'invitation.linkPlaceholder': '[invitation link: issue a new one to send again]',
  'invitation.cancelled.subject': (p: { caseNumber: string; title: string }) =>
    `Hearing cancelled: ${p.caseNumber} ${p.title}`,
  'invitation.cancelled.body': (p: { court: string; caseNumber: string; title: string }) =>
    `${p.court}: the hearing "${p.title}" in case ${p.caseNumber} has been cancelled.`,
  'invitation.changed.subject': (p: { caseNumber: string; title: string }) =>
    `Hearing changed: ${p.caseNumber} ${p.title}`,
  'invitation.changed.body': (p: { court: string; caseNumber: string; title: string; when: string }) =>
    `${p.court}: the hearing "${p.title}" in case ${p.caseNumber} is now at ${p.when}.`,
  'invitation.changed.useLink': 'Use the invitation link you already have to join.',

  'calendar.location': (p: { court: string; courtroom: string }) => `${p.court}, ${p.courtroom} (online)`,
};

export const invitationZhCN: Translation<typeof invitationEn> = {
  'invitation.subject': (p) => `庭审通知：${p.caseNumber} ${p.title}`,
  'invitation.greeting': (p) => `${p.name}，您好：`,
  'invitation.invites': (p) => `${p.court}通知您以${p.role}身份参加以下在线庭审：`,
  'invitation.caseNumber': (p) => `案号：${p.caseNumber}`,
  'invitation.case': (p) => `案件：${p.caption}`,
  'invitation.hearing': (p) => `庭审：${p.title}`,
  'invitation.time': (p) => `时间：${p.when}`,
  'invitation.when': (p) => `${p.start} – ${p.end} (${p.zone})`,
  'invitation.link': (p) => `请在开庭前通过以下链接进入：${p.link}`,
  'invitation.accessCode': '进入时需要输入访问码，访问码将由法院另行告知。',
  'invitation.personal': '此链接仅供您本人使用，请勿转发。',
  'invitation.linkPlaceholder': '［邀请链接：如需再次发送，请重新生成］',
  'invitation.cancelled.subject': (p) => `庭审取消：${p.caseNumber} ${p.title}`,
  'invitation.cancelled.body': (p) => `${p.court}通知：案号 ${p.caseNumber} 的庭审“${p.title}”已取消。`,
  'invitation.changed.subject': (p) => `庭审变更：${p.caseNumber} ${p.title}`,
  'invitation.changed.body': (p) => `${p.court}通知：案号 ${p.caseNumber} 的庭审“${p.title}”已变更为：${p.when}。`,
  'invitation.changed.useLink': '请继续使用此前收到的邀请链接进入。',

  'calendar.location': (p) => `${p.court}，${p.courtroom}（在线）`,
};
