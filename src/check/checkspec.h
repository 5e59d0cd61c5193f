/*
 * checkspec: what to probe and how, from container labels and from the
 * `checks` rules of the config file. Pure: strings in, a validated
 * struct checkspec (or a reason) out; no I/O, no logging.
 *
 * Labels (hale.check*) are hostile input. They may only aim a probe at
 * the container itself: the port is always on the container (inside its
 * network namespace, at its own IP, or its published port on the host);
 * nothing in a label can name another host. Values that try (an address,
 * a host name, a URL) are rejected with CHECKSPEC_REJECT_TARGET; values
 * that are merely wrong (port 0, interval=banana, an unknown
 * hale.check.* key) with CHECKSPEC_REJECT_INVALID. Either way the check
 * is disabled with a reason; nothing is silently defaulted.
 *
 * Precedence: the first config rule (in file order) whose `match` fits
 * the container gives the base fields, labels override them field by
 * field, built-in defaults fill the rest. `hale.check=none` switches a
 * rule's check off for one container.
 */
#ifndef HALE_CHECKSPEC_H
#define HALE_CHECKSPEC_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "check/checkspec_regex.h"
#include "core/buf.h"
#include "core/match.h"
#include "docker/docker_parse.h"

#define CHECKSPEC_VALUE_MAX	1024	/* any one label or config string */
#define CHECKSPEC_HOST_MAX	255
#define CHECKSPEC_PATTERN_MAX	256	/* expect_body */
#define CHECKSPEC_BYTES_MAX	256	/* send / expect after unescaping */
#define CHECKSPEC_STATUS_MAX	16	/* codes and ranges in expect_status */
#define CHECKSPEC_HEADERS_MAX	16
#define CHECKSPEC_RULES_MAX	256
#define CHECKSPEC_ERR_MAX	320	/* a reason always fits this */

enum checkspec_kind {
	CHECKSPEC_NONE = 0,
	CHECKSPEC_HTTP,		/* http and https */
	CHECKSPEC_TCP,
};

enum checkspec_target {
	CHECKSPEC_TARGET_AUTO = 0,	/* netns if we may enter it, else ip */
	CHECKSPEC_TARGET_NETNS,		/* 127.0.0.1:port inside its namespace */
	CHECKSPEC_TARGET_IP,		/* its own address on its network */
	CHECKSPEC_TARGET_HOST,		/* the host port it publishes */
};

enum checkspec_reject {
	CHECKSPEC_REJECT_NONE = 0,
	CHECKSPEC_REJECT_INVALID,	/* a value that makes no sense */
	CHECKSPEC_REJECT_TARGET,	/* a label aiming somewhere else */
	CHECKSPEC_REJECT_COUNT
};

/* The fields, as bits of checkspec.set and indexes of checkspec.origin. */
enum checkspec_field {
	CSF_CHECK, CSF_PORT, CSF_PATH, CSF_SCHEME, CSF_METHOD, CSF_HOST,
	CSF_HEADERS, CSF_EXPECT_STATUS, CSF_EXPECT_BODY, CSF_INTERVAL,
	CSF_TIMEOUT, CSF_START_PERIOD, CSF_START_INTERVAL, CSF_RISE, CSF_FALL,
	CSF_TARGET, CSF_SEND, CSF_EXPECT, CSF_TLS_VERIFY,
	CSF_COUNT
};

struct checkspec_range {
	uint16_t	 lo, hi;
};

struct checkspec {
	enum checkspec_kind	 kind;
	int			 https;
	uint16_t		 port;
	char			*path;		/* "/..." */
	char			*method;	/* GET, HEAD, POST, OPTIONS */
	char			*host;		/* Host header; NULL = default */
	char			**headers;	/* "Name: value"; config only */
	size_t			 nheaders;
	struct checkspec_range	 status[CHECKSPEC_STATUS_MAX];
	size_t			 nstatus;
	char			*body;		/* substring, or regex source */
	int			 body_regex;
	struct checkspec_re	*re;		/* compiled by checkspec_resolve */
	char			*send;		/* tcp: bytes to send */
	size_t			 send_len;
	char			*expect;	/* tcp: expected reply prefix */
	size_t			 expect_len;
	uint64_t		 interval_ms;
	uint64_t		 timeout_ms;
	uint64_t		 start_period_ms;
	uint64_t		 start_interval_ms;
	unsigned		 rise;
	unsigned		 fall;
	enum checkspec_target	 target;
	int			 tls_verify;
	/* Where each field came from, for messages and the API. */
	uint32_t		 set;		/* 1 << enum checkspec_field */
	uint32_t		 from_label;	/* subset of set */
	int			 rule;		/* index of the rule applied, -1 = none */
};

struct checkspec_rule {
	struct match	 match;		/* which containers it is for */
	struct checkspec spec;		/* only the fields in spec.set */
};

struct checkspec_rules {
	struct checkspec_rule	*v;
	size_t			 n;
};

/* What the resolver needs to know about one container. */
struct checkspec_input {
	const char			*name;
	const char			*image;
	const struct docker_label	*labels;	/* sorted or not */
	size_t				 nlabels;
	/* Its own addresses: a Host header may name them. */
	const char *const		*ips;
	size_t				 nips;
};

void	checkspec_init(struct checkspec *);
void	checkspec_free(struct checkspec *);

/*
 * The check for a container: 1 and `out` filled (free it with
 * checkspec_free), 0 if it has none (no rule, no label, or
 * hale.check=none), -1 with the reason in err and its class in why
 * (`out` is then empty). `rules` may be NULL.
 */
int	checkspec_resolve(const struct checkspec_rules *,
	    const struct checkspec_input *, struct checkspec *out,
	    char *err, size_t errlen, enum checkspec_reject *why);

/*
 * Parses the `checks` array of the config file into *out (NULL if empty).
 * Every problem is appended to `errors` as "checks[2].interval: ...\n";
 * returns how many there were (0 = *out is valid).
 */
int	checkspec_rules_from_json(const cJSON *, const char *path,
	    struct checkspec_rules **out, struct buf *errors);
void	checkspec_rules_free(struct checkspec_rules *);

/* "200-399", "200,204,3xx": -1 with a message if malformed. */
int	checkspec_status_parse(const char *, struct checkspec_range *,
	    size_t max, size_t *n, char *err, size_t errlen);
/* 1 if `code` is in the spec's expected statuses. */
int	checkspec_status_match(const struct checkspec *, long code);
/*
 * 1 if the body (len bytes, any content) satisfies expect_body, 0 if
 * not, -1 if the regex reached a limit of checkspec_regex.h before it
 * could tell (the reason in err): count it as not matching.
 */
int	checkspec_body_match(const struct checkspec *, const char *body,
	    size_t len, char *err, size_t errlen);
/* The check's settings as JSON members of `obj` (for the API). */
void	checkspec_to_json(const struct checkspec *, cJSON *obj);

const char *checkspec_kind_name(const struct checkspec *);
const char *checkspec_target_name(enum checkspec_target);
const char *checkspec_reject_name(enum checkspec_reject);

#endif
