import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { macroDocument, pdfPageCount } from "@learning-hub/testing/media-files";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { OfficeConverter } from "../../src/media";

/** A LibreOffice profile that runs every document macro: security level 0 ("low"), execution not disabled. */
const MACROS_ALLOWED = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
`;

let dir: string;

/** Writes the macro document to `name`; its macro would write `name`'s marker. */
async function documentWithMacro(name: string): Promise<{ file: string; marker: string }> {
  const marker = path.join(dir, `${name}.marker`);
  const file = path.join(dir, `${name}.odt`);
  await writeFile(file, await macroDocument(marker));
  return { file, marker };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "office-macros-test-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("document macros", () => {
  // Without this, the converter's check below could pass because the macro never runs anywhere (a malformed
  // package, a LibreOffice without Basic): the same document must write its marker where macros are allowed.
  it("the test document's macro runs when LibreOffice opens it with macros allowed", async () => {
    const { file, marker } = await documentWithMacro("opened");
    const profile = path.join(dir, "macros-allowed-profile");
    await mkdir(path.join(profile, "user"), { recursive: true });
    await writeFile(path.join(profile, "user", "registrymodifications.xcu"), MACROS_ALLOWED);
    const soffice = spawn(
      "soffice",
      [`-env:UserInstallation=${pathToFileURL(profile).href}`, "--headless", "--norestore", file],
      // Its own process group: LibreOffice keeps the document open, so the whole group is killed afterwards.
      { detached: true, stdio: "ignore" },
    );
    try {
      // The text, not the file: the macro creates the marker before writing to it, and the kill below must
      // not cut it off between the two.
      await vi.waitFor(async () => expect(await readFile(marker, "utf8")).toMatch(/a document macro ran/), {
        timeout: 90_000,
        interval: 200,
      });
    } finally {
      if (soffice.pid) process.kill(-soffice.pid, "SIGKILL");
    }
  }, 120_000);

  it("the converter converts the document without running its macro", async () => {
    const { file, marker } = await documentWithMacro("converted");
    const output = path.join(dir, "converted.pdf");
    await new OfficeConverter().convertToPdf(file, "odt", output);
    expect(await pdfPageCount(output)).toBe(1);
    await expect(stat(marker)).rejects.toMatchObject({ code: "ENOENT" });
  }, 120_000);
});
