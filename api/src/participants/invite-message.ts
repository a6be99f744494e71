import type { HearingRow } from '../hearings/hearings.service.ts';

type Lang = 'en' | 'zh-CN';

const ROLE: Record<Lang, Record<string, string>> = {
  en: {
    plaintiff: 'plaintiff',
    defendant: 'defendant',
    agent: 'representative',
    witness: 'witness',
    interpreter: 'interpreter',
    observer: 'observer',
  },
  'zh-CN': {
    plaintiff: '原告',
    defendant: '被告',
    agent: '代理人',
    witness: '证人',
    interpreter: '翻译人员',
    observer: '旁听人员',
  },
};

/** Where the link goes when the stored copy of a message must not contain it, in the reader's language. */
export const LINK_PLACEHOLDER = '[invitation link: issue a new one to send again]';
const LINK_PLACEHOLDER_ZH = '［邀请链接：如需再次发送，请重新生成］';

const langOf = (locale: string): Lang => (locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en');

function when(h: HearingRow, lang: Lang): string {
  const f = new Intl.DateTimeFormat(lang, { timeZone: h.court_timezone, dateStyle: 'full', timeStyle: 'short' });
  const endTime = new Intl.DateTimeFormat(lang, { timeZone: h.court_timezone, timeStyle: 'short' });
  return `${f.format(h.scheduled_start)} – ${endTime.format(h.scheduled_end)} (${h.court_timezone})`;
}

/** The invitee's language, else the court's. */
const readerLang = (h: HearingRow, p: { locale?: string | null }): Lang => langOf(p.locale ?? h.court_locale);

/** The invitation in the invitee's language: what, when, as whom, and the link. */
export function inviteMessage(
  h: HearingRow,
  p: { display_name: string; role: string; locale?: string | null },
  link: string,
  accessCodeRequired: boolean,
) {
  const lang = readerLang(h, p);
  const role = ROLE[lang][p.role] ?? p.role;
  if (lang === 'zh-CN') {
    return {
      subject: `庭审通知：${h.case_number} ${h.title}`,
      text: [
        `${p.display_name}，您好：`,
        '',
        `${h.court_name}通知您以${role}身份参加以下在线庭审：`,
        `案号：${h.case_number}`,
        `案件：${h.case_caption}`,
        `庭审：${h.title}`,
        `时间：${when(h, lang)}`,
        '',
        `请在开庭前通过以下链接进入：${link}`,
        ...(accessCodeRequired ? ['进入时需要输入访问码，访问码将由法院另行告知。'] : []),
        '此链接仅供您本人使用，请勿转发。',
      ].join('\n'),
    };
  }
  return {
    subject: `Hearing invitation: ${h.case_number} ${h.title}`,
    text: [
      `Dear ${p.display_name},`,
      '',
      `${h.court_name} invites you to join the following online hearing as ${role}:`,
      `Case number: ${h.case_number}`,
      `Case: ${h.case_caption}`,
      `Hearing: ${h.title}`,
      `Time: ${when(h, lang)}`,
      '',
      `Join through this link shortly before the start: ${link}`,
      ...(accessCodeRequired ? ['You will need an access code, which the court sends you separately.'] : []),
      'This link is for you alone; please do not forward it.',
    ].join('\n'),
  };
}

/** Tells an invitee that the hearing moved or was cancelled; their link stays the same. */
export function changeNotice(h: HearingRow, p: { display_name: string; locale?: string | null }) {
  const lang = readerLang(h, p);
  const cancelled = h.state === 'cancelled';
  if (lang === 'zh-CN') {
    return {
      subject: `${cancelled ? '庭审取消' : '庭审变更'}：${h.case_number} ${h.title}`,
      text: [
        `${p.display_name}，您好：`,
        '',
        cancelled
          ? `${h.court_name}通知：案号 ${h.case_number} 的庭审“${h.title}”已取消。`
          : `${h.court_name}通知：案号 ${h.case_number} 的庭审“${h.title}”已变更为：${when(h, lang)}。`,
        ...(cancelled ? [] : ['请继续使用此前收到的邀请链接进入。']),
      ].join('\n'),
    };
  }
  return {
    subject: `${cancelled ? 'Hearing cancelled' : 'Hearing changed'}: ${h.case_number} ${h.title}`,
    text: [
      `Dear ${p.display_name},`,
      '',
      cancelled
        ? `${h.court_name}: the hearing "${h.title}" in case ${h.case_number} has been cancelled.`
        : `${h.court_name}: the hearing "${h.title}" in case ${h.case_number} is now at ${when(h, lang)}.`,
      ...(cancelled ? [] : ['Use the invitation link you already have to join.']),
    ].join('\n'),
  };
}

/** The placeholder for the link in the stored copy of an invitation. */
export function linkPlaceholder(h: HearingRow, p: { locale?: string | null }): string {
  return readerLang(h, p) === 'zh-CN' ? LINK_PLACEHOLDER_ZH : LINK_PLACEHOLDER;
}
