import type { Messages } from './en.ts';
import { adminZhCN } from './admin.ts';
import { schedulingZhCN } from './scheduling.ts';
import { hearingZhCN } from './hearing.ts';
import { recordingZhCN } from './recording.ts';
import { transcriptZhCN } from './transcript.ts';
import { exhibitsZhCN } from './exhibits.ts';
import { exportZhCN } from './export.ts';
import { passwordZhCN } from './password.ts';
import { recordZhCN } from './record.ts';
import { invitationZhCN } from './invitation.ts';
import { staffMailZhCN } from './staff-mail.ts';
import { rolesOf, type RoleWords } from './roles.ts';

/** One word for each role, in sentences and labels alike: 代理人 (never 诉讼代理人), 审判员 (never 法官). */
const roleWords: RoleWords = {
  plaintiff: '原告',
  defendant: '被告',
  agent: '代理人',
  witness: '证人',
  interpreter: '翻译人员',
  observer: '旁听人员',
  judge: '审判员',
  clerk: '书记员',
  admin: '管理员',
};

/** Chinese has no capitals: a role's label is its word. */
export const rolesZhCN = rolesOf(roleWords, (word) => word);

/** Simplified Chinese messages; typed as `Messages`, so a missing or extra key fails the build. */
const core: Omit<
  Messages,
  | keyof typeof rolesZhCN
  | keyof typeof adminZhCN
  | keyof typeof schedulingZhCN
  | keyof typeof hearingZhCN
  | keyof typeof recordingZhCN
  | keyof typeof transcriptZhCN
  | keyof typeof exhibitsZhCN
  | keyof typeof exportZhCN
  | keyof typeof passwordZhCN
  | keyof typeof recordZhCN
  | keyof typeof invitationZhCN
  | keyof typeof staffMailZhCN
> = {
  'app.name': 'Gavel',
  'app.skipToContent': '跳到主要内容',
  'app.loading': '正在加载…',
  'app.unreachable.title': 'Gavel 无法连接到服务器',
  'app.unreachable.body': '请检查网络连接，然后重试。',
  'app.retry': '重试',
  'app.pageTitle': (p) => `${p.page} · Gavel`,

  'language.label': 'Language / 语言',

  'accessibility.heading': '无障碍',
  'accessibility.readOut': '朗读新的笔录内容',
  'accessibility.readOutHint': '供读屏软件使用，仅对本浏览器生效：以不打断的方式播报；您输入文字时不播报。',

  'time.courtList': (p) => `时间均为法院时间：${p.zone}。`,

  'account.label': '当前登录账户',
  'account.court': '法院：',
  'account.signOut': '退出登录',
  'account.signingOut': '正在退出登录…',
  'account.signOutFailed': '退出登录失败。请检查网络连接后重试。',

  'login.title': '登录',
  'login.intro': '供审判员、书记员和法院管理员使用。当事人、代理人和证人请通过邀请中的链接参加庭审。',
  'login.email': '电子邮件',
  'login.password': '密码',
  'login.submit': '登录',
  'login.submitting': '正在登录…',
  'login.error.invalidCredentials': '电子邮件地址或密码不正确。',
  'login.error.rateLimited': (p) => `登录尝试次数过多，请在 ${String(p.seconds)} 秒后重试。`,
  'login.error.rateLimitedLater': '登录尝试次数过多，请稍后重试。',
  'login.error.validation': '请输入有效的电子邮件地址和密码。',
  'login.error.network': 'Gavel 无法连接到服务器。请检查网络连接后重试。',
  'login.error.unexpected': '登录时出现错误，请重试。',

  'hearing.status.scheduled': '已排期',
  'hearing.status.open': '候审室已开放',
  'hearing.status.in_session': '正在开庭',
  'hearing.status.recess': '休庭中',
  'hearing.status.adjourned': '已闭庭',
  'hearing.status.cancelled': '已取消',
  'hearing.status.postponed': '已延期',

  'error.notFound.title': '页面不存在',
  'error.notFound.body': '此地址没有对应的页面。',
  'error.generic.title': '出现错误',
  'error.backToDocket': '返回庭审排期',
};

export const zhCN: Messages = {
  ...core,
  ...rolesZhCN,
  ...adminZhCN,
  ...schedulingZhCN,
  ...hearingZhCN,
  ...recordingZhCN,
  ...transcriptZhCN,
  ...exhibitsZhCN,
  ...exportZhCN,
  ...passwordZhCN,
  ...recordZhCN,
  ...invitationZhCN,
  ...staffMailZhCN,
};
