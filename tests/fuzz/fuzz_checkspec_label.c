/*
 * Container labels into a check. The input is lines of KEY=VALUE; a key
 * not starting with "hale" gets "hale.check" in front, so most lines are
 * check labels. Labels are hostile, so whatever they resolve to must aim
 * at the container itself:
 *   - the target is one of auto, netns, ip, host (all the container);
 *   - the path is absolute, not scheme-relative ("//x"), holds no "://",
 *     no '@' before its first '/', no space, control byte, '#' or '\';
 *   - a Host header names only localhost, 127.0.0.1, [::1], the
 *     container's name or one of its own IPs;
 *   - no custom headers (labels may not set them).
 * Anything else aborts.
 */
#include "fuzz.h"

#include <strings.h>

#include "check/checkspec.h"

#define NLABELS	32

static const char *const self_name = "web";
static const char *const self_ips[] = { "172.17.0.2", "fd00::2" };

static int
host_is_self(const char *h)
{
	static const char *const ok[] = { "localhost", "127.0.0.1", "[::1]",
	    "web", "172.17.0.2", "[fd00::2]" };
	size_t	 n, i;

	if (h[0] == '[') {
		const char *rb = strchr(h, ']');

		FUZZ_CHECK(rb != NULL);
		n = (size_t)(rb + 1 - h);
	} else
		n = strcspn(h, ":");
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strlen(ok[i]) == n && strncasecmp(ok[i], h, n) == 0)
			return 1;
	return 0;
}

static void
check_self(const struct checkspec *s)
{
	size_t	 i;

	FUZZ_CHECK(s->target == CHECKSPEC_TARGET_AUTO ||
	    s->target == CHECKSPEC_TARGET_NETNS ||
	    s->target == CHECKSPEC_TARGET_IP ||
	    s->target == CHECKSPEC_TARGET_HOST);
	FUZZ_CHECK(s->nheaders == 0);
	FUZZ_CHECK(s->kind == CHECKSPEC_HTTP || s->kind == CHECKSPEC_TCP);
	if (s->path != NULL) {
		FUZZ_CHECK(s->path[0] == '/' && s->path[1] != '/');
		FUZZ_CHECK(strstr(s->path, "://") == NULL);
		for (i = 0; s->path[i] != '\0'; i++) {
			unsigned char c = (unsigned char)s->path[i];

			FUZZ_CHECK(c > 0x20 && c < 0x7f && c != '#' && c != '\\');
		}
	}
	if (s->host != NULL) {
		FUZZ_CHECK(strpbrk(s->host, "/@ ") == NULL);
		FUZZ_CHECK(host_is_self(s->host));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_label	 labels[NLABELS];
	struct checkspec_input	 in;
	struct checkspec	 spec;
	enum checkspec_reject	 why = CHECKSPEC_REJECT_NONE;
	char			*text = fuzz_str(data, size), *line, *next, *eq;
	char			 err[CHECKSPEC_ERR_MAX];
	size_t			 n = 0, i;
	int			 rc;

	for (line = text; line != NULL && n < NLABELS; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		if (strncmp(line, "hale", 4) == 0)
			labels[n].key = strdup(line);
		else if (asprintf(&labels[n].key, "hale.check%s", line) < 0)
			abort();
		labels[n].value = strdup(eq + 1);
		if (labels[n].key == NULL || labels[n].value == NULL)
			abort();
		n++;
	}
	memset(&in, 0, sizeof(in));
	in.name = self_name;
	in.image = "nginx:latest";
	in.labels = labels;
	in.nlabels = n;
	in.ips = self_ips;
	in.nips = sizeof(self_ips) / sizeof(self_ips[0]);
	memset(&spec, 0, sizeof(spec));
	rc = checkspec_resolve(NULL, &in, &spec, err, sizeof(err), &why);
	if (rc == 1) {
		check_self(&spec);
		checkspec_free(&spec);
	} else if (rc == -1) {
		FUZZ_CHECK(why == CHECKSPEC_REJECT_INVALID ||
		    why == CHECKSPEC_REJECT_TARGET);
		FUZZ_CHECK(strlen(err) > 0);
	} else
		FUZZ_CHECK(rc == 0);
	for (i = 0; i < n; i++) {
		free(labels[i].key);
		free(labels[i].value);
	}
	free(text);
	return 0;
}
