#!/usr/bin/python3
"""fake_openstack.py: the 'openstack' commands flavors.sh and aggregates.sh
run, against a cloud kept in a JSON file ($NFVHOST_FAKE_CLOUD).

This machine has no OpenStack; what stands in for it is the bookkeeping of
flavors and aggregates (with nova's conflicts: a flavor or aggregate that
exists, a host added twice or removed when absent, deleting an aggregate
that still has hosts), nothing else.  It keeps every request body as
nova-api would receive it, and fleet_nova_check.py then runs them through
nova's own API schemas and extra-spec validators (importing nova takes 2 s
here: too long for each call).  Every call that changes the cloud is
appended to $NFVHOST_FAKE_CLOUD.log, so a test can tell a converged re-run
(no change) from one that did work.

Commands (as python-openstackclient 6 spells them):
  flavor show NAME | flavor create --vcpus N --ram MB --disk GB NAME |
  flavor set NAME --property K=V... |
  aggregate show [-f value -c hosts] NAME | aggregate create NAME |
  aggregate set [--no-property] [--property K=V]... NAME |
  aggregate add host AGG HOST | aggregate remove host AGG HOST |
  aggregate list -f value -c Name | aggregate delete NAME
"""
import argparse
import json
import os
import sys

STATE = os.environ["NFVHOST_FAKE_CLOUD"]


class Refused(Exception):
    pass


def load():
    if not os.path.exists(STATE):
        return {"flavors": {}, "aggregates": {}}
    with open(STATE) as f:
        return json.load(f)


def api(cloud, schema, body):
    """A request body for fleet_nova_check.py to put through nova's
    schema 'schema' (a name in nova.api.openstack.compute.schemas), one
    JSON line each in $NFVHOST_FAKE_CLOUD.requests."""
    with open(STATE + ".requests", "a") as f:
        f.write(json.dumps([schema, body]) + "\n")


def save(cloud, what):
    with open(STATE + ".tmp", "w") as f:
        json.dump(cloud, f, indent=1, sort_keys=True)
    os.replace(STATE + ".tmp", STATE)
    with open(STATE + ".log", "a") as f:
        f.write(what + "\n")


def properties(pairs):
    props = {}
    for p in pairs or []:
        if "=" not in p:
            raise Refused(f"--property {p}: expected KEY=VALUE")
        k, v = p.split("=", 1)
        props[k] = v
    return props


def flavor(cloud, a):
    fl = cloud["flavors"]
    if a.action == "show":
        if a.name not in fl:
            raise Refused(f"No Flavor found for {a.name}")
        print(json.dumps(fl[a.name]))
    elif a.action == "create":
        api(cloud, "flavor_manage.create", {"flavor": {
            "name": a.name, "vcpus": a.vcpus, "ram": a.ram, "disk": a.disk}})
        if a.name in fl:
            raise Refused(f"409: flavor {a.name} exists")
        fl[a.name] = {"vcpus": a.vcpus, "ram": a.ram, "disk": a.disk,
                      "properties": {}}
        save(cloud, f"flavor create {a.name}")
    elif a.action == "set":
        if a.name not in fl:
            raise Refused(f"No Flavor found for {a.name}")
        props = properties(a.property)
        api(cloud, "flavors_extraspecs.create", {"extra_specs": props})
        if any(fl[a.name]["properties"].get(k) != v
               for k, v in props.items()):
            fl[a.name]["properties"].update(props)
            save(cloud, f"flavor set {a.name}")


def aggregate(cloud, a):
    ag = cloud["aggregates"]
    if a.action == "list":
        for name in ag:
            print(name)
        return
    if a.action == "create":
        api(cloud, "aggregates.create", {"aggregate": {"name": a.name}})
        if a.name in ag:
            raise Refused(f"409: aggregate {a.name} exists")
        ag[a.name] = {"metadata": {}, "hosts": []}
        save(cloud, f"aggregate create {a.name}")
        return
    if a.name not in ag:
        raise Refused(f"No Aggregate found for {a.name}")
    agg = ag[a.name]
    if a.action == "show":
        if a.c == "hosts":
            print(str(agg["hosts"]))    # cliff's value format of a list
        else:
            print(json.dumps(agg))
    elif a.action == "set":
        props = properties(a.property)
        api(cloud, "aggregates.set_metadata",
            {"set_metadata": {"metadata": props}})
        new = ({} if a.no_property else dict(agg["metadata"]))
        new.update(props)
        if new != agg["metadata"]:
            agg["metadata"] = new
            save(cloud, f"aggregate set {a.name}")
    elif a.action in ("add", "remove"):
        body = {f"{a.action}_host": {"host": a.host}}
        api(cloud, f"aggregates.{a.action}_host", body)
        if (a.host in agg["hosts"]) == (a.action == "add"):
            raise Refused(f"409: host {a.host} "
                          f"{'already' if a.action == 'add' else 'not'} in "
                          f"aggregate {a.name}")
        if a.action == "add":
            agg["hosts"].append(a.host)
        else:
            agg["hosts"].remove(a.host)
        save(cloud, f"aggregate {a.action} host {a.name} {a.host}")
    elif a.action == "delete":
        if agg["hosts"]:
            raise Refused(f"400: aggregate {a.name} is not empty")
        del ag[a.name]
        save(cloud, f"aggregate delete {a.name}")


def parser():
    p = argparse.ArgumentParser(prog="openstack")
    objs = p.add_subparsers(dest="obj", required=True)
    fl = objs.add_parser("flavor").add_subparsers(dest="action",
                                                  required=True)
    fl.add_parser("show").add_argument("name")
    c = fl.add_parser("create")
    for opt in ("--vcpus", "--ram", "--disk"):
        c.add_argument(opt, type=int, required=True)
    c.add_argument("name")
    s = fl.add_parser("set")
    s.add_argument("name")
    s.add_argument("--property", action="append")
    ag = objs.add_parser("aggregate").add_subparsers(dest="action",
                                                     required=True)
    s = ag.add_parser("show")
    s.add_argument("-f")
    s.add_argument("-c")
    s.add_argument("name")
    ag.add_parser("create").add_argument("name")
    ag.add_parser("delete").add_argument("name")
    s = ag.add_parser("set")
    s.add_argument("--no-property", action="store_true")
    s.add_argument("--property", action="append")
    s.add_argument("name")
    for act in ("add", "remove"):
        s = ag.add_parser(act)
        s.add_argument("what", choices=["host"])
        s.add_argument("name")
        s.add_argument("host")
    s = ag.add_parser("list")
    s.add_argument("-f", choices=["value"], required=True)
    s.add_argument("-c", choices=["Name"], required=True)
    return p


def main():
    a = parser().parse_args()
    cloud = load()
    try:
        (flavor if a.obj == "flavor" else aggregate)(cloud, a)
    except Refused as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
