/*
 * status_page: the HTML of `/` for a small inventory with hostile names,
 * images, labels and event text. The page may hold only the tags the
 * view writes (no script, no event handler attribute), every outside
 * value escaped, valid UTF-8 throughout; and its bounds hold.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/utf8.h"
#include "docker/inventory.h"
#include "http/status_page.h"
#include "remedy/events.h"

#define NOW	1790000000.0

#define HOSTILE_LABEL	"<script>alert(1)</script>"
#define HOSTILE_IMAGE	"evil\\\"'&<img src=x onerror=alert(2)>"

static void
id_of(unsigned i, char id[65])
{
	snprintf(id, 65, "%064x", i + 0xabc000u);
}

static struct inv_container *
add(struct inventory *inv, unsigned i, const char *name, const char *image,
    const char *state, const char *health, const char *labels)
{
	struct docker_inspect	 in;
	char			 json[4096], id[65], err[128];
	int			 n;

	id_of(i, id);
	n = snprintf(json, sizeof(json), "{\"Id\":\"%s\",\"Name\":\"/%s\","
	    "\"State\":{\"Status\":\"%s\",\"Pid\":0,\"StartedAt\":"
	    "\"2026-01-01T00:00:00Z\"%s%s%s},\"Config\":{\"Image\":\"%s\","
	    "\"Labels\":{%s}},\"HostConfig\":{\"NetworkMode\":\"none\"}}",
	    id, name, state, health != NULL ? ",\"Health\":{\"Status\":\"" : "",
	    health != NULL ? health : "", health != NULL ? "\"}" : "", image,
	    labels);
	assert_true(n > 0 && (size_t)n < sizeof(json));
	assert_int_equal(docker_parse_inspect(json, (size_t)n, &in, err,
	    sizeof(err)), 0);
	return inventory_upsert(inv, &in);
}

static struct inventory *
new_inv(void)
{
	struct inventory	*inv;
	char			 err[128];

	inv = inventory_new(NULL, NULL, NULL, 0, err, sizeof(err));
	assert_non_null(inv);
	return inv;
}

static struct events *
new_events(void)
{
	struct events_config	 cfg;
	struct events		*e;

	events_config_default(&cfg);
	cfg.rate_ms = 0;
	assert_non_null(e = events_new(&cfg));
	return e;
}

static char *
render(const struct status_page_src *src)
{
	struct buf	 b;

	buf_init(&b);
	status_page_render(src, NOW, &b);
	assert_false(b.oom);
	buf_putc(&b, '\0');
	return b.data;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	 n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/*
 * Every '<' opens one of the view's own tags, no attribute is an event
 * handler, and '>' closes what '<' opened: outside text left unescaped
 * fails one of these.
 */
static void
assert_only_own_markup(const char *page)
{
	static const char *const tags[] = { "!DOCTYPE", "html", "head",
	    "meta", "title", "style", "body", "h1", "h2", "h3", "p",
	    "section", "table", "tr", "th", "td", "span", "div", "code",
	    "br", "ol", "ul", "li", "b", "time", "a", NULL };
	const char	*p, *end, *text = page;
	char		 name[16];
	size_t		 n, i;
	int		 known;

	assert_int_equal(utf8_valid_len(page, strlen(page)), strlen(page));
	assert_null(strcasestr(page, "<script"));
	for (p = page; (p = strchr(p, '<')) != NULL; p = end + 1) {
		assert_null(memchr(text, '>', (size_t)(p - text)));
		p++;
		if (*p == '/')
			p++;
		for (n = 0; n < sizeof(name) - 1 && (isalnum((unsigned char)p[n]) ||
		    p[n] == '!'); n++)
			name[n] = p[n];
		name[n] = '\0';
		for (known = 0, i = 0; tags[i] != NULL; i++)
			known |= strcmp(tags[i], name) == 0;
		if (!known)
			fail_msg("unknown tag <%s> at ...%.40s", name, p);
		end = strchr(p, '>');
		assert_non_null(end);
		assert_null(memchr(p, '<', (size_t)(end - p)));
		for (i = 0; p + i + 3 < end; i++)
			if (isspace((unsigned char)p[i]) &&
			    strncasecmp(p + i + 1, "on", 2) == 0)
				fail_msg("event handler in <%.60s", p);
		text = end + 1;
	}
	assert_null(strchr(text, '>'));
}

static void
test_hostile_values(void **state)
{
	struct status_page_src	 src;
	struct inventory	*inv = new_inv();
	struct events		*e = new_events();
	struct inv_container	*c;
	struct event		 ev;
	char			*page, id[65];

	(void)state;
	c = add(inv, 1, "web", HOSTILE_IMAGE, "running", "unhealthy",
	    "\"note\":\"" HOSTILE_LABEL "\",\"q\":\"a\\\"b'c&d\"");
	assert_non_null(c);
	/* Raw bytes that are not UTF-8 in the name. */
	assert_non_null(add(inv, 2, "bad\xff\xfename", "img:1", "exited", NULL, ""));
	assert_non_null(add(inv, 3, "db", "img:1", "running", "healthy", ""));
	event_init(&ev, EVENT_EXIT, c->d.id, c, NOW - 5);
	ev.exit_code = 3;
	ev.will_restart = 1;
	assert_int_equal(events_record(e, &ev), 1);
	event_init(&ev, EVENT_REMEDIATED, c->d.id, c, NOW - 2);
	snprintf(ev.action, sizeof(ev.action), "<b>x");
	snprintf(ev.result, sizeof(ev.result), "\"ok'");
	assert_int_equal(events_record(e, &ev), 1);
	id_of(2, id);
	event_init(&ev, EVENT_UNHEALTHY, id, inventory_get(inv, id), NOW - 1);
	snprintf(ev.source, sizeof(ev.source), "<script>");
	assert_int_equal(events_record(e, &ev), 1);

	memset(&src, 0, sizeof(src));
	src.inv = inv;
	src.events = e;
	src.docker_known = 1;
	src.docker_up = 1;
	src.docker_api = 141;
	src.started_at = NOW - 3723;
	src.ready = 1;
	page = render(&src);
	assert_only_own_markup(page);
	/* Each value is there, escaped once. */
	assert_non_null(strstr(page, "note=&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(page, "q=a&quot;b&#39;c&amp;d"));
	assert_non_null(strstr(page,
	    "evil&quot;&#39;&amp;&lt;img src=x onerror=alert(2)&gt;"));
	assert_non_null(strstr(page, "bad\xef\xbf\xbd\xef\xbf\xbdname"));
	assert_non_null(strstr(page, "&lt;b&gt;x: &quot;ok&#39;"));
	assert_non_null(strstr(page, "(&lt;script&gt;)"));
	/* The daemon's state, the refresh, every container and its health. */
	assert_non_null(strstr(page, "<meta http-equiv=\"refresh\" content=\"10\">"));
	assert_non_null(strstr(page, "<span class=\"badge up\">up</span> "
	    "(Engine API 1.41)"));
	assert_non_null(strstr(page, "up 1h2m3s"));
	assert_non_null(strstr(page, "<h2>Containers (3)</h2>"));
	assert_int_equal(count(page, "<div class=\"ctr\""), 3);
	assert_non_null(strstr(page, "class=\"badge h-unhealthy health\">unhealthy<"));
	assert_non_null(strstr(page, "class=\"badge h-healthy health\">healthy<"));
	assert_non_null(strstr(page, "<b class=\"ev-exit\">exit</b> code 3, "
	    "Docker restarts it"));
	/* Sorted by name: bad…, db, web. */
	assert_true(strstr(page, "bad\xef\xbf\xbd") < strstr(page, ">db<"));
	assert_true(strstr(page, ">db<") < strstr(page, ">web<"));
	/* Newest event first within a container. */
	assert_true(strstr(page, "ev-remediated") < strstr(page, "ev-exit"));
	/* The endpoints are still listed. */
	assert_non_null(strstr(page, "href=\"/metrics\""));
	assert_non_null(strstr(page, "/api/v1/events"));
	assert_non_null(strstr(page, "POST /api/v1/containers/{id or name}/reset"));
	free(page);
	events_free(e);
	inventory_free(inv);
}

static void
test_long_values_cut(void **state)
{
	struct status_page_src	 src;
	struct inventory	*inv = new_inv();
	char			 image[STATUS_PAGE_TEXT * 4], *page;

	(void)state;
	memset(image, '<', sizeof(image) - 1);
	image[sizeof(image) - 1] = '\0';
	assert_non_null(add(inv, 1, "long", image, "running", NULL,
	    "\"l0\":\"\",\"l1\":\"\",\"l2\":\"\",\"l3\":\"\",\"l4\":\"\","
	    "\"l5\":\"\",\"l6\":\"\",\"l7\":\"\",\"l8\":\"\",\"l9\":\"\""));
	memset(&src, 0, sizeof(src));
	src.inv = inv;
	page = render(&src);
	assert_only_own_markup(page);
	assert_int_equal(count(page, "&lt;"), STATUS_PAGE_TEXT);
	assert_non_null(strstr(page, "&lt;\xe2\x80\xa6"));
	assert_non_null(strstr(page, "unknown"));	/* no Docker client */
	/* Labels sort by key: l0 to l7 shown, two more counted. */
	assert_non_null(strstr(page, "<code>l7=</code>"));
	assert_null(strstr(page, "<code>l8="));
	assert_non_null(strstr(page, "and 2 more</span>"));
	free(page);
	inventory_free(inv);
}

/* More containers and events than shown: the bounds, in one pass. */
static void
test_bounds(void **state)
{
	struct status_page_src	 src;
	struct events_config	 cfg;
	struct inventory	*inv = new_inv();
	struct events		*e;
	struct inv_container	*c;
	struct event		 ev;
	char			 name[32], *page, needle[64];
	unsigned		 i, k, extra = 37;
	clock_t			 t0;

	(void)state;
	events_config_default(&cfg);
	cfg.rate_ms = 0;
	cfg.ring_size = 20000;
	assert_non_null(e = events_new(&cfg));
	for (i = 0; i < STATUS_PAGE_CONTAINERS + extra; i++) {
		snprintf(name, sizeof(name), "c%05u", i);
		assert_non_null(c = add(inv, i, name, "img:1", "running", NULL,
		    ""));
		for (k = 0; k < 20; k++) {
			event_init(&ev, EVENT_EXIT, c->d.id, c, NOW - 100 + k);
			ev.exit_code = (int)k;
			assert_int_equal(events_record(e, &ev), 1);
		}
	}
	memset(&src, 0, sizeof(src));
	src.inv = inv;
	src.events = e;
	t0 = clock();
	page = render(&src);
	/* Linear: 537 containers and 10740 events take milliseconds. */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	assert_int_equal(count(page, "<div class=\"ctr\""), STATUS_PAGE_CONTAINERS);
	assert_int_equal(count(page, "<b class=\"ev-exit\">"),
	    STATUS_PAGE_CONTAINERS * STATUS_PAGE_EVENTS);
	snprintf(needle, sizeof(needle), "and %u more containers", extra);
	assert_non_null(strstr(page, needle));
	/* The first names are shown, with their newest events (19 to 15). */
	assert_non_null(strstr(page, ">c00000<"));
	assert_null(strstr(page, ">c00500<"));
	assert_non_null(strstr(page, "exit</b> code 19"));
	assert_null(strstr(page, "exit</b> code 14"));
	assert_true(strlen(page) < STATUS_PAGE_CONTAINERS * 4096);
	free(page);
	events_free(e);
	inventory_free(inv);
}

static void
test_empty(void **state)
{
	struct status_page_src	 src;
	char			*page;

	(void)state;
	memset(&src, 0, sizeof(src));
	src.inv = new_inv();
	page = render(&src);
	assert_only_own_markup(page);
	assert_non_null(strstr(page, "No containers."));
	assert_non_null(strstr(page, "in progress"));
	free(page);
	inventory_free(src.inv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_long_values_cut),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
