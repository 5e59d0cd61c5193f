/*
 * config_flags: the command line, Prometheus-exporter style (--name=value
 * or --name value), into struct config_flags, and the --help text.
 * config_load() applies the flags over the file.
 */
#include "core/config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"

enum flag_kind { FLAG_VALUE, FLAG_BOOL };

struct flag {
	const char	*name;
	enum flag_kind	 kind;
	const char	*help;
};

static const struct flag flags[] = {
	{ "web.listen-address", FLAG_VALUE,
	    "[HOST]:PORT to serve on; repeat for several (default " CONFIG_DEFAULT_LISTEN ")" },
	{ "config.file", FLAG_VALUE,
	    "JSON config file (default " CONFIG_DEFAULT_FILE ", may be absent)" },
	{ "web.config.file", FLAG_VALUE,
	    "exporter-toolkit web config (YAML): TLS, response headers, basic "
	    "auth users (default: web.config_file in the JSON file, else none)" },
	{ "path.sysfs", FLAG_VALUE, "sysfs mount point (default /sys)" },
	{ "path.procfs", FLAG_VALUE, "procfs mount point (default /proc)" },
	{ "docker.host", FLAG_VALUE,
	    "Docker API: unix:///PATH or tcp://HOST:PORT (default $DOCKER_HOST, "
	    "else unix:///var/run/docker.sock)" },
	{ "docker.scope", FLAG_VALUE,
	    "all: every container (default); project: only haled's own compose project" },
	{ "log.level", FLAG_VALUE, "debug, info, warn or error (default info)" },
	{ "log.format", FLAG_VALUE, "logfmt or json (default logfmt)" },
	{ "metrics.container-labels", FLAG_VALUE,
	    "Docker labels exported as container_label_<key>: all (default) or "
	    "comma-separated glob patterns of keys (\"\" for none)" },
	{ "metrics.container-env", FLAG_VALUE,
	    "comma-separated prefixes of environment variable names exported "
	    "as container_env_<name> (default none)" },
	{ "run-as", FLAG_VALUE,
	    "USER[:GROUP] (names or numbers): started as root, become this user "
	    "after reading the config, keeping only CAP_SYS_ADMIN and "
	    "CAP_SYS_PTRACE (network-namespace probes)" },
	{ "check-config", FLAG_BOOL, "validate the configuration and exit (0 ok, 78 invalid)" },
	{ "dry-run", FLAG_BOOL,
	    "remediation only logs and counts what it would do; no container is touched" },
	{ "probe", FLAG_VALUE,
	    "GET this http:// or https:// URL instead of running; exit 0 on a 2xx "
	    "answer, 1 otherwise (a container HEALTHCHECK without curl); https "
	    "skips certificate verification only for a loopback address" },
	{ "version", FLAG_BOOL, "print the version and exit" },
	{ "help", FLAG_BOOL, "print this help and exit" },
};

void
config_usage(FILE *fp)
{
	size_t	 i;

	fprintf(fp, "Usage: haled [FLAG]...\n\n"
	    "Container health and resource monitor daemon.\n\nFlags:\n");
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		fprintf(fp, "  --%s%s\n      %s\n", flags[i].name,
		    flags[i].kind == FLAG_VALUE ? "=VALUE" : "", flags[i].help);
}

static int
set_flag(struct config_flags *f, const struct flag *fl, const char *val,
    char *err, size_t errlen)
{
	const char	*n = fl->name;

	if (strcmp(n, "web.listen-address") == 0) {
		if (f->nlisten == CONFIG_LISTEN_MAX)
			return err_set(err, errlen, "--web.listen-address: at most %d",
			    CONFIG_LISTEN_MAX);
		f->listen[f->nlisten++] = val;
	} else if (strcmp(n, "config.file") == 0)
		f->config_file = val;
	else if (strcmp(n, "web.config.file") == 0)
		f->web_config_file = val;
	else if (strcmp(n, "path.sysfs") == 0)
		f->sysfs = val;
	else if (strcmp(n, "path.procfs") == 0)
		f->procfs = val;
	else if (strcmp(n, "docker.host") == 0)
		f->docker_host = val;
	else if (strcmp(n, "docker.scope") == 0)
		f->docker_scope = val;
	else if (strcmp(n, "log.level") == 0)
		f->log_level = val;
	else if (strcmp(n, "log.format") == 0)
		f->log_format = val;
	else if (strcmp(n, "metrics.container-labels") == 0)
		f->container_labels = val;
	else if (strcmp(n, "metrics.container-env") == 0)
		f->container_env = val;
	else if (strcmp(n, "run-as") == 0)
		f->run_as = val;
	else if (strcmp(n, "check-config") == 0)
		f->check_config = 1;
	else if (strcmp(n, "dry-run") == 0)
		f->dry_run = 1;
	else if (strcmp(n, "probe") == 0)
		f->probe = val;
	else if (strcmp(n, "version") == 0)
		f->version = 1;
	else if (strcmp(n, "help") == 0)
		f->help = 1;
	return 0;
}

static const struct flag *
find_flag(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strlen(flags[i].name) == len &&
		    strncmp(flags[i].name, name, len) == 0)
			return &flags[i];
	return NULL;
}

int
config_parse_flags(int argc, char **argv, struct config_flags *f, char *err,
    size_t errlen)
{
	int		 i;

	memset(f, 0, sizeof(*f));
	for (i = 1; i < argc; i++) {
		const char		*arg = argv[i], *name, *eq, *val = NULL;
		const struct flag	*fl;

		if (strcmp(arg, "-h") == 0) {
			f->help = 1;
			continue;
		}
		if (strncmp(arg, "--", 2) != 0)
			return err_set(err, errlen, "unexpected argument \"%.100s\"", arg);
		name = arg + 2;
		eq = strchr(name, '=');
		fl = find_flag(name, eq != NULL ? (size_t)(eq - name) : strlen(name));
		if (fl == NULL)
			return err_set(err, errlen, "unknown flag \"%.100s\"", arg);
		if (fl->kind == FLAG_BOOL && eq != NULL)
			return err_set(err, errlen, "--%s takes no value", fl->name);
		if (fl->kind == FLAG_VALUE) {
			if (eq != NULL)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				return err_set(err, errlen, "--%s needs a value", fl->name);
			}
		}
		if (set_flag(f, fl, val, err, errlen) == -1)
			return -1;
	}
	return 0;
}
