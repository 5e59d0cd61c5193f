/* basicauth_metrics: the hale_http_auth_* families. */
#include "http/basicauth.h"

#include <stdio.h>

void
basicauth_write_metrics(const struct basicauth *ba, struct metrics_writer *w)
{
	static const char	*const names[] = { "ok", "denied", "cached",
				    "limited", "busy", "missing" };
	struct basicauth_stats	 st;
	uint64_t		 v[6];
	size_t			 i;
	char			 l[32];

	if (ba == NULL)
		return;
	basicauth_get_stats(ba, &st);
	v[0] = st.ok;
	v[1] = st.denied;
	v[2] = st.cached;
	v[3] = st.limited;
	v[4] = st.busy;
	v[5] = st.missing;
	metrics_family(w, "hale_http_auth_attempts_total", METRICS_COUNTER,
	    "HTTP Basic authentication checks by result: ok and denied "
	    "(password hashed), cached (right, no hash), limited (429, too many "
	    "failures from the address), busy (503, hashing queue full), "
	    "missing (no credentials).");
	for (i = 0; i < 6; i++) {
		snprintf(l, sizeof(l), "result=\"%s\"", names[i]);
		metrics_sample_u64(w, "hale_http_auth_attempts_total", l, NULL,
		    v[i]);
	}
	metrics_family(w, "hale_http_auth_hashes_total", METRICS_COUNTER,
	    "Password hashes computed by the authentication worker threads.");
	metrics_sample_u64(w, "hale_http_auth_hashes_total", NULL, NULL,
	    st.hashed);
	metrics_family(w, "hale_http_auth_cache_entries", METRICS_GAUGE,
	    "Credentials remembered as right (keyed digests, no passwords).");
	metrics_sample_u64(w, "hale_http_auth_cache_entries", NULL, NULL,
	    (uint64_t)st.cache_entries);
	metrics_family(w, "hale_http_auth_queue_length", METRICS_GAUGE,
	    "Authentication checks waiting for or on a worker thread.");
	metrics_sample_u64(w, "hale_http_auth_queue_length", NULL, NULL,
	    (uint64_t)st.inflight);
	metrics_family(w, "hale_http_auth_limited_addresses", METRICS_GAUGE,
	    "Client addresses with recent failed logins (bucket not full).");
	metrics_sample_u64(w, "hale_http_auth_limited_addresses", NULL, NULL,
	    (uint64_t)st.limited_addresses);
}
