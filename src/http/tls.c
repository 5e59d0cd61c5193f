/*
 * tls: tls_server_config for libmicrohttpd's GnuTLS (see tls.h).
 *
 * Go names a cipher suite whole; GnuTLS builds its suites from key
 * exchanges, ciphers and MACs. A list of suites becomes the union of its
 * parts, so it may also allow a combination of them that it did not
 * name. Go never lets TLS 1.3's suites be configured: when TLS 1.3 is
 * allowed, its AEAD ciphers stay in the list.
 */
#include "http/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/file.h"

#define TLS	"tls_server_config"
#define TLS_SANS_MAX	64	/* names looked at in a client certificate */

static const struct tls_cipher ciphers[] = {
	{ "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "RSA", "3DES-CBC", "SHA1" },
	{ "TLS_RSA_WITH_AES_128_CBC_SHA", "RSA", "AES-128-CBC", "SHA1" },
	{ "TLS_RSA_WITH_AES_256_CBC_SHA", "RSA", "AES-256-CBC", "SHA1" },
	{ "TLS_RSA_WITH_AES_128_CBC_SHA256", "RSA", "AES-128-CBC", "SHA256" },
	{ "TLS_RSA_WITH_AES_128_GCM_SHA256", "RSA", "AES-128-GCM", "AEAD" },
	{ "TLS_RSA_WITH_AES_256_GCM_SHA384", "RSA", "AES-256-GCM", "AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA", "AES-128-CBC",
	    "SHA1" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA", "AES-256-CBC",
	    "SHA1" },
	{ "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA", "3DES-CBC", "SHA1" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA", "AES-128-CBC",
	    "SHA1" },
	{ "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA", "AES-256-CBC",
	    "SHA1" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA",
	    "AES-128-CBC", "SHA256" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA", "AES-128-CBC",
	    "SHA256" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA", "AES-128-GCM",
	    "AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA",
	    "AES-128-GCM", "AEAD" },
	{ "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA", "AES-256-GCM",
	    "AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA",
	    "AES-256-GCM", "AEAD" },
	{ "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA",
	    "CHACHA20-POLY1305", "AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA",
	    "CHACHA20-POLY1305", "AEAD" },
	/* Go's older names of the two above. */
	{ "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "ECDHE-RSA",
	    "CHACHA20-POLY1305", "AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "ECDHE-ECDSA",
	    "CHACHA20-POLY1305", "AEAD" },
	/* TLS 1.3's: Go accepts and ignores them, so does haled. */
	{ "TLS_AES_128_GCM_SHA256", NULL, NULL, NULL },
	{ "TLS_AES_256_GCM_SHA384", NULL, NULL, NULL },
	{ "TLS_CHACHA20_POLY1305_SHA256", NULL, NULL, NULL },
};

static const struct tls_curve curves[] = {
	{ "CurveP256", "GROUP-SECP256R1" },
	{ "CurveP384", "GROUP-SECP384R1" },
	{ "CurveP521", "GROUP-SECP521R1" },
	{ "X25519", "GROUP-X25519" },
};

const struct tls_cipher *
tls_cipher_find(const char *go)
{
	size_t	 i;

	for (i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
		if (strcmp(ciphers[i].go, go) == 0)
			return &ciphers[i];
	return NULL;
}

const struct tls_curve *
tls_curve_find(const char *go)
{
	size_t	 i;

	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (strcmp(curves[i].go, go) == 0)
			return &curves[i];
	return NULL;
}

const char *
tls_version_name(enum webcfg_tls_version v)
{
	switch (v) {
	case WEBCFG_TLS10:
		return "TLS10";
	case WEBCFG_TLS11:
		return "TLS11";
	case WEBCFG_TLS12:
		return "TLS12";
	default:
		return "TLS13";
	}
}

/* Appends ":+item" once. */
static void
prio_add(struct buf *b, const char *item)
{
	char	 want[64];

	snprintf(want, sizeof(want), ":+%s", item);
	if (b->data == NULL || strstr(b->data, want) == NULL)
		buf_puts(b, want);
}

static void
prio_ciphers(const struct webcfg *wc, struct buf *b)
{
	const struct tls_cipher	*c;
	size_t			 i;

	buf_puts(b, ":-KX-ALL:-CIPHER-ALL:-MAC-ALL");
	for (i = 0; i < wc->nciphers; i++) {
		c = tls_cipher_find(wc->ciphers[i]);
		if (c == NULL || c->kx == NULL)
			continue;
		prio_add(b, c->kx);
		prio_add(b, c->cipher);
		prio_add(b, c->mac);
	}
	if (wc->max_version == WEBCFG_TLS13) {
		prio_add(b, "AES-128-GCM");
		prio_add(b, "AES-256-GCM");
		prio_add(b, "CHACHA20-POLY1305");
		prio_add(b, "AEAD");
	}
}

int
tls_priority(const struct webcfg *wc, char *out, size_t outlen, char *err,
    size_t errlen)
{
	static const char *const vers[] = { "VERS-TLS1.0", "VERS-TLS1.1",
	    "VERS-TLS1.2", "VERS-TLS1.3" };
	gnutls_priority_t	 p;
	const char		*where = NULL;
	struct buf		 b;
	int			 v, rc;
	size_t			 i;

	buf_init(&b);
	buf_puts(&b, "NORMAL");
	if (wc->prefer_server_cipher_suites)
		buf_puts(&b, ":%SERVER_PRECEDENCE");
	buf_puts(&b, ":-VERS-ALL");
	for (v = (int)wc->max_version; v >= (int)wc->min_version; v--)
		prio_add(&b, vers[v - WEBCFG_TLS10]);
	if (wc->nciphers > 0)
		prio_ciphers(wc, &b);
	if (wc->ncurves > 0) {
		buf_puts(&b, ":-GROUP-ALL");
		for (i = 0; i < wc->ncurves; i++) {
			const struct tls_curve	*c = tls_curve_find(wc->curves[i]);

			if (c != NULL)
				prio_add(&b, c->group);
		}
	}
	if (b.oom || b.len >= outlen) {
		buf_free(&b);
		return err_set(err, errlen, TLS ": too many cipher suites");
	}
	rc = gnutls_priority_init(&p, b.data, &where);
	if (rc < 0) {
		err_set(err, errlen, TLS ".%s: GnuTLS refuses the priority "
		    "\"%s\" at \"%.40s\": %s", wc->nciphers > 0 ? "cipher_suites" :
		    wc->ncurves > 0 ? "curve_preferences" : "min_version",
		    b.data, where != NULL ? where : "", gnutls_strerror(rc));
		buf_free(&b);
		return -1;
	}
	gnutls_priority_deinit(p);
	memcpy(out, b.data, b.len + 1);
	buf_free(&b);
	return 0;
}

/* A file's PEM text, or the inline one; names the field in errors. */
static int
pem(const char *field, const char *file, const char *text, char **out,
    char *err, size_t errlen)
{
	struct buf	 b;

	*out = NULL;
	if (text != NULL) {
		if ((*out = strdup(text)) == NULL)
			return err_set(err, errlen, "out of memory");
		return 0;
	}
	if (file == NULL)
		return 0;
	buf_init(&b);
	if (file_read_buf(file, TLS_PEM_MAX, &b) == -1) {
		err_set(err, errlen, TLS ".%s_file: %s: %s", field, file,
		    file_strerror(errno));
		buf_free(&b);
		return -1;
	}
	if (b.len == 0 || memchr(b.data, '\0', b.len) != NULL) {
		buf_free(&b);
		return err_set(err, errlen, TLS ".%s_file: %s: empty or not "
		    "PEM text", field, file);
	}
	*out = buf_steal(&b, NULL);
	return *out != NULL ? 0 : err_set(err, errlen, "out of memory");
}

/* The certificate chain and the key, each on its own. */
static int
check_each(const struct webcfg *wc, const gnutls_datum_t *c,
    const gnutls_datum_t *k, char *err, size_t errlen)
{
	gnutls_x509_crt_t	*list;
	gnutls_x509_privkey_t	 key;
	unsigned		 n, i;
	int			 rc;

	rc = gnutls_x509_crt_list_import2(&list, &n, c, GNUTLS_X509_FMT_PEM, 0);
	if (rc < 0)
		return err_set(err, errlen, TLS ".%s: no certificate: %s",
		    wc->cert_file != NULL ? "cert_file" : "cert",
		    gnutls_strerror(rc));
	for (i = 0; i < n; i++)
		gnutls_x509_crt_deinit(list[i]);
	gnutls_free(list);
	if (gnutls_x509_privkey_init(&key) < 0)
		return err_set(err, errlen, "out of memory");
	rc = gnutls_x509_privkey_import2(key, k, GNUTLS_X509_FMT_PEM, NULL, 0);
	gnutls_x509_privkey_deinit(key);
	if (rc < 0)
		return err_set(err, errlen, TLS ".%s: no unencrypted private "
		    "key: %s", wc->key_file != NULL ? "key_file" : "key",
		    gnutls_strerror(rc));
	return 0;
}

/* What GnuTLS says of the certificate, the key, the pair and the CAs. */
static int
check_pair(const struct webcfg *wc, const struct tls_material *m, char *err,
    size_t errlen)
{
	gnutls_certificate_credentials_t	 cred;
	gnutls_datum_t				 c, k;
	int					 rc, n;

	c.data = (unsigned char *)m->cert;
	c.size = (unsigned)strlen(m->cert);
	k.data = (unsigned char *)m->key;
	k.size = (unsigned)strlen(m->key);
	if (check_each(wc, &c, &k, err, errlen) == -1)
		return -1;
	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return err_set(err, errlen, "out of memory");
	rc = gnutls_certificate_set_x509_key_mem(cred, &c, &k,
	    GNUTLS_X509_FMT_PEM);
	if (rc < 0) {
		gnutls_certificate_free_credentials(cred);
		return err_set(err, errlen, TLS ".%s: %s", wc->key_file != NULL ?
		    "key_file" : "key", gnutls_strerror(rc));
	}
	if (m->ca != NULL) {
		c.data = (unsigned char *)m->ca;
		c.size = (unsigned)strlen(m->ca);
		n = gnutls_certificate_set_x509_trust_mem(cred, &c,
		    GNUTLS_X509_FMT_PEM);
		if (n <= 0) {
			gnutls_certificate_free_credentials(cred);
			return err_set(err, errlen, TLS ".%s: %s",
			    wc->client_ca_file != NULL ? "client_ca_file" :
			    "client_ca", n < 0 ?
			    gnutls_strerror(n) : "holds no certificate");
		}
	}
	gnutls_certificate_free_credentials(cred);
	return 0;
}

/*
 * Client certificates without a CA of their own are checked against the
 * system's, as Go does; MHD asks for them only when it has a CA list.
 */
static const char *
ca_file(const struct webcfg *wc)
{
	if (wc->client_ca_file != NULL || wc->client_ca != NULL ||
	    wc->client_auth == WEBCFG_NO_CLIENT_CERT)
		return wc->client_ca_file;
	return TLS_SYSTEM_CA;
}

int
tls_load(const struct webcfg *wc, struct tls_material **out, char *err,
    size_t errlen)
{
	struct tls_material	*m;

	*out = NULL;
	if (!wc->tls)
		return 0;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return err_set(err, errlen, "out of memory");
	m->client_auth = wc->client_auth;
	for (; m->nsans < wc->nsans; m->nsans++)
		if ((m->sans[m->nsans] = strdup(wc->sans[m->nsans])) == NULL) {
			tls_free(m);
			return err_set(err, errlen, "out of memory");
		}
	if (pem("cert", wc->cert_file, wc->cert, &m->cert, err, errlen) == -1 ||
	    pem("key", wc->key_file, wc->key, &m->key, err, errlen) == -1 ||
	    pem("client_ca", ca_file(wc), wc->client_ca, &m->ca, err,
	    errlen) == -1 ||
	    tls_priority(wc, m->priority, sizeof(m->priority), err,
	    errlen) == -1 || check_pair(wc, m, err, errlen) == -1) {
		tls_free(m);
		return -1;
	}
	*out = m;
	return 0;
}

void
tls_free(struct tls_material *m)
{
	if (m == NULL)
		return;
	free(m->cert);
	if (m->key != NULL) {
		explicit_bzero(m->key, strlen(m->key));
		free(m->key);
	}
	free(m->ca);
	while (m->nsans > 0)
		free(m->sans[--m->nsans]);
	free(m);
}

static int
same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
tls_equal(const struct tls_material *a, const struct tls_material *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	size_t	 i;

	if (a->nsans != b->nsans)
		return 0;
	for (i = 0; i < a->nsans; i++)
		if (strcmp(a->sans[i], b->sans[i]) != 0)
			return 0;
	return a->client_auth == b->client_auth && same(a->cert, b->cert) &&
	    same(a->key, b->key) && same(a->ca, b->ca) &&
	    strcmp(a->priority, b->priority) == 0;
}

void
tls_mhd_options(struct tls_material *m, struct MHD_OptionItem *items)
{
	size_t	 n = 0;

	if (m != NULL) {
		items[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT,
		    0, m->cert };
		items[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY,
		    0, m->key };
		items[n++] = (struct MHD_OptionItem){
		    MHD_OPTION_HTTPS_PRIORITIES, 0, m->priority };
		if (m->ca != NULL)
			items[n++] = (struct MHD_OptionItem){
			    MHD_OPTION_HTTPS_MEM_TRUST, 0, m->ca };
	}
	items[n] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
}

/* A SAN as Go prints it: names as they are, addresses in their text form. */
static int
san_text(int type, const char *raw, size_t len, char *out, size_t cap)
{
	switch (type) {
	case GNUTLS_SAN_DNSNAME:
	case GNUTLS_SAN_RFC822NAME:
	case GNUTLS_SAN_URI:
		if (len >= cap || memchr(raw, '\0', len) != NULL)
			return -1;
		memcpy(out, raw, len);
		out[len] = '\0';
		return 0;
	case GNUTLS_SAN_IPADDRESS:
		if (len == 4)
			return inet_ntop(AF_INET, raw, out, (socklen_t)cap) ? 0 : -1;
		if (len == 16)
			return inet_ntop(AF_INET6, raw, out, (socklen_t)cap) ? 0 :
			    -1;
		return -1;
	default:
		return -1;
	}
}

/* Whether the client's own certificate (the first) names an allowed SAN. */
static int
san_allowed(const gnutls_datum_t *peer, const struct tls_material *m)
{
	gnutls_x509_crt_t	 crt;
	char			 raw[1024], text[1024];
	size_t			 len, i;
	unsigned		 seq, critical;
	int			 type, found = 0;

	if (gnutls_x509_crt_init(&crt) < 0)
		return 0;
	if (gnutls_x509_crt_import(crt, peer, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		return 0;
	}
	/* Bounded: a malformed extension may fail at every index alike. */
	for (seq = 0; !found && seq < TLS_SANS_MAX; seq++) {
		len = sizeof(raw);
		type = gnutls_x509_crt_get_subject_alt_name(crt, seq, raw, &len,
		    &critical);
		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type < 0 || san_text(type, raw, len, text, sizeof(text)) == -1)
			continue;
		for (i = 0; i < m->nsans && !found; i++)
			found = strcmp(text, m->sans[i]) == 0;
	}
	gnutls_x509_crt_deinit(crt);
	return found;
}

const char *
tls_client_refused(struct MHD_Connection *conn, const struct tls_material *m)
{
	enum webcfg_client_auth		 a = m->client_auth;
	const union MHD_ConnectionInfo	*ci;
	const gnutls_datum_t		*peers;
	gnutls_session_t		 s;
	unsigned			 n = 0, status = 0;

	if (m->nsans == 0 && (a == WEBCFG_NO_CLIENT_CERT ||
	    a == WEBCFG_REQUEST_CLIENT_CERT))
		return NULL;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return "no TLS session";
	s = ci->tls_session;
	peers = gnutls_certificate_get_peers(s, &n);
	/* exporter-toolkit refuses a client without one when SANs are set. */
	if (peers == NULL || n == 0)
		return a == WEBCFG_VERIFY_CLIENT_CERT_IF_GIVEN && m->nsans == 0 ?
		    NULL : "no client certificate";
	if (gnutls_certificate_type_get(s) != GNUTLS_CRT_X509)
		return "client certificate not X.509";
	if ((a == WEBCFG_VERIFY_CLIENT_CERT_IF_GIVEN ||
	    a == WEBCFG_REQUIRE_AND_VERIFY_CLIENT_CERT) &&
	    (gnutls_certificate_verify_peers2(s, &status) < 0 || status != 0))
		return "client certificate not trusted";
	if (m->nsans > 0 && !san_allowed(&peers[0], m))
		return "client certificate names no allowed SAN";
	return NULL;
}
