/*
 * remedy_exec_int: the executor's records, shared by its two files and
 * by nothing else: remedy_exec.c (records, inputs, the decision step,
 * timers, construction, what the views get) and remedy_act.c (carrying
 * out an action, its result, dependents, logs and webhooks).
 */
#ifndef HALE_REMEDY_EXEC_INT_H
#define HALE_REMEDY_EXEC_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <ev.h>
#include <uthash.h>

#include "docker/docker.h"
#include "docker/inventory.h"
#include "remedy/notify.h"
#include "remedy/remedy.h"
#include "remedy/remedy_view.h"

#define REMEDY_HISTORY		10	/* attempts kept per container for the API */

struct rx_ctr;
struct probe_engine;

/* One Docker call in flight; outlives its container if need be. */
struct rx_ticket {
	struct remedy_exec	*rx;
	struct rx_ctr		*c;		/* NULL once the container is gone */
	enum remedy_action	 action;
	int			 dependent;
	unsigned		 chain;
	unsigned		 attempt;
	double			 started;	/* monotonic */
	TAILQ_ENTRY(rx_ticket)	 entry;
};

/*
 * A policy shared by the containers it was built for: most of a fleet
 * has one of a few (1,408 bytes each), so each is kept once, by value.
 */
struct rx_pol {
	struct remedy_policy	 p;
	unsigned		 refs;
	UT_hash_handle		 hh;	/* key: the policy's bytes */
};

#define RX_STATE_SHORT	offsetof(struct remedy_state, window)

struct rx_ctr {
	char			 id[DOCKER_ID_LEN + 1];
	struct remedy_exec	*rx;
	const struct remedy_policy *pol;	/* an rx_pol's; never NULL */
	/*
	 * Up to its window (RX_STATE_SHORT bytes) while the window is empty,
	 * as it stays for the containers never acted on; whole (realloc'd)
	 * from the first action start in it. Read in place; remedy_decide()
	 * runs on a whole copy.
	 */
	struct remedy_state	*st;
	int			 st_whole;
	char			*logged_error;	/* the invalid policy's, logged */
	int			 is_self;
	ev_timer		 timer;
	double			 wake_at;	/* monotonic; 0 = none */
	int			 todo;		/* a decided action waits for the timer */
	struct remedy_decision	 todo_d;
	unsigned		 todo_chain;
	struct rx_ticket	*ticket;
	enum docker_state	 last_state;
	double			 last_started_at;
	enum docker_health	 docker_seen;
	int			 hale_check;	/* a hale check reported for it */
	unsigned		 not_sent;	/* sends failed in a row */
	unsigned		 chain;		/* last restart chain it took part in */
	const char		*last_reason;	/* last verdict's reason (static) */
	/*
	 * REMEDY_HISTORY slots, oldest first; made at the first action, so
	 * the many containers never acted on don't carry them.
	 */
	struct remedy_attempt	*hist;
	unsigned		 nhist;
	/* Results by action, REMEDY_ACTION_COUNT rows made at the first */
	uint64_t		(*counts)[REMEDY_RESULT_COUNT];
	uint64_t		 give_ups;
	UT_hash_handle		 hh;
};

struct remedy_exec {
	struct ev_loop		*loop;
	struct docker		*docker;
	struct inventory	*inv;
	struct notify		*notify;
	struct probe_engine	*probe;
	struct events		*events;	/* NULL: none recorded */
	const struct remedy_config *rules;
	int			 dry_run;
	char			 self[DOCKER_ID_LEN + 1];
	char			 host[256];
	struct rx_ctr		*table;
	struct rx_pol		*pols;		/* interned, by bytes */
	TAILQ_HEAD(, rx_ticket)	 tickets;
	unsigned		 chain_seq;
	uint64_t		 not_sent;
};

/* ---- remedy_exec.c ---------------------------------------------------- */

/* Runs remedy_decide() on one input, books its verdict, arms the timer. */
void	remedy_exec_evaluate(struct rx_ctr *, struct remedy_input *);
struct rx_ctr *remedy_exec_ctr(struct remedy_exec *, const char *id);
/* The container's name for logs and metrics, else its id. */
const char *remedy_exec_name(const struct inv_container *,
	    const struct rx_ctr *);
/* 1 if a hale check watches the container (sticky once seen). */
int	remedy_exec_hale_check(struct rx_ctr *, const struct inv_container *);
double	remedy_exec_wall_now(void);
/* A monotonic instant as wall-clock seconds; 0 stays 0. */
double	remedy_exec_wall_of(double mono);

/* ---- remedy_act.c ------------------------------------------------------ */

/* Carries out the stored verdict (c->todo_d): Docker, dry run or notify. */
void	remedy_act_execute(struct rx_ctr *);
/* Logs and announces the events of a decision (give-up, recovery, ...). */
void	remedy_act_report(struct rx_ctr *, const struct remedy_decision *);

#endif
