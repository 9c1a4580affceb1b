// The bridge test double answers like Strimzi Kafka Bridge 1.1.0's produce endpoint
// (observed behaviour listed in shared/RECIPES.md), over real HTTP.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BridgeDouble } from "../sim/bridge_double.mjs";

const CT = "application/vnd.kafka.json.v2+json";
const double = new BridgeDouble();
let url;
before(async () => { url = await double.listen(0); });
after(() => double.close());

const post = (path, body, contentType = CT) =>
  fetch(url + path, { method: "POST", headers: contentType ? { "Content-Type": contentType } : {}, body });

test("accepts records and answers offsets in order", async () => {
  const res = await post("/topics/sensor-data", JSON.stringify({ records: [{ key: "a", value: { x: 1 } }, { value: [2] }] }));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/vnd.kafka.v2+json");
  assert.deepEqual(await res.json(), { offsets: [{ partition: 0, offset: 0 }, { partition: 0, offset: 1 }] });
  assert.deepEqual(double.received().map((r) => r.key), ["a", null]);
});

test("refuses what the real bridge refuses", async () => {
  const cases = [
    [JSON.stringify({ records: [{ value: {} }] }), "application/json", 400],
    [JSON.stringify({ records: [{ value: {} }] }), null, 400],
    ["{not json", CT, 400],
    ["", CT, 400],
    [JSON.stringify({ records: {} }), CT, 400],
    [JSON.stringify({ records: [{ key: "k" }] }), CT, 400],
    [JSON.stringify({ records: [{ value: 42 }] }), CT, 400],
    [JSON.stringify({}), CT, 422],
  ];
  for (const [body, ct, status] of cases) {
    const res = await post("/topics/sensor-data", body, ct);
    assert.equal(res.status, status, `${ct} ${body}`);
    const answer = await res.json();
    assert.equal(answer.error_code, status);
    if (status === 400) assert.match(answer.message, /^Validation error on: /);
  }
  const empty = await post("/topics/sensor-data", JSON.stringify({ records: [] }));
  assert.deepEqual(await empty.json(), { offsets: [] });
});

test("invalid topic: a 200 with per-record errors; paths and methods", async () => {
  const res = await post("/topics/bad%20topic", JSON.stringify({ records: [{ value: {} }] }));
  assert.equal(res.status, 200);
  assert.equal((await res.json()).offsets[0].error_code, 500);
  assert.equal((await post("/nowhere", "{}")).status, 404);
  assert.equal((await fetch(`${url}/topics/sensor-data`)).status, 405);
  assert.deepEqual(await (await fetch(`${url}/`)).json(), { bridge_version: "1.1.0-double" });
});

// ---- the producer side: held requests, timeouts, per-record errors, acks and idempotence ------
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";
import { MemoryKafka } from "../sim/bridge_double.mjs";

const FAST = { acks: "all", idempotence: true, maxBlockMs: 300, deliveryTimeoutMs: 1500, requestTimeoutMs: 400, retryBackoffMs: 20 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const reading = (seq) => ({ key: "s1", value: { sensorId: "s1", bootId: "0badf00d", seq } });

async function withDouble(producer, fn, kafka = new MemoryKafka()) {
  const d = new BridgeDouble({ kafka, producer });
  const base = await d.listen(0);
  try {
    await fn(d, (records, opts = {}) => fetch(`${base}/topics/sensor-data`, {
      method: "POST", headers: { "Content-Type": CT }, body: JSON.stringify({ records }), ...opts,
    }));
  } finally {
    await d.close();
  }
}

test("held while Kafka is away; written after the client gave up, so a resend lands twice", async () => {
  await withDouble({ ...FAST, deliveryTimeoutMs: 10000 }, async (d, produce) => {
    assert.equal((await produce([reading(0)])).status, 200); // metadata known from now on
    d.kafka.available = false;
    await assert.rejects(produce([reading(1)], { signal: AbortSignal.timeout(300) }), /TimeoutError|aborted/i);
    assert.equal(d.producer.buffered, 1, "the record waits in the producer's buffer");
    assert.equal(d.received().length, 1, "nothing written while Kafka is away");
    d.kafka.available = true;
    await d.producer.flush(3000);
    assert.deepEqual(d.received().map((r) => r.value.seq), [0, 1], "written although nobody waits for the answer");
    const again = await produce([reading(1)]); // the device's resend after its timeout
    assert.equal(again.status, 200);
    assert.deepEqual(d.received().map((r) => r.value.seq), [0, 1, 1], "both copies land");
  });
});

test("a request waiting on a kept-alive connection while the bridge is paused is written after the pause", async () => {
  await withDouble(FAST, async (d) => {
    const socket = net.connect(d.port, d.host);
    let answers = "";
    socket.on("data", (c) => { answers += c; });
    await new Promise((resolve) => socket.once("connect", resolve));
    const request = (seq) => {
      const body = JSON.stringify({ records: [reading(seq)] });
      return `POST /topics/sensor-data HTTP/1.1\r\nHost: bridge\r\nContent-Type: ${CT}\r\n`
        + `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    };
    socket.write(request(1));
    while (!answers.includes("offsets")) await sleep(10);
    // The next request reaches the socket, then the whole process stops (a pause of the bridge,
    // as a long GC or a starved node, longer than Node's default 5 s keep-alive timeout).
    socket.write(request(2));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 6500);
    const deadline = Date.now() + 3000;
    while (d.received().length < 2 && Date.now() < deadline) await sleep(20);
    socket.destroy();
    assert.deepEqual(d.received().map((r) => r.value.seq), [1, 2], "the request read after the pause is produced");
  });
});

test("bounded by delivery.timeout.ms: a 200 with per-record expiry errors, nothing written later", async () => {
  await withDouble(FAST, async (d, produce) => {
    await produce([reading(0)]);
    d.kafka.available = false;
    const t0 = Date.now();
    const res = await produce([reading(1), reading(2)]);
    const took = Date.now() - t0;
    assert.equal(res.status, 200);
    const { offsets } = await res.json();
    assert.equal(offsets.length, 2);
    for (const o of offsets) {
      assert.equal(o.error_code, 500);
      assert.match(o.message, /^Expiring 1 record\(s\) for sensor-data-0: .*has passed since batch creation/);
    }
    assert.ok(took >= FAST.deliveryTimeoutMs - 50 && took < FAST.deliveryTimeoutMs + 1000, `answered after ${took} ms`);
    d.kafka.available = true;
    await sleep(200);
    assert.deepEqual(d.received().map((r) => r.value.seq), [0], "expired records are not written");
  });
});

test("no metadata: each record's send blocks max.block.ms, serially, then 404 per record", async () => {
  const kafka = new MemoryKafka();
  kafka.available = false; // the bridge never saw Kafka
  await withDouble(FAST, async (d, produce) => {
    const t0 = Date.now();
    const res = await produce([reading(0), reading(1)]);
    const took = Date.now() - t0;
    assert.equal(res.status, 200);
    const { offsets } = await res.json();
    assert.deepEqual(offsets, [0, 1].map(() => ({ error_code: 404, message: "Topic sensor-data not present in metadata after 300 ms." })));
    assert.ok(took >= 2 * FAST.maxBlockMs - 20 && took < 2 * FAST.maxBlockMs + 800, `2 records took ${took} ms`);
    kafka.available = true;
    await sleep(100);
    assert.equal(d.received().length, 0);
  }, kafka);
});

test("per-record errors mixed with successes, in record order", async () => {
  await withDouble({ ...FAST, maxRequestSize: 200 }, async (d, produce) => {
    const big = { key: "s1", value: { pad: "x".repeat(300) } };
    const { offsets } = await (await produce([reading(0), big, reading(1)])).json();
    assert.deepEqual(offsets[0], { partition: 0, offset: 0 });
    assert.equal(offsets[1].error_code, 500);
    assert.match(offsets[1].message, /larger than 200, which is the value of the max\.request\.size configuration/);
    assert.deepEqual(offsets[2], { partition: 0, offset: 1 });
    assert.deepEqual(d.received().map((r) => r.value.seq), [0, 1]);
  });
});

test("a lost ack: the producer's retry writes twice without idempotence, once with it", async () => {
  for (const [producer, copies] of [[{ ...FAST, acks: "1", idempotence: false }, 2], [FAST, 1]]) {
    await withDouble(producer, async (d, produce) => {
      d.kafka.loseAcks(1);
      const t0 = Date.now();
      const { offsets } = await (await produce([reading(7)])).json();
      assert.ok(Date.now() - t0 >= FAST.requestTimeoutMs, "retried after request.timeout.ms");
      assert.equal(offsets[0].error_code, undefined, JSON.stringify(offsets));
      assert.equal(d.received().filter((r) => r.value.seq === 7).length, copies, JSON.stringify(producer));
    });
  }
});

test("acks=1 acknowledges before replication: a failover loses the record; acks=all does not", async () => {
  for (const [acks, idempotence, kept] of [["1", false, 0], ["all", true, 1]]) {
    await withDouble({ ...FAST, acks, idempotence }, async (d, produce) => {
      d.kafka.holdReplication = true;
      const { offsets } = await (await produce([reading(3)])).json();
      assert.equal(offsets[0].offset, 0, "acknowledged");
      d.kafka.failover();
      assert.equal(d.received().length, kept, `acks=${acks}`);
    });
  }
});

test("idempotence needs acks=all, and delivery.timeout.ms >= linger.ms + request.timeout.ms, as the Java producer", () => {
  assert.throws(() => new BridgeDouble({ producer: { acks: "1", idempotence: true } }), /acks to all/);
  assert.throws(() => new BridgeDouble({ producer: { deliveryTimeoutMs: 1000, requestTimeoutMs: 2000 } }), /delivery\.timeout\.ms/);
});

test("CLI: usage, bad options, a management port with /healthy and /ready", async () => {
  const cli = new URL("../sim/bridge_double.mjs", import.meta.url).pathname;
  const help = spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8" });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /TEST DOUBLE/);
  const bad = spawnSync(process.execPath, [cli, "--acks", "1", "--idempotence", "true"], { encoding: "utf8" });
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /acks to all/);
  const child = spawn(process.execPath, [cli, "--port", "0", "--management-port", "0", "--acks", "all", "--idempotence", "true",
    "--delivery-timeout-ms", "6000", "--request-timeout-ms", "3000", "--max-block-ms", "2000"], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (c) => { err += c; });
  const base = await new Promise((resolve) => child.stdout.once("data", (c) => resolve(String(c).trim())));
  try {
    const res = await fetch(`${base}/topics/sensor-data`, { method: "POST", headers: { "Content-Type": CT }, body: JSON.stringify({ records: [reading(0)] }) });
    assert.deepEqual(await res.json(), { offsets: [{ partition: 0, offset: 0 }] });
    const mgmt = /management \(\/healthy, \/ready\) on (\S+)/.exec(err)[1];
    for (const path of ["/healthy", "/ready"]) assert.equal((await fetch(mgmt + path)).status, 200, path);
    assert.match(err, /bridge TEST DOUBLE listening on .*acks=all enable\.idempotence=true max\.block\.ms=2000 delivery\.timeout\.ms=6000/);
  } finally {
    child.kill("SIGTERM");
  }
  assert.equal(await new Promise((r) => child.on("exit", r)), 0);
});
