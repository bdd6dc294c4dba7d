/* Network ACLs on a path (VPC guide, control subnet traffic with network ACLs): each subnet
 * boundary a request or its response crosses is checked against the subnet's ACL in that
 * direction, rules in ascending number, the first match deciding, the implicit `*` rule denying
 * what none matched. ACLs are stateless: responses to the client's ephemeral ports are checked
 * as packets of their own. An ACL holds tens of rules; a path crosses at most six boundaries. */
#include <stdio.h>
#include <string.h>

#include "paths_impl.h"

enum {
    PROTO_TCP = 6,        /* requests and responses are TCP (PrivateLink is TCP only) */
    EPHEMERAL_LO = 1024,  /* the range AWS documents for ephemeral ports; a NAT gateway's source */
    EPHEMERAL_HI = 65535, /* ports are 1024-65535 (VPC guide, network ACLs, ephemeral ports) */
    RULE_STAR = -1        /* the implicit final rule: deny */
};

/* One direction of one leg as an ACL sees it. */
typedef struct nacl_packet {
    bool egress;      /* leaving the subnet, else entering it */
    ipv4_cidr peer;   /* the other end: the destination (egress) or the source (ingress) */
    bool public_peer; /* an AWS service's public addresses: only 0.0.0.0/0 rules name them */
    int32_t lo, hi;   /* destination ports */
    const char *leg;  /* "the request", "the responses", for messages */
    bool response;    /* a return leg: the hint that ACLs are stateless applies */
} nacl_packet;

/* Does rule r match packet p at destination port port? An allow rule must hold every address of
 * the peer block (all the clients), a deny rule any of them: a path is allowed only if it is
 * allowed for every client. */
static bool rule_matches(const topo_nacl_rule *r, const nacl_packet *p, int32_t port)
{
    if (r->egress != p->egress || (r->protocol != -1 && r->protocol != PROTO_TCP)) return false;
    if (port < r->port_lo || port > r->port_hi) return false;
    if (p->public_peer) return r->cidr.len == 0;
    if (!r->allow) return cidr_overlaps(r->cidr, p->peer);
    return r->cidr.len <= p->peer.len && cidr_contains(r->cidr, p->peer.addr);
}

/* The deciding rule for port: the first match in rule-number order, or RULE_STAR. */
static int32_t decide(const topo_nacl *a, const nacl_packet *p, int32_t port)
{
    for (size_t i = 0; i < a->nrules; i++)
        if (rule_matches(&a->rules[i], p, port)) return (int32_t)i;
    return RULE_STAR;
}

/* The lowest port of [p->lo, p->hi] whose deciding rule denies, and where its run of ports with
 * the same rule set ends; false if every port is allowed. Rules split the range at their port
 * bounds, so checking the first port of each piece checks them all. */
static bool first_denied(const topo_nacl *a, const nacl_packet *p, int32_t *lo, int32_t *hi,
                         int32_t *rule)
{
    bool found = false;
    for (size_t i = 0; i <= 2 * a->nrules; i++) {
        int32_t s = i == 0             ? p->lo
                    : (i - 1) % 2 == 0 ? a->rules[(i - 1) / 2].port_lo
                                       : a->rules[(i - 1) / 2].port_hi + 1;
        if (s < p->lo || s > p->hi || (found && s >= *lo)) continue;
        int32_t r = decide(a, p, s);
        if (r != RULE_STAR && a->rules[r].allow) continue;
        *lo = s, *rule = r, found = true;
    }
    if (!found) return false;
    *hi = p->hi; /* the piece ends before the next bound above its start */
    for (size_t i = 0; i < a->nrules; i++) {
        int32_t b1 = a->rules[i].port_lo - 1, b2 = a->rules[i].port_hi;
        if (b1 >= *lo && b1 < *hi) *hi = b1;
        if (b2 >= *lo && b2 < *hi) *hi = b2;
    }
    return true;
}

static const char *ports_words(int32_t lo, int32_t hi, char *buf, size_t n)
{
    if (lo == hi) return paths_text(buf, n, "port %d", lo);
    return paths_text(buf, n, "ports %d-%d", lo, hi);
}

static int deny(walk *k, int32_t subnet, const nacl_packet *p, int32_t lo, int32_t hi, int32_t r)
{
    const topology *t = k->t;
    const topo_nacl *a = &t->nacls[t->subnets[subnet].nacl];
    char apos[80], rpos[80], peer[24], ports[40], all[40] = "", rule[120];
    paths_pos(a->pos, apos, sizeof apos);
    if (p->public_peer)
        paths_text(peer, sizeof peer, "public addresses");
    else
        paths_cidr(p->peer, peer, sizeof peer);
    ports_words(lo, hi, ports, sizeof ports);
    if (lo != p->lo || hi != p->hi) {
        char whole[40];
        paths_text(all, sizeof all, " of %s", ports_words(p->lo, p->hi, whole, sizeof whole));
    }
    if (r == RULE_STAR)
        paths_text(rule, sizeof rule, "its final rule * (no numbered rule matches)");
    else
        paths_text(rule, sizeof rule, "rule %d (%s)", a->rules[r].number,
                   paths_pos(a->rules[r].pos, rpos, sizeof rpos));
    return paths_stop(k, VERDICT_DENIED,
                      "network ACL '%s' (%s) of subnet '%s' denies %s %s the subnet (%s TCP %s%s "
                      "%s %s) by %s%s",
                      a->name, apos, t->subnets[subnet].name, p->leg,
                      p->egress ? "leaving" : "entering", p->egress ? "outbound" : "inbound", ports,
                      all, p->egress ? "to" : "from", peer, rule,
                      p->response ? ": network ACLs are stateless, so responses to the client's "
                                    "ephemeral ports need a rule of their own"
                                  : "");
}

/* Checks one leg at one subnet boundary; a subnet on the VPC's default ACL allows all. */
static int cross(walk *k, int32_t subnet, const nacl_packet *p)
{
    if (subnet < 0 || k->t->subnets[subnet].nacl < 0) return STEP_OK;
    const topo_nacl *a = &k->t->nacls[k->t->subnets[subnet].nacl];
    int32_t lo = 0, hi = 0, rule = RULE_STAR;
    return first_denied(a, p, &lo, &hi, &rule) ? deny(k, subnet, p, lo, hi, rule) : STEP_OK;
}

/* ---- the legs of a path ---------------------------------------------------------------------- */

/* The far end of the request as ACLs see it: the ENI or internet host, or public addresses. */
static nacl_packet toward_dest(const walk *k, bool egress, int32_t lo, int32_t hi)
{
    nacl_packet p = {.egress = egress, .lo = lo, .hi = hi};
    if (k->d.kind == DEST_PUBLIC)
        p.public_peer = true;
    else
        p.peer = (ipv4_cidr){.addr = k->d.addr, .len = 32};
    return p;
}

static nacl_packet toward_client(const walk *k, bool egress, int32_t lo, int32_t hi)
{
    return (nacl_packet){.egress = egress, .peer = k->src, .lo = lo, .hi = hi};
}

static void client_ephemeral(const walk *k, int32_t *lo, int32_t *hi)
{
    bool given = k->w->eph_hi > 0;
    *lo = given ? k->w->eph_lo : EPHEMERAL_LO;
    *hi = given ? k->w->eph_hi : EPHEMERAL_HI;
}

/* The subnets a request crosses, in order: out of the client's, into and out of a NAT gateway's,
 * into an interface endpoint ENI's. Same-subnet traffic crosses no ACL (VPC guide, network ACL
 * basics: rules are evaluated "when traffic enters and leaves the subnet, not as it is routed
 * within a subnet"). */
int paths_nacl_request(walk *k)
{
    const topology *t = k->t;
    int32_t port = k->w->port, nat = k->via_nat >= 0 ? t->nats[k->via_nat].subnet : -1;
    int32_t eni = k->d.kind == DEST_ENI ? k->d.subnet : -1, cl = k->src_subnet;
    nacl_packet p;
    int rc = STEP_OK;
    if (cl >= 0 && cl != eni) {
        p = toward_dest(k, true, port, port);
        p.leg = "the request";
        rc = cross(k, cl, &p);
    }
    if (!rc && nat >= 0 && nat != cl) {
        p = toward_client(k, false, port, port);
        p.leg = "the request from the client to its NAT gateway";
        rc = cross(k, nat, &p);
    }
    if (!rc && nat >= 0) {
        p = toward_dest(k, true, port, port);
        p.leg = "the request forwarded by its NAT gateway";
        rc = cross(k, nat, &p);
    }
    if (!rc && eni >= 0 && eni != cl) {
        p = toward_client(k, false, port, port);
        p.leg = "the request";
        rc = cross(k, eni, &p);
    }
    return rc;
}

/* The responses' way back: out of the ENI's subnet, into and out of the NAT gateway's (to its
 * own source ports 1024-65535, then to the client's), into the client's. */
int paths_nacl_response(walk *k)
{
    const topology *t = k->t;
    int32_t nat = k->via_nat >= 0 ? t->nats[k->via_nat].subnet : -1;
    int32_t eni = k->d.kind == DEST_ENI ? k->d.subnet : -1, cl = k->src_subnet, lo, hi;
    nacl_packet p;
    int rc = STEP_OK;
    client_ephemeral(k, &lo, &hi);
    if (eni >= 0 && eni != cl) {
        p = toward_client(k, true, lo, hi);
        p.leg = "the responses";
        p.response = true;
        rc = cross(k, eni, &p);
    }
    if (!rc && nat >= 0) {
        p = toward_dest(k, false, EPHEMERAL_LO, EPHEMERAL_HI);
        p.leg = "the responses to its NAT gateway";
        p.response = true;
        rc = cross(k, nat, &p);
    }
    if (!rc && nat >= 0 && nat != cl) {
        p = toward_client(k, true, lo, hi);
        p.leg = "the responses from its NAT gateway to the client";
        p.response = true;
        rc = cross(k, nat, &p);
    }
    if (!rc && cl >= 0 && cl != eni) {
        p = toward_dest(k, false, lo, hi);
        p.leg = "the responses";
        p.response = true;
        rc = cross(k, cl, &p);
    }
    return rc;
}
