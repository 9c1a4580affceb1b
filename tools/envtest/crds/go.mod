// The CustomResourceDefinitions the envtest suite (tests/suites/47-kube.sh) installs into the real
// kube-apiserver, pinned here and read from the modules' own YAML (scripts/envtest-crds.sh):
//   prometheus-operator: example/prometheus-operator-crd/*.yaml (kube-prometheus-stack 81.x ships v0.88)
//   helm-controller:     pkg/crds/yaml/generated/helm.cattle.io_*.yaml (K3s' HelmChart / HelmChartConfig)
//   traefik:             docs/content/reference/dynamic-configuration/traefik.io_*.yaml (K3s ships Traefik v3)
// Strimzi's come from tools/strimzi-schemas (Strimzi's crd-generator, Maven). Nothing here is compiled.
module kafka-edge/envtest-crds

go 1.24

require (
	github.com/k3s-io/helm-controller v0.16.27
	github.com/prometheus-operator/prometheus-operator v0.88.0
	github.com/traefik/traefik/v3 v3.6.12
)
