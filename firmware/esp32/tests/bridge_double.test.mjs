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
