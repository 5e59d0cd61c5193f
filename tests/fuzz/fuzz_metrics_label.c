/*
 * Label values in the exposition: metrics_label must produce
 * key="escaped" where the escaped value has no raw newline and every '"'
 * and '\' inside is escaped, so a hostile container label can never end
 * the value early or start a new sample line. Unescaping gives back the
 * input as UTF-8 (each ill-formed sequence a U+FFFD, utf8_dup's form),
 * and the value is valid UTF-8. metrics_sanitize_name must give a valid
 * label name.
 */
#include "fuzz.h"

#include <ctype.h>

#include "core/buf.h"
#include "core/metrics.h"
#include "core/utf8.h"

static void
check_escaped(const struct buf *b, const char *value)
{
	const char	*p, *end = b->data + b->len;
	size_t		 i = 0;

	FUZZ_CHECK(b->len >= 4 && memcmp(b->data, "k=\"", 3) == 0);
	FUZZ_CHECK(end[-1] == '"');
	FUZZ_CHECK(memchr(b->data, '\n', b->len) == NULL);
	for (p = b->data + 3; p < end - 1; p++) {
		char c = *p;

		FUZZ_CHECK(c != '"');
		if (c == '\\') {
			FUZZ_CHECK(p + 1 < end - 1);
			c = *++p;
			FUZZ_CHECK(c == '\\' || c == '"' || c == 'n');
			if (c == 'n')
				c = '\n';
		}
		FUZZ_CHECK(value[i] == c);
		i++;
	}
	FUZZ_CHECK(value[i] == '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 b;
	char		*value = fuzz_str(data, size), name[64], *clean;
	size_t		 i;

	buf_init(&b);
	metrics_label(&b, "k", value);
	if (!b.oom && (clean = utf8_dup(value)) != NULL) {
		FUZZ_CHECK(utf8_valid_len(b.data, b.len) == b.len);
		check_escaped(&b, clean);
		free(clean);
	}
	buf_free(&b);
	if (metrics_sanitize_name(name, sizeof(name), value) == 0) {
		FUZZ_CHECK(name[0] == '\0' || !isdigit((unsigned char)name[0]));
		for (i = 0; name[i] != '\0'; i++)
			FUZZ_CHECK(isalnum((unsigned char)name[i]) || name[i] == '_');
	}
	free(value);
	return 0;
}
