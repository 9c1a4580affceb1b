#!/usr/bin/env node
// Simulated ESP32 sensors: the real firmware loop (src/sensor_node.py + the BME280 driver)
// running under MicroPython (WebAssembly), one SensorNode per sensor, with a simulated BME280
// following a daily weather curve for each location. Readings go to a Kafka Bridge over real
// HTTP (--bridge-url: the Strimzi Kafka Bridge or its test double sim/bridge_double.mjs). While
// the bridge is unreachable the firmware's bounded queue keeps the readings and flushes them, in
// order, once it is back. A control endpoint (--control-port) restarts a sensor on demand.
// See firmware/esp32/README.md for every option.
import { randomBytes } from "node:crypto";
import { appendFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import http from "node:http";
import { SIM_PY_DIR, httpPost, loadFirmware } from "./runtime.mjs";

const USAGE = `usage: node firmware/esp32/sim/simulate.mjs --bridge-url URL [options]
  --sensors N               number of simulated sensors (default 1)
  --sensor-ids A,B,...      explicit sensor ids (default <site>-sensor-<n>)
  --site NAME               site name, used in default ids (default local)
  --interval-ms MS          reading interval per sensor (default 1000)
  --topic NAME              Kafka topic (default sensor-data)
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
  --http-timeout-ms MS      request timeout (default 10000, the firmware's HTTP_TIMEOUT_S)
  --stats-interval-s S      status line per sensor on stderr every S s (default 10, 0 = off)
  --control-port N          HTTP control on 127.0.0.1:N (0 = any; the URL is logged):
                            POST /sensors/<id>/restart  reset that sensor (new bootId, seq from 0,
                            its RAM queue lost, as a board reset); GET /sensors  the sensor ids
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
        "http-timeout-ms": { type: "string", default: "10000" },
        "stats-interval-s": { type: "string", default: "10" },
        "control-port": { type: "string" },
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
  if (!parsed["bridge-url"]) fail("--bridge-url is required");
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
    controlPort: parsed["control-port"] === undefined ? null : int("control-port"),
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

/** The control endpoint: restarts requested per sensor id, taken by the firmware loop. */
async function controlServer(port, ids, pending, log) {
  const server = http.createServer((req, res) => {
    const m = /^\/sensors\/([^/]+)\/restart$/.exec(req.url);
    const send = (status, body) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && req.url === "/sensors") return send(200, { sensors: ids });
    if (!m) return send(404, { error: "unknown path" });
    if (req.method !== "POST") return send(405, { error: "POST only" });
    const id = decodeURIComponent(m[1]);
    if (!ids.includes(id)) return send(404, { error: `no sensor ${id}` });
    pending.add(id);
    log(`control: restart of ${id} requested`);
    return send(202, { restarting: id });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  log(`control on http://127.0.0.1:${server.address().port} (POST /sensors/<id>/restart)`);
  return server;
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
  const post = httpPost({ timeoutMs: opts.httpTimeoutMs, observe });
  const targetUrl = opts.bridgeUrl;
  const restarts = new Set();
  const control = opts.controlPort === null ? null : await controlServer(opts.controlPort, opts.ids, restarts, log);
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
    random_hex: (n) => randomBytes(n).toString("hex"),
    log: (line) => log(line),
    report: (json) => opts.statsMs && log(`status ${json}`),
    done: (json) => { result = json; },
    restart_requested: (id) => restarts.delete(id),
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
      HTTP_TIMEOUT_S: Math.ceil(opts.httpTimeoutMs / 1000), // the watchdog's view of a stuck request
    },
  }));
  log(`simulating ${specs.length} sensor(s) every ${opts.intervalMs} ms -> ${targetUrl}`);
  await mp.runPythonAsync(
    `import simnode, simhost\nsimhost.done(await simnode.run_all(${JSON.stringify(JSON.stringify(specs))}, `
      + `${opts.count}, ${opts.statsMs || 3600000}, ${opts.drainMs}))`,
  );
  if (control) control.close();
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
