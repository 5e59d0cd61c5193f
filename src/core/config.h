/*
 * config: flags + environment + JSON file -> one validated struct.
 *
 * Precedence, highest first: command-line flag, environment (DOCKER_HOST),
 * config file, built-in default. Validation is complete: every problem is
 * reported, each naming its JSON path or flag, before anything starts.
 *
 * config parses only its own keys (web, log, paths, docker, metrics). The
 * parts of the file that belong to other modules (`checks`, `remediation`,
 * the admin credentials, ...) are handed to them through a table of
 * struct config_section that the caller passes in; what each one parsed
 * is kept in the config, opaque to it, until config_free().
 */
#ifndef HALE_CONFIG_H
#define HALE_CONFIG_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/confjson.h"
#include "core/log.h"

#ifndef SYSCONFDIR
#error "SYSCONFDIR must name the configured sysconfdir"
#endif
/* The configured sysconfdir, so an install's default is its own. */
#define CONFIG_DEFAULT_FILE	SYSCONFDIR "/hale/hale.json"
#define CONFIG_DEFAULT_LISTEN	":4253"
#define CONFIG_LISTEN_MAX	8
#define CONFIG_LABELS_MAX	64
#define CONFIG_SECTIONS_MAX	16
#define CONFIG_LABEL_FILTER_MAX	8

#define EX_CONFIG_ERROR		78	/* sysexits.h EX_CONFIG */
#define EX_USAGE_ERROR		64	/* sysexits.h EX_USAGE */

/*
 * A part of the config file another module parses. `key` is a top-level
 * key ("checks") or a key inside one of config's own objects
 * ("web.admin_token"). parse() reports every problem through `j` (its
 * count is what decides) and sets *out to what config_section() returns
 * (NULL: nothing to keep); free() releases it. With `pair` set, that
 * other entry's key must be set or absent together with this one.
 */
struct config_section {
	const char	*key;
	void		(*parse)(const cJSON *, const char *path,
			    struct confjson *j, void **out);
	void		(*free)(void *);
	const char	*pair;
};

struct config {
	/* web */
	char		*listen[CONFIG_LISTEN_MAX];
	size_t		 nlisten;
	unsigned	 max_connections;
	unsigned	 max_connections_per_ip;	/* 0: no limit */
	uint64_t	 conn_timeout_ms;
	uint64_t	 header_timeout_ms;	/* request headers of a new connection */
	/* log */
	enum log_level	 log_level;
	enum log_format	 log_format;
	/* paths */
	char		*sysfs;
	char		*procfs;
	/* docker */
	char		*docker_host;
	char		*docker_data_root;	/* where writable layers may be */
	int		 docker_scope_project;	/* docker.scope: 0 all, 1 project */
	char		*docker_label_filter[CONFIG_LABEL_FILTER_MAX];	/* "key[=value]" */
	size_t		 ndocker_label_filter;
	/* metrics */
	char		*label_allow[CONFIG_LABELS_MAX];	/* glob patterns */
	size_t		 nlabel_allow;
	char		*env_allow[CONFIG_LABELS_MAX];	/* name prefixes */
	size_t		 nenv_allow;
	uint64_t	 fs_usage_interval_ms;	/* 0: no writable-layer scans */
	unsigned	 fs_usage_rate;		/* directory entries a second */
	uint64_t	 metrics_min_interval_ms;
	int64_t		 metrics_fd_budget;	/* -1: from RLIMIT_NOFILE */
	int		 metrics_task_states;	/* ask taskstats each collection */
	/* the other modules' parts, by their index in `sections` */
	const struct config_section *sections;
	void		*section[CONFIG_SECTIONS_MAX];
};

#define CONFIG_FD_BUDGET_MAX	(16 * 1024 * 1024)

/* What the command line said; NULL/0 means "not given". Kept for reloads. */
struct config_flags {
	const char	*listen[CONFIG_LISTEN_MAX];
	size_t		 nlisten;
	const char	*config_file;
	const char	*web_config_file;	/* --web.config.file */
	const char	*sysfs;
	const char	*procfs;
	const char	*docker_host;
	const char	*docker_scope;
	const char	*log_level;
	const char	*log_format;
	const char	*container_labels;	/* "all" or "glob,glob" */
	const char	*container_env;		/* "PREFIX,PREFIX" */
	const char	*probe;		/* --probe URL: a health check, no daemon */
	const char	*run_as;	/* --run-as USER[:GROUP]: drop root to it */
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
 * flags name (or the default file, which may be missing). `sections`
 * (ended by a NULL key, at most CONFIG_SECTIONS_MAX; NULL = none) must
 * outlive the config. On failure returns NULL and appends one line per
 * problem to errors.
 */
struct config *config_load(const struct config_flags *,
	    const struct config_section *sections, struct buf *errors);
/* Same, from JSON text already in memory (NULL: no file). Pure. */
struct config *config_from_json(const char *json, size_t len,
	    const struct config_flags *, const struct config_section *sections,
	    struct buf *errors);
void	config_free(struct config *);
/* What sections[i] parsed; NULL when its key was absent. */
void	*config_section(const struct config *, size_t i);
/* [HOST]:PORT, as flags and file take it; -1 with a message. */
int	config_check_listen(const char *, char *err, size_t errlen);
const char *config_file_path(const struct config_flags *);
void	config_usage(FILE *);

#endif
