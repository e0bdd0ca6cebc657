/* plan-file.c: plan.json format 2 (see plan-file.h). */
#include "lib/plan-file.h"

const char *
emulator_policy_name(enum emulator_policy p)
{
    return p == EMU_SHARE ? "share" : p == EMU_ISOLATE ? "isolate" : "none";
}

const char *
thread_policy_name(enum thread_policy p)
{
    return (p == THREAD_PREFER ? "prefer"
            : p == THREAD_ISOLATE ? "isolate" : "require");
}

const char *
nic_type_name(enum nic_type t)
{
    return t == NIC_VHOST ? "vhost" : "sriov";
}
