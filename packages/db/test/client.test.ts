import { describe, expect, it } from "vitest";
import { createDatabase } from "../src";
import { TEST_POSTGRES_ADMIN_URL as TEST_POSTGRES_URL } from "./test-server";

describe("createDatabase", () => {
  it("sets statement_timeout on every session, so PostgreSQL cancels a longer statement (57014)", async () => {
    const database = createDatabase({ url: TEST_POSTGRES_URL, poolMax: 2, statementTimeoutMs: 200 });
    try {
      const [setting] = await database.sql<{ statement_timeout: string }[]>`show statement_timeout`;
      expect(setting?.statement_timeout).toBe("200ms");
      await expect(database.sql`select pg_sleep(2)`).rejects.toMatchObject({ code: "57014" });
    } finally {
      await database.close();
    }
  });

  it("leaves statements unbounded unless asked", async () => {
    const database = createDatabase({ url: TEST_POSTGRES_URL, poolMax: 1 });
    try {
      const [setting] = await database.sql<{ statement_timeout: string }[]>`show statement_timeout`;
      expect(setting?.statement_timeout).toBe("0");
    } finally {
      await database.close();
    }
  });
});
