import type { Translation } from './en.ts';

// What Gavel mails a staff account ('staffMail.'): the link to choose a first or a new password, and the
// notice that an administrator asked to remove its two-factor sign-in. An account has no language yet, so
// each mail says it in both: the English, then the Chinese.
export const staffMailEn = {
  'staffMail.invite.subject': (p: { court: string }) => `Your Gavel account at ${p.court}`,
  'staffMail.invite.body': (p: { admin: string; court: string; until: string }) =>
    `${p.admin} invited you to ${p.court} on Gavel. Choose your password here (the link works once, until ${p.until}):`,
  'staffMail.reset.subject': 'Reset your Gavel password',
  'staffMail.reset.body': (p: { court: string; until: string }) =>
    `An administrator of ${p.court} reset your Gavel password. Choose a new one here (the link works once, until ${p.until}):`,
  'staffMail.twoFactorRemoval.subject': 'Removal of your two-factor sign-in',
  /** `takesEffectAt` when it takes effect after a delay; null when another administrator must approve it. */
  'staffMail.twoFactorRemoval.body': (p: {
    admin: string;
    court: string;
    requestedAt: string;
    takesEffectAt: string | null;
    accountUrl: string;
  }) =>
    `${p.admin}, an administrator of ${p.court}, asked at ${p.requestedAt} to remove the two-factor sign-in of your Gavel account. ${
      p.takesEffectAt
        ? `It takes effect at ${p.takesEffectAt} unless you cancel it.`
        : 'It takes effect when another administrator approves it.'
    }\nIf you did not ask for this, sign in and cancel it on your account page (${p.accountUrl}), and tell your court.`,
};

export const staffMailZhCN: Translation<typeof staffMailEn> = {
  'staffMail.invite.subject': () => '您的 Gavel 账户',
  'staffMail.invite.body': (p) =>
    `${p.admin} 邀请您使用 ${p.court} 的 Gavel 账户。请通过以下链接设置密码（链接仅可使用一次，有效期至 ${p.until}）：`,
  'staffMail.reset.subject': '重置 Gavel 密码',
  'staffMail.reset.body': (p) =>
    `${p.court} 的管理员已重置您的 Gavel 密码。请通过以下链接设置新密码（链接仅可使用一次，有效期至 ${p.until}）：`,
  'staffMail.twoFactorRemoval.subject': '移除双重验证登录',
  'staffMail.twoFactorRemoval.body': (p) =>
    `${p.court} 的管理员 ${p.admin} 于 ${p.requestedAt} 申请移除您 Gavel 账户的双重验证登录。${
      p.takesEffectAt ? `除非您取消，否则将于 ${p.takesEffectAt} 生效。` : '另一位管理员批准后即生效。'
    }\n如果这不是您提出的，请登录并在账户页面（${p.accountUrl}）取消该申请，并告知您的法院。`,
};
