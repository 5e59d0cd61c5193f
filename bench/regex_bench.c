/*
 * regex_bench: the worst case of an expect_body regex. For each hostile
 * pattern, in a child process of its own: the time and peak memory of
 * compiling it, and the time of matching it against a 64 KiB body (the
 * most a probe reads) of each filler. With --glibc, the same patterns
 * through glibc's regcomp, capped at 1 GiB of address space and 20 s.
 *
 *	make bench/regex_bench && bench/regex_bench [--glibc]
 */
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check/checkspec_regex.h"

#define BODY	(64 * 1024)

static const char *const patterns[] = {
	"(((a{99}){99}){99}){99}",
	"((a*)*)*b",
	"(a|aa)*c",
	"(x+x+)+y",
	"(.*a){20}b",
	"^([a-z]+ ?)*$",
	"(a*)*(b*)*(c*)*(d*)*$",
	"((((((((((a*)*)*)*)*)*)*)*)*)*)*!",
	"a(?R)?b",
	"(?:(?:(?:a{65535}){65535}){65535})",
	"(((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))",
	"^(.*?,){200}z",
	"(a+)+$",
	"(a|a)*$",
	"(a|aa)+$",
	"(.*a){12}$",
	"(\\w+\\s?)*$",
	"(*NO_JIT)(a+)+$",
	"(*NO_JIT)(a|aa)+$",
	"(*NO_JIT)(.*a){12}$",
	"(*NO_JIT)((((((((((a*)*)*)*)*)*)*)*)*)*)*$",
	"(*NO_JIT)a(?R)?b$",
	"(*NO_JIT)(?<a>(?<b>(?<c>(?<d>(?<e>(?<f>(?<g>(?<h>a*)*)*)*)*)*)*)*)*$",
	"(?<a>(?<b>(?<c>(?<d>(?<e>(?<f>(?<g>(?<h>a*)*)*)*)*)*)*)*)*$",
	"(*NO_JIT)(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:a*)*)*)*)*)*)*)*)*)*)*$",
	"ready|status: (OK|WARN)",
};

/* Each filler fills the body, then its last byte is set to '!'. */
static const char fillers[] = { 'a', 'x', ' ' };

static double
now(void)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long
maxrss_kib(void)
{
	struct rusage	 u;

	getrusage(RUSAGE_SELF, &u);
	return u.ru_maxrss;
}

static void
run_pcre2(const char *pat, char *body)
{
	struct checkspec_re	*re;
	char			 err[200];
	double			 t0, t1;
	long			 rss0 = maxrss_kib();
	size_t			 i;
	int			 rc;

	t0 = now();
	rc = checkspec_regex_compile(pat, &re, err, sizeof(err));
	t1 = now();
	printf("pcre2 %-40.40s compile %8.3f ms, peak RSS +%ld KiB", pat,
	    (t1 - t0) * 1e3, maxrss_kib() - rss0);
	if (rc == -1) {
		printf(", refused: %s\n", err);
		return;
	}
	printf(", jit %s\n", checkspec_regex_jit(re) ? "yes" : "no");
	for (i = 0; i < sizeof(fillers); i++) {
		memset(body, fillers[i], BODY);
		body[BODY - 1] = '!';
		t0 = now();
		rc = checkspec_regex_match(re, body, BODY, err, sizeof(err));
		t1 = now();
		printf("      64 KiB of '%c' then '!': %8.3f ms, %s%s\n", fillers[i],
		    (t1 - t0) * 1e3, rc == 1 ? "match" : rc == 0 ?
		    "no match" : "limit: ", rc == -1 ? err : "");
	}
	printf("      peak RSS of the child %ld KiB\n", maxrss_kib());
	checkspec_regex_free(re);
}

static void
run_glibc(const char *pat)
{
	struct rlimit	 as = { 1UL << 30, 1UL << 30 };
	regex_t		 re;
	double		 t0, t1;
	int		 rc;

	setrlimit(RLIMIT_AS, &as);
	alarm(20);
	t0 = now();
	rc = regcomp(&re, pat, REG_EXTENDED | REG_NOSUB);
	t1 = now();
	printf("glibc %-40.40s regcomp %8.3f ms, rc %d, peak RSS %ld KiB\n",
	    pat, (t1 - t0) * 1e3, rc, maxrss_kib());
	if (rc == 0)
		regfree(&re);
}

int
main(int argc, char **argv)
{
	int	 glibc = argc > 1 && strcmp(argv[1], "--glibc") == 0, st;
	size_t	 i;
	char	*body;
	pid_t	 pid;

	if ((body = malloc(BODY)) == NULL)
		return 1;
	setvbuf(stdout, NULL, _IONBF, 0);
	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		if ((pid = fork()) == 0) {
			if (glibc)
				run_glibc(patterns[i]);
			else
				run_pcre2(patterns[i], body);
			_exit(0);
		}
		if (pid == -1 || waitpid(pid, &st, 0) == -1)
			return 1;
		if (!WIFEXITED(st))
			printf("      child died: signal %d\n", WTERMSIG(st));
	}
	free(body);
	return 0;
}
