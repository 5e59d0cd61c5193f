/*
 * Durations ("1h30m") and expected-status lists ("200-399,5xx"): the
 * first byte picks which. A parsed duration formats back to text that
 * parses to the same value; a parsed status list holds ordered ranges
 * of real HTTP codes within the cap.
 */
#include "fuzz.h"

#include "check/checkspec.h"
#include "core/duration.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct checkspec_range	 r[CHECKSPEC_STATUS_MAX];
	char			 err[256], text[64], *s;
	uint64_t		 ms, back;
	size_t			 n = 0, i;

	if (size < 1)
		return 0;
	s = fuzz_str(data + 1, size - 1);
	if (data[0] & 1) {
		if (duration_parse(s, &ms) == 0) {
			duration_format(ms, text, sizeof(text));
			FUZZ_CHECK(duration_parse(text, &back) == 0);
			FUZZ_CHECK(back == ms);
		}
	} else if (checkspec_status_parse(s, r, CHECKSPEC_STATUS_MAX, &n, err,
	    sizeof(err)) == 0) {
		FUZZ_CHECK(n >= 1 && n <= CHECKSPEC_STATUS_MAX);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(r[i].lo >= 100 && r[i].lo <= r[i].hi &&
			    r[i].hi <= 599);
	}
	free(s);
	return 0;
}
