"""The firmware role and playbook: rendered config, esptool/mpremote calls (TEST DOUBLES on
PATH record them: no ESP32 can be attached here), check mode, preflight failures, idempotence,
and no rendered secret inside the repository."""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FAKES = Path(__file__).resolve().parent / "fakes"
PSK = "psk-" + secrets.token_hex(12)  # random: so it appears in no file of the repository
VAULT_PASS = "role-test-vault-password"
# every module of firmware/esp32/src but the entry points (boot.py, main.py) and config_template.py
COMPILED = ["device", "sensor_node", "bridge_client", "netlink", "settings", "ringqueue", "bme280", "transport"]


def ansible_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{FAKES}:{ROOT / '.venv' / 'bin'}:{env['PATH']}"
    env["ANSIBLE_CONFIG"] = str(ROOT / "ansible.cfg")
    env["FIRMWARE_FAKE_CALLS"] = str(tmp / "calls.jsonl")
    env["FIRMWARE_FAKE_DEVICE"] = str(tmp / "device")
    env["ANSIBLE_FORCE_COLOR"] = "0"
    env["TMPDIR"] = str(tmp / "scratch")
    (tmp / "scratch").mkdir(exist_ok=True)
    return env


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A test inventory: one site with two sensors, the PSK in an ansible-vault file."""
    tmp_path = tmp_path_factory.mktemp("firmware-role")
    inv = tmp_path / "inv"
    (inv / "group_vars" / "testsite").mkdir(parents=True)
    (inv / "group_vars" / "sensors").mkdir(parents=True)
    (inv / "host_vars").mkdir()
    (tmp_path / "dev").mkdir()
    for port in ("ttyUSB0", "ttyUSB1"):
        (tmp_path / "dev" / port).touch()  # the "serial ports"
    (inv / "hosts.yml").write_text(textwrap.dedent("""\
        ---
        all:
          children:
            testsite:
              children:
                testsite_sensors:
                  hosts:
                    test-balcony:
                    test-roof:
            sensors:
              vars:
                ansible_connection: local
                ansible_python_interpreter: "{{ ansible_playbook_python }}"
              children:
                testsite_sensors:
        """))
    (inv / "group_vars" / "testsite" / "main.yml").write_text(textwrap.dedent("""\
        ---
        site_name: testsite
        wifi_ap_ssid: "test sensors \\"AP\\""
        wifi_ap_address: 10.42.0.1
        wifi_ap_bridge_port: 30080
        """))
    password = tmp_path / "vault-password.txt"
    password.write_text(VAULT_PASS)
    encrypted = subprocess.run(
        ["ansible-vault", "encrypt_string", "--vault-password-file", str(password), PSK, "--name", "vault_wifi_ap_psk"],
        check=True, capture_output=True, text=True, env=ansible_env(tmp_path)).stdout
    (inv / "group_vars" / "testsite" / "vault.yml").write_text("---\n" + encrypted)
    for host, port, lat, lon in (("test-balcony", "ttyUSB0", 50.0755, 14.4378), ("test-roof", "ttyUSB1", 49.2002, 16.6078)):
        (inv / "host_vars" / f"{host}.yml").write_text(
            f"---\nfirmware_serial_port: {tmp_path / 'dev' / port}\nfirmware_latitude: {lat}\nfirmware_longitude: {lon}\n")
    return tmp_path


def play(tmp: Path, *args: str, inventory: Path | None = None) -> subprocess.CompletedProcess:
    cmd = ["ansible-playbook", str(ROOT / "playbooks" / "firmware.yml"), "-i", str(inventory or tmp / "inv"),
           "--vault-password-file", str(tmp / "vault-password.txt"), *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=ansible_env(tmp), cwd=ROOT, timeout=300)


def calls(tmp: Path) -> list[dict]:
    log = tmp / "calls.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def recap(result: subprocess.CompletedProcess) -> dict[str, dict[str, int]]:
    out = {}
    for line in result.stdout.split("PLAY RECAP")[-1].splitlines()[1:]:
        if ":" in line:
            host, stats = line.split(":", 1)
            out[host.strip()] = {k: int(v) for k, v in (kv.split("=") for kv in stats.split())}
    return out


# The tests share one inventory and one fake board per port, in file order: check mode
# first (nothing flashed yet), then a full flash, then what follows from it.

def test_check_mode_reports_and_touches_no_device(site: Path):
    # an image by URL (file:// here: no download from the internet) is fetched and verified
    image = site / "published.bin"
    image.write_bytes(b"\xe9published image" * 64)
    digest = hashlib.sha256(image.read_bytes()).hexdigest()
    result = play(site, "--check", "-e", f"firmware_image_url=file://{image}", "-e", f"firmware_image_sha256={digest}")
    assert result.returncode == 0, result.stdout[-3000:]
    assert calls(site) == []
    assert "Would flash test-balcony on" in result.stdout and "Would flash test-roof on" in result.stdout
    flat = re.sub(r"\s+", " ", result.stdout)
    assert re.search(r"image /\S+/micropython\.bin, app boot\.py", flat), flat[-2000:]
    assert PSK not in result.stdout


def test_flash_writes_the_image_then_copies_the_app_then_resets(site: Path):
    image = site / "micropython.bin"
    image.write_bytes(b"\xe9fake image" * 100)
    digest = hashlib.sha256(image.read_bytes()).hexdigest()
    result = play(site, "-e", f"firmware_image_path={image}", "-e", f"firmware_image_sha256={digest}")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    for dev in ("ttyUSB0", "ttyUSB1"):
        port = str(site / "dev" / dev)
        recorded = [c for c in calls(site) if port in c["argv"]]
        assert [c["tool"] for c in recorded] == ["esptool", "esptool", "mpremote", "mpremote"], recorded
        assert recorded[0]["argv"] == ["--chip", "esp32", "--port", port, "--baud", "460800", "erase-flash"]
        assert recorded[1]["argv"] == ["--chip", "esp32", "--port", port, "--baud", "460800", "write-flash",
                                       "--compress", "0x1000", str(image)]
        cp = recorded[2]["argv"]
        assert cp[:6] == ["connect", port, "fs", "cp", str(ROOT / "firmware/esp32/src/boot.py"),
                          str(ROOT / "firmware/esp32/src/main.py")] and cp[-1] == ":"
        # every other module goes compiled, from the build directory, never as source
        assert [Path(p).name for p in cp[4:-1]] == ["boot.py", "main.py"] + [f"{m}.mpy" for m in COMPILED] + [
            "config.py", "app.sha256"]
        assert all(Path(p).parent == Path(cp[-3]).parent for p in cp[6:-1])
        assert recorded[3]["argv"] == ["connect", port, "reset"]
        # rendered in a temporary directory outside the repository, removed afterwards
        rendered_dir = Path(cp[-3]).parent
        assert not str(rendered_dir).startswith(str(ROOT)) and not rendered_dir.exists()


def test_every_module_is_flashed_compiled_and_runs_under_micropython(site: Path):
    sources = sorted(p.stem for p in (ROOT / "firmware/esp32/src").glob("*.py"))
    assert sorted(COMPILED + ["boot", "main", "config_template"]) == sources, "a module of src/ is not flashed"
    board = site / "device" / "ttyUSB0"
    assert sorted(p.name for p in board.iterdir() if p.suffix == ".py") == ["boot.py", "config.py", "main.py"]
    for module in COMPILED:
        assert (board / f"{module}.mpy").read_bytes()[:2] == b"M\x06", f"{module}.mpy is not a v6 .mpy file"
    # the real interpreter imports what was flashed (the .mpy files, no source beside them)
    script = textwrap.dedent("""
        import { readdirSync, readFileSync } from "node:fs";
        import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
        const board = process.argv[1];
        const mp = await loadMicroPython({ stdout: (l) => console.log(l) });
        mp.FS.mkdirTree("/lib");
        for (const f of readdirSync(board).filter((f) => f.endsWith(".mpy"))) mp.FS.writeFile(`/lib/${f}`, readFileSync(`${board}/${f}`));
        mp.FS.writeFile("/lib/config.py", readFileSync(`${board}/config.py`));
        mp.runPython(`import config, sensor_node, bridge_client, settings
        s = settings.Settings.from_module(config)
        print(sensor_node.__file__, bridge_client.__file__, s.produce_url)`);
        """)
    ran = subprocess.run(["node", "--input-type=module", "-e", script, str(board)], cwd=ROOT / "firmware/esp32",
                         capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["/lib/sensor_node.mpy", "/lib/bridge_client.mpy", "http://10.42.0.1:30080/topics/sensor-data"]


def test_a_stale_source_module_on_the_board_is_removed_before_the_copy(site: Path):
    board = site / "device" / "ttyUSB0"
    (board / "sensor_node.py").write_text("raise ImportError('old source')\n")  # an older flash left it
    result = play(site, "--limit", "test-balcony", "-e", "firmware_force=true")
    assert result.returncode == 0, result.stdout[-3000:]
    assert not (board / "sensor_node.py").exists() and (board / "sensor_node.mpy").exists()
    assert any(c["argv"][2:3] == ["exec"] for c in calls(site))


def test_rendered_config_is_valid_micropython_with_the_inventory_values(site: Path):
    for host, dev, lat, lon in (("test-balcony", "ttyUSB0", 50.0755, 14.4378), ("test-roof", "ttyUSB1", 49.2002, 16.6078)):
        config = site / "device" / dev / "config.py"
        checked = subprocess.run(["node", str(ROOT / "firmware/esp32/tests/config_check.mjs"), str(config)],
                                 capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0, checked.stderr
        values = json.loads(checked.stdout)
        assert values["SENSOR_ID"] == host and values["SITE"] == "testsite"
        assert values["WIFI_SSID"] == 'test sensors "AP"'  # quoting survives
        assert values["WIFI_PSK"] == PSK  # decrypted from the vault onto the device only
        assert values["BRIDGE_URL"] == "http://10.42.0.1:30080" and values["NTP_SERVER"] == "10.42.0.1"
        assert values["produce_url"] == "http://10.42.0.1:30080/topics/sensor-data"
        assert (values["LATITUDE"], values["LONGITUDE"]) == (lat, lon)
        assert values["QUEUE_CAPACITY"] == 3600 and values["INTERVAL_MS"] == 1000 and values["HTTP_TIMEOUT_S"] == 10 and values["LED_ACTIVE_LOW"] is True


def test_second_run_changes_nothing_and_copies_nothing(site: Path):
    before = len(calls(site))
    again = play(site)
    assert again.returncode == 0, again.stdout[-3000:]
    assert all(stats["changed"] == 0 for stats in recap(again).values()), recap(again)
    new = calls(site)[before:]
    assert [c["argv"][2:] for c in new] == [["fs", "cat", ":app.sha256"]] * 2, new  # only the version probes


def test_missing_serial_port_fails_naming_the_variable(site: Path):
    before = len(calls(site))
    result = play(site, "--limit", "test-roof", "-e", f"firmware_serial_port={site / 'dev' / 'ttyUSB9'}")
    assert result.returncode != 0
    assert "firmware_serial_port" in result.stdout and "does not exist" in result.stdout
    unset = play(site, "--limit", "test-roof", "-e", "firmware_serial_port=")
    assert unset.returncode != 0 and "firmware_serial_port is not set" in unset.stdout
    assert len(calls(site)) == before


def test_unset_credential_fails_naming_the_variable(site: Path):
    before = len(calls(site))
    result = play(site, "--limit", "test-roof", "-e", "vault_wifi_ap_psk=")
    assert result.returncode != 0
    assert "firmware_wifi_psk" in result.stdout and "vault_wifi_ap_psk" in result.stdout
    assert len(calls(site)) == before


def test_no_rendered_secret_inside_the_repository(site: Path):
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.split(b"\0")
    files = {ROOT / p.decode() for p in listed if p} | set((ROOT / "firmware").rglob("*.py"))
    for f in files:
        if f.is_file() and f.stat().st_size < 5_000_000:
            assert PSK.encode() not in f.read_bytes(), f"rendered secret found in {f}"
    assert not list((ROOT / "firmware").rglob("config.py"))
    assert not list((site / "scratch").iterdir()), "the role removed its temporary directories"


def test_example_inventory_renders_with_the_demo_vault(site: Path):
    before = len(calls(site))
    result = subprocess.run(
        ["ansible-playbook", str(ROOT / "playbooks/firmware.yml"), "-i", str(ROOT / "inventory/example"), "--check",
         "--limit", "prague-balcony,brno-roof",
         "--vault-password-file", str(ROOT / "inventory/example/demo-vault-password.txt"),
         "-e", f"firmware_serial_port={site / 'dev' / 'ttyUSB0'}"],
        capture_output=True, text=True, env=ansible_env(site), cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Would flash prague-balcony" in result.stdout and "Would flash brno-roof" in result.stdout
    assert "http://192.168.50.1:30080" in result.stdout and "http://192.168.51.1:30080" in result.stdout
    assert len(calls(site)) == before


def test_argument_specs_match_defaults():
    defaults = yaml.safe_load((ROOT / "roles/firmware/defaults/main.yml").read_text())
    specs = yaml.safe_load((ROOT / "roles/firmware/meta/argument_specs.yml").read_text())
    options = specs["argument_specs"]["main"]["options"]
    assert set(defaults) == set(options)
    for key, value in defaults.items():
        assert options[key]["default"] == value, key
