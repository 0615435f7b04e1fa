/*
 * http - the metrics endpoint of `podoom watch`, on libmicrohttpd.
 *
 * GET /metrics (Prometheus text format 0.0.4) and GET /healthz. Anything but
 * GET gets 405, a request (request line, headers and body) over
 * PODOOM_HTTP_REQUEST_MAX bytes 413, an unknown path 404, a malformed request
 * 400 (libmicrohttpd's own parser decides what is malformed).
 *
 * No thread of its own: the server gives one file descriptor (an epoll set)
 * that the caller adds to its own poll() loop and calls podoom_http_run()
 * when it is readable, so an idle server costs no wake-ups and the metrics
 * are read in the same thread that writes them (no locks).
 */
#ifndef PODOOM_HTTP_H
#define PODOOM_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Largest request accepted; larger gets 413. */
#define PODOOM_HTTP_REQUEST_MAX 8192u
/* Connections served at once; more wait in the listen backlog. */
#define PODOOM_HTTP_CONNECTIONS_MAX 32u
/* An idle connection is closed after this long. */
#define PODOOM_HTTP_IDLE_TIMEOUT_SEC 10u
/* The longest --listen value. */
#define PODOOM_HTTP_LISTEN_MAX 128u

/*
 * podoom_http_parse_listen() - "HOST:PORT" as --listen takes it: an IPv4
 * address ("127.0.0.1:9102"), an IPv6 one in brackets ("[::1]:9102"), or
 * "localhost:PORT" (127.0.0.1). No names are looked up. PORT is 1..65535.
 * Return: 0 with *ret_addr and *ret_len set; -EINVAL malformed; -E2BIG over
 * PODOOM_HTTP_LISTEN_MAX bytes.
 */
int podoom_http_parse_listen(const char *s, size_t len, struct sockaddr_storage *ret_addr, socklen_t *ret_len);

/*
 * The body of /metrics: a malloc'd buffer the server frees. Return 0 with
 * *ret_body and *ret_len set, or a negative errno (the client gets 500).
 */
typedef int (*podoom_http_metrics_fn)(void *user, char **ret_body, size_t *ret_len);

struct podoom_http_server;

/*
 * podoom_http_start() - listen on @addr and serve. @fn and @user are borrowed
 * for the server's life.
 * libmicrohttpd is loaded (dlopen) by the first call.
 * Return: 0 with *ret set (stop with podoom_http_stop()); -EADDRINUSE,
 * -EACCES, ... when the address cannot be bound; -ELIBACC when
 * libmicrohttpd cannot be loaded; -ENOMEM.
 */
int podoom_http_start(const struct sockaddr *addr, socklen_t addr_len, podoom_http_metrics_fn fn, void *user,
		      struct podoom_http_server **ret);

/* podoom_http_fd() - the descriptor to poll for POLLIN. */
int podoom_http_fd(const struct podoom_http_server *s);

/* podoom_http_timeout_ms() - how long poll() may wait before podoom_http_run()
 * must be called anyway (an idle connection to close): -1 for as long as it
 * likes (no connection open). */
int podoom_http_timeout_ms(const struct podoom_http_server *s);

/* podoom_http_run() - serve what is ready, without blocking. Return: 0; -EIO. */
int podoom_http_run(struct podoom_http_server *s);

/* podoom_http_requests() - requests answered so far, by class: [0] 2xx, [1] 4xx, [2] 5xx. */
void podoom_http_requests(const struct podoom_http_server *s, uint64_t ret[3]);

/* podoom_http_stop() - close every connection and the socket. NULL is fine. */
void podoom_http_stop(struct podoom_http_server *s);

#endif
