"""Summarises `nft --json list table inet wifi_ap` (stdin) as JSON: the elements of each set and,
per chain, the destination ports of the rules that accept traffic from the sensor interface."""
import json
import sys

items = json.load(sys.stdin)["nftables"]
sets = {i["set"]["name"]: sorted(i["set"].get("elem", [])) for i in items if "set" in i}
accepts = {}
for item in items:
    rule = item.get("rule")
    if not rule or not any("accept" in e for e in rule["expr"]):
        continue
    ports = []
    for expr in rule["expr"]:
        match = expr.get("match", {})
        left = match.get("left", {})
        if isinstance(left, dict) and left.get("payload", {}).get("field") == "dport":
            right = match["right"]
            ports += sets[right[1:]] if isinstance(right, str) and right.startswith("@") else [right]
    sensor_side = not any(
        e.get("match", {}).get("op") == "!=" for e in rule["expr"]
    )
    if sensor_side:
        accepts.setdefault(rule["chain"], []).append(sorted(ports))
print(json.dumps({"sets": sets, "accepts": accepts}))
