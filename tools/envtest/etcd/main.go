// Command etcd is the genuine etcd server (go.etcd.io/etcd/server/v3), built from its published
// module as the kube-apiserver's storage in the test suite. main only calls etcdmain.Main.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
