// Validates prometheus-operator objects (monitoring.coreos.com/v1) with the types generated from
// prometheus-operator's Go API by @kubernetes-models/prometheus-operator (npm; its validators are
// compiled JSON schemas). Reads a JSON array of objects on stdin, prints a JSON array of error
// lists (one per object, empty = valid).
import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";

const kinds = { PodMonitor, PrometheusRule };
let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = JSON.parse(input).map((obj) => {
  const Model = kinds[obj.kind];
  if (!Model || obj.apiVersion !== "monitoring.coreos.com/v1") return [`unsupported ${obj.apiVersion} ${obj.kind}`];
  try {
    new Model(obj).validate();
    return [];
  } catch (error) {
    return (error.errors ?? [error]).map((e) => `${e.instancePath ?? ""} ${e.message}`.trim());
  }
});
process.stdout.write(JSON.stringify(results));
