/*
 * log: one line per event on stderr, logfmt (default) or JSON.
 *
 *	log_info("container unhealthy", LOG_S("name", c->name), LOG_I("streak", 3));
 *
 * The level is checked before any argument is evaluated. Values are
 * escaped and capped, so a hostile container label cannot forge a field
 * or flood the journal. When stderr is the journal (JOURNAL_STREAM set),
 * every line starts with a <N> syslog priority so journald keeps levels.
 */
#ifndef HALE_LOG_H
#define HALE_LOG_H

#include <stdint.h>

enum log_level {
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR,
};

enum log_format {
	LOG_FORMAT_LOGFMT,
	LOG_FORMAT_JSON,
};

enum log_kv_type {
	LOG_KV_NONE,
	LOG_KV_STR,
	LOG_KV_INT,
	LOG_KV_UINT,
	LOG_KV_DOUBLE,
};

struct log_kv {
	const char		*key;
	enum log_kv_type	 type;
	union {
		const char	*s;
		int64_t		 i;
		uint64_t	 u;
		double		 d;
	} v;
};

#define LOG_S(k, x)	((struct log_kv){ (k), LOG_KV_STR, { .s = (x) } })
#define LOG_I(k, x)	((struct log_kv){ (k), LOG_KV_INT, { .i = (int64_t)(x) } })
#define LOG_U(k, x)	((struct log_kv){ (k), LOG_KV_UINT, { .u = (uint64_t)(x) } })
#define LOG_F(k, x)	((struct log_kv){ (k), LOG_KV_DOUBLE, { .d = (double)(x) } })

extern enum log_level log_min_level;

void	log_setup(enum log_level, enum log_format, int journal);
int	log_level_parse(const char *, enum log_level *);
int	log_format_parse(const char *, enum log_format *);
void	log_emit(enum log_level, const char *msg, const struct log_kv *,
	    unsigned n);
/* Formats one line without writing it; for tests. Returns the length. */
unsigned log_format_line(char *dst, unsigned dstlen, enum log_level,
	    const char *msg, const struct log_kv *, unsigned n);

#define log_at(lvl, msg, ...) do {					\
	if ((lvl) >= log_min_level) {					\
		const struct log_kv log_kvs_[] = {			\
		    { 0, LOG_KV_NONE, { 0 } }, ##__VA_ARGS__ };		\
		log_emit((lvl), (msg), log_kvs_ + 1,			\
		    (unsigned)(sizeof(log_kvs_) / sizeof(log_kvs_[0]) - 1)); \
	}								\
} while (0)

#define log_debug(msg, ...)	log_at(LOG_LEVEL_DEBUG, msg, ##__VA_ARGS__)
#define log_info(msg, ...)	log_at(LOG_LEVEL_INFO, msg, ##__VA_ARGS__)
#define log_warn(msg, ...)	log_at(LOG_LEVEL_WARN, msg, ##__VA_ARGS__)
#define log_error(msg, ...)	log_at(LOG_LEVEL_ERROR, msg, ##__VA_ARGS__)

#endif
