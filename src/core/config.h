/*
 * config: flags + environment + JSON file -> one validated struct.
 *
 * Precedence, highest first: command-line flag, environment (DOCKER_HOST),
 * config file, built-in default. Validation is complete: every problem is
 * reported, each naming its JSON path or flag, before anything starts.
 */
#ifndef HALE_CONFIG_H
#define HALE_CONFIG_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/log.h"

#define CONFIG_DEFAULT_FILE	"/etc/hale/hale.json"
#define CONFIG_DEFAULT_LISTEN	":4253"
#define CONFIG_LISTEN_MAX	8
#define CONFIG_LABELS_MAX	64

struct checkspec_rules;
struct notify_config;
struct remedy_config;

#define EX_CONFIG_ERROR		78	/* sysexits.h EX_CONFIG */
#define EX_USAGE_ERROR		64	/* sysexits.h EX_USAGE */

struct config {
	/* web */
	char		*listen[CONFIG_LISTEN_MAX];
	size_t		 nlisten;
	unsigned	 max_connections;
	uint64_t	 conn_timeout_ms;
	/* log */
	enum log_level	 log_level;
	enum log_format	 log_format;
	/* paths */
	char		*sysfs;
	char		*procfs;
	/* docker */
	char		*docker_host;
	/* metrics */
	char		*label_allow[CONFIG_LABELS_MAX];	/* glob patterns */
	size_t		 nlabel_allow;
	uint64_t	 metrics_min_interval_ms;
	/* admin endpoints (issue 6): off unless a token or a user is set */
	char		*admin_token;		/* web.admin_token */
	char		*admin_user;		/* web.admin_user */
	char		*admin_password_hash;	/* web.admin_password_hash, crypt(3) */
	/* health-check rules (issue 5): the `checks` array; NULL = none */
	struct checkspec_rules	*checks;
	/* remediation and webhooks (issue 6); NULL = section absent */
	struct remedy_config	*remediation;
	struct notify_config	*notify;
	int		 dry_run;	/* --dry-run or remediation.dry_run */
};

/* What the command line said; NULL/0 means "not given". Kept for reloads. */
struct config_flags {
	const char	*listen[CONFIG_LISTEN_MAX];
	size_t		 nlisten;
	const char	*config_file;
	const char	*sysfs;
	const char	*procfs;
	const char	*docker_host;
	const char	*log_level;
	const char	*log_format;
	int		 check_config;
	int		 dry_run;
	int		 help;
	int		 version;
};

/* -1 with the problem in err (usage error: exit 64). */
int	config_parse_flags(int argc, char **argv, struct config_flags *,
	    char *err, size_t errlen);
/*
 * Builds a validated config from flags, the environment and the file the
 * flags name (or the default file, which may be missing). On failure
 * returns NULL and appends one line per problem to errors.
 */
struct config *config_load(const struct config_flags *, struct buf *errors);
/* Same, from JSON text already in memory; `origin` names it in messages. Pure. */
struct config *config_from_json(const char *json, size_t len,
	    const struct config_flags *, struct buf *errors);
void	config_free(struct config *);
/* Syntax checks shared by flags and file; exported for the tests. */
int	config_check_listen(const char *, char *err, size_t errlen);
int	config_check_docker_host(const char *, char *err, size_t errlen);
const char *config_file_path(const struct config_flags *);
void	config_usage(FILE *);

#endif
