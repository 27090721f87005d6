// compose-check loads a Compose file with compose-go, the loader Docker Compose itself uses, and
// reports whether it is valid (schema, interpolation of required variables, references between
// services, secrets and volumes). The project's CI has no Docker engine; this is how
// docker-compose.yml is validated there (clinical_pipelines_tests/test_compose.py).
//
// Usage: compose-check FILE   (variables from the environment and a .env beside FILE)
// Exit status: 0 valid (prints the service names), 1 invalid (prints the loader's reasons).
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check FILE")
		os.Exit(2)
	}
	file, err := filepath.Abs(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	opts, err := cli.NewProjectOptions([]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)), cli.WithOsEnv, cli.WithEnvFiles(), cli.WithDotEnv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	names := project.ServiceNames()
	sort.Strings(names)
	for _, name := range names {
		fmt.Println(name)
	}
}
