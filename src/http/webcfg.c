/*
 * webcfg: exporter-toolkit's web-config.yml (see webcfg.h). libyaml loads
 * the document tree; each section is walked key by key, so an unknown key
 * is found where it stands and named with its path.
 */
#include "http/webcfg.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/file.h"
#include "http/auth.h"
#include "http/tls.h"
#include "http/webcfg_yaml.h"

#define TLS		"tls_server_config"
#define HTTP		"http_server_config"

struct parse {
	struct webcfg	*wc;
	const char	*dir;
	/* Which of the TLS fields were set, for the checks across fields. */
	int		 have_auth_type;
};

/* A copy of s (NULL: nothing set) of at most max bytes. */
static int
set_str(struct ywalk *w, const char *path, char **dst, const char *s,
    size_t max)
{
	if (s == NULL)
		return 0;
	if (strlen(s) > max)
		return ywalk_problem(w, path, "longer than %zu bytes", max);
	if ((*dst = strdup(s)) == NULL)
		return ywalk_problem(w, path, "out of memory");
	return 0;
}

/* A file name, relative ones joined to the web config's directory. */
static int
set_file(struct ywalk *w, struct parse *p, const char *path, char **dst,
    const yaml_node_t *n)
{
	const char	*s;
	size_t		 len;

	if (ywalk_string(w, path, n, &s) == -1)
		return -1;
	if (s == NULL || *s == '\0')
		return 0;
	if (s[0] == '/' || p->dir == NULL)
		return set_str(w, path, dst, s, WEBCFG_VALUE_MAX);
	if (strlen(s) > WEBCFG_VALUE_MAX)
		return ywalk_problem(w, path, "longer than %d bytes",
		    WEBCFG_VALUE_MAX);
	len = strlen(p->dir) + 1 + strlen(s) + 1;
	if ((*dst = malloc(len)) == NULL)
		return ywalk_problem(w, path, "out of memory");
	snprintf(*dst, len, "%s/%s", p->dir, s);
	return 0;
}

/* Inline PEM text (cert, key, client_ca). */
static int
set_inline(struct ywalk *w, const char *path, char **dst, const yaml_node_t *n)
{
	const char	*s;

	if (ywalk_string(w, path, n, &s) == -1)
		return -1;
	if (s == NULL || *s == '\0')
		return 0;
	return set_str(w, path, dst, s, TLS_PEM_MAX);
}

static const char *const client_auth_names[] = {
	[WEBCFG_NO_CLIENT_CERT] = "NoClientCert",
	[WEBCFG_REQUEST_CLIENT_CERT] = "RequestClientCert",
	[WEBCFG_REQUIRE_ANY_CLIENT_CERT] = "RequireAnyClientCert",
	[WEBCFG_VERIFY_CLIENT_CERT_IF_GIVEN] = "VerifyClientCertIfGiven",
	[WEBCFG_REQUIRE_AND_VERIFY_CLIENT_CERT] = "RequireAndVerifyClientCert",
};

static int
set_client_auth(struct ywalk *w, struct parse *p, const char *path,
    const yaml_node_t *n)
{
	const char	*s;
	size_t		 i;

	if (ywalk_string(w, path, n, &s) == -1)
		return -1;
	if (s == NULL || *s == '\0')
		return 0;
	p->have_auth_type = 1;
	/* exporter-toolkit takes Go's older name too. */
	if (strcmp(s, "RequireClientCert") == 0)
		s = "RequireAnyClientCert";
	for (i = 0; i < sizeof(client_auth_names) / sizeof(client_auth_names[0]);
	    i++)
		if (strcmp(s, client_auth_names[i]) == 0) {
			p->wc->client_auth = (enum webcfg_client_auth)i;
			return 0;
		}
	return ywalk_problem(w, path, "\"%.64s\" is not one of NoClientCert, "
	    "RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, "
	    "RequireAndVerifyClientCert", s);
}

static int
set_version(struct ywalk *w, const char *path, enum webcfg_tls_version *v,
    const yaml_node_t *n)
{
	enum webcfg_tls_version	 i;
	const char		*s;

	if (ywalk_string(w, path, n, &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	for (i = WEBCFG_TLS10; i <= WEBCFG_TLS13; i++)
		if (strcmp(s, tls_version_name(i)) == 0) {
			*v = i;
			return 0;
		}
	return ywalk_problem(w, path, "\"%.32s\" is not one of TLS10, TLS11, "
	    "TLS12, TLS13", s);
}

static int
add_cipher(struct ywalk *w, const char *path, const char *s, void *arg)
{
	struct webcfg		*wc = arg;
	const struct tls_cipher	*c;

	if ((c = tls_cipher_find(s)) == NULL)
		return ywalk_problem(w, path, "\"%.64s\" is not a cipher suite "
		    "haled can map to GnuTLS (Go's crypto/tls names, e.g. "
		    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)", s);
	if (wc->nciphers == WEBCFG_LIST_MAX)
		return ywalk_problem(w, path, "more than %d cipher suites",
		    WEBCFG_LIST_MAX);
	wc->ciphers[wc->nciphers++] = c->go;
	return 0;
}

static int
add_curve(struct ywalk *w, const char *path, const char *s, void *arg)
{
	struct webcfg		*wc = arg;
	const struct tls_curve	*c;

	if ((c = tls_curve_find(s)) == NULL)
		return ywalk_problem(w, path, "\"%.64s\" is not one of CurveP256, "
		    "CurveP384, CurveP521, X25519", s);
	if (wc->ncurves == WEBCFG_LIST_MAX)
		return ywalk_problem(w, path, "more than %d curves",
		    WEBCFG_LIST_MAX);
	wc->curves[wc->ncurves++] = c->go;
	return 0;
}

static int
add_san(struct ywalk *w, const char *path, const char *s, void *arg)
{
	struct webcfg	*wc = arg;

	if (wc->nsans == WEBCFG_LIST_MAX)
		return ywalk_problem(w, path, "more than %d names",
		    WEBCFG_LIST_MAX);
	return set_str(w, path, &wc->sans[wc->nsans++], s, WEBCFG_VALUE_MAX);
}

static int
tls_entry(struct ywalk *w, struct yentry *e, void *arg)
{
	struct parse	*p = arg;
	struct webcfg	*wc = p->wc;
	const char	*k = e->key;

	if (strcmp(k, "cert_file") == 0)
		return set_file(w, p, e->path, &wc->cert_file, e->value);
	if (strcmp(k, "key_file") == 0)
		return set_file(w, p, e->path, &wc->key_file, e->value);
	if (strcmp(k, "client_ca_file") == 0)
		return set_file(w, p, e->path, &wc->client_ca_file, e->value);
	if (strcmp(k, "cert") == 0)
		return set_inline(w, e->path, &wc->cert, e->value);
	if (strcmp(k, "key") == 0)
		return set_inline(w, e->path, &wc->key, e->value);
	if (strcmp(k, "client_ca") == 0)
		return set_inline(w, e->path, &wc->client_ca, e->value);
	if (strcmp(k, "client_auth_type") == 0)
		return set_client_auth(w, p, e->path, e->value);
	if (strcmp(k, "min_version") == 0)
		return set_version(w, e->path, &wc->min_version, e->value);
	if (strcmp(k, "max_version") == 0)
		return set_version(w, e->path, &wc->max_version, e->value);
	if (strcmp(k, "cipher_suites") == 0)
		return ywalk_strings(w, e->path, e->value, add_cipher, wc);
	if (strcmp(k, "curve_preferences") == 0)
		return ywalk_strings(w, e->path, e->value, add_curve, wc);
	if (strcmp(k, "prefer_server_cipher_suites") == 0)
		return ywalk_bool(w, e->path, e->value,
		    &wc->prefer_server_cipher_suites);
	if (strcmp(k, "client_allowed_sans") == 0)
		return ywalk_strings(w, e->path, e->value, add_san, wc);
	return ywalk_problem(w, e->path, "unknown field");
}

/* exporter-toolkit's five headers; a NULL list takes any value. */
static const struct {
	const char	*name;
	const char	*values[3];
} allowed_headers[] = {
	{ "Strict-Transport-Security", { NULL } },
	{ "X-Content-Type-Options", { "nosniff", NULL } },
	{ "X-Frame-Options", { "deny", "sameorigin", NULL } },
	{ "X-XSS-Protection", { NULL } },
	{ "Content-Security-Policy", { NULL } },
};

static int
check_header(struct ywalk *w, const char *path, const char *name,
    const char *v)
{
	const unsigned char	*c;
	size_t			 i, j;

	for (c = (const unsigned char *)v; *c != '\0'; c++)
		if (*c < 0x20 || *c == 0x7f)
			return ywalk_problem(w, path, "holds a control character");
	for (i = 0; i < sizeof(allowed_headers) / sizeof(allowed_headers[0]); i++) {
		if (strcmp(name, allowed_headers[i].name) != 0)
			continue;
		if (allowed_headers[i].values[0] == NULL)
			return 0;
		for (j = 0; allowed_headers[i].values[j] != NULL; j++)
			if (strcasecmp(v, allowed_headers[i].values[j]) == 0)
				return 0;
		return ywalk_problem(w, path, "must be %s%s%s",
		    allowed_headers[i].values[0],
		    allowed_headers[i].values[1] != NULL ? " or " : "",
		    allowed_headers[i].values[1] != NULL ?
		    allowed_headers[i].values[1] : "");
	}
	return ywalk_problem(w, path, "this header cannot be configured (only "
	    "Strict-Transport-Security, X-Content-Type-Options, "
	    "X-Frame-Options, X-XSS-Protection, Content-Security-Policy)");
}

static int
header_entry(struct ywalk *w, struct yentry *e, void *arg)
{
	struct webcfg		*wc = arg;
	struct webcfg_header	*h;
	const char		*v;

	if (ywalk_string(w, e->path, e->value, &v) == -1)
		return -1;
	if (v == NULL)
		v = "";
	if (check_header(w, e->path, e->key, v) == -1)
		return -1;
	h = &wc->headers[wc->nheaders];
	if (set_str(w, e->path, &h->name, e->key, WEBCFG_VALUE_MAX) == -1 ||
	    set_str(w, e->path, &h->value, v, WEBCFG_VALUE_MAX) == -1)
		return -1;
	wc->nheaders++;
	return 0;
}

static int
http_entry(struct ywalk *w, struct yentry *e, void *arg)
{
	struct webcfg	*wc = arg;

	if (strcmp(e->key, "http2") == 0)
		return ywalk_bool(w, e->path, e->value, &wc->http2);
	if (strcmp(e->key, "headers") == 0)
		return ywalk_mapping(w, e->path, e->value, header_entry, wc);
	return ywalk_problem(w, e->path, "unknown field");
}

static int
user_entry(struct ywalk *w, struct yentry *e, void *arg)
{
	struct webcfg		*wc = arg;
	struct basicauth_user	*u;
	const char		*hash;
	char			*name, *h;
	char			 why[128];

	if (wc->nusers == WEBCFG_USERS_MAX)
		return ywalk_problem(w, "basic_auth_users", "more than %d users",
		    WEBCFG_USERS_MAX);
	if (auth_check_user(e->key, why, sizeof(why)) == -1)
		return ywalk_problem(w, "basic_auth_users", "user \"%.64s\": %s",
		    e->key, why);
	if (ywalk_string(w, e->path, e->value, &hash) == -1)
		return -1;
	/* The hash is a secret: never in a message. */
	if (hash == NULL || auth_check_bcrypt(hash, why, sizeof(why)) == -1)
		return ywalk_problem(w, e->path, "%s", hash == NULL ?
		    "needs a bcrypt hash (htpasswd -nBC 10 \"\" | tr -d ':\\n')" :
		    why);
	if ((name = strdup(e->key)) == NULL || (h = strdup(hash)) == NULL) {
		free(name);
		return ywalk_problem(w, e->path, "out of memory");
	}
	u = &wc->users[wc->nusers++];
	u->name = name;
	u->hash = h;
	return 0;
}

static int
users(struct ywalk *w, struct webcfg *wc, yaml_node_t *n)
{
	if (!ywalk_is_null(n) && n->type == YAML_MAPPING_NODE) {
		size_t	 cap = (size_t)(n->data.mapping.pairs.top -
		    n->data.mapping.pairs.start);

		if (cap > WEBCFG_USERS_MAX)
			cap = WEBCFG_USERS_MAX;
		if (cap > 0 && (wc->users = calloc(cap, sizeof(*wc->users))) ==
		    NULL)
			return ywalk_problem(w, "basic_auth_users", "out of memory");
	}
	return ywalk_mapping(w, "basic_auth_users", n, user_entry, wc);
}

static int
add_excluded(struct ywalk *w, const char *path, const char *s, void *arg)
{
	struct webcfg	*wc = arg;

	if (*s != '/')
		return ywalk_problem(w, path, "\"%.64s\" does not start with /", s);
	if (wc->nexcluded == WEBCFG_LIST_MAX)
		return ywalk_problem(w, path, "more than %d paths",
		    WEBCFG_LIST_MAX);
	return set_str(w, path, &wc->excluded[wc->nexcluded++], s,
	    WEBCFG_VALUE_MAX);
}

static int
top_entry(struct ywalk *w, struct yentry *e, void *arg)
{
	struct parse	*p = arg;

	if (strcmp(e->key, TLS) == 0)
		return ywalk_mapping(w, e->path + 1, e->value, tls_entry, p);
	if (strcmp(e->key, HTTP) == 0)
		return ywalk_mapping(w, e->path + 1, e->value, http_entry, p->wc);
	if (strcmp(e->key, "basic_auth_users") == 0)
		return users(w, p->wc, e->value);
	if (strcmp(e->key, "basic_auth_excluded_paths") == 0)
		return ywalk_strings(w, e->path + 1, e->value, add_excluded,
		    p->wc);
	if (strcmp(e->key, "rate_limit") == 0)
		return ywalk_problem(w, e->path + 1, "not supported by haled");
	return ywalk_problem(w, e->path + 1, "unknown field");
}

static int
one_of(struct ywalk *w, const char *field, const char *file, const char *pem,
    const char *other)
{
	if (file != NULL && pem != NULL)
		return ywalk_problem(w, field, "set together with %s; give one",
		    other);
	return 0;
}

/* The checks across fields, in exporter-toolkit's order. */
static int
check_tls(struct ywalk *w, struct parse *p)
{
	struct webcfg	*wc = p->wc;
	int		 cert = wc->cert_file != NULL || wc->cert != NULL;
	int		 key = wc->key_file != NULL || wc->key != NULL;
	int		 ca = wc->client_ca_file != NULL || wc->client_ca != NULL;
	char		 prio[TLS_PRIORITY_MAX];

	/* Nothing that asks for TLS: exporter-toolkit serves plain HTTP. */
	if (!cert && !key && !ca && !p->have_auth_type)
		return 0;
	if (!cert)
		return ywalk_problem(w, TLS ".cert_file", "missing (or cert)");
	if (!key)
		return ywalk_problem(w, TLS ".key_file", "missing (or key)");
	if (one_of(w, TLS ".cert", wc->cert_file, wc->cert, "cert_file") == -1 ||
	    one_of(w, TLS ".key", wc->key_file, wc->key, "key_file") == -1 ||
	    one_of(w, TLS ".client_ca", wc->client_ca_file, wc->client_ca,
	    "client_ca_file") == -1)
		return -1;
	if (ca && wc->client_auth == WEBCFG_NO_CLIENT_CERT)
		return ywalk_problem(w, TLS ".client_ca_file", "set, but "
		    "client_auth_type is NoClientCert");
	if (wc->min_version > wc->max_version)
		return ywalk_problem(w, TLS ".min_version", "%s is above "
		    "max_version %s", tls_version_name(wc->min_version),
		    tls_version_name(wc->max_version));
	wc->tls = 1;
	return tls_priority(wc, prio, sizeof(prio), w->err, w->errlen);
}

struct webcfg *
webcfg_parse(const char *yaml, size_t len, const char *dir, char *err,
    size_t errlen)
{
	yaml_parser_t	 parser;
	yaml_document_t	 doc;
	struct webcfg	*wc;
	struct ywalk	 w = { &doc, err, errlen };
	struct parse	 p;
	int		 rc;

	if (len > WEBCFG_FILE_MAX) {
		err_set(err, errlen, "longer than %d bytes", WEBCFG_FILE_MAX);
		return NULL;
	}
	if ((wc = calloc(1, sizeof(*wc))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	/* exporter-toolkit's defaults. */
	wc->min_version = WEBCFG_TLS12;
	wc->max_version = WEBCFG_TLS13;
	wc->prefer_server_cipher_suites = 1;
	wc->http2 = 1;
	memset(&p, 0, sizeof(p));
	p.wc = wc;
	p.dir = dir;
	if (!yaml_parser_initialize(&parser)) {
		err_set(err, errlen, "out of memory");
		free(wc);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	if (!yaml_parser_load(&parser, &doc)) {
		err_set(err, errlen, "line %zu: %s", parser.problem_mark.line + 1,
		    parser.problem != NULL ? parser.problem : "bad YAML");
		yaml_parser_delete(&parser);
		free(wc);
		return NULL;
	}
	rc = ywalk_mapping(&w, "", yaml_document_get_root_node(&doc),
	    top_entry, &p);
	if (rc == 0)
		rc = check_tls(&w, &p);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc == -1) {
		webcfg_free(wc);
		return NULL;
	}
	return wc;
}

struct webcfg *
webcfg_load(const char *path, char *err, size_t errlen)
{
	struct webcfg	*wc;
	struct buf	 b;
	char		*dir, *slash, msg[512];

	buf_init(&b);
	if (file_read_buf(path, WEBCFG_FILE_MAX, &b) == -1) {
		err_set(err, errlen, "%s: %s", path, file_strerror(errno));
		buf_free(&b);
		return NULL;
	}
	if ((dir = strdup(path)) == NULL) {
		buf_free(&b);
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	wc = webcfg_parse(b.data != NULL ? b.data : "", b.len, dir, msg,
	    sizeof(msg));
	if (wc == NULL)
		err_set(err, errlen, "%s: %s", path, msg);
	free(dir);
	buf_free(&b);
	return wc;
}

static int
str_equal(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
webcfg_equal(const struct webcfg *a, const struct webcfg *b)
{
	size_t	 i;

	if (!str_equal(a->cert_file, b->cert_file) ||
	    !str_equal(a->key_file, b->key_file) ||
	    !str_equal(a->client_ca_file, b->client_ca_file) ||
	    !str_equal(a->cert, b->cert) || !str_equal(a->key, b->key) ||
	    !str_equal(a->client_ca, b->client_ca) || a->tls != b->tls ||
	    a->client_auth != b->client_auth ||
	    a->min_version != b->min_version ||
	    a->max_version != b->max_version ||
	    a->prefer_server_cipher_suites != b->prefer_server_cipher_suites ||
	    a->http2 != b->http2 || a->nciphers != b->nciphers ||
	    a->ncurves != b->ncurves || a->nheaders != b->nheaders ||
	    a->nusers != b->nusers || a->nexcluded != b->nexcluded ||
	    a->nsans != b->nsans)
		return 0;
	for (i = 0; i < a->nsans; i++)
		if (strcmp(a->sans[i], b->sans[i]) != 0)
			return 0;
	for (i = 0; i < a->nexcluded; i++)
		if (strcmp(a->excluded[i], b->excluded[i]) != 0)
			return 0;
	/* The names are the tables' static strings. */
	for (i = 0; i < a->nciphers; i++)
		if (a->ciphers[i] != b->ciphers[i])
			return 0;
	for (i = 0; i < a->ncurves; i++)
		if (a->curves[i] != b->curves[i])
			return 0;
	for (i = 0; i < a->nheaders; i++)
		if (!str_equal(a->headers[i].name, b->headers[i].name) ||
		    !str_equal(a->headers[i].value, b->headers[i].value))
			return 0;
	for (i = 0; i < a->nusers; i++)
		if (!str_equal(a->users[i].name, b->users[i].name) ||
		    !str_equal(a->users[i].hash, b->users[i].hash))
			return 0;
	return 1;
}

void
webcfg_free(struct webcfg *wc)
{
	size_t	 i;

	if (wc == NULL)
		return;
	free(wc->cert_file);
	free(wc->key_file);
	free(wc->client_ca_file);
	free(wc->cert);
	free(wc->key);
	free(wc->client_ca);
	for (i = 0; i < wc->nheaders; i++) {
		free(wc->headers[i].name);
		free(wc->headers[i].value);
	}
	for (i = 0; i < wc->nusers; i++) {
		free((void *)(uintptr_t)wc->users[i].name);
		free((void *)(uintptr_t)wc->users[i].hash);
	}
	free(wc->users);
	for (i = 0; i < wc->nexcluded; i++)
		free(wc->excluded[i]);
	for (i = 0; i < wc->nsans; i++)
		free(wc->sans[i]);
	free(wc);
}
