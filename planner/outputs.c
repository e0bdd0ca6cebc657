/* outputs.c: the table of files a plan becomes (see outputs.h). */
#include <config.h>

#include "planner/outputs.h"

#include <stdlib.h>

#include "planner/emit.h"
#include "planner/emit-openstack.h"
#include "lib/util.h"

static const struct {
    const char *name;
    char *(*emit)(const struct plan *);
    int mode;
} outputs[] = {
    { PLAN_OUTPUT_MARKER, emit_plan_json, 0644 },
    { "kernel-cmdline.txt", emit_kernel_cmdline, 0644 },
    { "grub.d/nfvhost.cfg", emit_grub_dropin, 0644 },
    { "ovs-other-config.sh", emit_ovs_script, 0755 },
    { "tuned/cpu-partitioning-variables.conf", emit_tuned, 0644 },
    { "irqbalance/irqbalance.env", emit_irqbalance, 0644 },
    { "openstack/nova.conf", emit_nova_conf, 0644 },
    { "openstack/flavors.sh", emit_flavors_sh, 0755 },
    { "openstack/openvswitch_agent.ini", emit_ovs_agent_ini, 0644 },
    { "openstack/sriov_agent.ini", emit_sriov_agent_ini, 0644 },
    { "openstack/controller.conf", emit_controller_conf, 0644 },
};

size_t
plan_outputs_count(void)
{
    return ARRAY_SIZE(outputs);
}

const char *
plan_output_name(size_t i)
{
    return outputs[i].name;
}

struct output_file *
plan_outputs(const struct plan *p)
{
    struct output_file *files = xcalloc(ARRAY_SIZE(outputs), sizeof *files);

    for (size_t i = 0; i < ARRAY_SIZE(outputs); i++) {
        files[i].name = outputs[i].name;
        files[i].text = outputs[i].emit(p);
        files[i].mode = outputs[i].mode;
    }
    return files;
}

void
plan_outputs_free(struct output_file *files)
{
    for (size_t i = 0; files && i < ARRAY_SIZE(outputs); i++) {
        free(files[i].text);
    }
    free(files);
}
