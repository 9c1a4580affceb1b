// Loads the real MicroPython interpreter (WebAssembly port) with the firmware's modules on
// its /lib, and provides the JS side of the simulated network seam.
// One interpreter per JS realm: the port keeps its state in globalThis.Module.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

export const FIRMWARE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const SRC_DIR = join(FIRMWARE_DIR, "src");
export const SIM_PY_DIR = join(FIRMWARE_DIR, "sim", "py");
// Board-only entry points: never imported on the host (main.py would start the loop).
const BOARD_ONLY = new Set(["main.py", "boot.py", "config_template.py"]);

export function pythonFiles(dir, { skip = new Set() } = {}) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".py") && !skip.has(f))
    .map((f) => ({ name: f, text: readFileSync(join(dir, f), "utf8") }));
}

// What MicroPython gets on a LOLIN32 Lite without PSRAM. The WebAssembly port starts with this
// heap but grows it on demand, so tests/test_memory.py measures instead of waiting for a MemoryError.
export const ESP32_HEAP_BYTES = 100 * 1024;

/** A fresh interpreter with src/ (minus board entry points) and the given extra dirs on /lib. */
export async function loadFirmware({ extraDirs = [SIM_PY_DIR], stdout, stderr, heapsize = 8 * 1024 * 1024 } = {}) {
  const mp = await loadMicroPython({ stdout, stderr, heapsize, pystack: 8192 });
  mp.FS.mkdirTree("/lib");
  const files = [...pythonFiles(SRC_DIR, { skip: BOARD_ONLY }), ...extraDirs.flatMap((d) => pythonFiles(d))];
  for (const { name, text } of files) mp.FS.writeFile(`/lib/${name}`, text);
  return mp;
}

const ERRNO_NAMES = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "ETIMEDOUT", "EHOSTUNREACH", "ENOTCONN"]);

/** Maps a failed fetch to the errno name the ESP32's socket layer would raise. */
export function errnoOf(err) {
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return "ETIMEDOUT";
  const code = err?.cause?.code ?? err?.code;
  if (ERRNO_NAMES.has(code)) return code;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ENETUNREACH") return "EHOSTUNREACH";
  if (code === "UND_ERR_SOCKET" || code === "EPIPE") return "ECONNRESET";
  return "ECONNABORTED";
}

/** HTTP POST over the host's network stack for the firmware's FetchTransport. */
export function httpPost({ timeoutMs = 5000, observe = () => {} } = {}) {
  return async (url, headersJson, body) => {
    const headers = JSON.parse(headersJson);
    try {
      const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.text();
      observe({ url, headers, body, status: res.status, text });
      return { status: res.status, body: text, errno: null };
    } catch (err) {
      const errno = errnoOf(err);
      observe({ url, headers, body, errno });
      return { status: 0, body: "", errno };
    }
  };
}
