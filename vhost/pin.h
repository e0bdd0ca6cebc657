/* pin.h: where the traffic tools' polling threads may run.
 *
 * The cores come from --cores, or from the plan's guest pool (the cores a
 * VM's vCPUs would get).  A polling endpoint on a core that an OVS PMD
 * thread also polls starves both: ../shared/BRIEF.md section 4 measured
 * 3.29 Mpps apart and 3.9 Kpps together.  So the chosen cores are checked
 * against the PMD pool of the plan and against the PMD threads ovs-vswitchd
 * is really running (threads named "pmd-c..." and their affinity), and
 * refused unless forced. */
#ifndef NFV_VHOST_PIN_H
#define NFV_VHOST_PIN_H 1

#include <stdbool.h>
#include <hwloc.h>

struct diag;

/* Fills 'cpus' from 'cores' (a CPU list) or the guest pool of 'plan'
 * (either may be NULL; with both NULL the set stays empty: no pinning).
 * Refuses PMD cores unless 'force'.  Returns 0 or a diag status. */
int pin_choose(const char *cores, const char *plan, bool force,
               hwloc_bitmap_t cpus, struct diag *);

/* The CPUs that running OVS PMD threads poll, read from 'proc' (normally
 * "/proc"): the core in each thread's name ("pmd-c03/id:9"), or its
 * affinity when the name says none.  Names in 'who' one thread that polls
 * a CPU of 'want' (any thread if 'want' is NULL). */
void pin_pmd_cpus(const char *proc, hwloc_const_bitmap_t want,
                  hwloc_bitmap_t cpus, char *who, size_t who_size);

/* Pins the calling thread to the 'index'-th CPU of 'cpus' (wrapping);
 * does nothing for an empty set. */
int pin_self(hwloc_const_bitmap_t cpus, int index, struct diag *);

#endif /* vhost/pin.h */
