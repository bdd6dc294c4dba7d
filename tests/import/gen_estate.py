#!/usr/bin/env python3
"""Writes one Terraform estate as `terraform show -json` of its state and of its plan, following
Terraform's documented JSON Output Format (internals/json-format: values representation,
configuration representation with expression `references`, module_calls, outputs).

Usage: gen_estate.py OUTDIR [--spokes N]   (N > 2 makes a large estate: 7 resources a spoke)
       gen_estate.py --aws DIR               (the same estate as AWS CLI describe-* outputs)

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
        for addr in list(self.index.values()):
            self.values(addr)
        # a state's security group lists every rule of the group, rule resources' included (the
        # provider reads the group back); a plan cannot know them
        for addr, v in list(self.state.items()):
            t = self.find(addr)[1][1]
            if t in ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"):
                sg = [x for x in self.state.values() if x["id"] == v["security_group_id"]][0]
                sg.setdefault("ingress" if "ingress" in t else "egress", []).append(
                    {"protocol": v["ip_protocol"], "from_port": v["from_port"],
                     "to_port": v["to_port"], "cidr_blocks": [v["cidr_ipv4"]],
                     "security_groups": [], "self": False, "ipv6_cidr_blocks": [],
                     "prefix_list_ids": []})
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



# ---- the same estate as AWS CLI describe-* outputs (the shapes of the EC2, Direct Connect,
# Route 53 and Route 53 Resolver API references), one file each, as experiments/aws-describe.sh
# names them. Name tags carry the names vpcsim derives from Terraform addresses.

def tf_name(addr):
    parts, p = [], addr
    while p.startswith("module."):
        p = p[7:]
        end = p.index("]") + 1 if "[" in p.split(".")[0] else len(p.split(".")[0])
        parts.append(p[:end].replace("[", ".").replace("]", "").replace('"', ""))
        p = p[end + 1:]
    parts.append(p.split(".", 1)[1].replace("[", ".").replace("]", "").replace('"', ""))
    return ".".join(parts)


def describe(e, out):
    st = e.state
    by_type = {}
    for addr, v in st.items():
        m, (mode, t, n, attrs) = e.find(addr)
        if mode == "managed":
            by_type.setdefault(t, []).append((addr, v))
    by_id = {v["id"]: (addr, v) for addr, v in st.items()}
    tags = lambda addr: [{"Key": "Name", "Value": tf_name(addr)}]
    azid = {"us-east-1a": "use1-az1", "us-east-1b": "use1-az2"}
    files = {}
    files["vpcs.json"] = {"Vpcs": [
        {"VpcId": v["id"], "CidrBlock": v["cidr_block"], "State": "available",
         "OwnerId": "111122223333", "IsDefault": False, "Tags": tags(a),
         "CidrBlockAssociationSet": [{"CidrBlock": v["cidr_block"],
                                      "CidrBlockState": {"State": "associated"}}]}
        for a, v in by_type["aws_vpc"]]}
    files["subnets.json"] = {"Subnets": [
        {"SubnetId": v["id"], "VpcId": v["vpc_id"], "CidrBlock": v["cidr_block"],
         "AvailabilityZone": v["availability_zone"],
         "AvailabilityZoneId": azid[v["availability_zone"]],
         "MapPublicIpOnLaunch": v.get("map_public_ip_on_launch", False), "State": "available",
         "Tags": tags(a)} for a, v in by_type["aws_subnet"]]}
    files["internet-gateways.json"] = {"InternetGateways": [
        {"InternetGatewayId": v["id"], "Attachments": [{"State": "available", "VpcId": v["vpc_id"]}],
         "Tags": tags(a)} for a, v in by_type["aws_internet_gateway"]]}
    files["nat-gateways.json"] = {"NatGateways": [
        {"NatGatewayId": v["id"], "SubnetId": v["subnet_id"], "State": "available",
         "VpcId": st[by_id[v["subnet_id"]][0]]["vpc_id"],
         "ConnectivityType": v["connectivity_type"],
         "NatGatewayAddresses": [{"AllocationId": v["allocation_id"], "PublicIp": "198.51.100.7"}],
         "Tags": tags(a)} for a, v in by_type["aws_nat_gateway"]]}
    # route tables: Terraform's, and AWS's own main table where Terraform names none
    rts = {}
    for t in ("aws_route_table", "aws_default_route_table"):
        for a, v in by_type.get(t, []):
            vpc = v["vpc_id"]
            rts[v["id"]] = {"RouteTableId": v["id"], "VpcId": vpc, "Tags": tags(a),
                            "Associations": [{"Main": True, "RouteTableId": v["id"]}]
                            if t == "aws_default_route_table" else [],
                            "Routes": [{"DestinationCidrBlock": by_id[vpc][1]["cidr_block"],
                                        "GatewayId": "local", "Origin": "CreateRouteTable",
                                        "State": "active"}]}
            for r in v.get("route", []):
                rts[v["id"]]["Routes"].append(aws_route(r, r["cidr_block"]))
    for a, v in by_type["aws_vpc"]:
        if not any(rt["VpcId"] == v["id"] and any(x.get("Main") for x in rt["Associations"])
                   for rt in rts.values()) and not any(
                st2["vpc_id"] == v["id"] for _, st2 in by_type["aws_main_route_table_association"]):
            rid = "rtb-main" + v["id"][4:]
            rts[rid] = {"RouteTableId": rid, "VpcId": v["id"], "Tags": [],
                        "Associations": [{"Main": True, "RouteTableId": rid}],
                        "Routes": [{"DestinationCidrBlock": v["cidr_block"], "GatewayId": "local",
                                    "Origin": "CreateRouteTable", "State": "active"}]}
    for a, v in by_type["aws_main_route_table_association"]:
        rts[v["route_table_id"]]["Associations"].append({"Main": True,
                                                         "RouteTableId": v["route_table_id"]})
    for a, v in by_type["aws_route_table_association"]:
        rts[v["route_table_id"]]["Associations"].append(
            {"Main": False, "SubnetId": v["subnet_id"], "RouteTableId": v["route_table_id"]})
    for a, v in by_type["aws_route"]:
        rts[v["route_table_id"]]["Routes"].append(aws_route(v, v["destination_cidr_block"]))
    eps = []
    for a, v in by_type["aws_vpc_endpoint"]:
        for rt in v.get("route_table_ids", []):
            rts[rt]["Routes"].append({"DestinationPrefixListId": "pl-63a5400a",
                                      "GatewayId": v["id"], "Origin": "CreateRoute",
                                      "State": "active"})
        eps.append({"VpcEndpointId": v["id"], "VpcEndpointType": v["vpc_endpoint_type"],
                    "VpcId": v["vpc_id"], "ServiceName": v["service_name"], "State": "available",
                    "PolicyDocument": v.get("policy") or json.dumps({"Statement": [
                        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}),
                    "RouteTableIds": v.get("route_table_ids", []),
                    "SubnetIds": v.get("subnet_ids", []),
                    "Groups": [{"GroupId": g} for g in v.get("security_group_ids", [])],
                    "PrivateDnsEnabled": v.get("private_dns_enabled", False), "Tags": tags(a)})
    files["route-tables.json"] = {"RouteTables": list(rts.values())}
    files["vpc-endpoints.json"] = {"VpcEndpoints": eps}
    sgs = {}
    for a, v in by_type["aws_security_group"]:
        sgs[v["id"]] = {"GroupId": v["id"], "GroupName": v.get("name", tf_name(a)),
                        "VpcId": v["vpc_id"], "Tags": tags(a), "IpPermissions": [],
                        "IpPermissionsEgress": []}
        for d, key in (("ingress", "IpPermissions"), ("egress", "IpPermissionsEgress")):
            for r in v.get(d, []):
                sgs[v["id"]][key].append(
                    {"IpProtocol": r["protocol"], "FromPort": r["from_port"], "ToPort": r["to_port"],
                     "IpRanges": [{"CidrIp": c} for c in r["cidr_blocks"]],
                     "UserIdGroupPairs": [{"GroupId": g} for g in r["security_groups"]]})
    for t in ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"):
        for a, v in by_type.get(t, []):
            key = "IpPermissions" if "ingress" in t else "IpPermissionsEgress"
            perm = {"IpProtocol": v["ip_protocol"], "FromPort": v["from_port"],
                    "ToPort": v["to_port"], "IpRanges": [{"CidrIp": v["cidr_ipv4"]}],
                    "UserIdGroupPairs": []}
            if perm not in sgs[v["security_group_id"]][key]:  # the group lists it already
                sgs[v["security_group_id"]][key].append(perm)
    files["security-groups.json"] = {"SecurityGroups": list(sgs.values())}
    tgw = by_type["aws_ec2_transit_gateway"][0][1]
    files["transit-gateways.json"] = {"TransitGateways": [
        {"TransitGatewayId": tgw["id"], "State": "available",
         "TransitGatewayArn": f"arn:aws:ec2:us-east-1:111122223333:transit-gateway/{tgw['id']}",
         "Options": {"DefaultRouteTableAssociation": "disable",
                     "DefaultRouteTablePropagation": "disable"},
         "Tags": [{"Key": "Name", "Value": "main"}]}]}
    assoc = {v["transit_gateway_attachment_id"]: v["transit_gateway_route_table_id"]
             for _, v in by_type["aws_ec2_transit_gateway_route_table_association"]}
    atts, vpc_atts = [], []
    for a, v in by_type["aws_ec2_transit_gateway_vpc_attachment"]:
        atts.append({"TransitGatewayAttachmentId": v["id"], "TransitGatewayId": tgw["id"],
                     "ResourceType": "vpc", "ResourceId": v["vpc_id"], "State": "available",
                     "Association": {"TransitGatewayRouteTableId": assoc[v["id"]],
                                     "State": "associated"}, "Tags": tags(a)})
        vpc_atts.append({"TransitGatewayAttachmentId": v["id"], "TransitGatewayId": tgw["id"],
                         "VpcId": v["vpc_id"], "SubnetIds": v["subnet_ids"], "State": "available"})
    vpn_addr, vpn = by_type["aws_vpn_connection"][0]
    atts.append({"TransitGatewayAttachmentId": vpn["transit_gateway_attachment_id"],
                 "TransitGatewayId": tgw["id"], "ResourceType": "vpn", "ResourceId": vpn["id"],
                 "State": "available", "Tags": [{"Key": "Name", "Value": "dc1"}],
                 "Association": {"TransitGatewayRouteTableId": assoc[vpn["transit_gateway_attachment_id"]],
                                 "State": "associated"}})
    dxa = [v for a, v in st.items() if a.startswith("data.aws_ec2_transit_gateway_dx")][0]
    dxgw = by_type["aws_dx_gateway"][0][1]
    atts.append({"TransitGatewayAttachmentId": dxa["id"], "TransitGatewayId": tgw["id"],
                 "ResourceType": "direct-connect-gateway", "ResourceId": dxgw["id"],
                 "State": "available", "Tags": [{"Key": "Name", "Value": "tgw"}],
                 "Association": {"TransitGatewayRouteTableId": assoc[dxa["id"]],
                                 "State": "associated"}})
    files["transit-gateway-attachments.json"] = {"TransitGatewayAttachments": atts}
    files["transit-gateway-vpc-attachments.json"] = {"TransitGatewayVpcAttachments": vpc_atts}
    files["transit-gateway-route-tables.json"] = {"TransitGatewayRouteTables": [
        {"TransitGatewayRouteTableId": v["id"], "TransitGatewayId": tgw["id"], "State": "available",
         "DefaultAssociationRouteTable": False, "DefaultPropagationRouteTable": False,
         "Tags": [{"Key": "Name", "Value": a.split(".")[-1]}]}
        for a, v in by_type["aws_ec2_transit_gateway_route_table"]]}
    att_of = {x["TransitGatewayAttachmentId"]: x for x in atts}
    for _, rt in by_type["aws_ec2_transit_gateway_route_table"]:
        routes = []
        for _, r in by_type["aws_ec2_transit_gateway_route"]:
            if r["transit_gateway_route_table_id"] != rt["id"]:
                continue
            x = att_of.get(r.get("transit_gateway_attachment_id"))
            routes.append({"DestinationCidrBlock": r["destination_cidr_block"], "Type": "static",
                           "State": "blackhole" if r.get("blackhole") else "active",
                           "TransitGatewayAttachments": [] if not x else [
                               {"ResourceId": x["ResourceId"], "ResourceType": x["ResourceType"],
                                "TransitGatewayAttachmentId": x["TransitGatewayAttachmentId"]}]})
        for _, p in by_type["aws_ec2_transit_gateway_route_table_propagation"]:
            if p["transit_gateway_route_table_id"] == rt["id"]:
                x = att_of[p["transit_gateway_attachment_id"]]
                routes.append({"DestinationCidrBlock": by_id[x["ResourceId"]][1]["cidr_block"],
                               "Type": "propagated", "State": "active",
                               "TransitGatewayAttachments": [
                                   {"ResourceId": x["ResourceId"], "ResourceType": "vpc",
                                    "TransitGatewayAttachmentId": x["TransitGatewayAttachmentId"]}]})
        files[f"transit-gateway-routes-{rt['id']}.json"] = {"Routes": routes,
                                                            "AdditionalRoutesAvailable": False}
    files["vpc-peering-connections.json"] = {"VpcPeeringConnections": [
        {"VpcPeeringConnectionId": v["id"], "Status": {"Code": "active", "Message": "Active"},
         "RequesterVpcInfo": {"VpcId": v["vpc_id"], "OwnerId": "111122223333",
                              "Region": "us-east-1"},
         "AccepterVpcInfo": {"VpcId": v["peer_vpc_id"], "OwnerId": "111122223333",
                             "Region": "us-east-1"}, "Tags": tags(a)}
        for a, v in by_type["aws_vpc_peering_connection"]]}
    files["vpn-connections.json"] = {"VpnConnections": [
        {"VpnConnectionId": vpn["id"], "CustomerGatewayId": vpn["customer_gateway_id"],
         "TransitGatewayId": tgw["id"], "State": "available", "Type": "ipsec.1",
         "Options": {"StaticRoutesOnly": False}, "Routes": [],
         "VgwTelemetry": [{"Status": "UP"}, {"Status": "UP"}],
         "Tags": [{"Key": "Name", "Value": "dc1"}]}]}
    conn = by_type["aws_dx_connection"][0][1]
    vif = by_type["aws_dx_transit_virtual_interface"][0][1]
    files["virtual-interfaces.json"] = {"virtualInterfaces": [
        {"virtualInterfaceId": vif["id"], "virtualInterfaceType": "transit",
         "virtualInterfaceName": vif["name"], "connectionId": conn["id"], "location": "EqDC2",
         "vlan": 4094, "asn": 65000, "directConnectGatewayId": dxgw["id"],
         "virtualInterfaceState": "available", "region": "us-east-1"}]}
    files["connections.json"] = {"connections": [
        {"connectionId": conn["id"], "connectionName": conn["name"], "bandwidth": conn["bandwidth"],
         "location": conn["location"], "connectionState": "available", "region": "us-east-1"}]}
    zone = by_type["aws_route53_zone"][0][1]
    zvpcs = [b["vpc_id"] for b in zone["vpc"]] + [
        v["vpc_id"] for _, v in by_type["aws_route53_zone_association"]]
    files[f"hosted-zone-{zone['id']}.json"] = {
        "HostedZone": {"Id": f"/hostedzone/{zone['id']}", "Name": zone["name"] + ".",
                       "Config": {"PrivateZone": True}},
        "VPCs": [{"VPCRegion": "us-east-1", "VPCId": x} for x in zvpcs]}
    rs_addr, rs = by_type["aws_route53_resolver_endpoint"][0]
    hub_vpc = by_id[rs["ip_address"][0]["subnet_id"]][1]["vpc_id"]
    files["resolver-endpoints.json"] = {"ResolverEndpoints": [
        {"Id": "rslvr-in-" + rs["id"][3:], "Name": tf_name(rs_addr), "Direction": "INBOUND",
         "HostVPCId": hub_vpc, "IpAddressCount": len(rs["ip_address"]), "Status": "OPERATIONAL"}]}
    files[f"resolver-endpoint-ips-rslvr-in-{rs['id'][3:]}.json"] = {"IpAddresses": [
        {"IpId": f"rni-{i}", "SubnetId": b["subnet_id"], "Ip": f"10.0.{i + 1}.53",
         "Status": "ATTACHED"} for i, b in enumerate(rs["ip_address"])]}
    import os
    os.makedirs(out, exist_ok=True)
    for name, doc in files.items():
        with open(f"{out}/{name}", "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")


def aws_route(r, dst):
    out = {"DestinationCidrBlock": dst, "Origin": "CreateRoute", "State": "active"}
    for k, key in (("gateway_id", "GatewayId"), ("nat_gateway_id", "NatGatewayId"),
                   ("transit_gateway_id", "TransitGatewayId"),
                   ("vpc_peering_connection_id", "VpcPeeringConnectionId")):
        if r.get(k):
            out[key] = r[k]
    return out


if __name__ == "__main__":
    if "--aws" in sys.argv:  # gen_estate.py --aws DIR: the describe-* files
        est = Estate(estate(2))
        est.state_doc()
        describe(est, sys.argv[sys.argv.index("--aws") + 1])
    else:
        main()
