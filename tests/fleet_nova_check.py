#!/usr/bin/python3
"""fleet_nova_check.py: prove a fleet's flavors and aggregates with nova's
own code (python3-nova).

Usage: fleet_nova_check.py OUT CLOUD.json
  OUT         an 'nfvhost fleet plan --output' directory
  CLOUD.json  what OUT/flavors.sh and OUT/aggregates.sh made of a cloud
              (tests/fake_openstack.py), with CLOUD.json.requests

Checks, one line each ("PASS what" or "FAIL what: why"; exit status 1 if
any failed):
  - every request the scripts sent passes nova-api's JSON schema for it,
    and every flavor extra spec nova's extra-spec validators;
  - every aggregate metadata key is some flavor's
    aggregate_instance_extra_specs: key, and every flavor that fits a host
    has its key on an aggregate;
  - for every host and flavor of the cloud, nova's
    AggregateInstanceExtraSpecsFilter passes the host exactly when
    fleet.json says the flavor fits it (never, for a flavor the fleet no
    longer has: flavors.sh leaves flavors in place);
  - for every planned host and every hw:cpu_thread_policy=prefer or
    hw:cpu_policy=shared flavor of the fleet, nova's NUMA fitting
    (numa_fit_instance_to_host, one instance after another on the host
    nova would report from the host's plan.json and nova.conf, with the
    limits nova's NUMATopologyFilter passes) holds exactly as many
    instances as fleet.json says.
"""
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("OS_NOVA_DISABLE_EVENTLET_PATCHING", "1")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import nova_check  # noqa: E402  (tests/nova_check.py: the host as nova sees it)
import os_resource_classes as orc  # noqa: E402
from nova import objects  # noqa: E402
from nova.api.openstack.compute.schemas import aggregates  # noqa: E402
from nova.api.openstack.compute.schemas import flavors_extraspecs  # noqa: E402
try:  # nova 26 (Debian 12); nova 31 (Debian 13) moved it into flavors.py
    from nova.api.openstack.compute.schemas import flavor_manage  # noqa: E402
except ImportError:
    from nova.api.openstack.compute.schemas import flavors as flavor_manage  # noqa: E402
from nova.api.validation import validators  # noqa: E402
from nova.api.validation.extra_specs import validators as spec_validators  # noqa: E402
from nova.scheduler.filters import aggregate_instance_extra_specs as aies  # noqa: E402
from nova.virt import driver as virt_driver  # noqa: E402
from nova.virt import hardware  # noqa: E402

SCOPE = "aggregate_instance_extra_specs:"
# The API's request schemas by the names fake_openstack.py gives them.
SCHEMAS = {"aggregates": aggregates, "flavor_manage": flavor_manage,
           "flavors_extraspecs": flavors_extraspecs}
failed = 0


def report(what, fn):
    global failed
    try:
        fn()
        print(f"PASS {what}")
    except Exception as e:  # nova raises many kinds; all are failures
        failed += 1
        print(f"FAIL {what}: {type(e).__name__}: {e}".replace("\n", " "))


def check_requests(path):
    n = 0
    with open(path) as f:
        for line in f:
            schema_name, body = json.loads(line)
            module, attr = schema_name.split(".")
            schema = getattr(SCHEMAS[module], attr)
            validators._SchemaValidator(schema).validate(body)
            for k, v in body.get("extra_specs", {}).items():
                spec_validators.validate(k, v)
            n += 1
    if not n:
        raise AssertionError("no request")


def check_keys(cloud, fleet):
    agg_keys = {k for a in cloud["aggregates"].values() for k in a["metadata"]}
    spec_keys = {}
    for name, fl in cloud["flavors"].items():
        keys = [k[len(SCOPE):] for k in fl["properties"] if k.startswith(SCOPE)]
        if len(keys) != 1:
            raise AssertionError(f"flavor {name}: {len(keys)} {SCOPE} keys")
        spec_keys[name] = keys[0]
    stray = agg_keys - set(spec_keys.values())
    if stray:
        raise AssertionError(f"aggregate keys no flavor asks for: {stray}")
    for f in fleet["flavors"]:
        if f["hosts"] and spec_keys[f["name"]] not in agg_keys:
            raise AssertionError(f"flavor {f['name']} fits {f['hosts']} "
                                 "host(s) but no aggregate has its key")


class HostState:
    """What the filter reads of a host: its aggregates."""

    def __init__(self, name, cloud):
        self.host = name
        self.aggregates = [
            objects.Aggregate(name=a, metadata=agg["metadata"],
                              hosts=agg["hosts"])
            for a, agg in sorted(cloud["aggregates"].items())
            if name in agg["hosts"]]


def nova_flavor(name, fl):
    return objects.Flavor(name=name, vcpus=fl["vcpus"], memory_mb=fl["ram"],
                          extra_specs=fl["properties"])


def check_filter(cloud, fleet):
    filt = aies.AggregateInstanceExtraSpecsFilter()
    wrong = []
    for h in fleet["hosts"]:
        state = HostState(h["name"], cloud)
        if h["status"] != "planned" and state.aggregates:
            wrong.append(f"{h['name']} is not planned but in an aggregate")
        for name, fl in cloud["flavors"].items():
            spec = objects.RequestSpec(flavor=nova_flavor(name, fl))
            passes = filt.host_passes(state, spec)
            fits = h.get("flavors", {}).get(name, 0) > 0
            if passes != fits:
                wrong.append(f"{h['name']} {name}: filter "
                             f"{'passes' if passes else 'fails'}, "
                             f"fleet.json says {h.get('flavors', {})}")
    if wrong:
        raise AssertionError("; ".join(wrong[:5]))


def scheduler_limits():
    """The limits nova's NUMATopologyFilter fits with: the host's
    allocation ratios, which a new compute node takes from nova.conf
    ([DEFAULT] cpu_allocation_ratio, else initial_cpu_allocation_ratio:
    ComputeDriver._get_allocation_ratios, as the libvirt driver reports
    them to placement).  Only shared-CPU instances are held to them."""
    ratios = virt_driver.ComputeDriver._get_allocation_ratios({})
    return objects.NUMATopologyLimits(
        cpu_allocation_ratio=ratios[orc.VCPU],
        ram_allocation_ratio=ratios[orc.MEMORY_MB])


def nova_count(plan, flavor, limit):
    """Instances of 'flavor' nova fits on the host, one after another."""
    host = nova_check.host_numa_topology(plan)
    inst = hardware.numa_get_constraints(flavor,
                                         objects.ImageMeta.from_dict({}))
    limits = scheduler_limits()
    n = 0
    while n <= limit:
        fit = nova_check.numa_fit(host, inst, limits)
        if fit is None:
            break
        host = hardware.numa_usage_from_instance_numa(host, fit)
        n += 1
    return n


def check_counts(out, cloud, fleet, host):
    d = os.path.join(out, host["name"])
    nova_check.load_nova_conf(os.path.join(d, "openstack", "nova.conf"))
    with open(os.path.join(d, "plan.json")) as f:
        plan = json.load(f)
    for name in sorted(f["name"] for f in fleet["flavors"]):
        fl = cloud["flavors"][name]
        props = fl["properties"]
        if (props.get("hw:cpu_policy") != "shared"
                and props.get("hw:cpu_thread_policy") != "prefer"):
            continue    # isolate, require: sibling lists plan.json lacks
        want = host["flavors"].get(name, 0)
        got = nova_count(plan, nova_flavor(name, fl), want)
        if got != want:
            raise AssertionError(f"{name}: nova fits {got}, fleet.json "
                                 f"says {want}")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    out, cloud_path = sys.argv[1:]
    with open(os.path.join(out, "fleet.json")) as f:
        fleet = json.load(f)
    with open(cloud_path) as f:
        cloud = json.load(f)
    report("requests pass nova-api's schemas and extra-spec validators",
           lambda: check_requests(cloud_path + ".requests"))
    report("aggregate keys match the flavors' " + SCOPE + " specs",
           lambda: check_keys(cloud, fleet))
    report("AggregateInstanceExtraSpecsFilter passes exactly the hosts a "
           "flavor fits", lambda: check_filter(cloud, fleet))
    for h in fleet["hosts"]:
        if h["status"] == "planned":
            report(f"{h['name']}: nova's NUMA fitting holds fleet.json's "
                   "count of each prefer and shared flavor",
                   lambda h=h: check_counts(out, cloud, fleet, h))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
