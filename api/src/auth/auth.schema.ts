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
