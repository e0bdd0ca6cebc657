/* status.h: 'nfvhost ovs status': PMD threads and ports as ovs-vswitchd
 * sees them, and findings in plain words that say why packets drop.
 *
 * PMD data comes from the control socket (dpif-netdev/pmd-rxq-show and
 * pmd-stats-show, parsed line by line); port data from the Interface
 * table (link_state, status, statistics).  With a plan, the masks and
 * pools are compared with it (through --cpu-map). */
#ifndef NFV_STATUS_H
#define NFV_STATUS_H 1

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "lib/diag.h"

struct ovs_opts;
struct plan_file;

#define STATUS_BUSY_PCT 95.0

/* Collects the status as JSON: {"pmds": [...], "ports": [...],
 * "findings": [...]}; 'control' NULL finds the socket from o->db. */
json_t *ovs_status_collect(const struct ovs_opts *, const char *control,
                           const struct plan_file *, struct diag *);

/* The status from what ovs_status_collect() read: 'dump' (ovsdb_dump() of
 * at least Open_vSwitch and Interface) and the texts of pmd-rxq-show and
 * pmd-stats-show; ovs_status_print() writes it as 'ovs status' does.  For
 * the fuzz target that feeds them what a misbehaving daemon could send. */
json_t *ovs_status_build(const struct ovs_opts *, const json_t *dump,
                         const char *rxq_show, const char *stats_show,
                         const struct plan_file *);
void ovs_status_print(const json_t *status, bool json, FILE *out);

/* Parsers of the two appctl texts, exposed for unit tests and for
 * 'nfvhost check': they fill 'pmds' (an array of PMD objects keyed by
 * numa/core).  pmd-stats-show's counters are kept raw as well
 * ("idle_cycles", "processing_cycles", "upcalls", "lost_upcalls"), so
 * two readings give the rates in between. */
void status_parse_rxq_show(const char *text, json_t *pmds);
void status_parse_stats_show(const char *text, json_t *pmds);

/* Appends to 'findings' what is wrong with 'pmds' and 'ports' (as in the
 * collected status): cross-NUMA polling, busy PMDs, drops, unconnected
 * front-ends, interface errors. */
void status_findings(const json_t *pmds, const json_t *ports,
                     json_t *findings);

int ovs_status(const struct ovs_opts *, const char *control,
               const struct plan_file *, bool json, FILE *out,
               struct diag *);

#endif /* ovs-ext/status.h */
