import { eq, getTableColumns, sql } from "drizzle-orm";
import type { Database } from "../client";
import { type UserRow, users } from "../schema";

/** A user as the rest of the code sees it: never carries the password hash. */
export type User = Omit<UserRow, "passwordHash">;

export interface RoleChange {
  user: User;
  wasAdmin: boolean;
}

export interface NewUser {
  /** Already normalised to lower case by the caller. */
  email: string;
  name: string;
  passwordHash: string;
}

const { passwordHash: _hash, ...publicColumns } = getTableColumns(users);
const byEmail = (email: string) => sql`lower(${users.email}) = lower(${email})`;

export class UsersRepository {
  constructor(private readonly db: Database) {}

  /**
   * Inserts the user, or returns `undefined` when the email is taken in any
   * case (the unique index on `lower(email)` settles concurrent registrations).
   */
  async create(user: NewUser): Promise<User | undefined> {
    const [created] = await this.db.insert(users).values(user).onConflictDoNothing().returning(publicColumns);
    return created;
  }

  async findById(id: number): Promise<User | undefined> {
    const [user] = await this.db.select(publicColumns).from(users).where(eq(users.id, id));
    return user;
  }

  /** The stored hash, for password verification only; nothing else reads it. */
  async findCredentials(email: string): Promise<{ user: User; passwordHash: string } | undefined> {
    const [row] = await this.db.select().from(users).where(byEmail(email));
    if (!row) return undefined;
    const { passwordHash, ...user } = row;
    return { user, passwordHash };
  }

  /**
   * Grants or removes the admin role, telling whether the user was an admin before
   * (read under the row's lock, in the same statement); `undefined` when no user has that email.
   */
  async setAdmin(email: string, isAdmin: boolean): Promise<RoleChange | undefined> {
    const previous = this.db
      .select({ id: users.id, isAdmin: users.isAdmin })
      .from(users)
      .where(byEmail(email))
      .for("update")
      .as("previous");
    const [changed] = await this.db
      .update(users)
      .set({ isAdmin })
      .from(previous)
      .where(eq(users.id, previous.id))
      .returning({ ...publicColumns, wasAdmin: previous.isAdmin });
    if (!changed) return undefined;
    const { wasAdmin, ...user } = changed;
    return { user, wasAdmin };
  }
}
