/* fuzz-intent.c: libFuzzer target for the intent INI parser
 * (planner/intent.c on inih) and the planner behind it, as 'nfvhost plan'
 * runs them: an intent file, the home lab's topology, plan_build(), the
 * OpenStack check, plan.json.
 *
 * Input: the text of an intent file (written to a file, since
 * intent_parse_file() reads a path).  Checked: the parser accepts it or
 * refuses it as input (status 2) with a message naming the file; the
 * planner then plans (status 0) or refuses (2, 3), never anything else;
 * and the plan.json it writes is one its own reader (lib/plan-file.h)
 * accepts: the planner never writes a plan the appliers would refuse.
 * Seeds: the intents of examples/ (home lab, the fleet's groups) and of
 * the planner's tests. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/diag.h"
#include "lib/plan-file.h"
#include "planner/emit-openstack.h"
#include "planner/emit.h"
#include "planner/intent.h"
#include "planner/plan.h"
#include "planner/topology.h"
#include "tests/fuzz/fuzz.h"

static struct nfv_topology topo;
static char dir[] = "/tmp/nfvhost-fuzz-intent-XXXXXX";
static char *path;

static void
cleanup(void)
{
    unlink(path);
    rmdir(dir);
}

static void
init(void)
{
    char *xml = fuzz_source_file("examples/homelab/topology.xml");
    struct topology_source src = { .xml_file = xml };
    struct diag d;

    diag_init(&d);
    fuzz_check(!topology_load(&src, &topo, &d), "%s: %s", xml, d.msg);
    fuzz_check(mkdtemp(dir), "mkdtemp");
    path = malloc(sizeof dir + sizeof "/intent.ini");
    sprintf(path, "%s/intent.ini", dir);
    atexit(cleanup);
    diag_destroy(&d);
    free(xml);
}

static void
check_plan(const struct intent *intent)
{
    struct plan plan;
    struct diag d;
    int error;

    diag_init(&d);
    memset(&plan, 0, sizeof plan);
    error = plan_build(&topo, intent, &plan, &d);
    if (!error) {
        error = openstack_check(&plan, &d);
    }
    if (error) {
        fuzz_check((error == NFV_EINPUT || error == NFV_EINFEASIBLE)
                   && error == d.status && d.msg[0],
                   "planner: %d (status %d): %s", error, d.status, d.msg);
    } else {
        char *json = emit_plan_json(&plan);
        struct plan_file *pf;

        diag_destroy(&d);
        diag_init(&d);
        pf = plan_file_parse(json, strlen(json), "plan.json", &d);
        fuzz_check(pf, "the planner wrote a plan.json its reader refuses: "
                   "%s", d.msg);
        plan_file_destroy(pf);
        free(json);
    }
    plan_destroy(&plan);
    diag_destroy(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct intent intent;
    struct diag d;
    FILE *f;

    if (!path) {
        init();
    }
    f = fopen(path, "w");
    fuzz_check(f && fwrite(data, 1, size, f) == size && !fclose(f),
               "cannot write %s", path);

    diag_init(&d);
    intent_default(&intent);
    if (intent_parse_file(path, &intent, &d)) {
        fuzz_check(d.status == NFV_EINPUT && strstr(d.msg, path),
                   "refused with status %d: %s", d.status, d.msg);
    } else {
        check_plan(&intent);
    }
    intent_destroy(&intent);
    diag_destroy(&d);
    return 0;
}
