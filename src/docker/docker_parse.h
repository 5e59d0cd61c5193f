/*
 * docker_parse: pure functions from Docker Engine API bytes to structs.
 *
 * Nothing here does I/O, logs or touches globals: the Docker client
 * (docker.c) feeds bytes in, the tests and fuzzers do the same. One
 * file per format: docker_parse_lines.c (the events line splitter),
 * _event.c (an event line), _inspect.c (list and inspect), _version.c,
 * _host.c (--docker.host), _time.c (RFC 3339), _names.c (enum names,
 * ids), over the shared cJSON readers of docker_parse_json.h.
 *
 * Everything that comes from Docker is untrusted, so every string and
 * every array has a cap (the DOCKER_*_MAX constants). Strings over a cap
 * are rejected or dropped as documented next to each field, never
 * silently truncated in a way that could merge two different values.
 */
#ifndef HALE_DOCKER_PARSE_H
#define HALE_DOCKER_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/id.h"

#define DOCKER_ID_LEN		ID_LEN		/* hex digits of a full container id */
#define DOCKER_LINE_MAX		(1024 * 1024)	/* default events line cap */
#define DOCKER_NAME_MAX		1024		/* container name, image reference */
#define DOCKER_LABELS_MAX	512		/* labels kept per container */
#define DOCKER_LABEL_KEY_MAX	1024
#define DOCKER_LABEL_VALUE_MAX	(2 * 1024 * 1024)
#define DOCKER_LABELS_BYTES_MAX	(8 * 1024 * 1024)	/* keys + values per container */
#define DOCKER_ENV_MAX		64		/* allow-listed env vars kept */
#define DOCKER_ENV_VALUE_MAX	4096		/* longer values are left out */
#define DOCKER_HEALTH_LOG_MAX	5		/* Docker itself keeps 5 */
#define DOCKER_HEALTH_OUTPUT_MAX 4096		/* Docker caps Output at 4096 */
#define DOCKER_HC_TEST_MAX	64		/* Healthcheck.Test elements kept */
#define DOCKER_HC_TEST_BYTES	8192		/* each element; longer ones are cut */
#define DOCKER_NETWORKS_MAX	16
#define DOCKER_PORTS_MAX	64
#define DOCKER_LIST_MAX		100000		/* containers in one list reply */

/*
 * API versions we speak: 1.24 (Docker 1.12, the floor current engines
 * still accept) to 1.41 (Docker 20.10, bookworm's docker.io), the newest
 * we test against. Engines from 29 on refuse anything below 1.44; for
 * them we use the engine's minimum as long as it is at most
 * DOCKER_API_CEIL, because every field we read is unchanged up to 1.52
 * (1.52 drops the legacy event fields, which we only fall back to).
 */
#define DOCKER_API_MIN		124		/* major * 100 + minor */
#define DOCKER_API_MAX		141
#define DOCKER_API_CEIL		152

/* ---- the events line splitter ---------------------------------------- */

/*
 * Accumulates the chunks of a newline-delimited stream and calls back
 * once per complete line (without the '\n', without a trailing '\r';
 * empty lines are skipped). A line longer than `max` bytes is dropped and
 * counted, and the splitter skips to the next newline, so one oversized
 * event costs that event, not the stream.
 */
typedef void docker_line_cb(const char *line, size_t len, void *arg);

struct docker_lines {
	char		*buf;		/* partial line carried between chunks */
	size_t		 len;
	size_t		 cap;
	size_t		 max;		/* line cap in bytes; 0 = DOCKER_LINE_MAX */
	int		 skipping;	/* inside a dropped line, waiting for '\n' */
	uint64_t	 lines;		/* lines delivered */
	uint64_t	 dropped;	/* lines dropped (too long or out of memory) */
	/*
	 * Optional: called (with feed's `arg`) with the first `keep`
	 * bytes of each line dropped for its length, so the caller can
	 * salvage what it can (docker_event_salvage).
	 */
	docker_line_cb	*on_drop;
	size_t		 keep;
};

void	docker_lines_init(struct docker_lines *, size_t max);
/* Returns how many lines this call dropped (0 normally). */
int	docker_lines_feed(struct docker_lines *, const char *chunk,
	    size_t len, docker_line_cb *, void *arg);
/*
 * End of stream: returns 1 if a partial line (no final '\n') was pending
 * and has been discarded (counted in `dropped`), 0 otherwise. The
 * splitter is reset and can be fed again.
 */
int	docker_lines_finish(struct docker_lines *);
void	docker_lines_free(struct docker_lines *);

/* ---- events ----------------------------------------------------------- */

enum docker_action {
	DOCKER_ACTION_OTHER = 0,	/* anything we don't know: counted, ignored */
	DOCKER_ACTION_CREATE,
	DOCKER_ACTION_START,
	DOCKER_ACTION_RESTART,
	DOCKER_ACTION_DIE,
	DOCKER_ACTION_STOP,
	DOCKER_ACTION_KILL,
	DOCKER_ACTION_PAUSE,
	DOCKER_ACTION_UNPAUSE,
	DOCKER_ACTION_OOM,
	DOCKER_ACTION_DESTROY,
	DOCKER_ACTION_RENAME,
	DOCKER_ACTION_HEALTH_STATUS,
	DOCKER_ACTION_UPDATE,
	DOCKER_ACTION_ATTACH,
	DOCKER_ACTION_DETACH,
	DOCKER_ACTION_COMMIT,
	DOCKER_ACTION_COPY,
	DOCKER_ACTION_EXPORT,
	DOCKER_ACTION_RESIZE,
	DOCKER_ACTION_TOP,
	DOCKER_ACTION_PRUNE,
	DOCKER_ACTION_EXEC_CREATE,
	DOCKER_ACTION_EXEC_START,
	DOCKER_ACTION_EXEC_DIE,
	DOCKER_ACTION_EXEC_DETACH,
	DOCKER_ACTION_COUNT
};

enum docker_health {
	DOCKER_HEALTH_NONE = 0,		/* no healthcheck */
	DOCKER_HEALTH_STARTING,
	DOCKER_HEALTH_HEALTHY,
	DOCKER_HEALTH_UNHEALTHY,
};

enum docker_state {
	DOCKER_STATE_UNKNOWN = 0,
	DOCKER_STATE_CREATED,
	DOCKER_STATE_RUNNING,
	DOCKER_STATE_PAUSED,
	DOCKER_STATE_RESTARTING,
	DOCKER_STATE_REMOVING,
	DOCKER_STATE_EXITED,
	DOCKER_STATE_DEAD,
	DOCKER_STATE_COUNT
};

struct docker_event {
	enum docker_action	 action;
	char			 id[DOCKER_ID_LEN + 1];	/* "" only for prune */
	/* Attributes; informational (truncated to fit): inspect is the truth. */
	char			 name[256];
	char			 old_name[256];	/* rename: without the '/' */
	char			 image[256];
	enum docker_health	 health;	/* health_status only */
	int			 exit_code;	/* die: -1 if absent */
	int			 signal;	/* kill: -1 if absent */
	double			 time;		/* unix seconds, 0 if absent */
};

/*
 * Parses one event line. Returns 0 for a container event, 1 for a valid
 * event of another type (image, network, ...: ignore it), -1 with a
 * message for anything malformed. Accepts the legacy fields (status, id,
 * from) and the current ones (Type, Action, Actor), Docker's
 * "health_status: healthy" and Podman's bare "health_status" with the
 * status in HealthStatus or Actor.Attributes.health_status, and
 * Podman's "died"/"remove" spellings of die/destroy.
 */
int	docker_parse_event(const char *json, size_t len, struct docker_event *,
	    char *err, size_t errlen);
/*
 * Best effort on the start of an event line too long to parse. Docker's
 * encoder writes status, id, from, Type, Action and Actor.ID before
 * Actor.Attributes (the part that grows with the labels), so the id is
 * normally in the first few hundred bytes. Returns 0 with ev->id and
 * ev->action filled (action OTHER if not seen), 1 if the prefix says it
 * is not a container event, -1 if no container id was found.
 */
int	docker_event_salvage(const char *prefix, size_t len,
	    struct docker_event *);
/* Normalises an Action string ("exec_start: sh -c x" -> EXEC_START). */
enum docker_action docker_action_parse(const char *, size_t len);
const char *docker_action_name(enum docker_action);
const char *docker_health_name(enum docker_health);
/* cAdvisor's container_health_state: 1 healthy, 0 unhealthy or starting, -1 none. */
int	docker_health_value(enum docker_health);
int	docker_health_parse(const char *, enum docker_health *);
const char *docker_state_name(enum docker_state);
enum docker_state docker_state_parse(const char *);

/* ---- containers list (GET /containers/json?all=1) --------------------- */

struct docker_summary {
	char			 id[DOCKER_ID_LEN + 1];
	char			*name;		/* first of Names, without '/' */
	enum docker_state	 state;
	/* From the human Status "Up 5 minutes (healthy)"; NONE if not said. */
	enum docker_health	 health;
};

struct docker_list {
	struct docker_summary	*items;
	size_t			 n;
};

/* Entries with an invalid id are skipped; -1 only if the whole reply is bad. */
int	docker_parse_containers_list(const char *json, size_t len,
	    struct docker_list *, char *err, size_t errlen);
void	docker_list_free(struct docker_list *);

/* ---- inspect (GET /containers/{id}/json) ------------------------------ */

struct docker_label {
	char	*key;
	char	*value;
};

struct docker_health_result {
	double	 start;			/* unix seconds */
	double	 end;
	int	 exit_code;
	char	*output;		/* capped at DOCKER_HEALTH_OUTPUT_MAX */
};

struct docker_healthcheck {
	int	 present;		/* Test given and not ["NONE"] */
	char	**test;			/* e.g. {"CMD-SHELL", "curl -f ..."} */
	size_t	 ntest;
	size_t	 test_cut;		/* elements cut short or left out */
	double	 interval;		/* seconds; 0 = Docker's default */
	double	 timeout;
	double	 start_period;
	int	 retries;
};

struct docker_network {
	char	*name;
	char	*ip;			/* IPAddress, "" if none */
	char	*ip6;			/* GlobalIPv6Address */
};

struct docker_port {
	uint16_t container_port;
	char	 proto[8];		/* tcp, udp, sctp */
	char	 host_ip[48];		/* "" if unpublished */
	uint16_t host_port;		/* 0 if unpublished */
};

struct docker_inspect {
	char			 id[DOCKER_ID_LEN + 1];
	char			*name;		/* without the leading '/' */
	char			*image;		/* Config.Image */
	char			*image_id;	/* Image (sha256:...) */
	enum docker_state	 state;
	pid_t			 pid;
	int			 exit_code;
	int			 oom_killed;
	char			 started_at_text[48];	/* as Docker wrote it */
	double			 started_at;	/* unix seconds; 0 = never */
	double			 finished_at;
	double			 created;
	struct docker_label	*labels;	/* sorted by key */
	size_t			 nlabels;
	size_t			 labels_dropped;	/* over a cap */
	/* Config.Env entries whose name the caller allow-listed, in order */
	struct docker_label	*env;
	size_t			 nenv;
	size_t			 env_dropped;	/* allow-listed but over a cap */
	char			*network_mode;
	/* GraphDriver: Name ("overlay2") and Data.UpperDir, NULL if absent */
	char			*graph_driver;
	char			*upper_dir;
	int			 restart_count;
	char			 restart_policy[32];	/* "" = no */
	int			 restart_max_retries;
	int			 stop_timeout;	/* seconds; -1 = not set */
	int64_t			 memory_limit;	/* HostConfig.Memory; 0 = none */
	struct docker_healthcheck hc;
	/* State.Health */
	enum docker_health	 health;	/* NONE if State.Health absent */
	int			 failing_streak;
	/* Oldest first; DOCKER_HEALTH_LOG_MAX slots made at the first result */
	struct docker_health_result *log;
	size_t			 nlog;
	struct docker_network	*networks;
	size_t			 nnetworks;
	struct docker_port	*ports;
	size_t			 nports;
};

int	docker_parse_inspect(const char *json, size_t len,
	    struct docker_inspect *, char *err, size_t errlen);
/*
 * The same, also keeping the Config.Env entries whose name starts with
 * one of `env_prefix` (cAdvisor's --env_metadata_whitelist); every other
 * entry is never copied, so values the operator did not ask for (secrets)
 * never reach memory that outlives the parse.
 */
int	docker_parse_inspect_env(const char *json, size_t len,
	    const char *const *env_prefix, size_t nenv_prefix,
	    struct docker_inspect *, char *err, size_t errlen);
/* 1 if name[0..len) starts with one of the prefixes. */
int	docker_env_wanted(const char *name, size_t len,
	    const char *const *prefix, size_t n);
void	docker_inspect_free(struct docker_inspect *);
/* The value of the label `key`; NULL if the container has none. */
const char *docker_inspect_label(const struct docker_inspect *,
	    const char *key);

/*
 * RFC 3339 (with or without fractional seconds, Z or +hh:mm) -> unix
 * seconds. Go's zero time "0001-01-01T00:00:00Z" and anything before
 * 1970 give 0. Returns -1 if the text is not a timestamp.
 */
int	docker_parse_time(const char *, double *);

/* ---- version ---------------------------------------------------------- */

struct docker_version {
	int	 api;			/* ApiVersion, major * 100 + minor */
	int	 min_api;		/* MinAPIVersion, 0 if absent */
	char	 version[64];		/* Version, e.g. "20.10.24+dfsg1" */
};

int	docker_parse_version(const char *json, size_t len,
	    struct docker_version *, char *err, size_t errlen);
/* "1.41" -> 141. -1 if malformed. */
int	docker_api_parse(const char *);
/*
 * The version to use with this engine (major * 100 + minor), or -1 with
 * a message if there is none we both speak.
 */
int	docker_api_negotiate(const struct docker_version *, char *err,
	    size_t errlen);

/* ---- --docker.host ---------------------------------------------------- */

struct docker_endpoint {
	char	 socket_path[108];	/* unix socket, "" for tcp */
	char	 base_url[300];		/* "http://localhost" or "http://HOST:PORT" */
};

/* unix:///path or tcp://HOST:PORT (also a bare absolute path). */
int	docker_endpoint_parse(const char *, struct docker_endpoint *,
	    char *err, size_t errlen);

#endif
