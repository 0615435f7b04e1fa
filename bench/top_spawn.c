/* top_spawn.c - N sleeping processes for bench/top_scan.sh --live: forks N
 * children (each pause()s, dies with its parent via PR_SET_PDEATHSIG), prints
 * "ready" and waits for SIGTERM/SIGINT, then kills them all and exits.
 * Run it inside a memory- and pids-limited cgroup (the script does). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 10000, made = 0;
	pid_t *pids = calloc((size_t)(n > 0 ? n : 1), sizeof(*pids));
	pid_t self = getpid();

	if (!pids || n <= 0 || n > 30000)
		return 2;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	for (; made < n && !stop; made++) {
		pid_t p = fork();
		if (p < 0)
			break;
		if (p == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != self)
				_exit(0);
			for (;;)
				pause();
		}
		pids[made] = p;
	}
	printf("ready %ld\n", made);
	fflush(stdout);
	while (!stop)
		pause();
	for (long i = 0; i < made; i++)
		kill(pids[i], SIGKILL);
	for (long i = 0; i < made; i++)
		waitpid(pids[i], NULL, 0);
	return made == n ? 0 : 1;
}
