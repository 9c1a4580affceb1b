// Command kube-apiserver is the genuine Kubernetes API server, built from the published
// k8s.io/kubernetes module for the test suite that applies the playbooks to a real API server
// (tests/suites/47-kube-apiserver.sh). Nothing here changes its behaviour: main only calls the
// upstream command constructor, exactly as cmd/kube-apiserver in the Kubernetes tree does.
package main

import (
	"os"

	_ "k8s.io/component-base/logs/json/register"
	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
