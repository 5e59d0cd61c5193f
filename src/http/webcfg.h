/*
 * webcfg: the web config file (--web.config.file), the YAML format of
 * Prometheus' exporter-toolkit (docs/web-configuration.md) with its field
 * names and semantics: tls_server_config, http_server_config and
 * basic_auth_users. Pure: YAML text in, a validated struct out, the first
 * problem named by its field ("tls_server_config.min_version: ...").
 * Unknown fields are errors, as in exporter-toolkit.
 *
 * Relative file names are made relative to the web config file's
 * directory, as exporter-toolkit does. The files themselves are read by
 * tls (tls_load), not here.
 */
#ifndef HALE_WEBCFG_H
#define HALE_WEBCFG_H

#include <stddef.h>

#include "http/basicauth.h"

#define WEBCFG_FILE_MAX		(64 * 1024)	/* bytes of YAML */
#define WEBCFG_LIST_MAX		32	/* cipher_suites, curve_preferences */
#define WEBCFG_HEADERS_MAX	5	/* exporter-toolkit allows five names */
#define WEBCFG_USERS_MAX	256
#define WEBCFG_VALUE_MAX	4096	/* a header value, a file name */


enum webcfg_client_auth {
	WEBCFG_NO_CLIENT_CERT = 0,
	WEBCFG_REQUEST_CLIENT_CERT,	/* asked for, never checked */
	WEBCFG_REQUIRE_ANY_CLIENT_CERT,	/* must be there, not verified */
	WEBCFG_VERIFY_CLIENT_CERT_IF_GIVEN,
	WEBCFG_REQUIRE_AND_VERIFY_CLIENT_CERT,
};

/* Ordered: min_version <= max_version compares these. */
enum webcfg_tls_version {
	WEBCFG_TLS10 = 10,
	WEBCFG_TLS11,
	WEBCFG_TLS12,
	WEBCFG_TLS13,
};

struct webcfg_header {
	char	*name;
	char	*value;
};

struct webcfg {
	int			 tls;		/* a certificate was configured */
	/* Paths made absolute or relative to the cwd; inline PEM instead. */
	char			*cert_file, *key_file, *client_ca_file;
	char			*cert, *key, *client_ca;
	enum webcfg_client_auth	 client_auth;
	enum webcfg_tls_version	 min_version, max_version;
	const char		*ciphers[WEBCFG_LIST_MAX];	/* Go names, static */
	size_t			 nciphers;
	const char		*curves[WEBCFG_LIST_MAX];	/* Go names, static */
	size_t			 ncurves;
	int			 prefer_server_cipher_suites;
	/* client_allowed_sans: a client certificate must name one of these. */
	char			*sans[WEBCFG_LIST_MAX];
	size_t			 nsans;
	int			 http2;		/* accepted, MHD has no HTTP/2 */
	struct webcfg_header	 headers[WEBCFG_HEADERS_MAX];
	size_t			 nheaders;
	struct basicauth_user	*users;		/* owned strings */
	size_t			 nusers;
	/* basic_auth_excluded_paths: parsed; haled refuses them (see README). */
	char			*excluded[WEBCFG_LIST_MAX];
	size_t			 nexcluded;
};

/*
 * Parses YAML text; `dir` is the directory relative file names are
 * resolved against (NULL: left as they are). NULL with the problem in
 * err, naming the field.
 */
struct webcfg	*webcfg_parse(const char *yaml, size_t len, const char *dir,
		    char *err, size_t errlen);
/* Reads and parses the file; the message names the file or the field. */
struct webcfg	*webcfg_load(const char *path, char *err, size_t errlen);
void		 webcfg_free(struct webcfg *);
/* 1 when both say the same (same files, values, users). */
int		 webcfg_equal(const struct webcfg *, const struct webcfg *);

#endif
