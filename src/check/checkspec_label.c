/*
 * checkspec_label: a container's hale.check* labels into a spec. Labels
 * are hostile: besides what each field's parser refuses, keys that try
 * to aim a probe elsewhere (hale.check.url, .address, ...) are refused as
 * CHECKSPEC_REJECT_TARGET, headers can't be set at all, and any other
 * unknown hale.check.* key is an error rather than ignored.
 */
#include "check/checkspec_field.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/quote.h"

/* Keys people might try to aim a probe elsewhere with. */
static int
aiming_key(const char *suffix)
{
	static const char *const keys[] = { "url", "uri", "address", "addr",
	    "ip", "hostname", "endpoint", "proxy" };
	size_t			 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(suffix, keys[i]) == 0)
			return 1;
	return 0;
}

/* A label key for a message: bare when it is clean, else quoted and escaped. */
static void
key_name(const char *key, char *dst, size_t dstlen)
{
	size_t	 i;

	for (i = 0; key[i] != '\0' && i < 64; i++)
		if ((unsigned char)key[i] <= 0x20 || (unsigned char)key[i] >= 0x7f ||
		    key[i] == '"' || key[i] == '\\' || key[i] == '=')
			break;
	if (key[i] == '\0')
		snprintf(dst, dstlen, "%s", key);
	else
		quote_value(key, dst, dstlen);
}

static int
label_one(struct checkspec *s, const char *key, const char *val,
    struct checkspec_pctx *p, char *err, size_t errlen)
{
	const char	*suffix;
	char		 msg[CHECKSPEC_ERR_MAX], k[80];
	int		 f;

	key_name(key, k, sizeof(k));
	if (strcmp(key, CHECKSPEC_LABEL_PREFIX) == 0)
		f = CSF_CHECK;
	else {
		suffix = key + sizeof(CHECKSPEC_LABEL_PREFIX);
		if (aiming_key(suffix)) {
			p->why = CHECKSPEC_REJECT_TARGET;
			return err_set(err, errlen, "%s: a label cannot aim a "
			    "probe at an address or URL; hale probes the "
			    "container itself (use " CHECKSPEC_LABEL_PREFIX
			    ".port and " CHECKSPEC_LABEL_PREFIX ".path)", k);
		}
		if (strcmp(suffix, "headers") == 0 ||
		    strncmp(suffix, "header.", 7) == 0)
			return err_set(err, errlen, "%s: headers can only be set "
			    "in a config rule", k);
		if ((f = checkspec_field_by_name(suffix)) == -1 ||
		    f == CSF_CHECK || f == CSF_HEADERS)
			return err_set(err, errlen, "%s: unknown label", k);
	}
	if (strlen(val) > CHECKSPEC_VALUE_MAX)
		return err_set(err, errlen, "%s: value longer than %d bytes", k,
		    CHECKSPEC_VALUE_MAX);
	if (checkspec_field_parse((enum checkspec_field)f, s, val, p, msg,
	    sizeof(msg)) == -1)
		return err_set(err, errlen, "%s: %s", k, msg);
	s->set |= 1u << f;
	return 0;
}

int
checkspec_from_labels(struct checkspec *s, const struct checkspec_input *in,
    char *err, size_t errlen, enum checkspec_reject *why)
{
	struct checkspec_pctx	 p = { 1, in, CHECKSPEC_REJECT_NONE };
	size_t			 i, plen = strlen(CHECKSPEC_LABEL_PREFIX);
	int			 any = 0;

	for (i = 0; i < in->nlabels; i++) {
		const char *key = in->labels[i].key;

		if (key == NULL ||
		    strncmp(key, CHECKSPEC_LABEL_PREFIX, plen) != 0 ||
		    (key[plen] != '\0' && key[plen] != '.'))
			continue;
		any = 1;
		p.why = CHECKSPEC_REJECT_NONE;
		if (label_one(s, key, in->labels[i].value != NULL ?
		    in->labels[i].value : "", &p, err, errlen) == -1) {
			*why = p.why != CHECKSPEC_REJECT_NONE ? p.why :
			    CHECKSPEC_REJECT_INVALID;
			return -1;
		}
	}
	return any;
}
