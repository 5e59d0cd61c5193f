/*
 * The config file, through config_from_json with the daemon's own
 * sections table (checks, remediation, notify, web.admin_*), so every
 * module's parser of its part is reached. A config that loads has
 * produced no errors; one that fails has said why.
 */
#include "fuzz.h"

#include <unistd.h>

#include "core/config.h"
#include "daemon/sections.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Only the file decides: no DOCKER_HOST from the fuzzer's environment. */
	unsetenv("DOCKER_HOST");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_flags	 flags;
	struct config		*c;
	struct buf		 errors;
	char			*json = fuzz_bytes(data, size);

	memset(&flags, 0, sizeof(flags));
	buf_init(&errors);
	c = config_from_json(json, size, &flags, sections_table, &errors);
	if (c != NULL) {
		FUZZ_CHECK(c->nlisten >= 1 && c->nlisten <= CONFIG_LISTEN_MAX);
		FUZZ_CHECK(c->nlabel_allow <= CONFIG_LABELS_MAX);
		config_free(c);
	} else
		FUZZ_CHECK(errors.len > 0 || errors.oom);
	buf_free(&errors);
	free(json);
	return 0;
}
