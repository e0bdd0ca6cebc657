/* run.c: plan the hosts of a fleet in parallel threads (see run.h).
 *
 * Threads take hosts in index order from a shared counter and write only
 * their own host's entry of fleet->hosts, so the summaries do not depend
 * on which thread planned what.  What the libraries keep process-wide:
 *   - hwloc sets up its component list and some settings read from the
 *     environment (XML backend, verbosity) lazily, on the first topology
 *     it loads, and not all of it under a lock: the first host is planned
 *     on the main thread, before any other thread starts, so the others
 *     only read them;
 *   - jansson seeds its hash function on the first object; json_object_seed
 *     is called before the threads, as its documentation asks;
 *   - the planner itself keeps nothing: its state lives in struct plan and
 *     struct diag, the intents are shared read-only; the one libc call of
 *     topology_load() that is not thread-safe, getgrnam(3), is made only
 *     for the live machine, never for an XML file. */
#include <config.h>

#include "fleet/run.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/facts.h"
#include "fleet/fleet.h"
#include "fleet/summary.h"
#include "lib/output.h"
#include "planner/emit-openstack.h"
#include "planner/outputs.h"
#include "planner/topology.h"

struct run {
    struct fleet *fleet;
    const struct output_dir *out;
    atomic_size_t next;         /* Next host to plan. */
    atomic_bool stop;           /* Output failed: plan no more. */
    pthread_mutex_t lock;       /* Guards 'diag' (the run's own error). */
    struct diag *diag;
};

/* Keeps the host's outcome: the message when it failed, its warnings. */
static void
keep_outcome(struct fleet_host *h, struct diag *d)
{
    h->status = d->status;
    h->reason = d->status ? xstrdup(d->msg) : NULL;
    h->warnings = d->warnings;
    h->n_warnings = d->n_warnings;
    d->warnings = NULL;
    d->n_warnings = 0;
}

static int
write_host(struct run *r, const struct fleet_host *h, const struct plan *p)
{
    struct output_file *files = plan_outputs(p);
    struct diag d;
    int error;

    diag_init(&d);
    error = output_dir_write(r->out, h->name, files, plan_outputs_count(),
                             &d);
    plan_outputs_free(files);
    if (error) {
        pthread_mutex_lock(&r->lock);
        diag_error(r->diag, error, "%s", d.msg);
        pthread_mutex_unlock(&r->lock);
        atomic_store(&r->stop, true);
    }
    diag_destroy(&d);
    return error;
}

static void
plan_host(struct run *r, struct fleet_host *h)
{
    const struct intent *in = &r->fleet->groups[h->group].intent;
    struct topology_source src = { .xml_file = h->xml };
    struct nfv_topology topo;
    struct plan plan;
    struct diag d;

    diag_init(&d);
    memset(&topo, 0, sizeof topo);
    memset(&plan, 0, sizeof plan);
    if (!topology_load(&src, &topo, &d)
        && !(h->nics && facts_apply_file(h->nics, &topo, &d))
        && !plan_build(&topo, in, &plan, &d)
        && !openstack_check(&plan, &d)
        && !write_host(r, h, &plan)) {
        fleet_summarize(h, &plan);
    }
    keep_outcome(h, &d);
    plan_destroy(&plan);
    topology_destroy(&topo);
    diag_destroy(&d);
}

static void *
worker(void *r_)
{
    struct run *r = r_;
    size_t i;

    while (!atomic_load(&r->stop)
           && (i = atomic_fetch_add(&r->next, 1)) < r->fleet->n_hosts) {
        plan_host(r, &r->fleet->hosts[i]);
    }
    return NULL;
}

int
fleet_run(struct fleet *f, const struct output_dir *out, int jobs,
          struct diag *diag)
{
    struct run r = { .fleet = f, .out = out, .diag = diag };
    pthread_t *threads;
    int n = 0;

    pthread_mutex_init(&r.lock, NULL);
    atomic_init(&r.next, 1);
    atomic_init(&r.stop, false);
    json_object_seed(0);
    plan_host(&r, &f->hosts[0]);
    if ((size_t) jobs > f->n_hosts - 1) {
        jobs = f->n_hosts - 1;
    }
    threads = xcalloc(jobs ? jobs : 1, sizeof *threads);
    for (int i = 0; i < jobs; i++) {
        if (pthread_create(&threads[n], NULL, worker, &r)) {
            break;
        }
        n++;
    }
    if (!n) {
        worker(&r);         /* No thread to be had: plan them here. */
    }
    for (int i = 0; i < n; i++) {
        pthread_join(threads[i], NULL);
    }
    free(threads);
    pthread_mutex_destroy(&r.lock);
    return diag->status;
}
