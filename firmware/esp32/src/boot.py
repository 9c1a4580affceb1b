# Runs first on every boot. Keep it minimal: a broken boot.py needs a re-flash to recover.
import esp

esp.osdebug(None)  # no ESP-IDF log noise on the serial console
