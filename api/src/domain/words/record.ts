import { plural } from './plural.ts';
import type { Translation } from './en.ts';

// The record's own words, in the court's language: Gavel's procedural notes among the entries ('note.'),
// and the fixed wording of the sealed transcript PDF ('pdf.'). A role inside them is `role.word.<role>`.
export const recordEn = {
  'note.state.open': 'Lobby opened',
  'note.state.start': 'Hearing in session',
  'note.state.recess': 'Hearing in recess',
  'note.state.resume': 'Hearing resumed',
  'note.state.adjourn': 'Hearing adjourned',
  'note.observers': (p: { count: number }) =>
    plural('en', p.count, { one: `${String(p.count)} observer`, other: `${String(p.count)} observers` }),
  'note.anObserver': 'An observer',
  'note.person': (p: { name: string; role: string }) => `${p.name} (${p.role})`,
  'note.listSeparator': ', ',
  'note.admittedLead': 'Admitted: ',
  'note.admitted': (p: { person: string }) => `${p.person} admitted`,
  'note.witnessCalled': (p: { name: string }) => `Witness ${p.name} called`,
  'note.witnessReleased': (p: { name: string }) => `Witness ${p.name} released`,
  'note.returnedToLobby': (p: { person: string }) => `${p.person} returned to the lobby`,
  'note.recordingResumed': 'Recording resumed',
  'note.recordingInterrupted': 'Recording interrupted',
  'note.recordingNotStarted': 'Recording could not be started',

  'pdf.title': 'Transcript of proceedings',
  'pdf.documentTitle': (p: { caseNumber: string }) => `Transcript of proceedings — ${p.caseNumber}`,
  'pdf.page': (p: { page: number; pages: number }) => `Page ${String(p.page)} of ${String(p.pages)}`,
  'pdf.header': (p: { caseNumber: string; date: string; zone: string }) =>
    `${p.caseNumber} · ${p.date} · times in ${p.zone}`,
  'pdf.stamp': (p: { version: number; hash: string }) => `GAVEL SEAL v${String(p.version)} · ${p.hash}`,
  'pdf.caseNumber': 'Case number',
  'pdf.caption': 'Caption',
  'pdf.hearing': 'Hearing',
  'pdf.date': 'Date',
  'pdf.times': 'Times',
  'pdf.timesValue': (p: { zone: string }) => `court time, ${p.zone}`,
  'pdf.version': 'Version',
  'pdf.supersedes': (p: { version: number }) => ` (supersedes version ${String(p.version)})`,
  'pdf.appearances': 'Appearances',
  /** `represents`: the party a representative acts for, or the person an interpreter (`interprets`) interprets for. */
  'pdf.appearance': (p: {
    name: string;
    role: string;
    language: string | null;
    represents: string | null;
    interprets: boolean;
  }) => `${p.name} — ${p.role}${p.language ? ` (${p.language})` : ''}${p.represents ? `, for ${p.represents}` : ''}`,
  'pdf.rulings': 'Exhibit rulings',
  'pdf.ruling': (p: { label: string; title: string; admitted: boolean; time: string }) =>
    `Exhibit ${p.label} “${p.title}” — ${p.admitted ? 'admitted' : 'not admitted'} at ${p.time}`,
  'pdf.consultations': 'Private consultations',
  'pdf.consultation': (p: { names: string[]; from: string; to: string | null }) =>
    `${p.names.join(', ')} — ${p.to ? `${p.from} to ${p.to}` : `from ${p.from}`} (not recorded)`,
  'pdf.certification': 'Certification',
  'pdf.certify': (p: { first: number; last: number; caseNumber: string; hearingTitle: string; date: string }) =>
    `I certify that ${p.last === p.first ? `page ${String(p.first)} is` : `pages ${String(p.first)} to ${String(p.last)} are`} a true and complete record of the proceedings in case ${p.caseNumber}, ${p.hearingTitle}, on ${p.date}, as kept by the clerk.`,
  'pdf.sealedBy': 'Sealed by',
  'pdf.sealedAt': 'Sealed at',
  'pdf.sealHash': 'Seal SHA-256',
  'pdf.verify': 'Verify',
  'pdf.subject': (p: { court: string; caseCaption: string; hearingTitle: string; date: string; version: number }) =>
    `${p.court}: ${p.caseCaption} — ${p.hearingTitle}, ${p.date}. Sealed version ${String(p.version)}.`,
  'pdf.colon': ': ',
};

export const recordZhCN: Translation<typeof recordEn> = {
  'note.state.open': '候审室开放',
  'note.state.start': '开庭',
  'note.state.recess': '休庭',
  'note.state.resume': '继续开庭',
  'note.state.adjourn': '闭庭',
  'note.observers': (p) => `旁听人员 ${String(p.count)} 名`,
  'note.anObserver': '一名旁听人员',
  'note.person': (p) => `${p.name}（${p.role}）`,
  'note.listSeparator': '、',
  'note.admittedLead': '准许进入庭审：',
  'note.admitted': (p) => `${p.person}进入庭审`,
  'note.witnessCalled': (p) => `传证人${p.name}到庭`,
  'note.witnessReleased': (p) => `证人${p.name}退庭`,
  'note.returnedToLobby': (p) => `${p.person}返回候审室`,
  'note.recordingResumed': '录像恢复',
  'note.recordingInterrupted': '录像中断',
  'note.recordingNotStarted': '录像未能开始',

  'pdf.title': '庭审笔录',
  'pdf.documentTitle': (p) => `庭审笔录 — ${p.caseNumber}`,
  'pdf.page': (p) => `第 ${String(p.page)} 页，共 ${String(p.pages)} 页`,
  'pdf.header': (p) => `${p.caseNumber} · ${p.date} · 时间：${p.zone}`,
  'pdf.stamp': (p) => `GAVEL 电子封存 第 ${String(p.version)} 版 · ${p.hash}`,
  'pdf.caseNumber': '案号',
  'pdf.caption': '案件名称',
  'pdf.hearing': '庭审',
  'pdf.date': '日期',
  'pdf.times': '时间',
  'pdf.timesValue': (p) => `法院时间，${p.zone}`,
  'pdf.version': '版本',
  'pdf.supersedes': (p) => `（取代第 ${String(p.version)} 版）`,
  'pdf.appearances': '到庭人员',
  'pdf.appearance': (p) =>
    `${p.name} — ${p.role}${p.language ? `（${p.language}）` : ''}${
      p.represents ? (p.interprets ? `（为 ${p.represents} 翻译）` : `（代理 ${p.represents}）`) : ''
    }`,
  'pdf.rulings': '证据采纳情况',
  'pdf.ruling': (p) => `证据 ${p.label}“${p.title}”— ${p.time} ${p.admitted ? '采纳' : '不予采纳'}`,
  'pdf.consultations': '私下协商',
  'pdf.consultation': (p) =>
    `${p.names.join('、')} — ${p.to ? `${p.from} 至 ${p.to}` : `自 ${p.from} 起`}（未录音录像）`,
  'pdf.certification': '书记员证明',
  'pdf.certify': (p) =>
    `本人证明，${p.last === p.first ? `第 ${String(p.first)} 页` : `第 ${String(p.first)} 页至第 ${String(p.last)} 页`}如实、完整地记录了 ${p.caseNumber} 号案件 ${p.hearingTitle}（${p.date}）的庭审经过，由书记员记录。`,
  'pdf.sealedBy': '封存人',
  'pdf.sealedAt': '封存时间',
  'pdf.sealHash': '封存哈希（SHA-256）',
  'pdf.verify': '核验',
  'pdf.subject': (p) =>
    `${p.court}：${p.caseCaption} — ${p.hearingTitle}，${p.date}。已封存第 ${String(p.version)} 版。`,
  'pdf.colon': '：',
};
