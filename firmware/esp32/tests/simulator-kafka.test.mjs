// The simulator's Kafka mode against a real broker (Kafka 4.3 KRaft from build/kafka/libs,
// started by tests/suites/50-firmware.sh via scripts/kafka-broker.sh): the readings land in
// sensor-data keyed by sensor id, exactly once and in order per sensor, also when the broker
// is stopped for a while in the middle of the run.
//   KAFKA_BOOTSTRAP=127.0.0.1:PORT KAFKA_BROKER_DIR=DIR node --test tests/simulator-kafka.test.mjs
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

test("Kafka mode: readings produced straight to Kafka, exactly once, through a broker restart", async () => {
  assert.ok(BOOTSTRAP && BROKER_DIR, "KAFKA_BOOTSTRAP and KAFKA_BROKER_DIR must point at the suite's broker");
  const kafka = new Kafka({ brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "sensor-data", numPartitions: 3, replicationFactor: 1 }] });
  await admin.disconnect();

  const log = join(mkdtempSync(join(tmpdir(), "sim-kafka-")), "sent.jsonl");
  const child = spawn(process.execPath, [SIMULATE, "--sensors", "3", "--site", "kafka", "--interval-ms", "200",
    "--duration-s", "20", "--backoff-max-ms", "1000", "--kafka-bootstrap", BOOTSTRAP, "--sent-log", log,
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
  assert.match(stderr, /kafka: /, "the outage was noticed");

  const summary = JSON.parse(stdout);
  const sent = readFileSync(log, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  assert.equal(summary.queued, 0);
  assert.equal(sent.length, summary.delivered);
  const got = await consumeAll(kafka, "sensor-data", sent.length);
  const key = (v) => `${v.sensorId}#${v.seq}`;
  assert.equal(got.length, sent.length, "nothing lost, nothing twice");
  assert.deepEqual(new Set(got.map((m) => key(m.value))), new Set(sent.map(key)));
  for (const id of ["kafka-sensor-1", "kafka-sensor-2", "kafka-sensor-3"]) {
    const mine = got.filter((m) => m.key === id);
    assert.ok(mine.length >= 60, `${id}: ${mine.length} readings`);
    assert.equal(new Set(mine.map((m) => m.partition)).size, 1, "one key, one partition");
    assert.deepEqual(mine.map((m) => m.value.seq), mine.map((_, i) => i), `${id} in order`);
    for (const m of mine) assert.equal(m.value.sensorId, id);
  }
});
