import { Type } from 'typebox';
import { StaffUser } from '../auth/auth.schema.ts';

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
export const SetPasswordBody = Type.Object({ token: Token, password: NewPassword }, { additionalProperties: false });
export const LinkInfo = Type.Object({
  email: Type.String(),
  name: Type.String(),
  purpose: Type.Union([Type.Literal('invite'), Type.Literal('reset')]),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const EmptyBody = Type.Object({}, { additionalProperties: false });
