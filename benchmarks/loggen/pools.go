package loggen

// Word pools for noise. Nothing here may contain a failure trigger
// (AADSTS, "authentication failed", "AuthorizationFailed", ...): the
// ground truth assumes noise holds no failure; loggen_test checks it.

type fieldKind uint8

const (
	fInt fieldKind = iota
	fDur
	fGUID
	fPath
	fCount
	fBytes
	fStatus
	fRegion
	fQueue
	fCustomer
	fHex
	fMethod
)

type field struct {
	name string
	kind fieldKind
}

// event is an application message the noise styles render in their own way.
type event struct {
	level  byte // 'D', 'I', 'W', 'E'
	msg    string
	fields []field
}

var events = []event{
	{'I', "request completed", []field{{"method", fMethod}, {"path", fPath}, {"status", fStatus}, {"duration_ms", fDur}, {"request_id", fGUID}}},
	{'I', "order created", []field{{"order_id", fInt}, {"customer", fCustomer}, {"items", fCount}, {"total_cents", fInt}}},
	{'I', "cache refreshed", []field{{"entries", fCount}, {"duration_ms", fDur}, {"region", fRegion}}},
	{'I', "message processed", []field{{"queue", fQueue}, {"message_id", fGUID}, {"attempt", fCount}, {"duration_ms", fDur}}},
	{'I', "batch flushed", []field{{"rows", fCount}, {"bytes", fBytes}, {"duration_ms", fDur}}},
	{'I', "user signed in", []field{{"user_id", fInt}, {"session", fHex}, {"region", fRegion}}},
	{'I', "connected to database", []field{{"pool_size", fCount}, {"host", fRegion}}},
	{'I', "health check passed", []field{{"checks", fCount}, {"duration_ms", fDur}}},
	{'I', "scheduled job started", []field{{"job_id", fGUID}, {"queue", fQueue}}},
	{'I', "scheduled job finished", []field{{"job_id", fGUID}, {"duration_ms", fDur}, {"rows", fCount}}},
	{'I', "blob uploaded", []field{{"container", fQueue}, {"bytes", fBytes}, {"etag", fHex}}},
	{'I', "invoice rendered", []field{{"invoice_id", fInt}, {"customer", fCustomer}, {"pages", fCount}}},
	{'I', "payment captured", []field{{"payment_id", fHex}, {"amount_cents", fInt}, {"customer", fCustomer}}},
	{'I', "feature flags loaded", []field{{"flags", fCount}, {"version", fInt}}},
	{'I', "search index updated", []field{{"documents", fCount}, {"duration_ms", fDur}}},
	{'I', "email queued", []field{{"template", fQueue}, {"customer", fCustomer}, {"message_id", fGUID}}},
	{'I', "token cache hit", []field{{"scope_hash", fHex}, {"expires_in", fCount}}},
	{'I', "configuration reloaded", []field{{"keys", fCount}, {"source", fQueue}}},
	{'D', "sql query executed", []field{{"rows", fCount}, {"duration_ms", fDur}, {"statement_id", fHex}}},
	{'D', "http client request", []field{{"path", fPath}, {"status", fStatus}, {"duration_ms", fDur}}},
	{'D', "acquired lock", []field{{"lock", fQueue}, {"wait_ms", fDur}}},
	{'D', "released lock", []field{{"lock", fQueue}, {"held_ms", fDur}}},
	{'D', "span exported", []field{{"trace", fHex}, {"spans", fCount}}},
	{'W', "slow request", []field{{"path", fPath}, {"duration_ms", fDur}, {"threshold_ms", fCount}}},
	{'W', "retrying after transient error", []field{{"attempt", fCount}, {"delay_ms", fDur}, {"queue", fQueue}}},
	{'W', "queue depth high", []field{{"queue", fQueue}, {"depth", fInt}}},
	{'W', "deprecated API version used", []field{{"path", fPath}, {"client", fCustomer}}},
	{'E', "upstream timeout", []field{{"upstream", fRegion}, {"path", fPath}, {"duration_ms", fDur}}},
	{'E', "connection reset by peer", []field{{"peer", fRegion}, {"bytes", fBytes}}},
	{'E', "deadlock detected, transaction rolled back", []field{{"tx", fHex}, {"rows", fCount}}},
	{'E', "payment declined", []field{{"payment_id", fHex}, {"reason", fQueue}, {"customer", fCustomer}}},
}

// Weighted so most events are INFO/DEBUG, a few WARN/ERROR.
var eventWeights = func() weighted {
	ws := make([]int, len(events))
	for i, e := range events {
		switch e.level {
		case 'I':
			ws[i] = 20
		case 'D':
			ws[i] = 12
		case 'W':
			ws[i] = 4
		default:
			ws[i] = 2
		}
	}
	return newWeighted(ws...)
}()

var (
	httpPaths = []string{
		"/api/v1/orders/", "/api/v1/orders", "/api/v2/customers/", "/api/v2/customers/invoices/",
		"/healthz", "/readyz", "/metrics", "/api/v1/search", "/api/v1/cart/items/", "/login",
		"/static/js/app.3f9a1c.js", "/static/css/site.min.css", "/api/v1/inventory/sku/",
		"/api/v1/payments/", "/favicon.ico", "/api/v1/shipments/", "/graphql",
	}
	httpMethods  = []string{"GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD"}
	httpStatuses = []int{200, 200, 200, 200, 200, 200, 200, 200, 201, 204, 304, 301, 400, 404, 404, 409, 429, 500, 502, 503}
	userAgents   = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
		"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
		"kube-probe/1.29", "Prometheus/2.51.2", "curl/8.5.0", "python-requests/2.31.0", "Go-http-client/1.1",
		"okhttp/4.12.0", "azsdk-go-armresources/v1.2.0 (go1.22.2; linux)",
	}
	regions   = []string{"westeurope", "eastus2", "northeurope", "uksouth", "westus3", "centralus", "db-primary.internal", "redis-0.cache", "10.0.3.17:5432", "10.0.7.4:6379"}
	queues    = []string{"orders-high", "orders-low", "emails", "invoices", "webhooks", "reindex", "thumbnails", "exports", "welcome", "receipt", "env", "appconfig"}
	threads   = []string{"main", "worker-1", "worker-2", "worker-3", "http-nio-8080-exec-4", "pool-2-thread-1", "scheduler", "consumer-0", "reactor-http-epoll-2", "ForkJoinPool.commonPool-worker-5"}
	loggersPy = []string{"app.worker", "app.api", "app.tasks", "celery.worker", "uvicorn.access", "app.db", "app.billing"}
	loggersJv = []string{"c.c.orders.OrderController", "c.c.orders.OrderService", "o.s.web.servlet.DispatcherServlet", "c.c.billing.InvoiceJob", "o.h.engine.jdbc.spi.SqlExceptionHelper", "c.c.inventory.StockClient"}
	loggersGo = []string{"server/handler.go", "worker/consumer.go", "store/postgres.go", "cache/redis.go", "jobs/scheduler.go", "api/orders.go"}
	dotnetCat = []string{"Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore.Routing.EndpointMiddleware", "Contoso.Orders.Worker", "Microsoft.EntityFrameworkCore.Database.Command", "System.Net.Http.HttpClient.Default.LogicalHandler", "Contoso.Orders.Api.OrdersController"}
	resNames  = []string{"Contoso", "Fabrikam", "orders-api", "inventory-sync", "billing-worker"}
	armScopes = []string{"https://management.azure.com/.default", "https://vault.azure.net/.default", "https://storage.azure.com/.default", "https://graph.microsoft.com/.default", "https://database.windows.net/.default", "https://servicebus.azure.net/.default"}
	armPaths  = []string{
		"/providers/Microsoft.Storage/storageAccounts/stcontosoorders", "/providers/Microsoft.KeyVault/vaults/kv-contoso-prod",
		"/providers/Microsoft.Web/sites/app-orders-prod", "/providers/Microsoft.ContainerService/managedClusters/aks-prod",
		"/providers/Microsoft.Sql/servers/sql-contoso/databases/orders", "/providers/Microsoft.ServiceBus/namespaces/sb-contoso",
	}
	armActions = []string{
		"Microsoft.Storage/storageAccounts/read", "Microsoft.KeyVault/vaults/read", "Microsoft.Web/sites/config/list/action",
		"Microsoft.ContainerService/managedClusters/listClusterUserCredential/action", "Microsoft.Resources/subscriptions/resourceGroups/read",
		"Microsoft.Storage/storageAccounts/listKeys/action", "Microsoft.Authorization/roleAssignments/write",
	}
	rgNames  = []string{"rg-orders-prod", "rg-shared", "rg-aks-prod", "rg-data", "rg-monitoring"}
	usersUPN = []string{"alice@contoso.com", "bob.smith@contoso.com", "ci-bot@fabrikam.onmicrosoft.com", "carol@fabrikam.com", "dev01@contoso.onmicrosoft.com"}

	// credentials an application (not a person) authenticates with
	appCreds = []string{"ClientSecretCredential", "ClientSecretCredential", "ClientCertificateCredential", "WorkloadIdentityCredential"}
)

// javaExceptions and pyExceptions: ordinary, non-Azure stack traces.
var javaExceptions = []string{
	"java.lang.NullPointerException: Cannot invoke \"com.contoso.orders.Order.getCustomer()\" because \"order\" is null",
	"org.springframework.dao.DataIntegrityViolationException: could not execute statement; SQL [n/a]; constraint [orders_pkey]",
	"java.net.SocketTimeoutException: Read timed out",
	"java.lang.IllegalStateException: Connection pool shut down",
	"com.fasterxml.jackson.databind.exc.MismatchedInputException: Cannot deserialize value of type `java.lang.Long` from String \"abc\"",
}

var javaCauses = []string{
	"org.hibernate.exception.ConstraintViolationException: could not execute statement",
	"org.postgresql.util.PSQLException: ERROR: duplicate key value violates unique constraint \"orders_pkey\"",
	"java.net.SocketException: Connection reset",
	"java.io.IOException: Broken pipe",
}

var javaFrames = []string{
	"\tat com.contoso.orders.OrderService.create(OrderService.java:",
	"\tat com.contoso.orders.OrderController.post(OrderController.java:",
	"\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:",
	"\tat jakarta.servlet.http.HttpServlet.service(HttpServlet.java:",
	"\tat org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:",
	"\tat org.hibernate.engine.jdbc.spi.SqlExceptionHelper.convert(SqlExceptionHelper.java:",
	"\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:",
	"\tat java.base/java.lang.Thread.run(Thread.java:",
	"\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:",
	"\tat reactor.core.publisher.MonoFlatMap$FlatMapMain.onNext(MonoFlatMap.java:",
}

var pyFrames = []string{
	"  File \"/app/app/tasks.py\", line %, in process_order\n    result = client.post(url, json=payload, timeout=10)\n",
	"  File \"/usr/local/lib/python3.11/site-packages/requests/api.py\", line %, in post\n    return request(\"post\", url, data=data, json=json, **kwargs)\n",
	"  File \"/usr/local/lib/python3.11/site-packages/requests/adapters.py\", line %, in send\n    raise ConnectionError(e, request=request)\n",
	"  File \"/app/app/db.py\", line %, in fetch_rows\n    cur.execute(query, params)\n",
	"  File \"/usr/local/lib/python3.11/site-packages/psycopg2/extras.py\", line %, in execute\n    return super().execute(query, vars)\n",
}

var pyErrors = []string{
	"requests.exceptions.ConnectionError: HTTPSConnectionPool(host='inventory.internal', port=443): Max retries exceeded with url: /v1/stock (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f3b2c1d0>: Failed to establish a new connection: [Errno 111] Connection refused'))",
	"psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update",
	"KeyError: 'customer_id'",
	"ValueError: invalid literal for int() with base 10: 'n/a'",
}
