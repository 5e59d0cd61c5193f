/*
 * tls: what the web config's tls_server_config becomes for
 * libmicrohttpd's GnuTLS support: the PEM files read into memory and
 * checked (the key matches the certificate, the CA file holds
 * certificates), a GnuTLS priority string made from the versions, cipher
 * suites and curves, the options for MHD_start_daemon, and the check of
 * a request's client certificate.
 *
 * Client certificates: with a CA list (MHD_OPTION_HTTPS_MEM_TRUST) MHD
 * asks every client for a certificate but requires none, and verifies
 * nothing. tls_client_refused() does the rest on each request from the
 * connection's GnuTLS session: RequireAny* needs a certificate, Verify*
 * and RequireAndVerify* need one that verifies against the CA list
 * (gnutls_certificate_verify_peers2, MHD's credentials hold the list),
 * and client_allowed_sans one that names an allowed SAN.
 * A refused client gets a 403 and never any data.
 */
#ifndef HALE_TLS_H
#define HALE_TLS_H

#include <stddef.h>

#include "http/webcfg.h"

#define TLS_PEM_MAX		(1024 * 1024)	/* bytes of one PEM file */
#define TLS_PRIORITY_MAX	2048
#define TLS_MHD_OPTIONS		8	/* what tls_mhd_options() may fill */
/* The CA list client certificates meet when the config names none. */
#define TLS_SYSTEM_CA		"/etc/ssl/certs/ca-certificates.crt"

struct MHD_Connection;
struct MHD_OptionItem;

/* A Go cipher suite as GnuTLS priority keywords (kx NULL: TLS 1.3's). */
struct tls_cipher {
	const char	*go;
	const char	*kx;
	const char	*cipher;
	const char	*mac;
};

/* A Go CurveID name ("CurveP256", "X25519") and its GnuTLS group. */
struct tls_curve {
	const char	*go;
	const char	*group;
};

/* The static entry for a Go name (crypto/tls' constant names), or NULL. */
const struct tls_cipher *tls_cipher_find(const char *go);
const struct tls_curve *tls_curve_find(const char *go);
/* The static Go name ("TLS12") of a version. */
const char	*tls_version_name(enum webcfg_tls_version);

/*
 * The priority string for a web config's versions, suites and curves,
 * checked by GnuTLS; -1 with a message naming the field.
 */
int	tls_priority(const struct webcfg *, char *out, size_t outlen,
	    char *err, size_t errlen);

struct tls_material {
	char			*cert;	/* PEM, NUL-terminated */
	char			*key;
	char			*ca;	/* NULL: no client CA */
	char			 priority[TLS_PRIORITY_MAX];
	enum webcfg_client_auth	 client_auth;
	char			*sans[WEBCFG_LIST_MAX];	/* client_allowed_sans */
	size_t			 nsans;
};

/*
 * Reads and checks what a web config names (NULL with no error when it
 * has no TLS); -1 with a message naming the field.
 */
int	tls_load(const struct webcfg *, struct tls_material **out,
	    char *err, size_t errlen);
void	tls_free(struct tls_material *);
/* 1 when both would make the same server (NULL is plain HTTP). */
int	tls_equal(const struct tls_material *, const struct tls_material *);
/*
 * MHD_start_daemon's TLS options into items[0..TLS_MHD_OPTIONS), ended
 * by MHD_OPTION_END, for MHD_OPTION_ARRAY; only MHD_OPTION_END for NULL.
 * The material must outlive the daemon's start.
 */
void	tls_mhd_options(struct tls_material *,
	    struct MHD_OptionItem *items);
/*
 * Why this request's client may not be served (a static string), or
 * NULL when it may: client_auth_type, then client_allowed_sans (a DNS,
 * e-mail, IP or URI name of the client's certificate equal to one of
 * them, as exporter-toolkit compares).
 */
const char *tls_client_refused(struct MHD_Connection *,
	    const struct tls_material *);

#endif
