/* test_exposition.c - the Prometheus text format of the watch metrics, series
 * expiry (pod deleted, not container replaced), and the HTTP endpoint's
 * answers to good, malformed, oversized and non-GET requests. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "podoom/exposition.h"
#include "podoom/http.h"

static const struct podoom_kill_labels web_app = {
	.namespace = "shop", .pod = "web-7d4b9", .container = "app", .qos = "Burstable", .kind = "container-limit",
	.pod_uid = "0b5c7a0e-1111-4222-8333-944455556666"};

static char *format(const struct podoom_metrics *m, const struct podoom_watch_counters *c,
		    const struct podoom_scope_gauge *g, size_t ng)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	assert_int_equal(podoom_metrics_format(m, c, g, ng, &buf, &len, &cap), 0);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static void test_format(void **state)
{
	struct podoom_metrics *m = podoom_metrics_new();
	struct podoom_watch_counters c = {.kmsg_lost_records = 8, .kmsg_overruns = 1, .events_unattributed = 2};
	struct podoom_kill_labels odd = {.namespace = "ns", .pod = "we\"ird\\pod\nname", .container = "c",
					 .kind = "global", .pod_uid = "u1"};
	struct podoom_scope_gauge g[] = {
		{.scope = "/", .kind = "global", .limit_bytes = 8589934592, .usage_bytes = 2147483648},
		{.scope = "/kubepods/burstable/pod0b5c/abc", .kind = "container-limit", .namespace = "shop",
		 .pod = "web-7d4b9", .container = "app", .limit_bytes = 67108864, .usage_bytes = 60000000},
		{.scope = "/kubepods", .kind = "node-allocatable", .limit_bytes = 7000000000, .usage_bytes = -1},
	};
	char *s;
	(void)state;
	assert_int_equal(podoom_metrics_kill_add(m, &web_app, 1), 0);
	assert_int_equal(podoom_metrics_kill_add(m, &web_app, 2), 0);
	assert_int_equal(podoom_metrics_kill_add(m, &odd, 1), 0);
	s = format(m, &c, g, 3);
	assert_non_null(strstr(s, "# HELP podoom_oom_kills_total "));
	assert_non_null(strstr(s, "# TYPE podoom_oom_kills_total counter\n"));
	assert_non_null(strstr(s, "podoom_oom_kills_total{namespace=\"shop\",pod=\"web-7d4b9\",container=\"app\","
				  "qos=\"Burstable\",kind=\"container-limit\"} 3\n"));
	/* the text format's three escapes */
	assert_non_null(strstr(s, "pod=\"we\\\"ird\\\\pod\\nname\",container=\"c\",qos=\"\",kind=\"global\"} 1\n"));
	assert_non_null(strstr(s, "# TYPE podoom_kmsg_lost_records_total counter\npodoom_kmsg_lost_records_total 8\n"));
	assert_non_null(strstr(s, "podoom_events_unattributed_total 2\n"));
	assert_non_null(strstr(s, "# TYPE podoom_scope_headroom_bytes gauge\n"));
	assert_non_null(strstr(s, "podoom_scope_headroom_bytes{scope=\"/\",kind=\"global\",namespace=\"\",pod=\"\","
				  "container=\"\"} 6442450944\n"));
	assert_non_null(strstr(s, "podoom_scope_headroom_bytes{scope=\"/kubepods/burstable/pod0b5c/abc\","
				  "kind=\"container-limit\",namespace=\"shop\",pod=\"web-7d4b9\",container=\"app\"} 7108864\n"));
	/* a scope without a usage has a limit but no usage or headroom */
	assert_non_null(strstr(s, "podoom_scope_limit_bytes{scope=\"/kubepods\""));
	assert_null(strstr(s, "podoom_scope_usage_bytes{scope=\"/kubepods\""));
	/* every line is a comment or a sample; no blank lines */
	for (char *p = s; *p; p = strchr(p, '\n') + 1)
		assert_true(*p == '#' || strncmp(p, "podoom_", 7) == 0);
	free(s);
	podoom_metrics_free(m);
}

/* promtool (Debian package prometheus) accepts the exposition, odd labels included */
static void test_promtool(void **state)
{
	struct podoom_metrics *m = podoom_metrics_new();
	struct podoom_watch_counters c = {.kmsg_lost_records = 3};
	struct podoom_kill_labels odd = {.namespace = "ns", .pod = "we\"ird\\pod\nname", .container = "c\u00e9",
					 .kind = "global", .pod_uid = "u1"};
	struct podoom_scope_gauge g[] = {{.scope = "/", .kind = "global", .limit_bytes = 100, .usage_bytes = 40}};
	char path[] = "/tmp/podoom-test-exposition-XXXXXX", cmd[128];
	char *s;
	FILE *f;
	int fd;
	(void)state;
	if (system("command -v promtool >/dev/null 2>&1") != 0) {
		print_message("skip reason: promtool not installed (Debian package prometheus)\n");
		podoom_metrics_free(m);
		skip();
	}
	assert_int_equal(podoom_metrics_kill_add(m, &web_app, 2), 0);
	assert_int_equal(podoom_metrics_kill_add(m, &odd, 1), 0);
	s = format(m, &c, g, 1);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(s, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s", path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
	free(s);
	podoom_metrics_free(m);
}

static void test_escape(void **state)
{
	char buf[16];
	(void)state;
	assert_int_equal(podoom_exposition_escape("a\"b", buf, sizeof(buf)), 4);
	assert_string_equal(buf, "a\\\"b");
	assert_int_equal(podoom_exposition_escape("\\\n", buf, sizeof(buf)), 4);
	assert_string_equal(buf, "\\\\\\n");
	assert_int_equal(podoom_exposition_escape("0123456789abcdef", buf, sizeof(buf)), -ENOBUFS);
	assert_int_equal(podoom_exposition_escape("0123456789abcd\"", buf, sizeof(buf)), -ENOBUFS);
}

/* a container replaced keeps its series; a pod deleted loses it ttl later */
static void test_expiry(void **state)
{
	struct podoom_metrics *m = podoom_metrics_new();
	struct podoom_kill_labels other = web_app;
	int64_t next;
	uint64_t v;
	const int64_t ttl = 3600LL * 1000000, t0 = 1000000;
	(void)state;
	other.pod = "db-0";
	other.pod_uid = "u-db";
	assert_int_equal(podoom_metrics_kill_add(m, &web_app, 1), 0);
	assert_int_equal(podoom_metrics_kill_add(m, &other, 1), 0);
	/* the container is replaced: same pod, same names, the series keeps counting */
	assert_int_equal(podoom_metrics_kill_add(m, &web_app, 1), 0);
	assert_int_equal(podoom_metrics_value(m, &web_app, &v), 0);
	assert_true(v == 2);
	assert_true(podoom_metrics_expire(m, t0, ttl, &next) == 0);
	assert_true(next == INT64_MAX);
	/* the pod is deleted at t0: kept for the ttl, then dropped */
	assert_true(podoom_metrics_pod_gone(m, web_app.pod_uid, t0) == 1);
	assert_true(podoom_metrics_pod_gone(m, web_app.pod_uid, t0 + 5) == 1); /* keeps the first time */
	assert_true(podoom_metrics_expire(m, t0 + ttl - 1, ttl, &next) == 0);
	assert_true(next == t0 + ttl);
	assert_true(podoom_metrics_count(m) == 2);
	assert_true(podoom_metrics_expire(m, t0 + ttl, ttl, &next) == 1);
	assert_int_equal(podoom_metrics_value(m, &web_app, &v), -ENOENT);
	assert_int_equal(podoom_metrics_value(m, &other, &v), 0);
	/* a pod back before its ttl ran out keeps its series */
	assert_true(podoom_metrics_pod_gone(m, "u-db", t0) == 1);
	podoom_metrics_pod_alive(m, "u-db");
	assert_true(podoom_metrics_expire(m, t0 + 2 * ttl, ttl, &next) == 0);
	assert_true(podoom_metrics_count(m) == 1);
	podoom_metrics_free(m);
}

static void test_series_cap(void **state)
{
	struct podoom_metrics *m = podoom_metrics_new();
	struct podoom_kill_labels l = web_app;
	char pod[32];
	(void)state;
	l.pod = pod;
	for (unsigned i = 0; i < PODOOM_METRICS_SERIES_MAX; i++) {
		snprintf(pod, sizeof(pod), "p%u", i);
		assert_int_equal(podoom_metrics_kill_add(m, &l, 1), 0);
	}
	snprintf(pod, sizeof(pod), "one-too-many");
	assert_int_equal(podoom_metrics_kill_add(m, &l, 1), -E2BIG);
	snprintf(pod, sizeof(pod), "p7");
	assert_int_equal(podoom_metrics_kill_add(m, &l, 1), 0); /* an existing series still counts */
	podoom_metrics_free(m);
}

static void test_parse_listen(void **state)
{
	static const struct {
		const char *s;
		int err;
		int family;
		uint16_t port;
	} cases[] = {
		{"127.0.0.1:9102", 0, AF_INET, 9102},
		{"0.0.0.0:80", 0, AF_INET, 80},
		{"localhost:9102", 0, AF_INET, 9102},
		{"[::1]:9102", 0, AF_INET6, 9102},
		{"[::]:65535", 0, AF_INET6, 65535},
		{"127.0.0.1:0", -EINVAL, 0, 0},
		{"127.0.0.1:65536", -EINVAL, 0, 0},
		{"127.0.0.1:", -EINVAL, 0, 0},
		{"127.0.0.1", -EINVAL, 0, 0},
		{":9102", -EINVAL, 0, 0},
		{"example.com:9102", -EINVAL, 0, 0},
		{"[::1]9102", -EINVAL, 0, 0},
		{"[::1:9102", -EINVAL, 0, 0},
		{"::1:9102", -EINVAL, 0, 0},
		{"127.0.0.1:+80", -EINVAL, 0, 0},
	};
	struct sockaddr_storage ss;
	socklen_t sl;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = podoom_http_parse_listen(cases[i].s, strlen(cases[i].s), &ss, &sl);
		assert_int_equal(r, cases[i].err);
		if (r == 0) {
			assert_int_equal(ss.ss_family, cases[i].family);
			uint16_t p = cases[i].family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
							      : ((struct sockaddr_in6 *)&ss)->sin6_port;
			assert_int_equal(ntohs(p), cases[i].port);
		}
	}
}

/* --- the server, in this process, on a loopback port ------------------------------ */

static struct podoom_http_server *srv;
static volatile int serving;
static uint16_t port;

static int body(void *user, char **ret, size_t *len)
{
	(void)user;
	*ret = strdup("podoom_kmsg_lost_records_total 0\n");
	*len = strlen(*ret);
	return 0;
}

static void *serve(void *arg)
{
	(void)arg;
	while (serving) {
		struct pollfd p = {.fd = podoom_http_fd(srv), .events = POLLIN};
		poll(&p, 1, 50);
		podoom_http_run(srv);
	}
	return NULL;
}

/* send @req raw; the status code of the answer, or -1 */
static int status_of(const char *req, size_t len)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), code = -1;
	char buf[4096];
	size_t got = 0;
	ssize_t n;

	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	for (size_t off = 0; off < len; off += (size_t)n) {
		n = send(fd, req + off, len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break; /* the server may answer and close before reading it all */
	}
	while (got < sizeof(buf) - 1 && (n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd);
	if (sscanf(buf, "HTTP/1.%*d %d", &code) != 1)
		return -1;
	return code;
}

static void test_http(void **state)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	pthread_t th;
	char *big;
	size_t n;
	(void)state;
	/* a free port: bind 0 with a plain socket, then reuse its number */
	{
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		socklen_t sl = sizeof(a);
		assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
		getsockname(fd, (struct sockaddr *)&a, &sl);
		port = ntohs(a.sin_port);
		close(fd);
	}
	assert_int_equal(podoom_http_start((struct sockaddr *)&a, sizeof(a), body, NULL, &srv), 0);
	assert_int_equal(podoom_http_timeout_ms(srv), -1); /* idle: no wake-up needed */
	serving = 1;
	pthread_create(&th, NULL, serve, NULL);

	const char *get = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	assert_int_equal(status_of(get, strlen(get)), 200);
	const char *health = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	assert_int_equal(status_of(health, strlen(health)), 200);
	const char *nf = "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	assert_int_equal(status_of(nf, strlen(nf)), 404);
	const char *post = "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab";
	assert_int_equal(status_of(post, strlen(post)), 405);
	const char *del = "DELETE /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	assert_int_equal(status_of(del, strlen(del)), 405);
	/* a request line without spaces: libmicrohttpd 0.9.75 closes the connection without a status */
	const char *junk = "GARBAGE\r\n\r\n";
	assert_int_equal(status_of(junk, strlen(junk)), -1);
	const char *noversion = "GET /metrics\r\n\r\n";
	assert_int_equal(status_of(noversion, strlen(noversion)), 400);
	const char *badheader = "GET /metrics HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n";
	assert_int_equal(status_of(badheader, strlen(badheader)), 400);
	const char *badlen = "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n";
	assert_int_equal(status_of(badlen, strlen(badlen)), 400);
	const char *te = "GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: bogus\r\n\r\n";
	assert_int_equal(status_of(te, strlen(te)), 400);
	const char *ctl = "\x01\x02 /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
	assert_int_equal(status_of(ctl, strlen(ctl)), 400);
	const char *http10 = "GET /metrics HTTP/1.0\r\n\r\n"; /* 1.0 needs no Host */
	assert_int_equal(status_of(http10, strlen(http10)), 200);
	const char *nohost = "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n"; /* HTTP/1.1 requires Host */
	assert_int_equal(status_of(nohost, strlen(nohost)), 400);
	const char *badver = "GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n";
	int v = status_of(badver, strlen(badver));
	assert_true(v == 400 || v == 505);
	/* 9 KiB of headers: over the 8 KiB cap */
	big = malloc(20000);
	n = (size_t)snprintf(big, 20000, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: ");
	memset(big + n, 'a', 9 * 1024);
	n += 9 * 1024;
	n += (size_t)snprintf(big + n, 20000 - n, "\r\nConnection: close\r\n\r\n");
	assert_int_equal(status_of(big, n), 413);
	/* a 9 KiB body on a GET */
	n = (size_t)snprintf(big, 20000, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 9216\r\nConnection: close\r\n\r\n");
	memset(big + n, 'b', 9216);
	assert_int_equal(status_of(big, n + 9216), 413);
	/* a 4 KiB body on a GET: within the cap, it is read and dropped */
	n = (size_t)snprintf(big, 20000, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\nConnection: close\r\n\r\n");
	memset(big + n, 'b', 4096);
	assert_int_equal(status_of(big, n + 4096), 200);
	free(big);
	/* and the server still answers */
	assert_int_equal(status_of(get, strlen(get)), 200);
	serving = 0;
	pthread_join(th, NULL);
	podoom_http_stop(srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_promtool),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_series_cap),
		cmocka_unit_test(test_parse_listen),
		cmocka_unit_test(test_http),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
