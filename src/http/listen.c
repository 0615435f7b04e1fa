/*
 * listen.c - the --listen address: "HOST:PORT" with a numeric host only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "podoom/http.h"

static int parse_port(const char *s, const char *end, uint16_t *ret)
{
	unsigned v = 0;

	if (s == end || end - s > 5)
		return -EINVAL;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v == 0 || v > 65535)
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

int podoom_http_parse_listen(const char *s, size_t len, struct sockaddr_storage *ret_addr, socklen_t *ret_len)
{
	char host[PODOOM_HTTP_LISTEN_MAX + 1];
	const char *end = s + len, *colon, *hs, *he;
	struct sockaddr_storage ss;
	uint16_t port;

	if (!s || !ret_addr || !ret_len)
		return -EINVAL;
	if (len > PODOOM_HTTP_LISTEN_MAX)
		return -E2BIG;
	if (memchr(s, '\0', len))
		return -EINVAL;
	if (len > 0 && s[0] == '[') { /* [v6]:port */
		const char *rb = memchr(s, ']', len);
		if (!rb || rb + 1 == end || rb[1] != ':')
			return -EINVAL;
		hs = s + 1;
		he = rb;
		colon = rb + 1;
	} else {
		colon = NULL;
		for (const char *p = s; p < end; p++)
			if (*p == ':')
				colon = p;
		if (!colon)
			return -EINVAL;
		hs = s;
		he = colon;
	}
	if (parse_port(colon + 1, end, &port) < 0 || he == hs)
		return -EINVAL;
	memcpy(host, hs, (size_t)(he - hs));
	host[he - hs] = '\0';
	memset(&ss, 0, sizeof(ss));
	if (s[0] == '[') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
			return -EINVAL;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		*ret_len = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
		if (strcmp(host, "localhost") == 0)
			a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			return -EINVAL;
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		*ret_len = sizeof(*a4);
	}
	*ret_addr = ss;
	return 0;
}
