/*
 * machine_metrics: cAdvisor's machine_* families from struct
 * cgroup_machine. Every sample carries boot_id, machine_id and
 * system_uuid, as cAdvisor's machine collector writes them; a family
 * whose facts were not found is left out.
 */
#include "cgroup/cgroup.h"

#include <stdio.h>

#include "core/metrics.h"

static void
one(struct metrics_writer *w, const char *labels, const char *name,
    const char *help, uint64_t v)
{
	metrics_family(w, name, METRICS_GAUGE, help);
	metrics_sample_u64(w, name, labels, NULL, v);
}

void
cgroup_machine_write(const struct cgroup_machine *m, struct metrics_writer *w)
{
	char	 labels[256], type[128];
	size_t	 i;

	/* The ids hold hex digits and '-' only: nothing to escape. */
	snprintf(labels, sizeof(labels),
	    "boot_id=\"%s\",machine_id=\"%s\",system_uuid=\"%s\"",
	    m->boot_id, m->machine_id, m->system_uuid);
	one(w, labels, "machine_cpu_cores", "Number of logical CPU cores.",
	    m->cpu_cores);
	if (m->have & CGROUP_MACHINE_TOPOLOGY) {
		one(w, labels, "machine_cpu_physical_cores",
		    "Number of physical CPU cores.", m->physical_cores);
		one(w, labels, "machine_cpu_sockets", "Number of CPU sockets.",
		    m->sockets);
	}
	if (m->have & CGROUP_MACHINE_BOOKS)
		one(w, labels, "machine_cpu_books", "Number of CPU books.",
		    m->books);
	if (m->have & CGROUP_MACHINE_DRAWERS)
		one(w, labels, "machine_cpu_drawers", "Number of CPU drawers.",
		    m->drawers);
	one(w, labels, "machine_memory_bytes",
	    "Amount of memory installed on the machine.", m->memory_bytes);
	if (m->have & CGROUP_MACHINE_SWAP)
		one(w, labels, "machine_swap_bytes",
		    "Amount of swap memory available on the machine.",
		    m->swap_bytes);
	if (!(m->have & CGROUP_MACHINE_DIMMS))
		return;
	metrics_family(w, "machine_dimm_count", METRICS_GAUGE,
	    "Number of RAM DIMM (all types memory modules) value labeled by "
	    "dimm type.");
	for (i = 0; i < m->ndimm; i++) {
		metrics_label_fixed(type, sizeof(type), "type", m->dimm[i].type);
		metrics_sample_u64(w, "machine_dimm_count", labels, type,
		    m->dimm[i].count);
	}
	metrics_family(w, "machine_dimm_capacity_bytes", METRICS_GAUGE,
	    "Total RAM DIMM capacity (all types memory modules) value labeled "
	    "by dimm type.");
	for (i = 0; i < m->ndimm; i++) {
		metrics_label_fixed(type, sizeof(type), "type", m->dimm[i].type);
		metrics_sample_u64(w, "machine_dimm_capacity_bytes", labels,
		    type, m->dimm[i].capacity);
	}
}
