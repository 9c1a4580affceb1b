// The MicroPython test harness itself: a failing Python test must fail the run (the
// WebAssembly port's own CLI exits 0 even when Python raised).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const RUN = new URL("./run.mjs", import.meta.url).pathname;
const FIXTURE = new URL("./fixtures/harness_selfcheck.py", import.meta.url).pathname;

test("failing tests make the harness exit 1 and show up as failures in JUnit", () => {
  const junit = join(mkdtempSync(join(tmpdir(), "harness-")), "out.xml");
  const r = spawnSync(process.execPath, [RUN, "--junit", junit, FIXTURE], { encoding: "utf8", timeout: 60000 });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^micropython: 1 passed, 3 failed$/m);
  const xml = readFileSync(junit, "utf8");
  assert.match(xml, /tests="4" failures="3"/);
  for (const reason of ["deliberate failure", "ECONNRESET", "phase failure"]) assert.ok(xml.includes(reason), reason);
});

test("a passing selection exits 0", () => {
  const r = spawnSync(process.execPath, [RUN, "-k", "test_passes", FIXTURE], { encoding: "utf8", timeout: 60000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^micropython: 1 passed, 0 failed$/m);
});
