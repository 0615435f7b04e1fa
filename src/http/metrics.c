/*
 * metrics.c - the /metrics and /healthz endpoint on libmicrohttpd, polled by
 * the caller's loop (MHD_USE_EPOLL without an internal thread): libmicrohttpd
 * parses HTTP; we decide what each request gets.
 */
#include <dlfcn.h>
#include <errno.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "podoom/http.h"

/*
 * libmicrohttpd is loaded when a server starts, not when podoom starts:
 * Debian's build links GnuTLS and its dependencies (about 2.3 MiB of pages
 * once loaded and relocated), which podoom never uses, and a `podoom watch`
 * without --listen should not carry them. The header gives the types.
 */
#define MHD_SONAME "libmicrohttpd.so.12"
/* every function podoom calls, once */
#define MHD_FUNCTIONS(X)                                                                                               \
	X(add_response_header)                                                                                         \
	X(create_response_from_buffer)                                                                                 \
	X(destroy_response)                                                                                            \
	X(get_connection_values)                                                                                       \
	X(get_daemon_info)                                                                                             \
	X(get_timeout)                                                                                                 \
	X(lookup_connection_value)                                                                                     \
	X(queue_response)                                                                                              \
	X(run)                                                                                                         \
	X(start_daemon)                                                                                                \
	X(stop_daemon)

static struct {
	bool loaded;
#define DECLARE(name) __typeof__(MHD_##name) *name; /* NOLINT(bugprone-macro-parentheses): a declaration */
	MHD_FUNCTIONS(DECLARE)
#undef DECLARE
} mhd;

static int mhd_load(void)
{
	void *h;

	if (mhd.loaded)
		return 0;
	h = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return -ENOENT;
#define LOAD(name)                                                                                                     \
	if (!(*(void **)&mhd.name = dlsym(h, "MHD_" #name))) {                                                         \
		dlclose(h);                                                                                            \
		return -ENOENT;                                                                                        \
	}
	MHD_FUNCTIONS(LOAD)
#undef LOAD
	mhd.loaded = true; /* never closed: its pages are the server's */
	return 0;
}

struct podoom_http_server {
	struct MHD_Daemon *d;
	int fd;
	podoom_http_metrics_fn fn;
	void *user;
	uint64_t answered[3];
};

/* a body up to this size is read and dropped before the 413 */
#define BODY_DRAIN_MAX (8 * PODOOM_HTTP_REQUEST_MAX)

/* what we remember of a request between the calls libmicrohttpd makes for it */
struct req {
	size_t bytes; /* request line + headers + body so far */
};

static enum MHD_Result add_header_size(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	size_t *n = cls;
	(void)kind;
	*n += strlen(key) + 4 + (value ? strlen(value) : 0); /* "key: value\r\n" */
	return MHD_YES;
}

static enum MHD_Result reply(struct podoom_http_server *s, struct MHD_Connection *c, unsigned code, const char *type,
			     void *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = mhd.create_response_from_buffer(len, body, mode);
	enum MHD_Result ok;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET");
	ok = mhd.queue_response(c, code, r);
	mhd.destroy_response(r);
	s->answered[code < 300 ? 0 : code < 500 ? 1 : 2]++;
	return ok;
}

static enum MHD_Result reply_text(struct podoom_http_server *s, struct MHD_Connection *c, unsigned code,
				  const char *text)
{
	return reply(s, c, code, "text/plain; charset=utf-8", (void *)(uintptr_t)text, strlen(text),
		     MHD_RESPMEM_PERSISTENT);
}

/* an RFC 9110 token: what a method may be made of */
static bool is_token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("!#$%&'*+-.^_`|~", *s)))
			return false;
	return true;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct podoom_http_server *s = cls;
	struct req *rq = *con_cls;
	(void)upload_data;

	if (!rq) {
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
		rq->bytes = strlen(method) + 1 + strlen(url) + 1 + strlen(version) + 2 + 2;
		mhd.get_connection_values(c, MHD_HEADER_KIND, add_header_size, &rq->bytes);
		if (rq->bytes > PODOOM_HTTP_REQUEST_MAX)
			return reply_text(s, c, MHD_HTTP_CONTENT_TOO_LARGE, "request too large\n");
		if (!is_token(method) ||
		    /* RFC 9112 3.2: a server MUST respond 400 to an HTTP/1.1 request without Host */
		    (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
		     !mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST)) ||
		    /* libmicrohttpd 0.9.75 waits for a body in an unknown coding until the
		     * connection times out; nothing we serve takes a body */
		    mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
			return reply_text(s, c, MHD_HTTP_BAD_REQUEST, "bad request\n");
		if (strcmp(method, MHD_HTTP_METHOD_GET) != 0)
			return reply_text(s, c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
		return MHD_YES; /* the body, if any, comes in the next calls */
	}
	if (*upload_data_size) {
		/* read a body to its end before answering, so that the client reads our answer
		 * rather than a reset; one beyond BODY_DRAIN_MAX is answered at once */
		rq->bytes += *upload_data_size;
		*upload_data_size = 0;
		if (rq->bytes > BODY_DRAIN_MAX)
			return reply_text(s, c, MHD_HTTP_CONTENT_TOO_LARGE, "request too large\n");
		return MHD_YES;
	}
	if (rq->bytes > BODY_DRAIN_MAX)
		return MHD_YES; /* answered already */
	if (rq->bytes > PODOOM_HTTP_REQUEST_MAX)
		return reply_text(s, c, MHD_HTTP_CONTENT_TOO_LARGE, "request too large\n");
	if (strcmp(url, "/healthz") == 0)
		return reply_text(s, c, MHD_HTTP_OK, "ok\n");
	if (strcmp(url, "/metrics") == 0) {
		char *body = NULL;
		size_t len = 0;
		if (s->fn(s->user, &body, &len) < 0) {
			free(body);
			return reply_text(s, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot build the metrics\n");
		}
		return reply(s, c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", body, len,
			     MHD_RESPMEM_MUST_FREE);
	}
	return reply_text(s, c, MHD_HTTP_NOT_FOUND, "not found: try /metrics or /healthz\n");
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

int podoom_http_start(const struct sockaddr *addr, socklen_t addr_len, podoom_http_metrics_fn fn, void *user,
		      struct podoom_http_server **ret)
{
	struct podoom_http_server *s;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_EPOLL;
	(void)addr_len;

	if (!addr || !fn || !ret)
		return -EINVAL;
	if (mhd_load() < 0)
		return -ELIBACC;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fn = fn;
	s->user = user;
	if (addr->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	errno = 0;
	/* libmicrohttpd needs the memory of a request's headers and its own
	 * buffers in one pool: twice our request cap leaves it room to read a
	 * request that is too large far enough for us to answer 413 */
	s->d = mhd.start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, addr,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(4 * PODOOM_HTTP_REQUEST_MAX),
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)PODOOM_HTTP_CONNECTIONS_MAX,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)PODOOM_HTTP_IDLE_TIMEOUT_SEC,
				MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
	if (!s->d) {
		int e = errno ? errno : EADDRINUSE;
		free(s);
		return -e;
	}
	info = mhd.get_daemon_info(s->d, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info) {
		mhd.stop_daemon(s->d);
		free(s);
		return -EIO;
	}
	s->fd = info->epoll_fd;
	*ret = s;
	return 0;
}

int podoom_http_fd(const struct podoom_http_server *s)
{
	return s->fd;
}

int podoom_http_timeout_ms(const struct podoom_http_server *s)
{
	MHD_UNSIGNED_LONG_LONG t;

	if (mhd.get_timeout(s->d, &t) != MHD_YES)
		return -1;
	return t > 60000 ? 60000 : (int)t;
}

int podoom_http_run(struct podoom_http_server *s)
{
	return mhd.run(s->d) == MHD_YES ? 0 : -EIO;
}

void podoom_http_requests(const struct podoom_http_server *s, uint64_t ret[3])
{
	memcpy(ret, s->answered, sizeof(s->answered));
}

void podoom_http_stop(struct podoom_http_server *s)
{
	if (!s)
		return;
	mhd.stop_daemon(s->d);
	free(s);
}
