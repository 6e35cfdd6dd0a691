// Package benchutil holds what the parser packages' benchmarks share: a
// deterministic generator of secret-free log text and CPU-time reporting.
package benchutil

// A deterministic generator of realistic, secret-free application log text, used by the
// benchmarks (throughput on noise is what matters: about 999 lines in 1,000 carry nothing).

import (
	"fmt"
	"math/rand/v2"
)

var (
	ltMethods  = []string{"GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH"}
	ltStatus   = []int{200, 200, 200, 200, 201, 204, 301, 304, 400, 404, 500, 503}
	ltPaths    = []string{"/api/v1/orders", "/api/v1/items", "/healthz", "/metrics", "/api/v2/customers", "/static/js/app.bundle.js", "/login", "/api/v1/carts"}
	ltLevels   = []string{"INFO", "INFO", "INFO", "DEBUG", "DEBUG", "WARN", "ERROR"}
	ltLoggers  = []string{"c.e.shop.web.OrderController", "o.s.web.servlet.DispatcherServlet", "c.e.shop.repo.CustomerRepository", "com.zaxxer.hikari.pool.HikariPool", "reactor.netty.http.client"}
	ltWords    = []string{"request", "completed", "started", "processing", "cache", "miss", "hit", "connection", "pool", "retry", "user", "session", "order", "item", "payment", "queue", "message", "consumer", "lag", "batch", "flushed", "records", "partition", "offset", "committed", "timeout", "upstream", "latency", "ms", "ok"}
	ltAgents   = []string{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", "kube-probe/1.29", "Go-http-client/1.1", "azsdk-go-azidentity/v1.6.0 (go1.22.2; linux)", "python-requests/2.31.0", "curl/8.5.0"}
	ltNS       = []string{"default", "kube-system", "shop", "payments", "monitoring"}
	ltJavaPkgs = []string{"com.example.shop.service.OrderService.process", "org.springframework.web.servlet.FrameworkServlet.service", "java.base/java.lang.Thread.run", "io.netty.channel.nio.NioEventLoop.run"}
)

func ltGUID(r *rand.Rand) string {
	a, b := r.Uint64(), r.Uint64()
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", uint32(a>>32), uint16(a>>16), uint16(a)&0x0fff|0x4000, uint16(b>>48)&0x3fff|0x8000, b&0xffffffffffff)
}

func ltTime(r *rand.Rand, i int) string {
	s := i / 50
	return fmt.Sprintf("2024-05-%02dT%02d:%02d:%02d.%03dZ", 1+s/86400%28, s/3600%24, s/60%60, s%60, r.IntN(1000))
}

func ltPick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func ltSentence(r *rand.Rand) string {
	n := 3 + r.IntN(8)
	b := make([]byte, 0, 80)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, ltPick(r, ltWords)...)
	}
	return string(b)
}

// LogText returns about n bytes of realistic secret-free log text, the same for the same seed.
func LogText(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]byte, 0, n+1024)
	for i := 0; len(out) < n; i++ {
		var line string
		switch k := r.IntN(100); {
		case k < 25: // JSON structured log (zap/slog/serilog style)
			line = fmt.Sprintf(`{"time":"%s","level":"%s","logger":"%s","msg":"%s","method":"%s","path":"%s/%d","status":%d,"duration_ms":%.2f,"trace_id":"%016x%016x","span_id":"%016x","user_agent":"%s"}`,
				ltTime(r, i), ltPick(r, ltLevels), ltPick(r, ltLoggers), ltSentence(r), ltPick(r, ltMethods), ltPick(r, ltPaths), r.IntN(100000), ltPick(r, ltStatus), r.Float64()*300, r.Uint64(), r.Uint64(), r.Uint64(), ltPick(r, ltAgents))
		case k < 45: // nginx access log
			line = fmt.Sprintf(`10.%d.%d.%d - - [01/May/2024:10:%02d:%02d +0000] "%s %s/%d?page=%d&sort=desc HTTP/1.1" %d %d "-" "%s"`,
				r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(60), r.IntN(60), ltPick(r, ltMethods), ltPick(r, ltPaths), r.IntN(100000), r.IntN(20), ltPick(r, ltStatus), r.IntN(50000), ltPick(r, ltAgents))
		case k < 65: // Java/logback line
			line = fmt.Sprintf(`%s %-5s [http-nio-8080-exec-%d] %s - %s orderId=%d correlationId=%s`,
				ltTime(r, i), ltPick(r, ltLevels), 1+r.IntN(20), ltPick(r, ltLoggers), ltSentence(r), r.IntN(1000000), ltGUID(r))
		case k < 72: // stack trace frame
			line = fmt.Sprintf("\tat %s(%s.java:%d)", ltPick(r, ltJavaPkgs), "Source", 10+r.IntN(900))
		case k < 85: // klog (Kubernetes)
			line = fmt.Sprintf(`I0501 10:%02d:%02d.%06d       1 controller.go:%d] "Reconciling object" pod="%s/web-%x" namespace="%s" generation=%d`,
				r.IntN(60), r.IntN(60), r.IntN(1000000), 100+r.IntN(400), ltPick(r, ltNS), r.Uint32(), ltPick(r, ltNS), r.IntN(50))
		case k < 95: // Python logging, urllib3 to Azure endpoints (successes)
			line = fmt.Sprintf(`%s - urllib3.connectionpool - DEBUG - https://management.azure.com:443 "GET /subscriptions/%s/resourceGroups/rg-%d/providers/Microsoft.Web/sites?api-version=2022-03-01 HTTP/1.1" 200 %d`,
				ltTime(r, i), ltGUID(r), r.IntN(100), r.IntN(90000))
		default: // logfmt
			line = fmt.Sprintf(`ts=%s level=info caller=server.go:%d msg="%s" remote=10.0.%d.%d:%d bytes=%d elapsed=%dms`,
				ltTime(r, i), 10+r.IntN(300), ltSentence(r), r.IntN(256), r.IntN(256), 1024+r.IntN(60000), r.IntN(100000), r.IntN(2000))
		}
		out = append(out, line...)
		out = append(out, '\n')
	}
	return out
}
