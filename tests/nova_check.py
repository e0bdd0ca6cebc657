#!/usr/bin/python3
"""nova_check.py: prove nfvhost's OpenStack files with nova's and neutron's
own code (python3-nova, python3-neutron).

Usage: nova_check.py DIR...   (each DIR an 'nfvhost plan --output' dir)

For every DIR it loads DIR/openstack/nova.conf with nova's registered
options and runs the parsers nova-compute runs at start-up, validates every
flavor extra spec of DIR/openstack/flavors.sh with nova's validators and
nova's NUMA constraint code, fits each flavor onto the host nova would
report, and loads the neutron agent fragments with neutron's options and
parsers.  It compares all of it with DIR/plan.json.  One line per check:
"PASS DIR what" or "FAIL DIR what: why"; exit status 1 if any failed.

The only stand-in is the libvirt host object LibvirtDriver asks for online
CPUs: it answers with the plan's usable CPUs, which is what the real host
would report on the machine the plan was made for.
"""
import inspect
import json
import os
import shlex
import sys
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("OS_NOVA_DISABLE_EVENTLET_PATCHING", "1")

from oslo_config import cfg  # noqa: E402

import nova.conf  # noqa: E402
from nova import exception  # noqa: E402
from nova import objects  # noqa: E402
from nova.api.validation.extra_specs import validators  # noqa: E402
from nova.pci import whitelist  # noqa: E402
from nova.virt import hardware  # noqa: E402
from nova.virt.libvirt import driver as libvirt_driver  # noqa: E402

from neutron.conf.agent import securitygroups_rpc  # noqa: E402
from neutron.conf.plugins.ml2.drivers import ovs_conf  # noqa: E402
from neutron.conf.plugins.ml2.drivers.mech_sriov import \
    agent_common  # noqa: E402
from neutron.plugins.ml2.drivers.mech_sriov.agent.common import \
    config as sriov_config  # noqa: E402
from neutron_lib.plugins import utils as plugin_utils  # noqa: E402
from neutron_lib.utils import helpers  # noqa: E402
from neutron.conf.plugins.ml2 import config as ml2_config  # noqa: E402
from neutron.conf.plugins.ml2.drivers import driver_type  # noqa: E402
from nova.scheduler import filters as nova_filters  # noqa: E402

CONF = nova.conf.CONF
objects.register_all()
failed = 0


class Check(Exception):
    pass


def numa_fit(host, instance, limits=None):
    """nova's numa_fit_instance_to_host(): nova 31 (Debian 13) also takes
    the placement provider mapping, None when no PCI request needs one.
    'limits': the scheduler's NUMATopologyLimits (shared CPUs and memory
    are overcommitted only up to them), or None as nova-compute passes."""
    fit = hardware.numa_fit_instance_to_host
    if "provider_mapping" in inspect.signature(fit).parameters:
        return fit(host, instance, None, limits=limits)
    return fit(host, instance, limits=limits)


def cpus(spec):
    """A plan CPU list ("0-3,8", "") as a set, with nova's own parser."""
    return hardware.parse_cpu_spec(spec) if spec else set()


class OnlineCpusHost:
    """What LibvirtDriver asks its host for: the online CPUs."""

    def __init__(self, online):
        self.online = online

    def get_online_cpus(self):
        return self.online


def report(d, what, fn):
    global failed
    try:
        fn()
        print(f"PASS {d} {what}")
    except Exception as e:  # nova raises many kinds; all are failures
        failed += 1
        msg = str(e).replace("\n", " ")
        print(f"FAIL {d} {what}: {type(e).__name__}: {msg}")


def load_nova_conf(path):
    CONF.reset()
    CONF([], project="nova", default_config_files=[path])
    nova.conf.neutron.register_dynamic_opts(CONF)
    CONF.reset()
    CONF([], project="nova", default_config_files=[path])


def check_known_options(path, conf):
    """oslo.config ignores unknown keys; a typo must not pass."""
    sections = {}
    cfg.ConfigParser(path, sections).parse()
    for section, keys in sections.items():
        group = None if section == "DEFAULT" else section
        for key in keys:
            if not any(known(conf, key, g) for g in (group, group and
                                                      group.upper())):
                raise Check(f"[{section}] {key} is not an option")


def known(conf, key, group):
    try:
        conf._get_opt_info(key, group)
        return True
    except (cfg.NoSuchOptError, cfg.NoSuchGroupError):
        return False


def check_cpu_sets(plan):
    # nova-compute's own start-up checks first, as it would run them.
    ded = hardware.get_cpu_dedicated_set() or set()
    shared = hardware.get_cpu_shared_set() or set()
    drv = libvirt_driver.LibvirtDriver.__new__(libvirt_driver.LibvirtDriver)
    drv._host = OnlineCpusHost(cpus(plan["host"]["usable_cpus"]))
    drv._check_cpu_set_configuration()
    if drv._get_pcpu_available() != ded:
        raise Check("PCPU inventory differs from cpu_dedicated_set")
    drv._get_vcpu_available()
    # Then what nova cannot know: the pools the sets must avoid or equal.
    pools = {k: cpus(v) for k, v in plan["pools"].items()}
    for pool in ("pmd", "housekeeping"):
        for name, s in (("cpu_dedicated_set", ded),
                        ("cpu_shared_set", shared)):
            if pools[pool] & s:
                raise Check(f"{pool} pool overlaps {name}: "
                            f"{sorted(pools[pool] & s)}")
    if ded != pools["guest"]:
        raise Check(f"cpu_dedicated_set {sorted(ded)} is not the guest pool")
    if shared != pools["emulator"]:
        raise Check(f"cpu_shared_set {sorted(shared)} is not the "
                    "emulator-share pool")


def check_memory(plan):
    reserved = hardware.numa_get_reserved_huge_pages()
    host_mb = ovs_mb = 0
    for node in plan["numa_nodes"]:
        hp = node["hugepages"]
        ovs_mb += hp["ovs"] * hp["size_kb"] // 1024
        host_mb += node["host_memory_mb"]
        need = -(-node["ovs_socket_mem_mb"] * 1024 // hp["size_kb"])
        got = reserved.get(node["id"], {}).get(hp["size_kb"], 0)
        if got < need:
            raise Check(f"node {node['id']}: reserved_huge_pages {got} x "
                        f"{hp['size_kb']} KiB do not cover OVS socket memory "
                        f"{node['ovs_socket_mem_mb']} MiB")
    if CONF.reserved_host_memory_mb != host_mb + ovs_mb:
        raise Check(f"reserved_host_memory_mb {CONF.reserved_host_memory_mb}"
                    f" != host {host_mb} + OVS hugepages {ovs_mb}")


def check_neutron_physnets(plan):
    want = sorted({u["numa"] for u in plan["uplinks"]})
    physnets = CONF.neutron.physnets
    if not plan["uplinks"]:
        if physnets:
            raise Check(f"physnets {physnets} without uplinks")
        return
    if physnets != ["physnet0"]:
        raise Check(f"physnets {physnets}, expected ['physnet0']")
    got = sorted(CONF["neutron_physnet_physnet0"].numa_nodes)
    if got != want:
        raise Check(f"physnet0 numa_nodes {got}, uplinks are on {want}")


def check_pci(plan, nova_conf):
    specs = whitelist.Whitelist(CONF.pci.device_spec).specs
    pfs = sorted({n["pf"] for vm in plan["vms"] for n in vm["nics"]
                  if n["type"] == "sriov"})
    for spec in specs:
        if not spec.get_tags().get("physical_network"):
            raise Check(f"device_spec without physical_network: {spec}")
    wl = whitelist.Whitelist(CONF.pci.device_spec)
    for pf in pfs:
        # VFs whose parent is this PF, as nova's PCI tracker sees them: one
        # at an address of our own, and one at each address a spec names,
        # with the VF product id the specs give (X710: 154c).
        dom, bus, rest = pf.split(":")
        addrs = [f"{dom}:{int(bus, 16) + 1:02x}:{rest}"] + [
            s.dev_spec_conf["address"] for s in wl.specs
            if isinstance(s.dev_spec_conf.get("address"), str)]
        products = {s.dev_spec_conf.get("product_id") for s in wl.specs} - {None}
        vendors = {s.dev_spec_conf.get("vendor_id") for s in wl.specs} - {None}
        vendor = min(vendors) if vendors else "8086"
        if not any(wl.device_assignable(
                {"address": a, "parent_addr": pf, "vendor_id": vendor,
                 "product_id": p, "dev_type": "type-VF"})
                for a in addrs for p in (products or {"154c"})):
            raise Check(f"no device_spec matches a VF of {pf}")
        # The PF itself, with its own product id (never its VFs': X710
        # 1572, its VFs 154c): a match would expose it as a type-PF device.
        # Only a PF whose VF product id nfvhost could not learn may match,
        # and then nova.conf says so.
        unknown = f"# {pf}'s VF product id is unknown" in open(nova_conf).read()
        if not unknown and wl.device_assignable(
                {"address": pf, "parent_addr": None, "vendor_id": vendor,
                 "product_id": "pf-id", "dev_type": "type-PF"}):
            raise Check(f"device_spec matches the PF {pf} itself")
    for u in plan["uplinks"]:
        if u["is_vf"] and wl.device_assignable(
                {"address": u["pci"], "parent_addr": u["physfn"],
                 "vendor_id": u["vendor"], "product_id": u["device"],
                 "dev_type": "type-VF"}):
            raise Check(f"uplink VF {u['pci']} is assignable to guests")
    if not pfs and specs:
        raise Check("device_spec but no VM takes a VF")


def parse_flavors(path):
    """flavor NAME VCPUS RAM / openstack flavor set NAME --property k=v."""
    text = open(path).read().replace("\\\n", " ")
    flavors = {}
    comment = ""
    for line in text.splitlines():
        if line.startswith("# "):
            comment = line[2:]
        words = shlex.split(line, comments=True)
        if len(words) == 4 and words[0] == "flavor":
            flavors[words[1]] = {"vcpus": int(words[2]),
                                 "ram": int(words[3]), "specs": {},
                                 "vms": comment.split()}
        elif words[:3] == ["openstack", "flavor", "set"]:
            f = flavors[words[3]]
            for i, w in enumerate(words):
                if w == "--property":
                    k, v = words[i + 1].split("=", 1)
                    f["specs"][k] = v
    if not flavors:
        raise Check("no flavor in flavors.sh")
    return flavors


def host_numa_topology(plan):
    """The NUMATopology LibvirtDriver would report for the planned host."""
    ded = hardware.get_cpu_dedicated_set() or set()
    shared = hardware.get_cpu_shared_set() or set()
    reserved = hardware.numa_get_reserved_huge_pages()
    cells = []
    for node in plan["numa_nodes"]:
        node_cpus = cpus(node["cpus"])
        hp = node["hugepages"]
        hp_mb = hp["count"] * hp["size_kb"] // 1024
        # 0 when the topology did not say: then what the plan puts there.
        memory = node["memory_mb"] or hp_mb + node["host_memory_mb"]
        small_kb = (memory - hp_mb) * 1024
        pages = [objects.NUMAPagesTopology(size_kb=4, total=small_kb // 4,
                                           used=0, reserved=0),
                 objects.NUMAPagesTopology(
                     size_kb=hp["size_kb"], total=hp["count"], used=0,
                     reserved=reserved.get(node["id"], {}).get(
                         hp["size_kb"], 0))]
        cells.append(objects.NUMACell(
            id=node["id"], cpuset=node_cpus & shared,
            pcpuset=node_cpus & ded, memory=memory,
            cpu_usage=0, memory_usage=0, pinned_cpus=set(),
            # plan.json has no sibling lists: every CPU its own core.
            siblings=[{c} for c in sorted(node_cpus & (ded | shared))],
            mempages=pages, network_metadata=objects.NetworkMetadata(
                physnets=set(), tunneled=False), socket=0))
    return objects.NUMATopology(cells=cells)


def nova_flavor(name, f):
    return objects.Flavor(name=name, vcpus=f["vcpus"], memory_mb=f["ram"],
                          extra_specs=f["specs"])


def check_all_vms_fit(plan, flavors):
    """The plan's VMs, booted one after another with their flavors: nova's
    own NUMA accounting must find room for every one."""
    host = host_numa_topology(plan)
    by_vm = {vm: (name, f) for name, f in flavors.items() for vm in f["vms"]}
    for vm in plan["vms"]:
        name, f = by_vm[vm["name"]]
        if f["specs"].get("hw:cpu_thread_policy") == "require":
            continue    # needs sibling lists plan.json does not carry
        inst = hardware.numa_get_constraints(nova_flavor(name, f),
                                             objects.ImageMeta.from_dict({}))
        fit = numa_fit(host, inst)
        if fit is None:
            raise Check(f"VM {vm['name']} ({name}) does not fit beside the "
                        "VMs before it")
        host = hardware.numa_usage_from_instance_numa(host, fit)


def check_flavors(d, plan, path):
    flavors = {}
    report(d, "flavors.sh parses", lambda: flavors.update(parse_flavors(path)))
    if plan["vms"] and flavors:
        report(d, "all planned VMs fit together (nova NUMA accounting)",
               lambda: check_all_vms_fit(plan, flavors))
    shared = hardware.get_cpu_shared_set()
    for name, f in flavors.items():
        def one(name=name, f=f):
            for k, v in f["specs"].items():
                validators.validate(k, v)
            topo = hardware.numa_get_constraints(
                nova_flavor(name, f), objects.ImageMeta.from_dict({}))
            if topo is None or len(topo.cells) != 1:
                raise Check("not one guest NUMA cell")
            if topo.emulator_threads_policy == "share" and not shared:
                raise Check("hw:emulator_threads_policy=share with an "
                            "empty cpu_shared_set: nova would pin emulator "
                            "threads to the guest's own pCPUs")
            if f["specs"].get("hw:cpu_thread_policy") == "require":
                return      # needs sibling lists plan.json does not carry
            fit = numa_fit(host_numa_topology(plan), topo)
            if fit is None:
                raise Check("does not fit the host nova would report")
        report(d, f"flavor {name} (nova validators, NUMA fit)", one)


def load_agent(path, register):
    conf = cfg.ConfigOpts()
    register(conf)
    conf([], project="neutron", default_config_files=[path])
    check_known_options(path, conf)
    return conf


def check_ovs_agent(plan, path):
    def register(conf):
        ovs_conf.register_ovs_agent_opts(conf)
        securitygroups_rpc.register_securitygroups_opts(conf)
    conf = load_agent(path, register)
    if conf.SECURITYGROUP.firewall_driver != "openvswitch":
        raise Check("firewall_driver is not openvswitch")
    if conf.OVS.datapath_type != "netdev":
        raise Check(f"datapath_type {conf.OVS.datapath_type}")
    maps = helpers.parse_mappings(conf.OVS.bridge_mappings)
    if plan["uplinks"] and maps != {"physnet0": "br-nfv"}:
        raise Check(f"bridge_mappings {maps}")
    if set(maps) - set(CONF.neutron.physnets):
        raise Check("bridge_mappings physnets missing from nova [neutron]")


def check_sriov_agent(plan, path):
    def register(conf):
        agent_common.register_agent_sriov_nic_opts(conf)
    conf = load_agent(path, register)
    maps = helpers.parse_mappings(conf.SRIOV_NIC.physical_device_mappings,
                                  unique_keys=False)
    excl = sriov_config.parse_exclude_devices(conf.SRIOV_NIC.exclude_devices)
    devs = {d for ds in maps.values() for d in ds}
    for dev in excl:
        if dev not in devs:
            raise Check(f"exclude_devices names {dev}, not mapped")
    tags = {s.get_tags().get("physical_network")
            for s in whitelist.Whitelist(CONF.pci.device_spec).specs}
    if set(maps) - tags:
        raise Check(f"physnets {sorted(set(maps) - tags)} have no "
                    "[pci] device_spec")
    for u in plan["uplinks"]:
        if u["is_vf"] and maps and not any(u["pci"] in s
                                           for s in excl.values()):
            raise Check(f"uplink VF {u['pci']} is not excluded")


def uncommented(path):
    """controller.conf with its settings uncommented ("#[x]", "#k = v"), as
    the operator merges it; a file beside it."""
    out = path + ".uncommented"
    with open(path) as f, open(out, "w") as o:
        for line in f:
            if line.startswith("#[") or (" = " in line and
                                         line[1:2].isalpha()):
                line = line[1:]
            o.write(line)
    return out


def check_controller(plan, path):
    with open(path) as f:
        live = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    if live:
        raise Check(f"not commented out: {live[0].strip()}")
    conf = cfg.ConfigOpts()
    nova.conf.scheduler.register_opts(conf)
    ml2_config.register_ml2_plugin_opts(conf)
    driver_type.register_ml2_drivers_vlan_opts(conf)
    conf([], project="nova", default_config_files=[uncommented(path)])
    check_known_options(uncommented(path), conf)
    got = conf.filter_scheduler.enabled_filters
    known_filters = {c.__name__ for c in nova_filters.all_filters()}
    if set(got) - known_filters:
        raise Check(f"unknown filters {sorted(set(got) - known_filters)}")
    for need in ("NUMATopologyFilter", "PciPassthroughFilter"):
        if need not in got:
            raise Check(f"enabled_filters lacks {need}")
    if set(CONF.filter_scheduler.enabled_filters) - set(got):
        raise Check("nova's default filters are not all kept")
    from importlib.metadata import entry_points
    drivers = {e.name for e in
               entry_points(group="neutron.ml2.mechanism_drivers")}
    mech = conf.ml2.mechanism_drivers
    if set(mech) != {"openvswitch", "sriovnicswitch"} or set(mech) - drivers:
        raise Check(f"mechanism_drivers {mech}")
    ranges = plugin_utils.parse_network_vlan_ranges(
        conf.ml2_type_vlan.network_vlan_ranges)
    tags = {s.get_tags().get("physical_network")
            for s in whitelist.Whitelist(CONF.pci.device_spec).specs}
    unknown = set(ranges) - set(CONF.neutron.physnets or []) - tags
    if unknown:
        raise Check(f"VLAN ranges name physnets nova does not know: "
                    f"{sorted(unknown)}")
    for vm in plan["vms"]:
        for nic in vm["nics"]:
            # Without an uplink, vhost VLANs stay on the host's bridge:
            # no physical network carries them.
            if nic["type"] == "vhost" and not plan["uplinks"]:
                continue
            if nic["vlan"] and not any(lo <= nic["vlan"] <= hi
                                       for rs in ranges.values()
                                       for lo, hi in rs):
                raise Check(f"VLAN {nic['vlan']} of {vm['name']} is in no "
                            "network_vlan_ranges")


def check_dir(d):
    global failed
    try:
        plan = json.load(open(os.path.join(d, "plan.json")))
    except (OSError, ValueError) as e:
        failed += 1
        print(f"FAIL {d} plan.json: {e}")
        return
    osd = os.path.join(d, "openstack")
    nova_conf = os.path.join(osd, "nova.conf")

    def load():
        load_nova_conf(nova_conf)
        check_known_options(nova_conf, CONF)
        if CONF.libvirt.cpu_mode != "host-passthrough":
            raise Check(f"cpu_mode {CONF.libvirt.cpu_mode}")
    report(d, "nova.conf loads with nova's options", load)
    report(d, "cpu sets (hardware, LibvirtDriver)",
           lambda: check_cpu_sets(plan))
    report(d, "reserved memory and hugepages", lambda: check_memory(plan))
    report(d, "neutron physnets", lambda: check_neutron_physnets(plan))
    report(d, "[pci] device_spec", lambda: check_pci(plan, nova_conf))
    check_flavors(d, plan, os.path.join(osd, "flavors.sh"))
    report(d, "openvswitch_agent.ini", lambda: check_ovs_agent(
        plan, os.path.join(osd, "openvswitch_agent.ini")))
    report(d, "sriov_agent.ini", lambda: check_sriov_agent(
        plan, os.path.join(osd, "sriov_agent.ini")))
    report(d, "controller.conf (nova's filters, ml2's options)",
           lambda: check_controller(
               plan, os.path.join(osd, "controller.conf")))


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    for d in sys.argv[1:]:
        check_dir(d)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
