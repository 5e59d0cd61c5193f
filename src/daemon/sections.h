/*
 * sections: the parts of the config file that other modules parse, as
 * the table config_load() takes (the health-check rules, remediation,
 * webhooks and the admin endpoint's credentials), and typed accessors to
 * what they parsed. Each entry wraps its module's own parser, so config
 * knows none of them.
 */
#ifndef HALE_SECTIONS_H
#define HALE_SECTIONS_H

#include "core/config.h"
#include "http/auth.h"

struct checkspec_rules;
struct alerts_config;
struct events_config;
struct notify_config;
struct remedy_config;

extern const struct config_section sections_table[];

/* NULL when the file has none. */
const struct checkspec_rules *sections_checks(const struct config *);
const struct remedy_config *sections_remediation(const struct config *);
const struct notify_config *sections_notify(const struct config *);
/* NULL: the section is absent (defaults). */
const struct events_config *sections_events(const struct config *);
const struct alerts_config *sections_alertmanager(const struct config *);
/* web.admin_*: pointers into the config. */
void	sections_auth(const struct config *, struct auth_config *);
/* web.unauthenticated_paths: 1 with them set, 0 when absent (the default). */
int	sections_open_paths(const struct config *, const char *const **paths,
	    size_t *n);
/* --web.config.file, else web.config_file; NULL: none. */
const char *sections_web_config_file(const struct config *,
	    const struct config_flags *);
/* --dry-run or remediation.dry_run. */
int	sections_dry_run(const struct config *, const struct config_flags *);

#endif
