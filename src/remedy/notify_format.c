/*
 * notify_format: a hale event as a webhook body: the generic JSON
 * document, a one-line text for chat receivers (Slack-compatible,
 * Discord) and ntfy's text with its headers. Pure: event in, bytes out.
 *
 * Container names and images come from outside: in Slack's text &, < and
 * > are escaped (else "<!channel>" would ping everyone), Discord's body
 * allows no mentions, ntfy's header values keep printable ASCII only.
 * The context (Docker's healthcheck output, hale's checks, the log tail)
 * follows the first line; the log tail is a code block in chat formats,
 * with its backticks made quotes so it cannot close the block.
 */
#include "remedy/notify.h"

#include <stdio.h>
#include <string.h>

#include "core/duration.h"
#include "core/json.h"
#include "core/utf8.h"
#include "remedy/events.h"

#define DISCORD_CONTENT_MAX	2000	/* Discord refuses longer content */
#define DISCORD_TAIL_MAX	1200

static void
put_text(struct buf *out, const char *s)
{
	utf8_append(out, s, strlen(s));
}

/* "web (nginx:1.25)", or the short id when the name is not known. */
static void
put_who(struct buf *out, const struct event *ev)
{
	if (ev->name[0] != '\0')
		put_text(out, ev->name);
	else
		buf_printf(out, "%.12s", ev->id);
	if (ev->image[0] != '\0') {
		buf_puts(out, " (");
		put_text(out, ev->image);
		buf_putc(out, ')');
	}
}

static void
put_host(struct buf *out, const char *host)
{
	if (host != NULL && host[0] != '\0') {
		buf_puts(out, " on ");
		put_text(out, host);
	}
}

static void
put_mib(struct buf *out, int64_t bytes)
{
	buf_printf(out, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
}

/* ", memory U of L" or ", limit L" where known. */
static void
put_memory(const struct event *ev, struct buf *out)
{
	if (ev->mem_usage >= 0 && ev->mem_limit >= 0) {
		buf_puts(out, ", memory ");
		put_mib(out, ev->mem_usage);
		buf_puts(out, " of ");
		put_mib(out, ev->mem_limit);
	} else if (ev->mem_limit >= 0) {
		buf_puts(out, ", limit ");
		put_mib(out, ev->mem_limit);
	}
}

static void
text_oom(const struct event *ev, struct buf *out)
{
	buf_puts(out, " was OOM-killed");
	if (ev->oom_kills >= 0)
		buf_printf(out, " (kill %lld in its cgroup)",
		    (long long)ev->oom_kills);
	put_memory(ev, out);
}

static void
text_exit(const struct event *ev, struct buf *out)
{
	buf_printf(out, " exited with code %d", ev->exit_code);
	if (ev->oom_killed == 1)
		buf_puts(out, ", OOM-killed");
	if (ev->run_seconds >= 0)
		buf_printf(out, " after %.1f s", ev->run_seconds);
	put_memory(ev, out);
	if (ev->will_restart == 1)
		buf_puts(out, "; Docker will restart it");
	else if (ev->will_restart == 0)
		buf_puts(out, "; Docker will not restart it");
}

static void
text_loop(const struct event *ev, struct buf *out)
{
	char	 win[32];

	duration_format(ev->window > 0 ? (uint64_t)(ev->window * 1000) : 0,
	    win, sizeof(win));
	buf_printf(out, " is in a restart loop: %d restarts by Docker in %s",
	    ev->restarts, win);
	if (ev->restart_count >= 0)
		buf_printf(out, " (restart count %d)", ev->restart_count);
}

void
notify_event_text(const struct event *ev, const char *host, struct buf *out)
{
	buf_puts(out, "[hale] ");
	if (ev->kind == EVENT_REMEDIATED) {
		buf_printf(out, "%s of ", ev->action[0] != '\0' ? ev->action :
		    "action");
		put_who(out, ev);
		put_host(out, host);
		buf_printf(out, ": %s", ev->result[0] != '\0' ? ev->result :
		    "pending");
		return;
	}
	if (ev->kind == EVENT_GAVE_UP) {
		buf_puts(out, "gave up on ");
		put_who(out, ev);
		put_host(out, host);
		buf_puts(out, ": the remediation budget is spent");
		return;
	}
	if (ev->kind == EVENT_RECOVERED || ev->kind == EVENT_RESET) {
		buf_puts(out, "remediation of ");
		put_who(out, ev);
		put_host(out, host);
		buf_puts(out, ev->kind == EVENT_RECOVERED ?
		    " resumes: healthy again after the give-up" :
		    " resumes: an operator reset it");
		return;
	}
	put_who(out, ev);
	put_host(out, host);
	switch (ev->kind) {
	case EVENT_OOM:
		text_oom(ev, out);
		break;
	case EVENT_EXIT:
		text_exit(ev, out);
		break;
	case EVENT_RESTART_LOOP:
		text_loop(ev, out);
		break;
	case EVENT_UNHEALTHY:
	case EVENT_HEALTHY:
		buf_puts(out, ev->kind == EVENT_UNHEALTHY ? " is unhealthy" :
		    " is healthy again");
		if (ev->source[0] != '\0')
			buf_printf(out, " (%s check)", ev->source);
		break;
	default:
		break;
	}
}

/*
 * The last `max` bytes of the tail (0: all), from a line start when a
 * whole line fits; `fence` turns backticks into quotes.
 */
static void
put_tail(struct buf *out, const char *tail, size_t max, int fence)
{
	size_t		 n = strlen(tail), start = 0, i;
	struct buf	 t;

	if (max > 0 && n > max) {
		start = n - max;
		for (i = start; i < n && tail[i] != '\n'; i++)
			;
		if (i + 1 < n)
			start = i + 1;
	}
	buf_init(&t);
	utf8_append(&t, tail + start, n - start);
	for (i = 0; i < t.len; i++)
		buf_putc(out, fence && t.data[i] == '`' ? '\'' : t.data[i]);
	if (t.oom)
		out->oom = 1;
	buf_free(&t);
}

void
notify_event_context(const struct event *ev, const char *tail, int fence,
    size_t tail_max, struct buf *out)
{
	if (ev->health_output[0] != '\0') {
		buf_puts(out, "\nHealthcheck output: ");
		put_text(out, ev->health_output);
	}
	if (ev->checks[0] != '\0') {
		buf_puts(out, "\nhale's checks:\n");
		put_text(out, ev->checks);
	}
	if (tail != NULL && tail[0] != '\0') {
		buf_puts(out, fence ? "\nLast log lines:\n```\n" :
		    "\nLast log lines:\n");
		put_tail(out, tail, tail_max, fence);
		if (fence)
			buf_puts(out, "\n```");
	}
}

/* ---- bodies ----------------------------------------------------------------- */

static int
render_json(const struct event *ev, const char *tail, const char *host,
    struct buf *out)
{
	cJSON	*o, *root, *it;

	if ((o = event_json(ev)) == NULL ||
	    (root = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(o);
		return -1;
	}
	cJSON_AddNumberToObject(root, "version", 1);
	cJSON_AddStringToObject(root, "event", event_kind_name(ev->kind));
	cJSON_DeleteItemFromObjectCaseSensitive(o, "kind");
	if ((it = cJSON_DetachItemFromObjectCaseSensitive(o, "time")) != NULL)
		cJSON_AddItemToObject(root, "time", it);
	json_add_str(root, "host", host != NULL && host[0] != '\0' ? host :
	    NULL);
	while ((it = o->child) != NULL) {
		cJSON_DetachItemViaPointer(o, it);
		cJSON_AddItemToObject(root, it->string, it);
	}
	cJSON_Delete(o);
	/* The tail is UTF-8 already (logtail_finish). */
	if (tail != NULL &&
	    cJSON_AddStringToObject(root, "log_tail", tail) == NULL) {
		cJSON_Delete(root);
		return -1;
	}
	return json_emit(root, out);
}

/* Slack's three control characters of message text. */
static void
slack_escape(const char *s, size_t n, struct buf *out)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] == '&')
			buf_puts(out, "&amp;");
		else if (s[i] == '<')
			buf_puts(out, "&lt;");
		else if (s[i] == '>')
			buf_puts(out, "&gt;");
		else
			buf_putc(out, s[i]);
}

/* Cuts a message to `max` bytes on a UTF-8 boundary. */
static void
cut(struct buf *b, size_t max)
{
	if (b->len > max) {
		b->len = utf8_valid_len(b->data, max);
		b->data[b->len] = '\0';
	}
}

static int
render_chat(enum notify_format fmt, const struct event *ev, const char *tail,
    const char *host, struct buf *out)
{
	struct buf	 t, esc;
	cJSON		*root;
	int		 rc = -1;

	buf_init(&t);
	buf_init(&esc);
	notify_event_text(ev, host, &t);
	notify_event_context(ev, tail, 1, fmt == NOTIFY_FMT_DISCORD ?
	    DISCORD_TAIL_MAX : 0, &t);
	if (fmt == NOTIFY_FMT_DISCORD)
		cut(&t, DISCORD_CONTENT_MAX);
	if (t.oom || (root = cJSON_CreateObject()) == NULL)
		goto out;
	if (fmt == NOTIFY_FMT_SLACK) {
		slack_escape(t.data, t.len, &esc);
		if (esc.oom) {
			cJSON_Delete(root);
			goto out;
		}
		cJSON_AddStringToObject(root, "text", esc.data);
	} else {
		cJSON_AddStringToObject(root, "content", t.data);
		/* A container named "@everyone" pings nobody. */
		cJSON_AddArrayToObject(cJSON_AddObjectToObject(root,
		    "allowed_mentions"), "parse");
	}
	rc = json_emit(root, out);
out:
	buf_free(&t);
	buf_free(&esc);
	return rc;
}

/* ntfy's priority and tags (emoji short codes, then the kind). */
static void
ntfy_meta(const struct event *ev, struct notify_msg *m)
{
	static const struct {
		int		 prio;
		const char	*emoji;
	} meta[EVENT_KIND_COUNT] = {
		[EVENT_OOM] = { 4, "rotating_light" },
		[EVENT_EXIT] = { 4, "warning" },
		[EVENT_RESTART_LOOP] = { 4, "repeat" },
		[EVENT_UNHEALTHY] = { 4, "warning" },
		[EVENT_HEALTHY] = { 3, "white_check_mark" },
		[EVENT_REMEDIATED] = { 3, "wrench" },
		[EVENT_GAVE_UP] = { 5, "x" },
		[EVENT_RECOVERED] = { 3, "white_check_mark" },
		[EVENT_RESET] = { 3, "leftwards_arrow_with_hook" },
	};
	const char	*name = ev->name[0] != '\0' ? ev->name : ev->id;
	size_t		 i, n;
	char		*p;

	m->priority = meta[ev->kind].prio;
	if (ev->kind == EVENT_REMEDIATED && strcmp(ev->result, "ok") != 0 &&
	    strcmp(ev->result, "dry_run") != 0)
		m->priority = 4;
	snprintf(m->tags, sizeof(m->tags), "%s,%s", meta[ev->kind].emoji,
	    event_kind_name(ev->kind));
	n = (size_t)snprintf(m->title, sizeof(m->title), "hale: %s %.*s",
	    event_kind_name(ev->kind), 120, name);
	if (n >= sizeof(m->title))
		n = sizeof(m->title) - 1;
	/* A header value: no CR, LF or other bytes outside printable ASCII. */
	for (i = 0, p = m->title; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
			p[i] = '?';
}

int
notify_render(enum notify_format fmt, const struct event *ev,
    const char *tail, const char *host, struct notify_msg *m)
{
	m->title[0] = m->tags[0] = '\0';
	m->priority = 0;
	m->content_type = "application/json";
	if ((unsigned)ev->kind >= EVENT_KIND_COUNT)
		return -1;
	switch (fmt) {
	case NOTIFY_FMT_JSON:
		return render_json(ev, tail, host, &m->body);
	case NOTIFY_FMT_SLACK:
	case NOTIFY_FMT_DISCORD:
		return render_chat(fmt, ev, tail, host, &m->body);
	case NOTIFY_FMT_NTFY:
		m->content_type = "text/plain; charset=utf-8";
		ntfy_meta(ev, m);
		notify_event_text(ev, host, &m->body);
		notify_event_context(ev, tail, 0, 0, &m->body);
		return m->body.oom ? -1 : 0;
	}
	return -1;
}
