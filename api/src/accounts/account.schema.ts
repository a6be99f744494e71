import { Type } from 'typebox';
import { StaffUser } from './auth.schema.ts';

const Uuid = Type.String({ format: 'uuid' });
const NewPassword = Type.String({ minLength: 1, maxLength: 1024 });

export const TwoFactorStatus = Type.Object({
  enabled: Type.Boolean(),
  /** The court requires it for this account's role: it cannot be turned off. */
  required: Type.Boolean(),
  recoveryCodesLeft: Type.Integer(),
});

export const AccountResponse = Type.Object({ user: StaffUser, twoFactor: TwoFactorStatus });

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: NewPassword },
  { additionalProperties: false },
);

export const SessionInfo = Type.Object({
  id: Uuid,
  createdAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean(),
});
export const SessionList = Type.Object({ sessions: Type.Array(SessionInfo) });
export const SessionParams = Type.Object({ sessionId: Uuid });

export const TwoFactorSetup = Type.Object({
  /** Base32, for typing into an app that cannot scan. */
  secret: Type.String(),
  otpauthUri: Type.String(),
  /** The otpauth URI as an SVG QR code, in a data: URL. */
  qrCode: Type.String(),
});

export const CodeBody = Type.Object(
  { code: Type.String({ minLength: 6, maxLength: 32 }) },
  { additionalProperties: false },
);
export const PasswordBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
export const RecoveryCodes = Type.Object({ recoveryCodes: Type.Array(Type.String()) });

const Token = Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' });
export const TokenBody = Type.Object({ token: Token }, { additionalProperties: false });
export const SetPasswordBody = Type.Object(
  {
    token: Token,
    password: NewPassword,
    /** The account's TOTP or recovery code, when /inspect says `codeRequired`. */
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  },
  { additionalProperties: false },
);
export const LinkInfo = Type.Object({
  email: Type.String(),
  name: Type.String(),
  /** The account's court, which the new password must not be made of. */
  courtName: Type.Union([Type.String(), Type.Null()]),
  purpose: Type.Union([Type.Literal('invite'), Type.Literal('reset')]),
  expiresAt: Type.String({ format: 'date-time' }),
  /** A reset of an account with two-factor sign-in: setting the password also needs its code. */
  codeRequired: Type.Boolean(),
});

export const Notice = Type.Object({
  id: Uuid,
  kind: Type.Union([Type.Literal('password_reset'), Type.Literal('two_factor_removed')]),
  /** When the admin acted. */
  at: Type.String({ format: 'date-time' }),
  /** The admin who reset the password or asked for the removal. */
  by: Type.String(),
  /** two_factor_removed: the admin who approved it, or null when it took effect after the delay. */
  approvedBy: Type.Union([Type.String(), Type.Null()]),
  /** password_reset: whether the admin was shown the link (no mail configured). */
  linkShownToAdmin: Type.Boolean(),
});
export const PendingReset = Type.Object({
  id: Uuid,
  requestedBy: Type.String(),
  requestedAt: Type.String({ format: 'date-time' }),
  mode: Type.Union([Type.Literal('approval'), Type.Literal('delay')]),
  takesEffectAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export const NoticeList = Type.Object({ notices: Type.Array(Notice), pendingResets: Type.Array(PendingReset) });
export const NoticeParams = Type.Object({ noticeId: Uuid });
export const ResetParams = Type.Object({ resetId: Uuid });

export const EmptyBody = Type.Object({}, { additionalProperties: false });
