import { Type } from 'typebox';

export const Court = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  timezone: Type.String(),
  locale: Type.String(),
});

export const StaffUser = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Type.String(),
    role: Type.Union([Type.Literal('judge'), Type.Literal('clerk'), Type.Literal('admin')]),
    court: Type.Union([Court, Type.Null()]),
  },
  { $id: 'StaffUser' },
);

export const LoginBody = Type.Object(
  {
    email: Type.String({ format: 'email', minLength: 3, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const UserResponse = Type.Object({ user: StaffUser });

export const PendingStep = Type.Union([Type.Literal('second_factor'), Type.Literal('enrol')]);

/**
 * Either the signed-in user, or the step the new session still owes: its second-factor code, or
 * enrolment in two-factor sign-in when the court requires it.
 */
export const LoginResponse = Type.Union([UserResponse, Type.Object({ step: PendingStep })]);

export const SecondFactorBody = Type.Object(
  {
    // A 6-digit TOTP code or a recovery code such as "k7m2p-9qx4d".
    code: Type.String({ minLength: 6, maxLength: 32 }),
  },
  { additionalProperties: false },
);
