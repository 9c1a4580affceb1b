// TEST DOUBLE of the Strimzi Kafka Bridge 1.1.0 produce endpoint (the bridge release cannot be
// downloaded here). Behaviour observed on the real bridge against Kafka 4.3 (shared/RECIPES.md)
// and modelled here; tests/bridge_double.test.mjs pins each item:
//   HTTP  - Content-Type must be application/vnd.kafka.json.v2+json, else 400 "Validation error on: ...";
//           body: an object with a `records` array, each record an object with a `value` that is a
//           JSON object or array and an optional `key`; else 400 (+ validation_errors); `{}` -> 422;
//           `{"records":[]}` -> 200 {"offsets":[]}; unknown path 404; wrong method 405;
//           GET / -> {"bridge_version":...}; management port: GET /healthy, /ready -> 200.
//   SYNC PRODUCE - `POST /topics/<t>` answers only when the producer settled every record:
//           200 `application/vnd.kafka.v2+json` {"offsets":[...]}, one entry per record in record
//           order, each {"partition":p,"offset":o} or {"error_code":c,"message":m}, mixed.
//   HELD WHILE KAFKA IS AWAY - with Kafka unreachable the request is held; its records sit in the
//           producer's buffer and are retried every retry.backoff.ms, and written when Kafka
//           returns, also after the HTTP client gave up (closed the connection): a client timeout
//           is "unknown", a resend lands twice. The same holds for a request the bridge reads
//           only after its client closed the connection (the bridge paused, e.g. by a long GC,
//           past the client's timeout, on a kept-alive connection): the request is read and produced,
//           its answer dropped (no idle timeout closes the connection first).
//           Bounded by the configured producer timeouts:
//           - no metadata for the topic (Kafka never seen, or topic missing): each record's send
//             blocks up to max.block.ms, serially, then {"error_code":404,"message":"Topic <t> not
//             present in metadata after <n> ms."} (so N records take N x max.block.ms);
//           - metadata known: a record not written within delivery.timeout.ms of its send gets
//             {"error_code":500,"message":"Expiring 1 record(s) for <t>-0: ... has passed since batch creation"};
//             an attempt still in flight then is reported expired but may still be written;
//           - invalid topic name: per-record 500 "Invalid topics: [...]" at once;
//           - a record larger than max.request.size: per-record 500 "The message is N bytes ...",
//             at once, the other records of the request written (entries mixed, in order).
//   ACKS AND IDEMPOTENCE as configured (in-memory Kafka side): an attempt whose ack is lost
//           (`kafka.loseAcks(n)`) is retried after request.timeout.ms; without idempotence the
//           retry writes the records again (two copies), with it the broker drops the repeated
//           producer sequence (one copy). acks=1 acknowledges before the follower copied the
//           records, so a leader failover (`kafka.failover()`) loses them; acks=all does not.
//           enable.idempotence=true with acks other than all is refused, as the Java producer does.
// Kafka side: in memory (default; for tests) or a real Kafka through kafkajs (--kafka-bootstrap,
// optionally TLS with --kafka-ssl-ca/-cert/-key PEM files): the same buffer, retries and timeouts;
// idempotence there is kafkajs's own (it covers kafkajs's internal retries, not a new attempt
// after kafkajs gave up).
// NOT modelled: async produce (?async=true -> 204), consumers, seek, admin and topic endpoints,
// CORS, OpenAPI, metrics, partitioners other than one partition per key (in memory: partition 0),
// buffer.memory / max.in.flight limits, batching by linger.ms and batch.size (records are sent
// as they come), compression, the exact serialized size (JSON text length is used), authentication of
// HTTP clients, the bridge's own HTTP timeouts, rebalances and multiple brokers.
// HTTP fault modes for tests (`mode`): "ok", "down" (connection refused), "hang" (never answers),
// "status:<code>" (an error answer such as 503), "record-errors" (200 with per-record expiry errors).
import http from "node:http";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

export const PRODUCE_CONTENT_TYPE = "application/vnd.kafka.json.v2+json";
export const RESPONSE_CONTENT_TYPE = "application/vnd.kafka.v2+json";
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The real producer's defaults, and the bridge's shipped acks=1 (not idempotent then).
export const PRODUCER_DEFAULTS = Object.freeze({
  acks: "1", idempotence: false, maxBlockMs: 60000, deliveryTimeoutMs: 120000, requestTimeoutMs: 30000,
  retryBackoffMs: 100, lingerMs: 0, maxRequestSize: 1048576,
});

const error = (status, message, extra = {}) => ({
  status,
  contentType: RESPONSE_CONTENT_TYPE,
  body: JSON.stringify({ error_code: status, message, ...extra }),
});

/** Validates a produce request body; returns {records} or an error answer. */
export function validateProduce(contentType, bodyText) {
  const mediaType = String(contentType ?? "").split(";")[0].trim().toLowerCase();
  if (mediaType !== PRODUCE_CONTENT_TYPE) {
    return { answer: error(400, `Validation error on: Content-Type ${contentType ?? "(none)"} is not supported`) };
  }
  if (!bodyText) return { answer: error(400, "Validation error on: body is required") };
  let body;
  try {
    body = JSON.parse(bodyText);
  } catch (e) {
    return { answer: error(400, `Validation error on: body: ${e.message}`) };
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return { answer: error(400, "Validation error on: body must be an object") };
  }
  if (!("records" in body)) return { answer: error(422, "Validation error on: records is required") };
  if (!Array.isArray(body.records)) {
    return { answer: error(400, "Validation error on: records must be an array", { validation_errors: ["records: not an array"] }) };
  }
  const problems = [];
  body.records.forEach((r, i) => {
    if (r === null || typeof r !== "object" || Array.isArray(r)) problems.push(`records[${i}]: not an object`);
    else if (!("value" in r)) problems.push(`records[${i}].value: required`);
    else if (r.value === null || typeof r.value !== "object") problems.push(`records[${i}].value: must be a JSON object or array`);
    else if ("key" in r && (r.key === null || typeof r.key === "boolean")) problems.push(`records[${i}].key: invalid type`);
    else if ("partition" in r && !Number.isInteger(r.partition)) problems.push(`records[${i}].partition: not an integer`);
  });
  if (problems.length) {
    return { answer: error(400, `Validation error on: ${problems[0]}`, { validation_errors: problems }) };
  }
  return { records: body.records };
}

/** In-memory Kafka: one partition per topic, a leader log and what the follower has copied. */
export class MemoryKafka {
  constructor({ topics = ["sensor-data"] } = {}) {
    this.available = true;
    this.topics = new Set(topics);
    this.logs = new Map(); // topic -> [{key, value, offset}]
    this.replicated = new Map(); // topic -> records the follower holds
    this.holdReplication = false; // true: the follower lags until replicate()
    this.sequences = new Map(); // `${producerId}/${topic}` -> {sequence, baseOffset}
    this._lostAcks = 0;
  }

  hasMetadata(topic) { return this.available && this.topics.has(topic); }

  loseAcks(n) { this._lostAcks += n; }

  log(topic) { return this.logs.get(topic) ?? []; }

  replicate() { for (const [t, l] of this.logs) this.replicated.set(t, l.length); }

  /** The leader dies; the follower takes over with what it had copied. */
  failover() {
    for (const [t, l] of this.logs) l.length = this.replicated.get(t) ?? 0;
  }

  async produce(topic, messages, { acks, idempotent, producerId, sequence, requestTimeoutMs }) {
    if (!this.available) throw new Error("Connection to the broker was refused");
    const log = this.logs.get(topic) ?? [];
    this.logs.set(topic, log);
    const key = `${producerId}/${topic}`;
    const last = this.sequences.get(key);
    let base;
    if (idempotent && last && last.sequence === sequence) {
      base = last.baseOffset; // DuplicateSequence: already written, acknowledged again
    } else {
      base = log.length;
      for (const m of messages) log.push({ key: m.key, value: m.value, offset: log.length });
      if (idempotent) this.sequences.set(key, { sequence, baseOffset: base });
    }
    if (acks === "all") this.replicate();
    else if (!this.holdReplication) setImmediate(() => { if (!this.holdReplication) this.replicate(); });
    if (this._lostAcks > 0) {
      this._lostAcks -= 1;
      await sleep(requestTimeoutMs);
      throw new Error("the ack was lost: request timed out");
    }
    return [{ partition: 0, baseOffset: base }];
  }
}

/** Real Kafka through kafkajs, with the same interface as MemoryKafka. */
export class KafkajsKafka {
  constructor({ bootstrap, ssl, acks, idempotence, log = () => {} }) {
    this._options = { bootstrap, ssl, acks, idempotence };
    this._log = log;
    this._metadata = new Set();
    this._producer = null;
  }

  async _connect() {
    if (this._producer) return this._producer;
    const { Kafka, Partitioners, logLevel } = (await import("kafkajs")).default;
    const { bootstrap, ssl, idempotence } = this._options;
    const kafka = new Kafka({
      clientId: "bridge-test-double", brokers: bootstrap.split(","), ssl, connectionTimeout: 3000,
      retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000 }, logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({
      idempotent: idempotence, maxInFlightRequests: idempotence ? 1 : 5,
      createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false,
    });
    await producer.connect();
    this._kafka = kafka;
    this._producer = producer;
    return producer;
  }

  async _drop(err) {
    this._log(`kafka: ${err.message}`);
    const p = this._producer;
    this._producer = null;
    if (p) await p.disconnect().catch(() => {});
  }

  hasMetadata(topic) { return this._metadata.has(topic); }

  async fetchMetadata(topic) {
    try {
      await this._connect();
      const admin = this._kafka.admin();
      await admin.connect();
      try {
        await admin.fetchTopicMetadata({ topics: [topic] });
      } finally {
        await admin.disconnect().catch(() => {});
      }
      this._metadata.add(topic);
    } catch (err) {
      await this._drop(err);
    }
  }

  async produce(topic, messages, { requestTimeoutMs }) {
    try {
      const producer = await this._connect();
      return await producer.send({
        topic, acks: this._options.acks === "all" ? -1 : 1, timeout: requestTimeoutMs,
        messages: messages.map((m) => ({ key: m.key == null ? null : String(m.key), value: JSON.stringify(m.value) })),
      });
    } catch (err) {
      await this._drop(err);
      throw err;
    }
  }

  async close() { if (this._producer) await this._producer.disconnect().catch(() => {}); }
}

let producerIds = 0;

/** The bridge's Kafka producer: send() blocks for metadata, then buffers; a sender retries. */
export class Producer {
  constructor(kafka, config = {}) {
    this.kafka = kafka;
    this.config = { ...PRODUCER_DEFAULTS, ...config };
    const c = this.config;
    if (!["all", "1"].includes(String(c.acks))) throw new Error(`acks=${c.acks}: only all (-1) and 1 are modelled`);
    if (c.idempotence && c.acks !== "all") {
      throw new Error("Must set acks to all in order to use the idempotent producer (enable.idempotence=true)");
    }
    if (c.deliveryTimeoutMs < c.lingerMs + c.requestTimeoutMs) {
      throw new Error("delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms");
    }
    this.producerId = ++producerIds;
    this._sequence = 0;
    this._buffer = []; // [{topic, key, value, deadline, resolve}]
    this._metadata = new Set();
    this._sending = false;
  }

  get buffered() { return this._buffer.length; }

  /** Like KafkaProducer.send(): resolves to {done} once buffered, or to a 404 entry after max.block.ms. */
  async send(topic, key, value) {
    const size = JSON.stringify(value).length + (key == null ? 0 : String(key).length);
    if (size > this.config.maxRequestSize) {
      const message = `The message is ${size} bytes when serialized which is larger than ${this.config.maxRequestSize}, `
        + "which is the value of the max.request.size configuration.";
      return { done: Promise.resolve({ error_code: 500, message }) };
    }
    if (!this._metadata.has(topic)) { // fetched once, then cached (also while Kafka is away)
      const until = Date.now() + this.config.maxBlockMs;
      while (!this.kafka.hasMetadata(topic) && Date.now() < until) {
        if (this.kafka.fetchMetadata) await Promise.race([this.kafka.fetchMetadata(topic), sleep(Math.max(0, until - Date.now()))]);
        if (!this.kafka.hasMetadata(topic)) await sleep(Math.min(100, Math.max(0, until - Date.now())));
      }
      if (!this.kafka.hasMetadata(topic)) {
        const entry = { error_code: 404, message: `Topic ${topic} not present in metadata after ${this.config.maxBlockMs} ms.` };
        return { done: Promise.resolve(entry) };
      }
      this._metadata.add(topic);
    }
    let resolve;
    const done = new Promise((r) => { resolve = r; });
    this._buffer.push({ topic, key, value, created: Date.now(), deadline: Date.now() + this.config.deliveryTimeoutMs, resolve });
    this._kick();
    return { done };
  }

  _kick() {
    if (this._sending) return;
    this._sending = true;
    this._run().finally(() => { this._sending = false; if (this._buffer.length) this._kick(); });
  }

  _expire() {
    const now = Date.now();
    const keep = [];
    for (const r of this._buffer) {
      if (now < r.deadline) keep.push(r);
      else r.resolve({ error_code: 500, message: `Expiring 1 record(s) for ${r.topic}-0: ${now - r.created} ms has passed since batch creation` });
    }
    this._buffer = keep;
  }

  async _run() {
    while (this._buffer.length) {
      this._expire();
      if (!this._buffer.length) return;
      const head = this._buffer[0];
      const batch = this._buffer.filter((r) => r.topic === head.topic && r.key === head.key);
      const sequence = this._sequence++; // kept across the retries of this batch
      for (;;) {
        try {
          // An attempt still in flight when the batch's delivery timeout passes is reported as
          // expired, although the broker may still write it (as with the Java producer).
          const deadline = Math.min(...batch.map((r) => r.deadline));
          let timer;
          const expired = new Promise((resolve) => { timer = setTimeout(() => resolve(null), Math.max(0, deadline - Date.now())); });
          const attempt = this.kafka.produce(head.topic, batch, {
            acks: this.config.acks, idempotent: this.config.idempotence, producerId: this.producerId, sequence,
            requestTimeoutMs: this.config.requestTimeoutMs,
          });
          attempt.catch(() => {});
          const meta = await Promise.race([attempt, expired]).finally(() => clearTimeout(timer));
          if (meta === null) throw new Error("delivery timeout while the attempt was in flight");
          const { partition, baseOffset } = meta[0];
          batch.forEach((r, i) => r.resolve({ partition, offset: Number(baseOffset) + i }));
          this._buffer = this._buffer.filter((r) => !batch.includes(r));
          break;
        } catch {
          await sleep(this.config.retryBackoffMs);
          this._expire();
          if (batch.some((r) => !this._buffer.includes(r))) {
            this._buffer = this._buffer.filter((r) => !batch.includes(r)); // expired: the batch is aborted
            batch.forEach((r) => r.resolve({ error_code: 500, message: `Expiring 1 record(s) for ${r.topic}-0: delivery.timeout.ms has passed since batch creation` }));
            break;
          }
        }
      }
    }
  }

  /** Wait until the buffer is empty (or the deadline passes): the bridge's producer.close(). */
  async flush(timeoutMs = this.config.deliveryTimeoutMs) {
    const until = Date.now() + timeoutMs;
    while (this._buffer.length && Date.now() < until) await sleep(50);
  }
}

export class BridgeDouble {
  constructor({ version = "1.1.0-double", kafka = null, producer = {} } = {}) {
    this.version = version;
    this._ownKafka = !kafka; // an in-memory Kafka of its own is renewed by reset()
    this.kafka = kafka ?? new MemoryKafka();
    this.producerConfig = producer;
    this.reset();
    this.server = null;
    this.port = 0;
    this.host = "127.0.0.1";
  }

  reset() {
    this.mode = "ok";
    if (this._ownKafka) this.kafka = new MemoryKafka();
    this.producer = new Producer(this.kafka, this.producerConfig);
    this.requests = []; // every request that reached the handler, in order
  }

  received(topic = "sensor-data") {
    return this.kafka.log ? this.kafka.log(topic) : [];
  }

  /** The produce endpoint as a function of the request (in-process and over HTTP): a promise. */
  async handle(method, path, headers, bodyText) {
    const lower = Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    this.requests.push({ method, path, headers: lower, body: bodyText });
    if (this.mode === "down") return { errno: "ECONNREFUSED" };
    if (this.mode === "hang") return { errno: "ETIMEDOUT" };
    if (method === "GET" && path === "/") {
      return { status: 200, contentType: "application/json", body: JSON.stringify({ bridge_version: this.version }) };
    }
    const match = /^\/topics\/([^/?]+)$/.exec(path.split("?")[0]);
    if (!match) return error(404, "Not Found");
    if (method !== "POST") return error(405, "Method Not Allowed");
    if (this.mode.startsWith("status:")) {
      const status = Number(this.mode.slice(7));
      return error(status, `test double answering ${status}`);
    }
    const topic = decodeURIComponent(match[1]);
    const { answer, records } = validateProduce(lower["content-type"], bodyText);
    if (answer) return answer;
    let offsets;
    if (!TOPIC_NAME.test(topic)) {
      offsets = records.map(() => ({ error_code: 500, message: `Invalid topics: [${topic}]` }));
    } else if (this.mode === "record-errors") {
      offsets = records.map(() => ({ error_code: 500, message: `Expiring 1 record(s) for ${topic}-0: test fault` }));
    } else {
      const pending = [];
      for (const r of records) pending.push((await this.producer.send(topic, r.key ?? null, r.value)).done);
      offsets = await Promise.all(pending);
    }
    return { status: 200, contentType: RESPONSE_CONTENT_TYPE, body: JSON.stringify({ offsets }) };
  }

  /** Serve over real HTTP on host:port (0 = any free port); returns the base URL. */
  async listen(port = this.port, host = this.host) {
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", async () => {
        const answer = await this.handle(req.method, req.url, req.headers, Buffer.concat(chunks).toString("utf8"));
        if (answer.errno === "ECONNREFUSED") return req.socket.destroy();
        if (answer.errno || res.destroyed) return; // "hang", or the client gave up: nobody to answer
        res.writeHead(answer.status, { "Content-Type": answer.contentType });
        res.end(answer.body);
      });
    });
    // The real bridge's Vert.x server closes no idle connection (idle timeout 0). Node's default
    // 5 s keep-alive timeout would, after a pause longer than that, close the connection before
    // reading the request waiting on it, and so drop what the bridge would write.
    this.server.keepAliveTimeout = 0;
    await new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, resolve);
    });
    this.port = this.server.address().port;
    this.host = host;
    return this.url;
  }

  /** The management port: /healthy and /ready (200, empty), as the bridge's 8081. */
  async listenManagement(port, host = this.host) {
    this.management = http.createServer((req, res) => {
      res.writeHead(["/healthy", "/ready"].includes(req.url) ? 200 : 404);
      res.end();
    });
    await new Promise((resolve, reject) => {
      this.management.once("error", reject);
      this.management.listen(port, host, resolve);
    });
    return this.management.address().port;
  }

  get url() {
    return `http://${this.host}:${this.port}`;
  }

  /** Stop listening (clients then get "connection refused"); `listen()` resumes on the same port.
   * The producer keeps its buffer, as the bridge process would until it exits. */
  async close() {
    if (this.management) {
      const m = this.management;
      this.management = null;
      await new Promise((resolve) => m.close(resolve));
    }
    if (!this.server) return;
    const server = this.server;
    this.server = null;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

export const USAGE = `usage: node firmware/esp32/sim/bridge_double.mjs [options]   (Strimzi Kafka Bridge TEST DOUBLE)
  --port N                  HTTP port (default 8080; 0 = any, printed on stdout)
  --host ADDR               listen address (default 127.0.0.1)
  --management-port N       /healthy and /ready (default: none)
  --kafka-bootstrap H:P,..  produce to this Kafka (kafkajs); default: an in-memory Kafka
  --kafka-ssl-ca FILE       TLS to Kafka: CA certificate (PEM)
  --kafka-ssl-cert FILE     client certificate (PEM), with --kafka-ssl-key
  --kafka-ssl-key FILE      client key (PEM)
  --topics A,B              topics the in-memory Kafka has (default sensor-data)
  --acks all|1              kafka.producer.acks (default 1, as the bridge ships)
  --idempotence true|false  kafka.producer.enable.idempotence (default false; needs --acks all)
  --max-block-ms MS         max.block.ms (default 60000)
  --delivery-timeout-ms MS  delivery.timeout.ms (default 120000)
  --request-timeout-ms MS   request.timeout.ms (default 30000)
  --linger-ms MS            linger.ms (default 0; only checked against the timeouts)
  --retry-backoff-ms MS     retry.backoff.ms (default 100)
  --max-request-size BYTES  max.request.size (default 1048576)`;

export function cliOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "8080" }, host: { type: "string", default: "127.0.0.1" },
      "management-port": { type: "string" }, "kafka-bootstrap": { type: "string" },
      "kafka-ssl-ca": { type: "string" }, "kafka-ssl-cert": { type: "string" }, "kafka-ssl-key": { type: "string" },
      topics: { type: "string", default: "sensor-data" },
      acks: { type: "string", default: PRODUCER_DEFAULTS.acks }, idempotence: { type: "string", default: "false" },
      "max-block-ms": { type: "string", default: String(PRODUCER_DEFAULTS.maxBlockMs) },
      "delivery-timeout-ms": { type: "string", default: String(PRODUCER_DEFAULTS.deliveryTimeoutMs) },
      "request-timeout-ms": { type: "string", default: String(PRODUCER_DEFAULTS.requestTimeoutMs) },
      "linger-ms": { type: "string", default: String(PRODUCER_DEFAULTS.lingerMs) },
      "retry-backoff-ms": { type: "string", default: String(PRODUCER_DEFAULTS.retryBackoffMs) },
      "max-request-size": { type: "string", default: String(PRODUCER_DEFAULTS.maxRequestSize) },
      help: { type: "boolean", short: "h" },
    },
  });
  const int = (name) => {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be an integer >= 0`);
    return v;
  };
  if (!["true", "false"].includes(values.idempotence)) throw new Error("--idempotence must be true or false");
  const acks = values.acks === "-1" ? "all" : values.acks;
  const pem = (name) => (values[name] ? readFileSync(values[name], "utf8") : undefined);
  const tls = values["kafka-ssl-ca"] || values["kafka-ssl-cert"] || values["kafka-ssl-key"];
  if (tls && !values["kafka-bootstrap"]) throw new Error("--kafka-ssl-* needs --kafka-bootstrap");
  if (!!values["kafka-ssl-cert"] !== !!values["kafka-ssl-key"]) throw new Error("--kafka-ssl-cert and --kafka-ssl-key go together");
  return {
    help: values.help, port: int("port"), host: values.host,
    managementPort: values["management-port"] === undefined ? null : int("management-port"),
    bootstrap: values["kafka-bootstrap"], topics: values.topics.split(",").filter(Boolean),
    ssl: tls ? { ca: pem("kafka-ssl-ca") ? [pem("kafka-ssl-ca")] : undefined, cert: pem("kafka-ssl-cert"), key: pem("kafka-ssl-key") } : undefined,
    producer: {
      acks, idempotence: values.idempotence === "true", maxBlockMs: int("max-block-ms"),
      deliveryTimeoutMs: int("delivery-timeout-ms"), requestTimeoutMs: int("request-timeout-ms"),
      lingerMs: int("linger-ms"), retryBackoffMs: int("retry-backoff-ms"), maxRequestSize: int("max-request-size"),
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let opts;
  try {
    opts = cliOptions(process.argv.slice(2));
    if (opts.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
  } catch (err) {
    process.stderr.write(`bridge_double: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const log = (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const kafka = opts.bootstrap
    ? new KafkajsKafka({ bootstrap: opts.bootstrap, ssl: opts.ssl, acks: opts.producer.acks, idempotence: opts.producer.idempotence, log })
    : new MemoryKafka({ topics: opts.topics });
  let double;
  try {
    double = new BridgeDouble({ kafka, producer: opts.producer });
  } catch (err) {
    process.stderr.write(`bridge_double: ${err.message}\n`);
    process.exit(2);
  }
  const url = await double.listen(opts.port, opts.host);
  const management = opts.managementPort === null ? null : await double.listenManagement(opts.managementPort, opts.host);
  process.stdout.write(`${url}\n`); // with --port 0: the port it picked
  const p = opts.producer;
  if (management !== null) log(`management (/healthy, /ready) on http://${opts.host}:${management}`);
  log(`bridge TEST DOUBLE listening on ${url}, Kafka ${opts.bootstrap ? `${opts.bootstrap}${opts.ssl ? " (TLS)" : ""}` : "in memory"}; `
    + `acks=${p.acks} enable.idempotence=${p.idempotence} max.block.ms=${p.maxBlockMs} `
    + `delivery.timeout.ms=${p.deliveryTimeoutMs} request.timeout.ms=${p.requestTimeoutMs}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    await double.close(); // no new requests; what the producer holds is still delivered
    await double.producer.flush();
    if (double.producer.buffered) log(`exiting with ${double.producer.buffered} record(s) undelivered`);
    if (kafka.close) await kafka.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
