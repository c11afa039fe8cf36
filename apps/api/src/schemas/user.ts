import type { User } from "@learning-hub/db/repositories/users";
import { type Static, Type } from "@sinclair/typebox";
import { Timestamp, toTimestamp } from "./common";

/** A user as the API shows it (register, login, me). */
export const UserProfile = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    email: Type.String({ format: "email", examples: ["ada@example.com"] }),
    name: Type.String({ examples: ["Ada Lovelace"] }),
    avatar_url: Type.Union([Type.String(), Type.Null()]),
    is_active: Type.Boolean({ examples: [true] }),
    created_at: Timestamp,
  },
  { $id: "UserProfile" },
);
export type UserProfile = Static<typeof UserProfile>;

export const toUserProfile = (user: User): UserProfile => ({
  id: user.id,
  email: user.email,
  name: user.name,
  avatar_url: user.avatarUrl,
  is_active: user.isActive,
  created_at: toTimestamp(user.createdAt),
});
