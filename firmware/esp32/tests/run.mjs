#!/usr/bin/env node
// Runs the firmware's tests under the real MicroPython interpreter (WebAssembly port).
// The port's own CLI exits 0 even when Python raised; this harness does not: every test
// function runs in a fresh interpreter, any exception fails it, and any failure makes the
// process exit 1. Results also go to JUnit XML (--junit FILE).
// Each test (and each file's listing) runs in a child process of its own: the port keeps its state
// in globals (globalThis.Module, its proxy maps and FinalizationRegistry), so a second interpreter
// in one process receives the first one's late callbacks and finalizers — "memory access out of
// bounds" at random points. A process per test isolates them.
//
//   node tests/run.mjs [--junit FILE] [-k SUBSTRING] [tests/test_x.py ...]
//
// A test is a function `test_*` (plain or `async def`) in tests/test_*.py. Tests import the
// firmware modules (src/), the simulator's Python (sim/py/), the fakes (tests/fakes/) and the
// `harness` JS module: the bridge test double in-process and over real HTTP.
import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync, mkdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { BridgeDouble } from "../sim/bridge_double.mjs";
import { ESP32_HEAP_BYTES, SIM_PY_DIR, httpPost, loadFirmware } from "../sim/runtime.mjs";

const TESTS_DIR = dirname(fileURLToPath(import.meta.url));
const TEST_TIMEOUT_MS = 120_000;
const HELD_MS = 30;
const RESULT = "RESULT ";
// The producer settings of the local bridge (roles/local_sensors), with retries every 5 ms here.
const DOUBLE_SETTINGS = { producer: { acks: "all", idempotence: true, maxBlockMs: 200, deliveryTimeoutMs: 6000, requestTimeoutMs: 3000, retryBackoffMs: 5 } };

function parseArgs(argv) {
  const opts = { junit: null, filter: null, files: [], child: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--junit") opts.junit = argv[++i];
    else if (argv[i] === "--child-list") opts.child = { file: argv[++i] };
    else if (argv[i] === "--child-test") opts.child = { file: argv[++i], name: argv[++i] };
    else if (argv[i] === "-k") opts.filter = argv[++i];
    else opts.files.push(argv[i]);
  }
  if (!opts.files.length) {
    opts.files = readdirSync(TESTS_DIR).filter((f) => /^test_.*\.py$/.test(f)).sort().map((f) => join(TESTS_DIR, f));
  }
  return opts;
}

function harnessModule(double, mp, sink = {}) {
  const post = httpPost({ timeoutMs: 2000 });
  return {
    // values handed back to the harness (mp.globals proxies are not stable across awaits)
    give: (key, value) => { sink[key] = value; },
    // In-process: an answer the double holds (Kafka away) longer than HELD_MS is a client
    // timeout (ETIMEDOUT); the double keeps the records and writes them when Kafka returns.
    bridge_handle: async (method, path, headersJson, body) => {
      let timer;
      const held = new Promise((r) => { timer = setTimeout(() => r({ errno: "ETIMEDOUT" }), HELD_MS); });
      const a = await Promise.race([double.handle(method, path, JSON.parse(headersJson), body), held]);
      clearTimeout(timer);
      return { status: a.status ?? 0, body: a.body ?? "", errno: a.errno ?? null };
    },
    bridge_kafka_available: async (up) => {
      double.kafka.available = !!up;
      if (up) await double.producer.flush(2000); // the held records are written now
    },
    bridge_buffered: () => double.producer.buffered,
    bridge_set_mode: (mode) => { double.mode = mode; },
    bridge_received: (topic) => JSON.stringify(double.received(topic)),
    bridge_requests: () => JSON.stringify(double.requests),
    bridge_url: () => double.url,
    bridge_close: async () => { await double.close(); },
    bridge_listen: async () => { await double.listen(); },
    http_post: post,
    random_hex: (n) => randomBytes(n).toString("hex"),
    write_file: (path, text) => mp.FS.writeFile(path, text), // the interpreter's file system
  };
}

async function runTest(file, name, double) {
  const out = [];
  const mod = basename(file, ".py");
  const mp = await loadFirmware({
    extraDirs: [SIM_PY_DIR, join(TESTS_DIR, "fakes"), join(TESTS_DIR, "fakes", "board")],
    heapsize: ESP32_HEAP_BYTES,
    stdout: (l) => out.push(l),
    stderr: (l) => out.push(l),
  });
  mp.FS.writeFile(`/lib/${mod}.py`, readFileSync(file, "utf8"));
  const sink = {};
  mp.registerJsModule("harness", harnessModule(double, mp, sink));
  double.reset();
  if (!double.server) await double.listen();
  // A test may return a list of phases (functions, plain or async): each then runs in its own
  // top-level call. This port's gc.collect() frees nothing inside a running call, so a memory
  // test measures in phases of its own.
  const code = `import ${mod}\n_r = ${mod}.${name}()\nif _r is not None and hasattr(_r, "send"):\n    await _r\n`
    + `_phases = _r if isinstance(_r, (list, tuple)) else ()\nimport harness\nharness.give("phases", len(_phases))\n`;
  const phase = (i) => `_x = _phases[${i}]()\nif _x is not None and hasattr(_x, "send"):\n    await _x\n_x = None\n`;
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${TEST_TIMEOUT_MS} ms`)), TEST_TIMEOUT_MS);
  });
  try {
    await Promise.race([mp.runPythonAsync(code), timeout]);
    const phases = sink.phases ?? 0;
    for (let i = 0; i < phases; i++) await Promise.race([mp.runPythonAsync(phase(i)), timeout]);
    return { ok: true, out };
  } catch (err) {
    return { ok: false, out, error: err.name === "PythonError" ? err.message : String(err?.stack ?? err).split("\n")[0] };
  } finally {
    clearTimeout(timer);
  }
}

async function listTests(file) {
  const mod = basename(file, ".py");
  const mp = await loadFirmware({ extraDirs: [SIM_PY_DIR, join(TESTS_DIR, "fakes"), join(TESTS_DIR, "fakes", "board")] });
  mp.FS.writeFile(`/lib/${mod}.py`, readFileSync(file, "utf8"));
  const sink = {};
  mp.registerJsModule("harness", harnessModule(new BridgeDouble(), mp, sink));
  mp.runPython(`import ${mod}, harness\nharness.give("names", ",".join(sorted(n for n in dir(${mod}) if n.startswith("test_"))))`);
  return sink.names.split(",").filter(Boolean);
}

const xml = (s) => String(s).replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]);

function junit(results, seconds) {
  const failures = results.filter((r) => !r.ok).length;
  const cases = results.map((r) => {
    const inner = (r.ok ? "" : `<failure message="${xml(r.error.trim().split("\n").pop())}">${xml(r.error)}</failure>`)
      + (r.out.length ? `<system-out>${xml(r.out.join("\n"))}</system-out>` : "");
    return `  <testcase classname="micropython.${xml(r.module)}" name="${xml(r.name)}" time="${(r.ms / 1000).toFixed(3)}">${inner}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="firmware-micropython" tests="${results.length}" failures="${failures}" errors="0" skipped="0" time="${seconds.toFixed(3)}">\n${cases.join("\n")}\n</testsuite>\n`;
}

/** Runs `--child-list FILE` or `--child-test FILE NAME` in a fresh process; returns its result. */
function inChild(args) {
  let stdout, failure = null;
  try {
    stdout = execFileSync(process.execPath, [fileURLToPath(import.meta.url), ...args],
      { encoding: "utf8", timeout: TEST_TIMEOUT_MS + 15_000, maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    stdout = String(err.stdout ?? "");
    const why = err.signal ? `killed by ${err.signal}` : `exited ${err.status}`;
    failure = `test process ${why}: ${String(err.stderr ?? "").trim().split("\n").slice(-5).join(" | ")}`;
  }
  const line = stdout.split("\n").find((l) => l.startsWith(RESULT));
  if (!line) throw new Error(failure ?? `test process printed no result: ${stdout.slice(-500)}`);
  return JSON.parse(line.slice(RESULT.length));
}

const opts = parseArgs(process.argv.slice(2));
if (opts.child) {
  // One listing or one test, in this process alone.
  let result;
  if (!opts.child.name) {
    result = await listTests(opts.child.file);
  } else {
    const double = new BridgeDouble(DOUBLE_SETTINGS);
    result = await runTest(opts.child.file, opts.child.name, double);
    await double.close();
  }
  process.stdout.write(`${RESULT}${JSON.stringify(result)}\n`);
  process.exit(0);
}
const results = [];
const started = Date.now();
let aborted = false;
for (const file of opts.files) {
  const module = basename(file, ".py");
  let names;
  try {
    names = inChild(["--child-list", file]);
  } catch (err) {
    results.push({ module, name: "(import)", ok: false, out: [], error: String(err.message ?? err), ms: 0 });
    continue;
  }
  if (!names.length) {
    results.push({ module, name: "(collect)", ok: false, out: [], error: `${file} defines no test_* function`, ms: 0 });
  }
  for (const name of names) {
    if (opts.filter && !`${module}.${name}`.includes(opts.filter)) continue;
    const t0 = Date.now();
    let r;
    try {
      r = inChild(["--child-test", file, name]);
    } catch (err) {
      r = { ok: false, out: [], error: String(err.message ?? err) };
    }
    results.push({ module, name, ...r, ms: Date.now() - t0 });
    console.log(`${r.ok ? "ok  " : "FAIL"} ${module}.${name} (${Date.now() - t0} ms)`);
    if (!r.ok) console.log(r.error.replace(/^/gm, "     | "));
    if (!r.ok && /timed out/.test(r.error)) { aborted = true; break; }
  }
  if (aborted) break;
}
const seconds = (Date.now() - started) / 1000;
if (opts.junit) {
  mkdirSync(dirname(opts.junit), { recursive: true });
  writeFileSync(opts.junit, junit(results, seconds));
}
const failed = results.filter((r) => !r.ok).length;
console.log(`\nunder MicroPython ${seconds.toFixed(1)} s`);
console.log(`micropython: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed || !results.length || aborted ? 1 : 0);
