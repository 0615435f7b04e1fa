/*
 * fuzz_listen.c - the --listen address of `podoom watch`. Properties: never
 * crashes; an address that parses has a port 1..65535 and a family the
 * server can bind.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <stdint.h>

#include "podoom/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t sl = 0;

	if (podoom_http_parse_listen((const char *)data, size, &ss, &sl) == 0) {
		assert(ss.ss_family == AF_INET || ss.ss_family == AF_INET6);
		uint16_t p = ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
						     : ((struct sockaddr_in6 *)&ss)->sin6_port;
		assert(ntohs(p) >= 1);
		assert(sl == (ss.ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)));
	}
	return 0;
}
