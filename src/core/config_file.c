/*
 * config_file: the JSON config file read from disk (bounded, the default
 * file may be absent) and handed to config_from_json.
 */
#include "core/config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/file.h"

#define CONFIG_FILE_MAX		(1024 * 1024)

const char *
config_file_path(const struct config_flags *f)
{
	return f->config_file != NULL ? f->config_file : CONFIG_DEFAULT_FILE;
}

static int
read_file(const char *path, struct buf *out, struct buf *errors, int *missing)
{
	*missing = 0;
	if (file_read_buf(path, CONFIG_FILE_MAX, out) == 0)
		return 0;
	*missing = errno == ENOENT;
	if (errno == EFBIG)
		buf_printf(errors, "%s: larger than %d bytes\n", path,
		    CONFIG_FILE_MAX);
	else
		buf_printf(errors, "%s: cannot open: %s\n", path, strerror(errno));
	return -1;
}

struct config *
config_load(const struct config_flags *f,
    const struct config_section *sections, struct buf *errors)
{
	struct buf	 text;
	struct config	*cfg;
	const char	*path = config_file_path(f);
	int		 missing;
	size_t		 mark = errors->len;

	buf_init(&text);
	if (read_file(path, &text, errors, &missing) == -1) {
		/* Only the default file may be absent. */
		if (!(missing && f->config_file == NULL)) {
			buf_free(&text);
			return NULL;
		}
		errors->len = mark;
		if (errors->data != NULL)
			errors->data[mark] = '\0';
		cfg = config_from_json(NULL, 0, f, sections, errors);
	} else
		cfg = config_from_json(text.data != NULL ? text.data : "",
		    text.len, f, sections, errors);
	buf_free(&text);
	return cfg;
}
