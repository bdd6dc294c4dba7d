#!/usr/bin/env python3
"""Writes one Terraform estate as `terraform show -json` of its state and of its plan, following
Terraform's documented JSON Output Format (internals/json-format: values representation,
configuration representation with expression `references`, module_calls, outputs).

Usage: gen_estate.py OUTDIR [--spokes N]   (N > 2 makes a large estate: ~11 resources a spoke)

The estate: a hub VPC with an SQS interface endpoint (its name shared with the spokes through a
private hosted zone) and an S3 gateway endpoint with a read-only policy, a central egress VPC with
a NAT gateway, spokes in a for_each module, a Transit Gateway with three route tables, a legacy
VPC peered with the hub, and an on-premises site with a VPN and a Direct Connect transit VIF."""
import hashlib, json, sys


class Ref:  # a resource attribute in the same module: aws_vpc.this.id
    def __init__(self, target, attr="id", data=False):
        self.target, self.attr, self.data = target, attr, data


class Var:  # var.NAME
    def __init__(self, name):
        self.name = name


class Out:  # module.NAME.OUTPUT (key: a for_each instance key, written module.NAME["k"])
    def __init__(self, module, output, key=None):
        self.module, self.output, self.key = module, output, key


class Each:  # each.value.NAME: known at plan time
    def __init__(self, name):
        self.name = name


COMPUTED = {"id", "arn", "service_name", "transit_gateway_attachment_id", "default_route_table_id",
            "zone_id", "dns_name"}


class Module:
    def __init__(self, name, args=None, key=None, each=None):
        self.name, self.args, self.key, self.each = name, args or {}, key, each or {}
        self.resources, self.outputs, self.children = [], {}, []

    def addr(self, parent=""):
        a = f"module.{self.name}" + (f'["{self.key}"]' if self.key is not None else "")
        return f"{parent}.{a}" if parent else a

    def res(self, type_, name_, mode_="managed", **attrs):
        self.resources.append((mode_, type_, name_, attrs))


def ident(addr, type_):
    prefix = {"aws_vpc": "vpc", "aws_subnet": "subnet", "aws_route_table": "rtb",
              "aws_security_group": "sg", "aws_ec2_transit_gateway": "tgw",
              "aws_internet_gateway": "igw", "aws_nat_gateway": "nat", "aws_eip": "eipalloc",
              "aws_vpc_endpoint": "vpce", "aws_vpc_peering_connection": "pcx",
              "aws_vpn_gateway": "vgw", "aws_customer_gateway": "cgw",
              "aws_vpn_connection": "vpn", "aws_route53_zone": "Z",
              "aws_ec2_transit_gateway_route_table": "tgw-rtb",
              "aws_ec2_transit_gateway_vpc_attachment": "tgw-attach"}.get(type_, "id")
    return prefix + "-" + hashlib.sha1(addr.encode()).hexdigest()[:12]


class Estate:
    def __init__(self, root):
        self.root = root
        self.state = {}  # address -> values (state)
        self.index = {}  # (module address, local) -> address
        self.walk(root, "", None)

    def walk(self, m, maddr, parent):
        m._addr, m._parent = maddr, parent
        for mode, t, n, attrs in m.resources:
            local = ("data." if mode == "data" else "") + f"{t}.{n}"
            addr = f"{maddr}.{local}" if maddr else local
            self.index[(maddr, local)] = addr
        for c in m.children:
            self.walk(c, c.addr(maddr), m)

    # -- state values ------------------------------------------------------------------------
    def value(self, m, v):
        if isinstance(v, Ref):
            local = ("data." if v.data else "") + v.target
            addr = self.index[(m._addr, local)]
            vals = self.values(addr)
            return vals[v.attr]
        if isinstance(v, Var):
            arg = m.args[v.name]
            return m.each[arg.name] if isinstance(arg, Each) else self.value(m._parent, arg)
        if isinstance(v, Each):
            return m.each[v.name]
        if isinstance(v, Out):
            child = [c for c in m.children if c.name == v.module and c.key == v.key][0]
            return self.value(child, child.outputs[v.output])
        if isinstance(v, list):
            return [self.value(m, x) for x in v]
        if isinstance(v, dict):
            return {k: self.value(m, x) for k, x in v.items()}
        return v

    def values(self, addr):
        if addr in self.state:
            return self.state[addr]
        m, (mode, t, n, attrs) = self.find(addr)
        vals = {k: self.value(m, v) for k, v in attrs.items()}
        vals.setdefault("id", ident(addr, t))
        vals.setdefault("arn", f"arn:aws:ec2:us-east-1:111122223333:{vals['id']}")
        if t == "aws_vpc_endpoint_service":
            vals["service_name"] = f"com.amazonaws.vpce.us-east-1.{vals['id']}"
        if t == "aws_vpn_connection" and "transit_gateway_id" in vals:
            vals["transit_gateway_attachment_id"] = "tgw-attach-" + vals["id"][-12:]
        if t == "aws_vpc":
            vals["default_route_table_id"] = "rtb-" + vals["id"][-12:]
        if t == "aws_default_route_table":  # the provider reads the VPC back
            vals["vpc_id"] = [v["id"] for v in self.state.values()
                              if v.get("default_route_table_id") == vals["default_route_table_id"]][0]
        if t == "aws_route53_zone":
            vals["zone_id"] = vals["id"]
        self.state[addr] = vals
        return vals

    def find(self, addr):
        for (maddr, local), a in self.index.items():
            if a == addr:
                m = self.module_at(self.root, maddr)
                for r in m.resources:
                    if (("data." if r[0] == "data" else "") + f"{r[1]}.{r[2]}") == local:
                        return m, r
        raise KeyError(addr)

    def module_at(self, m, maddr):
        if m._addr == maddr:
            return m
        for c in m.children:
            found = self.module_at(c, maddr)
            if found:
                return found
        return None

    # -- plan: what is known, and the configuration ------------------------------------------
    def known(self, m, v):
        if isinstance(v, Ref):
            return v.attr not in COMPUTED
        if isinstance(v, Var):
            return self.known(m._parent, m.args[v.name])
        if isinstance(v, Out):
            child = [c for c in m.children if c.name == v.module and c.key == v.key][0]
            return self.known(child, child.outputs[v.output])
        if isinstance(v, list):
            return all(self.known(m, x) for x in v)
        return True

    def planned(self, m, attrs):
        out = {}
        for k, v in attrs.items():
            if isinstance(v, list) and v and isinstance(v[0], dict):  # nested blocks
                out[k] = [{bk: self.value(m, bv) for bk, bv in b.items() if self.known(m, bv)}
                          for b in v]
            elif self.known(m, v):
                out[k] = self.value(m, v)
        return out

    def expr(self, v):
        if isinstance(v, Ref):
            base = ("data." if v.data else "") + v.target
            return [f"{base}.{v.attr}", base]
        if isinstance(v, Var):
            return [f"var.{v.name}"]
        if isinstance(v, Each):
            return [f"each.value.{v.name}", "each.value"]
        if isinstance(v, Out):
            mod = f"module.{v.module}" + (f'["{v.key}"]' if v.key is not None else "")
            return [f"{mod}.{v.output}", mod]
        if isinstance(v, list):
            return [r for x in v for r in (self.expr(x) or [])] or None
        return None

    def expressions(self, attrs):
        out = {}
        for k, v in attrs.items():
            if isinstance(v, list) and v and isinstance(v[0], dict):
                out[k] = [self.expressions(b) for b in v]
                continue
            refs = self.expr(v)
            out[k] = {"references": refs} if refs else {"constant_value": v}
        return out

    def config(self, m, seen):
        res = [{"address": ("data." if mode == "data" else "") + f"{t}.{n}", "mode": mode,
                "type": t, "name": n, "provider_config_key": "aws", "schema_version": 0,
                "expressions": self.expressions(attrs)} for mode, t, n, attrs in m.resources]
        calls = {}
        for c in m.children:
            if c.name in calls:
                continue
            call = {"source": f"./modules/{c.name}", "module": self.config(c, seen)}
            if c.key is not None:
                call["for_each_expression"] = {"references": ["var.spokes"]}
                call["expressions"] = self.expressions({k: v for k, v in c.args.items()})
            else:
                call["expressions"] = self.expressions(c.args)
            calls[c.name] = call
        out = {"resources": res}
        if calls:
            out["module_calls"] = calls
        if m.outputs:
            out["outputs"] = {k: {"expression": self.expressions({"x": v})["x"]}
                              for k, v in m.outputs.items()}
        return out

    def module_values(self, m, plan):
        rs = []
        for mode, t, n, attrs in m.resources:
            local = ("data." if mode == "data" else "") + f"{t}.{n}"
            addr = self.index[(m._addr, local)]
            vals = self.planned(m, attrs) if plan else self.values(addr)
            rs.append({"address": addr, "mode": mode, "type": t, "name": n,
                       "provider_name": "registry.terraform.io/hashicorp/aws",
                       "schema_version": 0, "values": vals, "sensitive_values": {}})
        out = {"resources": rs}
        if m._addr:
            out["address"] = m._addr
        kids = [self.module_values(c, plan) for c in m.children]
        if kids:
            out["child_modules"] = kids
        return out

    def state_doc(self):
        return {"format_version": "1.0", "terraform_version": "1.9.8",
                "values": {"root_module": self.module_values(self.root, False)}}

    def plan_doc(self):
        # arguments that come from for_each are constants in the child's call
        return {"format_version": "1.2", "terraform_version": "1.9.8",
                "planned_values": {"root_module": self.module_values(self.root, True)},
                "configuration": {"provider_config": {"aws": {"name": "aws"}},
                                  "root_module": self.config(self.root, set())}}


def hub():
    m = Module("hub", {"tgw_id": Ref("aws_ec2_transit_gateway.main")})
    m.res("aws_vpc", "this", cidr_block="10.0.0.0/16", enable_dns_support=True)
    for az, cidr in (("a", "10.0.1.0/24"), ("b", "10.0.2.0/24")):
        m.res("aws_subnet", az, vpc_id=Ref("aws_vpc.this"), cidr_block=cidr,
              availability_zone=f"us-east-1{az}", map_public_ip_on_launch=False)
        m.res("aws_route_table_association", az, subnet_id=Ref(f"aws_subnet.{az}"),
              route_table_id=Ref("aws_route_table.private"))
    m.res("aws_route_table", "private", vpc_id=Ref("aws_vpc.this"))
    m.res("aws_route", "default", route_table_id=Ref("aws_route_table.private"),
          destination_cidr_block="0.0.0.0/0", transit_gateway_id=Var("tgw_id"))
    m.res("aws_security_group", "endpoints", vpc_id=Ref("aws_vpc.this"), name="endpoints")
    for n, cidr in (("from_vpcs", "10.0.0.0/8"), ("from_onprem", "192.168.0.0/16")):
        m.res("aws_vpc_security_group_ingress_rule", n,
              security_group_id=Ref("aws_security_group.endpoints"), ip_protocol="tcp",
              from_port=443, to_port=443, cidr_ipv4=cidr)
    m.res("aws_security_group", "app", vpc_id=Ref("aws_vpc.this"), name="app",
          egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"],
                   "security_groups": [], "self": False}],
          ingress=[{"protocol": "tcp", "from_port": 8080, "to_port": 8080, "cidr_blocks": [],
                    "security_groups": [Ref("aws_security_group.endpoints")], "self": False}])
    m.res("aws_vpc_endpoint", "sqs", vpc_id=Ref("aws_vpc.this"), vpc_endpoint_type="Interface",
          service_name="com.amazonaws.us-east-1.sqs",
          subnet_ids=[Ref("aws_subnet.a"), Ref("aws_subnet.b")],
          security_group_ids=[Ref("aws_security_group.endpoints")], private_dns_enabled=False)
    m.res("aws_vpc_endpoint", "s3", vpc_id=Ref("aws_vpc.this"), vpc_endpoint_type="Gateway",
          service_name="com.amazonaws.us-east-1.s3",
          route_table_ids=[Ref("aws_route_table.private")],
          policy=json.dumps({"Version": "2012-10-17", "Statement": [
              {"Sid": "ReadOnly", "Effect": "Allow", "Principal": "*",
               "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}]}))
    m.res("aws_route53_zone", "sqs", name="sqs.us-east-1.amazonaws.com",
          vpc=[{"vpc_id": Ref("aws_vpc.this")}])
    m.res("aws_route53_record", "sqs", zone_id=Ref("aws_route53_zone.sqs", "zone_id"),
          name="sqs.us-east-1.amazonaws.com", type="A")
    m.res("aws_route53_resolver_endpoint", "inbound", direction="INBOUND",
          security_group_ids=[Ref("aws_security_group.endpoints")],
          ip_address=[{"subnet_id": Ref("aws_subnet.a")}, {"subnet_id": Ref("aws_subnet.b")}])
    m.outputs = {"vpc_id": Ref("aws_vpc.this"), "zone_id": Ref("aws_route53_zone.sqs", "zone_id"),
                 "subnet_ids": [Ref("aws_subnet.a"), Ref("aws_subnet.b")]}
    return m


def egress():
    m = Module("egress", {"tgw_id": Ref("aws_ec2_transit_gateway.main")})
    m.res("aws_vpc", "this", cidr_block="10.100.0.0/16")
    m.res("aws_internet_gateway", "this", vpc_id=Ref("aws_vpc.this"))
    m.res("aws_subnet", "public_a", vpc_id=Ref("aws_vpc.this"), cidr_block="10.100.0.0/24",
          availability_zone="us-east-1a", map_public_ip_on_launch=True)
    m.res("aws_subnet", "tgw_a", vpc_id=Ref("aws_vpc.this"), cidr_block="10.100.10.0/28",
          availability_zone="us-east-1a")
    m.res("aws_eip", "nat", domain="vpc")
    m.res("aws_nat_gateway", "a", subnet_id=Ref("aws_subnet.public_a"),
          allocation_id=Ref("aws_eip.nat"), connectivity_type="public")
    m.res("aws_route_table", "public", vpc_id=Ref("aws_vpc.this"),
          route=[{"cidr_block": "0.0.0.0/0", "gateway_id": Ref("aws_internet_gateway.this")},
                 {"cidr_block": "10.0.0.0/8", "transit_gateway_id": Var("tgw_id")}])
    m.res("aws_route_table", "tgw", vpc_id=Ref("aws_vpc.this"),
          route=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": Ref("aws_nat_gateway.a")}])
    m.res("aws_route_table_association", "public_a", subnet_id=Ref("aws_subnet.public_a"),
          route_table_id=Ref("aws_route_table.public"))
    m.res("aws_route_table_association", "tgw_a", subnet_id=Ref("aws_subnet.tgw_a"),
          route_table_id=Ref("aws_route_table.tgw"))
    m.res("aws_network_acl", "public", vpc_id=Ref("aws_vpc.this"))
    m.res("aws_flow_log", "vpc", vpc_id=Ref("aws_vpc.this"), traffic_type="ALL")
    m.outputs = {"vpc_id": Ref("aws_vpc.this"), "tgw_subnet_ids": [Ref("aws_subnet.tgw_a")]}
    return m


def spoke(key, cidr, i):
    m = Module("spoke", {"tgw_id": Ref("aws_ec2_transit_gateway.main"),
                         "tgw_rt_id": Ref("aws_ec2_transit_gateway_route_table.spokes"),
                         "cidr": Each("cidr")}, key=key, each={"cidr": cidr})
    m.res("aws_vpc", "this", cidr_block=Var("cidr"))
    base = cidr.split(".")
    for az, k in (("a", 0), ("b", 1)):
        m.res("aws_subnet", az, vpc_id=Ref("aws_vpc.this"),
              cidr_block=f"{base[0]}.{base[1]}.{k}.0/24", availability_zone=f"us-east-1{az}")
    m.res("aws_default_route_table", "this",
          default_route_table_id=Ref("aws_vpc.this", "default_route_table_id"),
          route=[{"cidr_block": "0.0.0.0/0", "transit_gateway_id": Var("tgw_id")}])
    m.res("aws_security_group", "app", vpc_id=Ref("aws_vpc.this"),
          egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"],
                   "security_groups": [], "self": False}], ingress=[])
    m.res("aws_ec2_transit_gateway_vpc_attachment", "this", vpc_id=Ref("aws_vpc.this"),
          transit_gateway_id=Var("tgw_id"), subnet_ids=[Ref("aws_subnet.a"), Ref("aws_subnet.b")],
          transit_gateway_default_route_table_association=False,
          transit_gateway_default_route_table_propagation=False)
    m.res("aws_ec2_transit_gateway_route_table_association", "this",
          transit_gateway_attachment_id=Ref("aws_ec2_transit_gateway_vpc_attachment.this"),
          transit_gateway_route_table_id=Var("tgw_rt_id"))
    m.outputs = {"vpc_id": Ref("aws_vpc.this"),
                 "attachment_id": Ref("aws_ec2_transit_gateway_vpc_attachment.this")}
    return m


def estate(nspokes):
    root = Module("root")
    root.children = [hub(), egress()]
    keys = ["app1", "app2"] + [f"app{i}" for i in range(3, nspokes + 1)]
    for i, k in enumerate(keys):
        root.children.append(spoke(k, f"10.{i + 1}.0.0/16" if i < 99 else
                                   f"10.{100 + i // 200}.{(i % 200) + 20}.0/24", i))
    r = root.res
    r("aws_ec2_transit_gateway", "main", description="hub",
      default_route_table_association="disable", default_route_table_propagation="disable")
    for n in ("spokes", "shared", "onprem"):
        r("aws_ec2_transit_gateway_route_table", n,
          transit_gateway_id=Ref("aws_ec2_transit_gateway.main"))
    for n, mod, subnets in (("hub", "hub", Out("hub", "subnet_ids")),
                            ("egress", "egress", Out("egress", "tgw_subnet_ids"))):
        r("aws_ec2_transit_gateway_vpc_attachment", n, vpc_id=Out(mod, "vpc_id"),
          subnet_ids=subnets, transit_gateway_id=Ref("aws_ec2_transit_gateway.main"),
          transit_gateway_default_route_table_association=False,
          transit_gateway_default_route_table_propagation=False)
        r("aws_ec2_transit_gateway_route_table_association", n,
          transit_gateway_attachment_id=Ref(f"aws_ec2_transit_gateway_vpc_attachment.{n}"),
          transit_gateway_route_table_id=Ref("aws_ec2_transit_gateway_route_table.shared"))
    r("aws_ec2_transit_gateway_route", "spokes_default", destination_cidr_block="0.0.0.0/0",
      transit_gateway_attachment_id=Ref("aws_ec2_transit_gateway_vpc_attachment.egress"),
      transit_gateway_route_table_id=Ref("aws_ec2_transit_gateway_route_table.spokes"))
    r("aws_ec2_transit_gateway_route_table_propagation", "hub_to_spokes",
      transit_gateway_attachment_id=Ref("aws_ec2_transit_gateway_vpc_attachment.hub"),
      transit_gateway_route_table_id=Ref("aws_ec2_transit_gateway_route_table.spokes"))
    r("aws_ec2_transit_gateway_route_table_propagation", "hub_to_onprem",
      transit_gateway_attachment_id=Ref("aws_ec2_transit_gateway_vpc_attachment.hub"),
      transit_gateway_route_table_id=Ref("aws_ec2_transit_gateway_route_table.onprem"))
    for i, k in enumerate(keys[:2]):
        r("aws_ec2_transit_gateway_route", f"to_{k}", destination_cidr_block=f"10.{i + 1}.0.0/16",
          transit_gateway_attachment_id=Out("spoke", "attachment_id", key=k),
          transit_gateway_route_table_id=Ref("aws_ec2_transit_gateway_route_table.shared"))
    r("aws_route53_zone_association", "spoke_app1", zone_id=Out("hub", "zone_id"),
      vpc_id=Out("spoke", "vpc_id", key="app1"))
    r("aws_route53_zone_association", "spoke_app2", zone_id=Out("hub", "zone_id"),
      vpc_id=Out("spoke", "vpc_id", key="app2"))
    # legacy VPC peered with the hub
    r("aws_vpc", "legacy", cidr_block="172.16.0.0/16")
    r("aws_subnet", "legacy_a", vpc_id=Ref("aws_vpc.legacy"), cidr_block="172.16.1.0/24",
      availability_zone="us-east-1a")
    r("aws_route_table", "legacy", vpc_id=Ref("aws_vpc.legacy"))
    r("aws_main_route_table_association", "legacy", vpc_id=Ref("aws_vpc.legacy"),
      route_table_id=Ref("aws_route_table.legacy"))
    r("aws_vpc_peering_connection", "legacy_hub", vpc_id=Ref("aws_vpc.legacy"),
      peer_vpc_id=Out("hub", "vpc_id"), auto_accept=True)
    r("aws_route", "legacy_to_hub", route_table_id=Ref("aws_route_table.legacy"),
      destination_cidr_block="10.0.0.0/16",
      vpc_peering_connection_id=Ref("aws_vpc_peering_connection.legacy_hub"))
    # on premises: a VPN and a Direct Connect transit VIF, both on the TGW
    r("aws_customer_gateway", "dc1", bgp_asn="65000", ip_address="198.51.100.10", type="ipsec.1")
    r("aws_vpn_connection", "dc1", customer_gateway_id=Ref("aws_customer_gateway.dc1"),
      transit_gateway_id=Ref("aws_ec2_transit_gateway.main"), type="ipsec.1",
      static_routes_only=False)
    r("aws_dx_connection", "dc1", name="dc1-dx", bandwidth="10Gbps", location="EqDC2")
    r("aws_dx_gateway", "main", name="main", amazon_side_asn="64512")
    r("aws_dx_gateway_association", "tgw", dx_gateway_id=Ref("aws_dx_gateway.main"),
      associated_gateway_id=Ref("aws_ec2_transit_gateway.main"),
      allowed_prefixes=["10.0.0.0/16"])
    r("aws_dx_transit_virtual_interface", "dc1", connection_id=Ref("aws_dx_connection.dc1"),
      dx_gateway_id=Ref("aws_dx_gateway.main"), name="dc1-vif", vlan=4094, address_family="ipv4",
      bgp_asn=65000)
    r("aws_ec2_transit_gateway_dx_gateway_attachment", "dx", "data",
      transit_gateway_id=Ref("aws_ec2_transit_gateway.main"),
      dx_gateway_id=Ref("aws_dx_gateway.main"))
    r("aws_ec2_transit_gateway_route_table_association", "dx",
      transit_gateway_attachment_id=Ref("aws_ec2_transit_gateway_dx_gateway_attachment.dx",
                                        data=True),
      transit_gateway_route_table_id=Ref("aws_ec2_transit_gateway_route_table.onprem"))
    r("aws_ec2_transit_gateway_route_table_association", "vpn",
      transit_gateway_attachment_id=Ref("aws_vpn_connection.dc1",
                                        "transit_gateway_attachment_id"),
      transit_gateway_route_table_id=Ref("aws_ec2_transit_gateway_route_table.onprem"))
    for t in ("shared", "spokes"):
        r("aws_ec2_transit_gateway_route", f"{t}_onprem", destination_cidr_block="192.168.0.0/16",
          transit_gateway_attachment_id=Ref("aws_ec2_transit_gateway_dx_gateway_attachment.dx",
                                            data=True),
          transit_gateway_route_table_id=Ref(f"aws_ec2_transit_gateway_route_table.{t}"))
    r("aws_ec2_transit_gateway_route", "spokes_hub_block", destination_cidr_block="10.0.0.0/8",
      blackhole=True,
      transit_gateway_route_table_id=Ref("aws_ec2_transit_gateway_route_table.spokes"))
    r("aws_s3_bucket", "logs", bucket="estate-logs")
    return root


def main():
    out = sys.argv[1]
    n = int(sys.argv[sys.argv.index("--spokes") + 1]) if "--spokes" in sys.argv else 2
    e = Estate(estate(n))
    for name, doc in (("state.json", e.state_doc()), ("plan.json", e.plan_doc())):
        with open(f"{out}/{name}", "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
