"""Monitoring: alert rules (promtool check + unit tests with real rule evaluation), the
PrometheusRule wrapping exactly those files, dashboards (JSON, PromQL parsed by promtool, the
panels the issue asks for) and the metric names the services expose."""
from __future__ import annotations

import json
import pathlib
import re
import subprocess

import yaml

from conftest import HERE, ROOT

ROLE = ROOT / "roles" / "hq_monitoring" / "files"
RULE_FILES = sorted((ROLE / "rules").glob("*.yml"))
DASHBOARDS = sorted((ROLE / "dashboards").glob("*.json"))
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h", "$site": "prague"}


def promtool(*args, **kwargs):
    return subprocess.run(["promtool", *args], capture_output=True, text=True, timeout=120, **kwargs)


def test_rule_files_pass_promtool_check():
    assert RULE_FILES
    result = promtool("check", "rules", *map(str, RULE_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_alert_rules_fire_as_specified():
    result = promtool("test", "rules", str(HERE / "rules-test.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_issue_s_alerts_exist():
    alerts = {r["alert"] for f in RULE_FILES for g in yaml.safe_load(f.read_text())["groups"] for r in g["rules"]
              if "alert" in r}
    assert {"SensorStale", "SensorLosingReadings", "MirrorMaker2LagHigh", "DlqRateHigh", "EdgeDiskFilling"} <= alerts


def test_prometheusrule_wraps_exactly_the_rule_files(hq):
    wrapped = [g for r in hq.of_kind("PrometheusRule") for g in r["spec"]["groups"]]
    plain = [g for f in RULE_FILES for g in yaml.safe_load(f.read_text())["groups"]]
    assert wrapped == plain


def dashboard_exprs(dashboard):
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield panel["title"], target["expr"]


def test_dashboards_are_json_with_unique_uids():
    assert {p.stem for p in DASHBOARDS} == {"sensors", "edge-pipeline", "kafka-clusters"}
    uids = [json.loads(p.read_text())["uid"] for p in DASHBOARDS]
    assert len(set(uids)) == len(uids)


def test_every_dashboard_expression_parses(tmp_path):
    rules = []
    for path in DASHBOARDS:
        for index, (title, expr) in enumerate(dashboard_exprs(json.loads(path.read_text()))):
            for variable, value in GRAFANA_VARIABLES.items():
                expr = expr.replace(variable, value)
            assert "$" not in expr, f"{path.name} {title}: unknown Grafana variable in {expr}"
            rules.append({"record": f"dashboard:{path.stem.replace('-', '_')}:{index}", "expr": expr})
    assert len(rules) >= 20
    file = tmp_path / "dashboard-exprs.yml"
    file.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    result = promtool("check", "rules", str(file))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_expression_is_caught(tmp_path):
    file = tmp_path / "broken.yml"
    file.write_text(yaml.safe_dump({"groups": [{"name": "x", "rules": [{"record": "x:y", "expr": "sum by (site (up)"}]}]}))
    assert promtool("check", "rules", str(file)).returncode != 0


def test_required_panels_exist():
    panels = {p.stem: json.loads(p.read_text())["panels"] for p in DASHBOARDS}
    assert any(p["type"] == "geomap" for p in panels["sensors"])
    pipeline = " ".join(e for _, e in dashboard_exprs({"panels": panels["edge-pipeline"]}))
    for metric in ("http_server_requests_total", "aggregator_readings_rejected_total", "aggregator_consumer_lag",
                   "replication_latency_ms", "kafka_mirrormaker2_source_records_lag_max"):
        assert metric in pipeline, metric


def test_dashboards_and_rules_use_the_fixed_metric_names():
    """Service metrics named in dashboards/rules must be among the fixed names of the services."""
    fixed = {"aggregator_readings_accepted_total", "aggregator_readings_rejected_total",
             "aggregator_late_readings_dropped_total", "aggregator_aggregates_emitted_total",
             "aggregator_streams_state", "aggregator_consumer_lag", "aggregator_process_rate",
             "sensor_temperature_celsius", "sensor_humidity_percent", "sensor_pressure_hpa",
             "sensor_last_seen_timestamp_seconds", "sensor_completeness_ratio", "sensor_readings_missing_total",
             "sensor_readings_duplicate_total", "frontend_records_consumed_total", "frontend_identifiers_nonconforming_total",
             "frontend_records_rejected_total", "frontend_consumer_lag"}
    text = " ".join(p.read_text() for p in DASHBOARDS + RULE_FILES)
    used = set(re.findall(r"\b((?:aggregator|sensor|frontend)_[a-z_]+)", text))
    assert used and used <= fixed, sorted(used - fixed)


def test_jmx_exporter_rules_produce_the_names_dashboards_use():
    connect = (ROOT / "roles" / "edge_pipeline" / "files" / "connect-metrics.yml").read_text()
    kafka = (ROOT / "roles" / "strimzi_operator" / "files" / "kafka-metrics.yml").read_text()
    assert "kafka_mirrormaker2_source_records_lag_max" in connect
    assert "kafka_connect_mirror_source_connector_$5" in connect  # -> ..._replication_latency_ms_max
    for name in ("kafka_server_replicamanager_$1", "kafka_log_log_size", "kafka_server_brokertopicmetrics_$1_total"):
        assert name in kafka


def test_dashboards_are_provisioned_as_configmaps(hq):
    maps = {c["metadata"]["name"]: c for c in hq.of_kind("ConfigMap") if c["metadata"].get("labels", {}).get(
        "grafana_dashboard") == "1"}
    assert set(maps) == {f"dashboard-{p.stem}" for p in DASHBOARDS}
    for path in DASHBOARDS:
        assert json.loads(maps[f"dashboard-{path.stem}"]["data"][path.name]) == json.loads(path.read_text())


def test_podmonitors_cover_every_component(sites, hq, edges):
    def targets(site):
        return {tuple(sorted(m["spec"]["selector"]["matchLabels"].items())) for m in site.of_kind("PodMonitor")}
    assert targets(hq) == {(("strimzi.io/kind", "Kafka"),), (("app.kubernetes.io/name", "frontend"),)}
    for site in edges:
        assert targets(site) == {(("strimzi.io/kind", "Kafka"),), (("strimzi.io/kind", "KafkaConnect"),),
                                 (("strimzi.io/kind", "KafkaBridge"),), (("app.kubernetes.io/name", "aggregator"),)}
        bridge = next(m for m in site.of_kind("PodMonitor") if m["metadata"]["name"] == "kafka-bridge")
        assert bridge["spec"]["podMetricsEndpoints"][0]["portNumber"] == 8081
        values = yaml.safe_load(next(h for h in site.of_kind("HelmChart")
                                     if h["spec"]["chart"] == "kube-prometheus-stack")["spec"]["valuesContent"])
        assert values["prometheus"]["prometheusSpec"]["externalLabels"] == {"site": site.name}
        assert values["prometheus"]["prometheusSpec"]["remoteWrite"][0]["url"].endswith("/api/v1/write")


def validate_prometheus_operator(objects):
    """Errors per object from prometheus-operator's types (npm @kubernetes-models/prometheus-operator)."""
    assert (HERE / "node_modules" / "@kubernetes-models" / "prometheus-operator").is_dir(), \
        "run `npm ci --prefix tests/manifests` (make setup)"
    result = subprocess.run(["node", str(HERE / "validate-monitoring.mjs")], input=json.dumps(objects),
                            capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout)


def test_podmonitors_and_prometheusrules_match_the_operator_types(sites):
    objects = [(s, o) for s in sites for o in s.objects if o["apiVersion"] == "monitoring.coreos.com/v1"]
    assert {o["kind"] for _, o in objects} == {"PodMonitor", "PrometheusRule"}
    errors = validate_prometheus_operator([o for _, o in objects])
    failures = [f"{s} {o['kind']}/{o['metadata']['name']}: {e}" for (s, o), e in zip(objects, errors) if e]
    assert not failures, "\n".join(failures)


def test_broken_monitoring_objects_fail(hq):
    podmonitor = json.loads(json.dumps(hq.of_kind("PodMonitor")[0]))
    podmonitor["spec"]["podMetricsEndpoints"][0]["interval"] = 30          # must be a duration string
    rule = json.loads(json.dumps(hq.of_kind("PrometheusRule")[0]))
    rule["spec"]["groups"][0]["rules"][0]["for"] = "2 minutes"              # not a Prometheus duration
    nameless = json.loads(json.dumps(hq.of_kind("PrometheusRule")[0]))
    del nameless["spec"]["groups"][0]["name"]                               # required
    assert all(validate_prometheus_operator([podmonitor, rule, nameless]))
