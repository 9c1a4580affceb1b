#!/usr/bin/env node
// Loads a rendered config.py under the real MicroPython interpreter, builds the firmware's
// Settings from it (which validates it) and prints its values as JSON. Exit 1 if either fails.
//   node firmware/esp32/tests/config_check.mjs path/to/config.py
import { readFileSync } from "node:fs";
import { loadFirmware } from "../sim/runtime.mjs";

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: config_check.mjs CONFIG_PY\n");
  process.exit(2);
}
let out = null;
const mp = await loadFirmware({ stderr: (l) => process.stderr.write(`${l}\n`) });
mp.FS.writeFile("/lib/config.py", readFileSync(file, "utf8"));
mp.registerJsModule("sink", { give: (json) => { out = json; } });
try {
  mp.runPython(`import config, json, sink
from settings import Settings
s = Settings.from_module(config)
values = {k: getattr(config, k) for k in dir(config) if k.isupper()}
values["produce_url"] = s.produce_url
sink.give(json.dumps(values))`);
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
process.stdout.write(`${out}\n`);
