/*
 * Hostile event lines through the event model and every body it makes:
 * each line of the input is a Docker event (names and images are the
 * attacker's), fed to the ring with a simulated clock; every event
 * recorded is rendered in each webhook format and as Alertmanager
 * alerts, with the input's last line as the log tail and as the
 * healthcheck output. The JSON bodies must parse back, ntfy's title must
 * stay printable ASCII, Slack's text must not hold a bare < or >, and
 * Discord's content stays within 2000 bytes.
 */
#include "fuzz.h"

#include <cJSON.h>

#include "docker/docker_parse.h"
#include "docker/logtail.h"
#include "remedy/alerts.h"
#include "remedy/events.h"
#include "remedy/notify.h"

static struct alerts	*table;
static struct buf	 tail;		/* the log tail, as logtail makes it */

static void
check_json(const struct buf *b, int array)
{
	cJSON	*v = cJSON_ParseWithLength(b->data, b->len);

	FUZZ_CHECK(v != NULL);
	FUZZ_CHECK(array ? cJSON_IsArray(v) : cJSON_IsObject(v));
	cJSON_Delete(v);
}

static void
heard(void *arg, const struct event *ev, int recorded)
{
	struct notify_msg	 m;
	enum notify_format	 f;
	const cJSON		*t;
	cJSON			*v;
	size_t			 i;

	struct event		 c = *ev;

	(void)arg;
	alerts_observe(table, ev, "host", ev->time, 60000);
	if (!recorded)
		return;
	snprintf(c.health_output, sizeof(c.health_output), "%s",
	    tail.len > 0 ? tail.data : "");
	for (f = NOTIFY_FMT_JSON; f <= NOTIFY_FMT_NTFY; f++) {
		buf_init(&m.body);
		FUZZ_CHECK(notify_render(f, &c, tail.len > 0 ? tail.data : "",
		    "host\n<x>", &m) == 0);
		if (f != NOTIFY_FMT_NTFY)
			check_json(&m.body, 0);
		if (f == NOTIFY_FMT_SLACK) {
			v = cJSON_ParseWithLength(m.body.data, m.body.len);
			t = cJSON_GetObjectItemCaseSensitive(v, "text");
			FUZZ_CHECK(cJSON_IsString(t));
			FUZZ_CHECK(strpbrk(t->valuestring, "<>") == NULL);
			cJSON_Delete(v);
		}
		if (f == NOTIFY_FMT_DISCORD) {
			v = cJSON_ParseWithLength(m.body.data, m.body.len);
			t = cJSON_GetObjectItemCaseSensitive(v, "content");
			FUZZ_CHECK(cJSON_IsString(t));
			FUZZ_CHECK(strlen(t->valuestring) <= 2000);
			cJSON_Delete(v);
		}
		for (i = 0; m.title[i] != '\0'; i++)
			FUZZ_CHECK(m.title[i] >= 0x20 && m.title[i] <= 0x7e);
		buf_free(&m.body);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct events_config	 cfg;
	struct docker_event	 de;
	struct events		*e;
	struct buf		 b;
	char			*buf = fuzz_str(data, size), *line, *save = NULL;
	char			 err[256];
	double			 now = 1714557600;

	events_config_default(&cfg);
	cfg.ring_size = 8;
	cfg.rate_ms = size % 2 ? 0 : 1000;
	FUZZ_CHECK((e = events_new(&cfg)) != NULL);
	FUZZ_CHECK((table = alerts_new()) != NULL);
	events_set_listener(e, heard, NULL);
	/* The last line, through logtail as haled gets a tail. */
	{
		struct logtail	 lt;
		const char	*last = memrchr(buf, '\n', size);

		buf_init(&tail);
		logtail_init(&lt, LOGTAIL_RAW, 20, 4096);
		last = last != NULL ? last + 1 : buf;
		logtail_feed(&lt, last, strlen(last));
		FUZZ_CHECK(logtail_finish(&lt, &tail) == 0);
		buf_putc(&tail, '\0');
		tail.len--;
		logtail_free(&lt);
	}
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		now += 0.5;
		if (docker_parse_event(line, strlen(line), &de, err,
		    sizeof(err)) != 0)
			continue;
		events_docker(e, &de, NULL, now);
		if (de.action == DOCKER_ACTION_OOM)
			events_cgroup_oom(e, NULL, de.id, 1, -1, 5, now);
	}
	FUZZ_CHECK(events_count(e) <= 8);
	buf_init(&b);
	FUZZ_CHECK(events_json(e, NULL, NULL, &b) == 0);
	check_json(&b, 0);
	buf_reset(&b);
	alerts_tick(table, now, 60000);
	FUZZ_CHECK(alerts_json(table, now, 60000, &b) == 0);
	check_json(&b, 1);
	buf_free(&b);
	alerts_free(table);
	buf_free(&tail);
	events_free(e);
	free(buf);
	return 0;
}
