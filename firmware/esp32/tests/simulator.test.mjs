// The simulator CLI end to end over real HTTP against the bridge test double: every reading
// it reports as sent arrived exactly once, in order per sensor, also across a bridge outage
// and a simulated WiFi outage.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BridgeDouble } from "../sim/bridge_double.mjs";

const SIMULATE = new URL("../sim/simulate.mjs", import.meta.url).pathname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function simulate(args) {
  const child = spawn(process.execPath, [SIMULATE, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => { stdout += d; });
  child.stderr.on("data", (d) => { stderr += d; });
  const done = new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const readLog = (file) => readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));

function assertExactlyOnceInOrder(sent, received) {
  const key = (v) => `${v.sensorId}#${v.bootId}#${v.seq}`;
  const got = received.map((r) => key(r.value));
  assert.equal(new Set(got).size, got.length, "no reading arrived twice");
  assert.deepEqual(new Set(sent.map(key)), new Set(got), "what was logged as sent is what arrived");
  const bySensor = new Map();
  for (const r of received) bySensor.set(r.value.sensorId, [...(bySensor.get(r.value.sensorId) ?? []), r.value.seq]);
  for (const [id, seqs] of bySensor) {
    assert.deepEqual(seqs, seqs.map((_, i) => i), `${id}: seq 0..n-1 in order`);
    assert.ok(received.filter((r) => r.value.sensorId === id).every((r) => r.key === id), "key = sensor id");
  }
  return bySensor;
}

test("readings survive a bridge outage and arrive exactly once, in order", async () => {
  const double = new BridgeDouble();
  const url = await double.listen(0);
  const log = join(mkdtempSync(join(tmpdir(), "sim-")), "sent.jsonl");
  const run = simulate(["--sensors", "3", "--site", "test", "--interval-ms", "100", "--duration-s", "9",
    "--backoff-max-ms", "1000", "--bridge-url", url, "--sent-log", log, "--seed", "7",
    "--stats-interval-s", "0"]);
  await sleep(2500);
  const before = double.received().length;
  await double.close(); // the bridge goes away for 4 s
  await sleep(4000);
  await double.listen();
  const { code, stdout, stderr } = await run.done;
  assert.equal(code, 0, stderr.slice(-2000));
  assert.ok(before > 20, `readings flowed before the outage (${before})`);
  assert.match(stderr, /bridge unreachable: ECONNREFUSED/);
  const summary = JSON.parse(stdout);
  assert.equal(summary.queued, 0);
  assert.equal(summary.dropped, 0);
  const bySensor = assertExactlyOnceInOrder(readLog(log), double.received());
  assert.deepEqual([...bySensor.keys()].sort(), ["test-sensor-1", "test-sensor-2", "test-sensor-3"]);
  for (const seqs of bySensor.values()) assert.ok(seqs.length >= 70, `~90 readings per sensor, got ${seqs.length}`);
  assert.equal(summary.delivered, double.received().length);
  await double.close();
});

test("count, locations, seed and a WiFi outage", async () => {
  const double = new BridgeDouble();
  const url = await double.listen(0);
  const log = join(mkdtempSync(join(tmpdir(), "sim-")), "sent.jsonl");
  const { code, stdout, stderr } = await simulate(["--sensor-ids", "prague-balcony,brno-roof",
    "--locations", "50.0755,14.4378;49.1951,16.6068", "--interval-ms", "100", "--count", "30",
    "--wifi-outage", "1:2", "--backoff-max-ms", "500", "--bridge-url", url, "--sent-log", log]).done;
  assert.equal(code, 0, stderr.slice(-2000));
  assert.match(stderr, /wifi lost/);
  const sent = readLog(log);
  assert.equal(sent.length, 60);
  assertExactlyOnceInOrder(sent, double.received());
  const balcony = sent.find((v) => v.sensorId === "prague-balcony");
  assert.deepEqual([balcony.latitude, balcony.longitude], [50.0755, 14.4378]);
  for (const v of sent) {
    assert.match(v.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Math.abs(Date.parse(v.timestamp) - Date.now()) < 120_000, "timestamps from the host clock");
    assert.ok(v.temperature > -60 && v.temperature < 85 && v.humidity >= 0 && v.humidity <= 100);
    assert.ok(v.pressure > 900 && v.pressure < 1100);
  }
  assert.equal(JSON.parse(stdout).delivered, 60);
  await double.close();
});

test("bad usage exits 2 with the usage text", async () => {
  const { code, stderr } = await simulate(["--sensors", "2"]).done;
  assert.equal(code, 2);
  assert.match(stderr, /--bridge-url is required/);
});

test("the control endpoint restarts one sensor: a new bootId, seq from 0; the others go on", async () => {
  const double = new BridgeDouble();
  const url = await double.listen(0);
  const run = simulate(["--sensor-ids", "r-1,r-2", "--interval-ms", "100", "--duration-s", "5",
    "--bridge-url", url, "--control-port", "0", "--stats-interval-s", "0"]);
  let err = "";
  run.child.stderr.on("data", (d) => { err += d; });
  while (!/control on (\S+) /.test(err)) await sleep(50);
  const control = /control on (\S+) /.exec(err)[1];
  assert.deepEqual(await (await fetch(`${control}/sensors`)).json(), { sensors: ["r-1", "r-2"] });
  await sleep(2000);
  assert.equal((await fetch(`${control}/sensors/nobody/restart`, { method: "POST" })).status, 404);
  assert.equal((await fetch(`${control}/sensors/r-1/restart`, { method: "POST" })).status, 202);
  const { code, stdout, stderr } = await run.done;
  assert.equal(code, 0, stderr.slice(-2000));
  const values = double.received().map((r) => r.value);
  const boots = (id) => [...new Set(values.filter((v) => v.sensorId === id).map((v) => v.bootId))];
  assert.equal(boots("r-1").length, 2, "r-1 booted twice");
  assert.equal(boots("r-2").length, 1, "r-2 kept running");
  for (const id of ["r-1", "r-2"]) {
    for (const boot of boots(id)) {
      const seqs = values.filter((v) => v.sensorId === id && v.bootId === boot).map((v) => v.seq);
      assert.deepEqual(seqs, seqs.map((_, i) => i), `${id}/${boot}: seq from 0, in order`);
    }
  }
  const summary = JSON.parse(stdout);
  assert.equal(summary.sensors.find((s) => s.sensorId === "r-1").boots, 2);
  assert.equal(summary.delivered, values.length);
  await double.close();
});
