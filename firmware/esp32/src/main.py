# Runs after boot.py. All wiring lives in device.py; the loop in sensor_node.py.
import device

device.run()
