/*
 * webreload: the web config file (--web.config.file) while haled runs.
 *
 *	main: webreload_init (a bad file: exit 78) --> webreload_web
 *	      fills httpd_options.web --> httpd_start --> webreload_start
 *	SIGHUP --------------------------------+
 *	ev_timer (WEBRELOAD_CHECK_SECONDS):    +--> webreload_reload:
 *	  the web config, cert, key or CA      |    webcfg_load, tls_load
 *	  file's inode, size or mtime changed -+    --> same as running? done
 *	                                            --> users, httpd_set_web
 *	                                            --> the old ones freed
 *
 * A failed reload keeps what runs, logs the error (naming the field) once
 * until it changes, and sets hale_web_config_last_reload_successful to 0.
 * The timer stats four files every 10 s: no inotify, no busy loop, and
 * an edit in place or a rename over the file are both seen.
 */
#ifndef HALE_WEBRELOAD_H
#define HALE_WEBRELOAD_H

#include <ev.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "http/httpd.h"
#include "http/scrape.h"
#include "http/tls.h"
#include "http/webcfg.h"

#define WEBRELOAD_CHECK_SECONDS	10.0

/* What a file looked like: a change to any of these is a change. */
struct webreload_stamp {
	int		 err;	/* errno of stat, 0 if it worked */
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
};

struct webreload {
	char			*path;	/* NULL: no web config file */
	struct webcfg		*wc;	/* what runs; NULL without a file */
	struct tls_material	*tls;	/* NULL: plain HTTP */
	struct httpd		*httpd;
	struct basicauth	*ba;	/* where the users go; NULL until started */
	struct scrape		*scrape;	/* where the metric is */
	struct ev_loop		*loop;
	ev_timer		 timer;
	char			*names[3];	/* cert, key, CA files last read */
	struct webreload_stamp	 stamp[4];	/* file, cert, key, CA */
	char			 logged[512];	/* the last error logged */
};

/* Loads the file (path NULL: none); -1 with the message, naming the field. */
int	webreload_init(struct webreload *, const char *path, char *err,
	    size_t errlen);
/* The web settings for httpd_start. */
void	webreload_web(struct webreload *, struct httpd_web *);
/* From now on: applies reloads to httpd, reports them in scrape. */
int	webreload_start(struct webreload *, struct ev_loop *, struct httpd *,
	    struct basicauth *, struct scrape *, char *err, size_t errlen);
/* Reads the file again (path: maybe another one; NULL: none). */
void	webreload_reload(struct webreload *, const char *path);
void	webreload_stop(struct webreload *);
void	webreload_free(struct webreload *);

#endif
