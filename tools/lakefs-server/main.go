// Command lakefs-server builds the lakeFS server from its Go module so that
// clinical-pipelines can run a real lakeFS locally without Docker.
package main

import "github.com/treeverse/lakefs/cmd/lakefs/cmd"

func main() {
	cmd.Execute()
}
