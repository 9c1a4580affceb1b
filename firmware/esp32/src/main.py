# Runs after boot.py. All wiring lives in device.py, all logic in sensor_node.py.
import device

device.run()
