// The bridge test double's Kafka side against a real broker (Kafka 4.3 KRaft from
// build/kafka/libs, started by tests/suites/50-firmware.sh via scripts/kafka-broker.sh): the
// simulated sensors post over HTTP to the double (as in the local mode), the double produces with
// kafkajs (acks=all, idempotent); the broker is stopped for a while mid-run. Every reading the
// sensors logged as acknowledged is in sensor-data, keyed by sensor id, in order per sensor;
// a resend after an unknown outcome may add a copy with the same (sensorId, bootId, seq), which
// the aggregator drops - nothing else is there twice.
//   KAFKA_BOOTSTRAP=127.0.0.1:PORT KAFKA_BROKER_DIR=DIR node --test tests/bridge-double-kafka.test.mjs
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import kafkajs from "kafkajs";

const { Kafka, logLevel } = kafkajs;
const BOOTSTRAP = process.env.KAFKA_BOOTSTRAP;
const BROKER_DIR = process.env.KAFKA_BROKER_DIR;
const BROKER_SCRIPT = new URL("../../../scripts/kafka-broker.sh", import.meta.url).pathname;
const SIMULATE = new URL("../sim/simulate.mjs", import.meta.url).pathname;
const DOUBLE = new URL("../sim/bridge_double.mjs", import.meta.url).pathname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function consumeAll(kafka, topic, expected, timeoutMs = 60000) {
  const consumer = kafka.consumer({ groupId: `verify-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got = [];
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      got.push({ partition, key: message.key?.toString(), value: JSON.parse(message.value.toString()) });
    },
  });
  const deadline = Date.now() + timeoutMs;
  while (got.length < expected && Date.now() < deadline) await sleep(200);
  await sleep(1000); // anything beyond the expected count would be a duplicate
  await consumer.disconnect();
  return got;
}

test("through the double to a real Kafka, across a broker restart: every acknowledged reading, in order", async () => {
  assert.ok(BOOTSTRAP && BROKER_DIR, "KAFKA_BOOTSTRAP and KAFKA_BROKER_DIR must point at the suite's broker");
  const kafka = new Kafka({ brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "sensor-data", numPartitions: 3, replicationFactor: 1 }] });
  await admin.disconnect();

  const bridge = spawn(process.execPath, [DOUBLE, "--port", "0", "--kafka-bootstrap", BOOTSTRAP, "--acks", "all",
    "--idempotence", "true", "--max-block-ms", "2000", "--delivery-timeout-ms", "6000", "--request-timeout-ms", "3000"],
  { stdio: ["ignore", "pipe", "pipe"] });
  let bridgeLog = "";
  bridge.stderr.on("data", (d) => { bridgeLog += d; });
  const url = await new Promise((resolve) => bridge.stdout.once("data", (c) => resolve(String(c).trim())));
  try {
    const log = join(mkdtempSync(join(tmpdir(), "sim-kafka-")), "sent.jsonl");
    const child = spawn(process.execPath, [SIMULATE, "--sensors", "3", "--site", "kafka", "--interval-ms", "200",
      "--duration-s", "20", "--backoff-max-ms", "1000", "--bridge-url", url, "--sent-log", log,
      "--stats-interval-s", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    const exited = new Promise((resolve) => child.on("exit", resolve));

    await sleep(4000);
    const port = BOOTSTRAP.split(":").pop();
    execFileSync(BROKER_SCRIPT, ["stop", BROKER_DIR], { stdio: "inherit" }); // Kafka goes away
    await sleep(5000);
    execFileSync(BROKER_SCRIPT, ["start", BROKER_DIR, port], { stdio: "inherit" });
    const code = await exited;
    assert.equal(code, 0, stderr.slice(-3000));
    assert.match(bridgeLog, /kafka: /, "the double noticed the outage");

    const summary = JSON.parse(stdout);
    const sent = readFileSync(log, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    assert.equal(summary.queued, 0);
    assert.equal(sent.length, summary.delivered);
    const got = await consumeAll(kafka, "sensor-data", sent.length);
    const key = (v) => `${v.sensorId}#${v.bootId}#${v.seq}`;
    assert.deepEqual(new Set(got.map((m) => key(m.value))), new Set(sent.map(key)), "every acknowledged reading, nothing else");
    for (const id of ["kafka-sensor-1", "kafka-sensor-2", "kafka-sensor-3"]) {
      const mine = got.filter((m) => m.key === id);
      assert.ok(mine.length >= 60, `${id}: ${mine.length} readings`);
      assert.equal(new Set(mine.map((m) => m.partition)).size, 1, "one key, one partition");
      const firsts = [];
      const seen = new Set();
      for (const m of mine) if (!seen.has(key(m.value))) { seen.add(key(m.value)); firsts.push(m.value.seq); }
      assert.deepEqual(firsts, firsts.map((_, i) => i), `${id}: each seq first seen in order`);
      for (const m of mine) assert.equal(m.value.sensorId, id);
    }
  } finally {
    bridge.kill("SIGTERM");
    await new Promise((r) => bridge.on("exit", r));
  }
});
