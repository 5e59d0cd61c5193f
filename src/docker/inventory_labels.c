/*
 * inventory_labels: the label text every series of a container carries,
 * id, image, name, then container_label_<key> for each Docker label the
 * patterns allow and container_env_<name> for each allow-listed variable,
 * as cAdvisor names them. Pure: the inventory calls it on every inspect.
 *
 * Everything here comes from whoever may create a container, and every
 * byte of it is repeated on each of the container's series, so the text
 * is bounded (INVENTORY_LABEL* in inventory.h) and what the bounds leave
 * out is counted, never cut in the middle of a value.
 */
#include "docker/inventory.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

static int
glob_match(const char *const *globs, size_t nglobs, const char *key)
{
	size_t	 i;

	for (i = 0; i < nglobs; i++)
		if (fnmatch(globs[i], key, 0) == 0)
			return 1;
	return 0;
}

/* 1 if `name` is already in the "\n"-separated list `seen`. */
static int
seen_name(const struct buf *seen, const char *name)
{
	size_t		 n = strlen(name);
	const char	*p, *end;

	if (seen->len == 0)
		return 0;
	for (p = seen->data, end = seen->data + seen->len; p < end;
	    p += strcspn(p, "\n") + 1)
		if (strncmp(p, name, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

struct label_acc {
	struct buf	*out;
	struct buf	 seen;		/* names written, "\n"-separated */
	size_t		 base;		/* out->len before the first one */
	size_t		 count;
	size_t		 cut;
};

/*
 * Appends prefix+key="value" unless a bound says no. Sanitizing the whole
 * name is cAdvisor's rule; "a.b" and "a_b" then collide and the first one
 * (labels come sorted by key) wins, the other is counted as cut.
 */
static void
add_one(struct label_acc *a, const char *prefix, const char *key,
    const char *value, int lower)
{
	char	 raw[INVENTORY_LABEL_KEY_MAX + 32];
	char	 name[sizeof(raw) + 1];
	size_t	 before = a->out->len;
	char	*p;

	if (strlen(key) > INVENTORY_LABEL_KEY_MAX ||
	    strlen(value) > INVENTORY_METRIC_VALUE_MAX ||
	    a->count == INVENTORY_LABELS_MAX) {
		a->cut++;
		return;
	}
	snprintf(raw, sizeof(raw), "%s%s", prefix, key);
	if (metrics_sanitize_name(name, sizeof(name), raw) == -1) {
		a->cut++;
		return;
	}
	if (lower)
		for (p = name; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
	if (seen_name(&a->seen, name)) {
		a->cut++;
		return;
	}
	metrics_label(a->out, name, value);
	if (a->out->len - a->base > INVENTORY_LABELS_BYTES_MAX) {
		a->out->len = before;
		if (before > 0)
			a->out->data[before] = '\0';
		a->cut++;
		return;
	}
	buf_puts(&a->seen, name);
	buf_putc(&a->seen, '\n');
	a->count++;
}

size_t
inventory_label_text(const struct docker_inspect *d, const char *cgroup_id,
    const char *const *globs, size_t nglobs, struct buf *out)
{
	struct label_acc	 a;
	size_t			 i;

	buf_reset(out);
	metrics_label(out, "id", cgroup_id != NULL ? cgroup_id : "");
	metrics_label(out, "image", d->image != NULL ? d->image : "");
	metrics_label(out, "name", d->name != NULL ? d->name : "");
	memset(&a, 0, sizeof(a));
	a.out = out;
	a.base = out->len;
	a.cut = d->labels_dropped + d->env_dropped;
	buf_init(&a.seen);
	for (i = 0; i < d->nlabels; i++)
		if (glob_match(globs, nglobs, d->labels[i].key))
			add_one(&a, "container_label_", d->labels[i].key,
			    d->labels[i].value, 0);
	/* cAdvisor lowercases the variable's name. */
	for (i = 0; i < d->nenv; i++)
		add_one(&a, "container_env_", d->env[i].key, d->env[i].value,
		    1);
	buf_free(&a.seen);
	return a.cut;
}
