/*
 * The web config file's YAML (exporter-toolkit's web-config.yml): any
 * bytes are refused with a message or give a config that keeps the
 * parser's promises (TLS only with a certificate and a key, versions in
 * order, only the allowed headers, users without ':' and with bcrypt
 * hashes), and parsing the same bytes twice gives an equal config.
 */
#include "fuzz.h"

#include "http/webcfg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct webcfg	*wc, *again;
	char		*s, err[512];
	size_t		 i;

	s = fuzz_bytes(data, size);
	err[0] = '\0';
	wc = webcfg_parse(s, size, "/fuzz", err, sizeof(err));
	if (wc == NULL) {
		FUZZ_CHECK(err[0] != '\0');
		free(s);
		return 0;
	}
	if (wc->tls) {
		FUZZ_CHECK(wc->cert_file != NULL || wc->cert != NULL);
		FUZZ_CHECK(wc->key_file != NULL || wc->key != NULL);
		FUZZ_CHECK(wc->min_version <= wc->max_version);
	}
	FUZZ_CHECK(wc->cert_file == NULL || wc->cert_file[0] == '/');
	FUZZ_CHECK(wc->nheaders <= WEBCFG_HEADERS_MAX);
	for (i = 0; i < wc->nheaders; i++)
		FUZZ_CHECK(strpbrk(wc->headers[i].value, "\r\n") == NULL);
	for (i = 0; i < wc->nusers; i++) {
		FUZZ_CHECK(strchr(wc->users[i].name, ':') == NULL);
		FUZZ_CHECK(strlen(wc->users[i].hash) == 60);
	}
	again = webcfg_parse(s, size, "/fuzz", err, sizeof(err));
	FUZZ_CHECK(again != NULL);
	FUZZ_CHECK(webcfg_equal(wc, again));
	webcfg_free(again);
	webcfg_free(wc);
	free(s);
	return 0;
}
