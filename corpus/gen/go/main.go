// Command gen drives the real azidentity and azcore SDKs against a local fake
// of Entra ID, IMDS and ARM and writes what an application's log would hold as
// azlogscan corpus cases (<scenario>-<envelope>-v<version>.log + .expect.json).
//
// Driver:  gen -version 1.8.0 -out ../../captured/go [-only a,b] [-envelopes printf,listener,slog,default]
// The driver runs every scenario in a child process (its own clean environment,
// so DefaultAzureCredential sees only what the scenario sets): one child renders
// the printf, listener and slog envelopes from a single run, another runs with
// AZURE_SDK_GO_LOGGING=all so the SDK's default listener writes to stderr.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"
)

type directSpec struct {
	Marker  string        `json:"marker"`
	Anchor  string        `json:"anchor"`
	Finding expectFinding `json:"finding"`
}

func main() {
	var (
		version   = flag.String("version", "", "azidentity version being exercised (for names and sources), e.g. 1.8.0")
		out       = flag.String("out", "", "output folder")
		only      = flag.String("only", "", "comma-separated scenario names (default: all)")
		envelopes = flag.String("envelopes", "printf,listener,slog,default", "envelopes to write")
		jobs      = flag.Int("j", 4, "scenarios run at once")
		child     = flag.String("child", "", "internal: run one scenario")
		mode      = flag.String("mode", "capture", "internal: capture|direct")
		list      = flag.Bool("list", false, "list the scenarios compiled in")
	)
	flag.Parse()
	if *list {
		for _, s := range scenarios {
			fmt.Println(s.Name)
		}
		return
	}
	if *version == "" || (*out == "" && *child == "") {
		fmt.Fprintln(os.Stderr, "usage: gen -version X.Y.Z -out DIR")
		os.Exit(2)
	}
	envs := map[string]bool{}
	for _, e := range strings.Split(*envelopes, ",") {
		envs[strings.TrimSpace(e)] = true
	}
	if *child != "" {
		if err := runChild(*child, *mode, *version, *out, envs); err != nil {
			fmt.Fprintf(os.Stderr, "gen: scenario %s: %v\n", *child, err)
			os.Exit(1)
		}
		return
	}
	if err := drive(*version, *out, *only, *envelopes, envs, *jobs); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func find(name string) *scenario {
	for _, s := range scenarios {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func depVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "?"
	}
	for _, d := range bi.Deps {
		if d.Path == path {
			if d.Replace != nil {
				return d.Replace.Version
			}
			return d.Version
		}
	}
	return "?"
}

func source(s *scenario, env string) string {
	return fmt.Sprintf("generated: corpus/gen/go (run.sh) with azidentity %s and azcore %s, scenario %s, envelope %s",
		depVersion("github.com/Azure/azure-sdk-for-go/sdk/azidentity"), depVersion("github.com/Azure/azure-sdk-for-go/sdk/azcore"), s.Name, env)
}

func caseName(s *scenario, env, version string) string {
	return fmt.Sprintf("%s-%s-v%s", s.Name, env, strings.TrimPrefix(version, "v"))
}

func runChild(name, mode, version, out string, envs map[string]bool) error {
	s := find(name)
	if s == nil {
		return fmt.Errorf("no such scenario")
	}
	cfg := s.Cloud(s)
	if cfg.Date == "" {
		cfg.Date = s.Start.Add(time.Second).UTC().Format(http.TimeFormat)
	}
	cloud, err := newFakeCloud(cfg)
	if err != nil {
		return err
	}
	defer cloud.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	a := newApp(ctx, s.Name, version, s.Start, mode == "direct")
	a.httpc = cloud.Client()
	if err := s.Run(s, a); err != nil {
		return err
	}
	if mode == "direct" {
		specs := []directSpec{}
		for _, n := range a.order {
			specs = append(specs, directSpec{Marker: a.markers[n-1], Anchor: a.anchors[n], Finding: a.findings[n]})
		}
		return json.NewEncoder(os.Stdout).Encode(specs)
	}
	for _, env := range []string{"printf", "listener", "slog"} {
		if !envs[env] {
			continue
		}
		logb, starts := a.render(env)
		findings, err := a.expectations(starts)
		if err != nil {
			return fmt.Errorf("%s: %w", env, err)
		}
		if err := writeCase(out, caseName(s, env, version), source(s, env), logb, findings); err != nil {
			return err
		}
	}
	return nil
}

// resolveDirect finds each finding's first line in the default listener's output:
// the line after the application's marker line or, with an anchor, the first
// Retry or Request event whose URL holds the anchor.
func resolveDirect(logb []byte, specs []directSpec) ([]expectFinding, error) {
	lines := strings.Split(string(logb), "\n")
	out := []expectFinding{}
	pos := 0
	for _, sp := range specs {
		idx := -1
		for i := pos; i < len(lines); i++ {
			if strings.HasSuffix(lines[i], sp.Marker) {
				idx = i
				break
			}
		}
		if idx < 0 {
			return nil, fmt.Errorf("marker %q not found", sp.Marker)
		}
		f := sp.Finding
		f.Line = idx + 2
		if sp.Anchor != "" {
			f.Line = 0
			for j := idx + 1; j+1 < len(lines); j++ {
				retry := strings.Contains(lines[j], "] Retry: ") && (strings.Contains(lines[j], sp.Anchor) || strings.Contains(lines[j+1], sp.Anchor) && strings.HasPrefix(lines[j+1], "=====>"))
				request := strings.Contains(lines[j], "] Request: ") && strings.Contains(lines[j+1], sp.Anchor)
				if retry || request {
					f.Line = j + 1
					break
				}
			}
			if f.Line == 0 {
				return nil, fmt.Errorf("no Request event for %q after marker %q", sp.Anchor, sp.Marker)
			}
		}
		pos = idx + 1
		out = append(out, f)
	}
	return out, nil
}

func drive(version, out, only, envelopes string, envs map[string]bool, jobs int) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var run []*scenario
	if only == "" {
		run = scenarios
	} else {
		for _, n := range strings.Split(only, ",") {
			if s := find(strings.TrimSpace(n)); s != nil {
				run = append(run, s)
			}
		}
	}
	sort.Slice(run, func(i, j int) bool { return run[i].Name < run[j].Name })
	type job struct {
		s    *scenario
		mode string
	}
	var todo []job
	for _, s := range run {
		if envs["printf"] || envs["listener"] || envs["slog"] {
			todo = append(todo, job{s, "capture"})
		}
		if envs["default"] {
			todo = append(todo, job{s, "direct"})
		}
	}
	sem := make(chan struct{}, jobs)
	var mu sync.Mutex
	var errs []string
	var wg sync.WaitGroup
	for _, j := range todo {
		wg.Add(1)
		sem <- struct{}{}
		go func(j job) {
			defer wg.Done()
			defer func() { <-sem }()
			start := time.Now()
			err := runOne(self, j.s, j.mode, version, out, envelopes)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s/%s: %v", j.s.Name, j.mode, err))
			} else {
				fmt.Fprintf(os.Stderr, "ok   %-28s %-8s %s\n", j.s.Name, j.mode, time.Since(start).Round(time.Millisecond))
			}
		}(j)
	}
	wg.Wait()
	if len(errs) > 0 {
		return fmt.Errorf("%d failures:\n  %s", len(errs), strings.Join(errs, "\n  "))
	}
	return nil
}

func runOne(self string, s *scenario, mode, version, out, envelopes string) error {
	home, err := os.MkdirTemp("", "azgen-home-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	path := "/usr/bin:/bin"
	if s.FakeAz {
		bin := filepath.Join(home, "bin")
		if err := os.MkdirAll(bin, 0o755); err != nil {
			return err
		}
		script := "#!/bin/sh\n# fake Azure CLI: a machine where nobody ran az login\necho \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n"
		if err := os.WriteFile(filepath.Join(bin, "az"), []byte(script), 0o755); err != nil {
			return err
		}
		path = bin + ":" + path
	}
	env := []string{"PATH=" + path, "HOME=" + home, "TZ=UTC", "LANG=C.UTF-8", "TMPDIR=" + os.TempDir()}
	for k, v := range s.Env {
		env = append(env, k+"="+strings.ReplaceAll(v, "{{home}}", home))
	}
	if mode == "direct" {
		env = append(env, "AZURE_SDK_GO_LOGGING=all")
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	cmd := exec.Command(self, "-child", s.Name, "-mode", mode, "-version", version, "-out", absOut, "-envelopes", envelopes)
	cmd.Env = env
	cmd.Dir = home
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%v\n%s", err, lastLines(stderr.String(), 15))
	}
	if mode != "direct" {
		return nil
	}
	var specs []directSpec
	if err := json.Unmarshal(stdout.Bytes(), &specs); err != nil {
		return fmt.Errorf("child spec: %v", err)
	}
	findings, err := resolveDirect(stderr.Bytes(), specs)
	if err != nil {
		return err
	}
	return writeCase(out, caseName(s, "default", version), source(s, "default"), stderr.Bytes(), findings)
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}
