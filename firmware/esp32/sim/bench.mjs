#!/usr/bin/env node
// Benchmarks of the firmware code under MicroPython (WebAssembly) on this host:
//   loop      sequential step() iterations per second (sample + encode + settle, loopback bridge)
//   simulator readings per second that N simulated sensors deliver over real HTTP to the
//             bridge test double, and the simulator's resident memory
// Prints `BENCH <name> <value> <unit>` lines; writes JSON to the file given as argv[2].
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BridgeDouble } from "./bridge_double.mjs";
import { FIRMWARE_DIR, SIM_PY_DIR, loadFirmware } from "./runtime.mjs";

const results = {};
const report = (name, value, unit) => {
  results[name] = { value, unit };
  console.log(`BENCH ${name} ${value} ${unit}`);
};

// 1. the loop itself
{
  let out = null;
  const mp = await loadFirmware({ extraDirs: [SIM_PY_DIR, join(FIRMWARE_DIR, "tests", "fakes")] });
  mp.registerJsModule("harness", { random_hex: (n) => randomBytes(n).toString("hex") });
  mp.registerJsModule("sink", { give: (v) => { out = v; } });
  await mp.runPythonAsync(`
import time, sink
from seams import LoopbackTransport, Rig
rig = Rig(transport=LoopbackTransport())
await rig.boot()
n = 20000
t0 = time.ticks_us()
for _ in range(n):
    await rig.node.step()
    rig.clock.advance(1000)
sink.give("%d %d" % (n, time.ticks_diff(time.ticks_us(), t0)))
`);
  const [n, us] = out.split(" ").map(Number);
  report("firmware_loop_iterations_per_s", Math.round(n / (us / 1e6)), "iterations/s");
  report("firmware_loop_us_per_reading", Number((us / n).toFixed(1)), "us");
}

// 2. the simulator: 20 sensors at 100 ms for 10 s over HTTP
{
  const double = new BridgeDouble();
  const url = await double.listen(0);
  const sensors = 20;
  const child = spawn(process.execPath, [join(FIRMWARE_DIR, "sim", "simulate.mjs"), "--sensors", String(sensors),
    "--interval-ms", "100", "--duration-s", "10", "--bridge-url", url, "--stats-interval-s", "0"], { stdio: ["ignore", "pipe", "ignore"] });
  let stdout = "";
  child.stdout.on("data", (d) => { stdout += d; });
  let rssMax = 0;
  const poll = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      rssMax = Math.max(rssMax, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch { /* exited */ }
  }, 500);
  const code = await new Promise((r) => child.on("exit", r));
  clearInterval(poll);
  await double.close();
  const summary = JSON.parse(stdout);
  if (code !== 0) throw new Error(`simulator exited ${code}`);
  report("simulator_readings_per_s", Number((summary.delivered / summary.seconds).toFixed(1)), "readings/s");
  report("simulator_sensors", sensors, "sensors");
  if (rssMax) report("simulator_rss", Math.round(rssMax / 1024), "MiB");
}

if (process.argv[2]) writeFileSync(process.argv[2], `${JSON.stringify(results, null, 2)}\n`);
