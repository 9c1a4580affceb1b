#!/usr/bin/env node
// Simulated ESP32 sensors: the real firmware loop (src/sensor_node.py + the BME280 driver)
// running under MicroPython (WebAssembly), one SensorNode per sensor, with a simulated BME280
// following a daily weather curve for each location. Readings go to a Kafka Bridge over real
// HTTP (--bridge-url) or, on machines without a bridge, straight to Kafka (--kafka-bootstrap)
// with the same records, validated like the bridge would. While the target is unreachable the
// firmware's bounded queue keeps the readings and flushes them, in order, once it is back.
// See firmware/esp32/README.md for every option.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { validateProduce } from "./bridge_double.mjs";
import { SIM_PY_DIR, httpPost, loadFirmware } from "./runtime.mjs";

const USAGE = `usage: node firmware/esp32/sim/simulate.mjs (--bridge-url URL | --kafka-bootstrap HOST:PORT) [options]
  --sensors N               number of simulated sensors (default 1)
  --sensor-ids A,B,...      explicit sensor ids (default <site>-sensor-<n>)
  --site NAME               site name, used in default ids (default local)
  --interval-ms MS          reading interval per sensor (default 1000)
  --topic NAME              Kafka topic (default sensor-data)
  --kafka-ssl-ca FILE       with --kafka-bootstrap: mTLS, trusting this CA (PEM); needs the two below
  --kafka-ssl-cert FILE     client certificate (PEM)
  --kafka-ssl-key FILE      client key (PEM)
  --locations LAT,LON;...   one location per sensor (default: around --center)
  --center LAT,LON          centre for generated locations (default 50.0755,14.4378)
  --seed N                  seed for locations and weather noise (default 1)
  --count N                 stop each sensor after N readings, then drain (default: run until stopped)
  --duration-s S            stop sampling after S seconds, then drain
  --drain-timeout-s S       how long to keep flushing queued readings when stopping (default 120)
  --sent-log FILE           append every reading the target acknowledged as a JSON line
  --wifi-outage START:LEN   simulate WiFi down from START s for LEN s after start
  --queue-capacity N        firmware queue size (default 900)
  --batch-max N             records per request (default 50)
  --backoff-max-ms MS       longest retry pause (default 5000)
  --http-timeout-ms MS      request timeout (default 5000)
  --stats-interval-s S      status line per sensor on stderr every S s (default 10, 0 = off)
Exit status 0 when every sensor's queue was delivered; 1 otherwise; 2 on bad usage.`;

function fail(message) {
  process.stderr.write(`simulate: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function options(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        sensors: { type: "string", default: "1" },
        "sensor-ids": { type: "string" },
        site: { type: "string", default: "local" },
        "interval-ms": { type: "string", default: "1000" },
        "bridge-url": { type: "string" },
        "kafka-bootstrap": { type: "string" },
        "kafka-ssl-ca": { type: "string" },
        "kafka-ssl-cert": { type: "string" },
        "kafka-ssl-key": { type: "string" },
        topic: { type: "string", default: "sensor-data" },
        locations: { type: "string" },
        center: { type: "string", default: "50.0755,14.4378" },
        seed: { type: "string", default: "1" },
        count: { type: "string", default: "0" },
        "duration-s": { type: "string", default: "0" },
        "drain-timeout-s": { type: "string", default: "120" },
        "sent-log": { type: "string" },
        "wifi-outage": { type: "string" },
        "queue-capacity": { type: "string", default: "900" },
        "batch-max": { type: "string", default: "50" },
        "backoff-max-ms": { type: "string", default: "5000" },
        "http-timeout-ms": { type: "string", default: "5000" },
        "stats-interval-s": { type: "string", default: "10" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (err) {
    fail(err.message);
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const int = (name, min = 0) => {
    const v = Number(parsed[name]);
    if (!Number.isInteger(v) || v < min) fail(`--${name} must be an integer >= ${min}`);
    return v;
  };
  const pair = (text, what) => {
    const [lat, lon] = text.split(",").map(Number);
    if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) fail(`${what}: "${text}" is not LAT,LON`);
    return [lat, lon];
  };
  if (!!parsed["bridge-url"] === !!parsed["kafka-bootstrap"]) fail("give exactly one of --bridge-url, --kafka-bootstrap");
  const ids = parsed["sensor-ids"] ? parsed["sensor-ids"].split(",").map((s) => s.trim()).filter(Boolean) : null;
  const n = ids ? ids.length : int("sensors", 1);
  const seed = int("seed");
  const rng = mulberry32(seed);
  const center = pair(parsed.center, "--center");
  const locations = parsed.locations
    ? parsed.locations.split(";").map((t) => pair(t, "--locations"))
    : Array.from({ length: n }, () => [center[0] + (rng() - 0.5) * 0.1, center[1] + (rng() - 0.5) * 0.15]);
  if (locations.length !== n) fail(`--locations has ${locations.length} entries for ${n} sensors`);
  let outage = null;
  if (parsed["wifi-outage"]) {
    const [start, len] = parsed["wifi-outage"].split(":").map(Number);
    if (!(start >= 0 && len > 0)) fail("--wifi-outage must be START:LEN in seconds");
    outage = { start: start * 1000, end: (start + len) * 1000 };
  }
  return {
    ids: ids ?? Array.from({ length: n }, (_, i) => `${parsed.site}-sensor-${i + 1}`),
    site: parsed.site,
    intervalMs: int("interval-ms", 10),
    bridgeUrl: parsed["bridge-url"]?.replace(/\/+$/, ""),
    kafkaBootstrap: parsed["kafka-bootstrap"],
    kafkaSsl: ["kafka-ssl-ca", "kafka-ssl-cert", "kafka-ssl-key"].map((k) => parsed[k]),
    topic: parsed.topic,
    locations,
    seed,
    count: int("count"),
    durationMs: int("duration-s") * 1000,
    drainMs: int("drain-timeout-s") * 1000,
    sentLog: parsed["sent-log"],
    outage,
    queueCapacity: int("queue-capacity", 1),
    batchMax: int("batch-max", 1),
    backoffMaxMs: int("backoff-max-ms", 100),
    httpTimeoutMs: int("http-timeout-ms", 100),
    statsMs: int("stats-interval-s") * 1000,
  };
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Produces a bridge request's records straight to Kafka and answers like the bridge. */
async function kafkaSink(bootstrap, log, [ca, cert, key] = []) {
  const { Kafka, Partitioners, logLevel } = (await import("kafkajs")).default;
  if ((ca || cert || key) && !(ca && cert && key)) fail("--kafka-ssl-ca, --kafka-ssl-cert and --kafka-ssl-key go together");
  const kafka = new Kafka({
    clientId: "sensor-simulator",
    brokers: bootstrap.split(","),
    ssl: ca ? { ca: [readFileSync(ca)], cert: readFileSync(cert), key: readFileSync(key) } : undefined,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { retries: 2, initialRetryTime: 300, maxRetryTime: 2000 },
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner, // murmur2, as the Java clients
  });
  let connected = false;
  const answer = (status, body) => ({ status, body: JSON.stringify(body), errno: null });
  const post = async (url, headersJson, body) => {
    const topic = decodeURIComponent(new URL(url).pathname.replace(/^\/topics\//, ""));
    const headers = Object.fromEntries(Object.entries(JSON.parse(headersJson)).map(([k, v]) => [k.toLowerCase(), v]));
    const { answer: refused, records } = validateProduce(headers["content-type"], body);
    if (refused) return { status: refused.status, body: refused.body, errno: null };
    try {
      if (!connected) {
        await producer.connect();
        connected = true;
      }
      const meta = await producer.send({
        topic,
        acks: -1,
        messages: records.map((r) => ({ key: r.key == null ? null : String(r.key), value: JSON.stringify(r.value) })),
      });
      // one request holds one sensor's records: one key, so one partition
      const next = new Map(meta.map((m) => [m.partition, Number(m.baseOffset)]));
      const partition = meta[0].partition;
      return answer(200, { offsets: records.map(() => ({ partition, offset: next.set(partition, next.get(partition) + 1).get(partition) - 1 })) });
    } catch (err) {
      log(`kafka: ${err.message}`);
      if (connected) {
        connected = false;
        await producer.disconnect().catch(() => {});
      }
      return answer(503, { error_code: 503, message: `Kafka unavailable: ${err.message}` });
    }
  };
  return { post, close: () => producer.disconnect().catch(() => {}) };
}

function sentLogger(file) {
  if (!file) return () => {};
  return ({ body, status, text }) => {
    if (status !== 200) return;
    let records;
    let offsets;
    try {
      records = JSON.parse(body).records;
      offsets = JSON.parse(text).offsets;
    } catch {
      return;
    }
    const sentAt = new Date().toISOString();
    const lines = records
      .map((r, i) => [r, offsets?.[i]])
      .filter(([, o]) => o && o.error_code === undefined)
      .map(([r, o]) => JSON.stringify({ ...r.value, partition: o.partition, offset: o.offset, sentAt }));
    if (lines.length) appendFileSync(file, `${lines.join("\n")}\n`);
  };
}

async function main() {
  const opts = options(process.argv.slice(2));
  const log = (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  if (opts.sentLog) writeFileSync(opts.sentLog, "");
  const observe = sentLogger(opts.sentLog);
  let post;
  let close = async () => {};
  let targetUrl;
  if (opts.bridgeUrl) {
    post = httpPost({ timeoutMs: opts.httpTimeoutMs, observe });
    targetUrl = opts.bridgeUrl;
  } else {
    const sink = await kafkaSink(opts.kafkaBootstrap, log, opts.kafkaSsl);
    post = async (url, headersJson, body) => {
      const a = await sink.post(url, headersJson, body);
      observe({ body, status: a.status, text: a.body });
      return a;
    };
    close = sink.close;
    targetUrl = `kafka://${opts.kafkaBootstrap}`;
  }

  const started = Date.now();
  let stopAt = null;
  const stop = () => {
    if (stopAt !== null) process.exit(1); // second signal: give up draining
    stopAt = Date.now();
    log("stopping: no new readings, delivering what is queued");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  if (opts.durationMs) setTimeout(() => stopAt ?? stop(), opts.durationMs).unref();

  let result = "[]";
  const mp = await loadFirmware({ extraDirs: [SIM_PY_DIR], stdout: (l) => log(l), stderr: (l) => log(l) });
  mp.registerJsModule("simhost", {
    post,
    wifi_up: () => {
      if (!opts.outage) return true;
      const t = Date.now() - started;
      return t < opts.outage.start || t >= opts.outage.end;
    },
    stopping: () => stopAt !== null,
    log: (line) => log(line),
    report: (json) => opts.statsMs && log(`status ${json}`),
    done: (json) => { result = json; },
  });
  const specs = opts.ids.map((id, i) => ({
    seed: opts.seed * 1000 + i,
    config: {
      WIFI_SSID: "simulated",
      WIFI_PSK: "simulated",
      BRIDGE_URL: targetUrl,
      TOPIC: opts.topic,
      SENSOR_ID: id,
      SITE: opts.site,
      LATITUDE: opts.locations[i][0],
      LONGITUDE: opts.locations[i][1],
      INTERVAL_MS: opts.intervalMs,
      QUEUE_CAPACITY: opts.queueCapacity,
      BATCH_MAX: opts.batchMax,
      BACKOFF_INITIAL_MS: Math.min(1000, opts.backoffMaxMs),
      BACKOFF_MAX_MS: opts.backoffMaxMs,
      WIFI_CONNECT_TIMEOUT_MS: 3000,
    },
  }));
  log(`simulating ${specs.length} sensor(s) every ${opts.intervalMs} ms -> ${targetUrl}`);
  await mp.runPythonAsync(
    `import simnode, simhost\nsimhost.done(await simnode.run_all(${JSON.stringify(JSON.stringify(specs))}, `
      + `${opts.count}, ${opts.statsMs || 3600000}, ${opts.drainMs}))`,
  );
  await close();
  const sensors = JSON.parse(result);
  const summary = {
    sensors,
    delivered: sensors.reduce((n, s) => n + s.delivered, 0),
    queued: sensors.reduce((n, s) => n + s.queued, 0),
    dropped: sensors.reduce((n, s) => n + s.dropped, 0),
    seconds: (Date.now() - started) / 1000,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(summary.queued === 0 ? 0 : 1);
}

await main();
