// TEST DOUBLE of the Strimzi Kafka Bridge's produce endpoint (the bridge itself cannot be
// downloaded here). It validates what the real bridge 1.1.0 requires of
// `POST /topics/<topic>` and answers the way it does (see shared/RECIPES.md):
//   - Content-Type must be application/vnd.kafka.json.v2+json, else 400 "Validation error on: ..."
//   - body: JSON object with a `records` array; each record an object with a `value` that is
//     a JSON object or array (a bare number is refused), an optional `key`; else 400;
//     `{}` -> 422; `{"records":[]}` -> 200 {"offsets":[]}
//   - 200 `application/vnd.kafka.v2+json` {"offsets":[{"partition":0,"offset":N}, ...]} in order;
//     an invalid topic name gives per-record {"error_code":500,"message":...} entries in a 200
//   - unknown path 404, wrong method 405, GET / -> {"bridge_version":...}
// It keeps what it accepted per topic (in order) so tests can compare sent and received.
// Fault modes for tests: "ok", "down" (connection refused), "hang" (no answer: timeout),
// "status:<code>" (an error answer such as 503), "record-errors" (200 with per-record errors).
import http from "node:http";

export const PRODUCE_CONTENT_TYPE = "application/vnd.kafka.json.v2+json";
export const RESPONSE_CONTENT_TYPE = "application/vnd.kafka.v2+json";
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

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

export class BridgeDouble {
  constructor({ version = "1.1.0-double" } = {}) {
    this.version = version;
    this.reset();
    this.server = null;
    this.port = 0;
    this.host = "127.0.0.1";
  }

  reset() {
    this.mode = "ok";
    this.topics = new Map(); // topic -> [{key, value, offset}]
    this.requests = []; // every request that reached the handler, in order
  }

  received(topic = "sensor-data") {
    return this.topics.get(topic) ?? [];
  }

  /** The produce endpoint as a pure function of the request; used in-process and over HTTP. */
  handle(method, path, headers, bodyText) {
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
    if (!TOPIC_NAME.test(topic) || this.mode === "record-errors") {
      offsets = records.map(() => ({ error_code: 500, message: `Invalid topic ${topic} or test fault` }));
    } else {
      const log = this.topics.get(topic) ?? [];
      this.topics.set(topic, log);
      offsets = records.map((r) => {
        log.push({ key: r.key ?? null, value: r.value, offset: log.length });
        return { partition: 0, offset: log.length - 1 };
      });
    }
    return { status: 200, contentType: RESPONSE_CONTENT_TYPE, body: JSON.stringify({ offsets }) };
  }

  /** Serve over real HTTP on host:port (0 = any free port); returns the base URL. */
  async listen(port = this.port, host = this.host) {
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const answer = this.handle(req.method, req.url, req.headers, Buffer.concat(chunks).toString("utf8"));
        if (answer.errno === "ECONNREFUSED") return req.socket.destroy();
        if (answer.errno) return; // "hang": never answer
        res.writeHead(answer.status, { "Content-Type": answer.contentType });
        res.end(answer.body);
      });
    });
    await new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, resolve);
    });
    this.port = this.server.address().port;
    this.host = host;
    return this.url;
  }

  get url() {
    return `http://${this.host}:${this.port}`;
  }

  /** Stop listening (clients then get "connection refused"); `listen()` resumes on the same port. */
  async close() {
    if (!this.server) return;
    const server = this.server;
    this.server = null;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

// CLI: node sim/bridge_double.mjs [--port 8080] [--host 127.0.0.1]
if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const double = new BridgeDouble();
  const url = await double.listen(Number(arg("--port", "8080")), arg("--host", "127.0.0.1"));
  process.stdout.write(`${url}\n`); // with --port 0: the port it picked
  process.stderr.write(`bridge test double listening on ${url}\n`);
  const stop = async () => {
    await double.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
