/*
 * What an HTTP probe does with a response: the status and body matchers.
 * (The response itself is parsed by libcurl or by http_resp; the probes
 * keep only the status code and the first bytes of the body, then ask
 * these.)
 * Input: an expect_body pattern line, an expect_status line, two bytes
 * of status code, then the body. The spec is built the way a container's
 * labels build it, so the regex is compiled by the real code path.
 */
#include "fuzz.h"

#include "check/checkspec.h"

static char *
take_line(const uint8_t **data, size_t *size)
{
	const uint8_t	*nl = memchr(*data, '\n', *size);
	size_t		 n = nl != NULL ? (size_t)(nl - *data) : *size;
	char		*s = fuzz_str(*data, n);

	*data += n + (nl != NULL);
	*size -= n + (nl != NULL);
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_label	 labels[4];
	struct checkspec_input	 in;
	struct checkspec	 spec;
	enum checkspec_reject	 why;
	char			 err[CHECKSPEC_ERR_MAX], *body_pat, *status, *body;
	long			 code;
	int			 m;

	body_pat = take_line(&data, &size);
	status = take_line(&data, &size);
	code = size >= 2 ? (long)(data[0] | data[1] << 8) % 1000 : 200;
	if (size >= 2) {
		data += 2;
		size -= 2;
	}
	static char k_check[] = "hale.check", v_check[] = "http";
	static char k_port[] = "hale.check.port", v_port[] = "80";
	static char k_body[] = "hale.check.expect_body";
	static char k_status[] = "hale.check.expect_status";

	labels[0] = (struct docker_label){ k_check, v_check };
	labels[1] = (struct docker_label){ k_port, v_port };
	labels[2] = (struct docker_label){ k_body, body_pat };
	labels[3] = (struct docker_label){ k_status, status };
	memset(&in, 0, sizeof(in));
	in.name = "web";
	in.labels = labels;
	/* an empty line leaves that matcher at its default */
	in.nlabels = status[0] != '\0' ? 4 : body_pat[0] != '\0' ? 3 : 2;
	if (status[0] != '\0' && body_pat[0] == '\0') {
		labels[2] = labels[3];
		in.nlabels = 3;
	}
	memset(&spec, 0, sizeof(spec));
	if (checkspec_resolve(NULL, &in, &spec, err, sizeof(err), &why) == 1) {
		body = fuzz_bytes(data, size);
		/* -1: the regex reached a limit, which counts as no match. */
		m = checkspec_body_match(&spec, body, size, err, sizeof(err));
		FUZZ_CHECK(m == 0 || m == 1 || m == -1);
		m = checkspec_status_match(&spec, code);
		FUZZ_CHECK(m == 0 || m == 1);
		free(body);
		checkspec_free(&spec);
	}
	free(body_pat);
	free(status);
	return 0;
}
