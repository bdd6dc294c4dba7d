/* Scenario loader, subnets' guards and owners: network ACLs (numbered, stateless rules associated
 * with subnets) and the account rules (RAM shares of subnets and Transit Gateways, an interface
 * endpoint's owner and connection state, endpoint-service principals). A few ACLs of tens of
 * rules; accounts are compared as 12-digit strings, and an element without one is in the
 * scenario's single default account. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "scenario_impl.h"
#include "vpcsim/aws/quotas.h"
#include "vpcsim/units.h"

#define ELEM(b, kind, i) (&(b)->a->lists[kind].items[i])

static int oom(const sc_build *b, const config_node *at)
{
    return config_error_at(at, b->err, "out of memory");
}

/* ---- ports ----------------------------------------------------------------------------------- */

/* A port number of 1 to 5 digits at *p, advancing *p; -1 if none or too large. */
static int32_t port_number(const char **p)
{
    int32_t v = 0;
    int digits = 0;
    while (**p >= '0' && **p <= '9' && digits < 6) v = v * 10 + (*(*p)++ - '0'), digits++;
    return digits == 0 || digits > 5 || v > 65535 ? -1 : v;
}

int sc_get_ports(const sc_build *b, const config_node *map, sc_section sec, const char *key,
                 int32_t *lo, int32_t *hi)
{
    const char *s, *p;
    char q[96];
    if (sc_get_string(map, sec, key, &s, b->err)) return -1;
    if (strcmp(s, "all") == 0) {
        *lo = 0;
        *hi = 65535;
        return 0;
    }
    p = s;
    *lo = *hi = port_number(&p);
    if (*p == '-') {
        p++;
        *hi = port_number(&p);
    }
    if (*lo >= 0 && *hi >= *lo && !*p) return 0;
    return sc_error(b, config_find(map, key),
                    "%s: key '%s': expected a port (443), a range (1024-65535) or all, got %s",
                    b->what, key, units_format_quoted(s, 40, q, sizeof q));
}

/* ---- network ACLs ---------------------------------------------------------------------------- */

/* IANA protocol numbers of the `protocol` choices all|tcp|udp|icmp. */
static const int32_t nacl_protocols[] = {-1, 6, 17, 1};

static int build_nacl_rule(sc_build *b, topo_nacl_rule *r, const config_node *el, bool egress)
{
    int64_t number;
    int proto = 0, action = 0;
    r->egress = egress;
    r->pos = sc_pos(el);
    if (sc_check_keys(el, SEC_NACL_RULE, b->err) ||
        sc_get_int(el, SEC_NACL_RULE, "rule", 1, 32766, &number, b->err) ||
        sc_get_enum(el, SEC_NACL_RULE, "action", &action, b->err) ||
        sc_get_enum(el, SEC_NACL_RULE, "protocol", &proto, b->err) ||
        sc_get_ports(b, el, SEC_NACL_RULE, "ports", &r->port_lo, &r->port_hi) ||
        sc_get_cidr(el, SEC_NACL_RULE, "cidr", &r->cidr, b->err))
        return -1;
    r->number = (int32_t)number;
    r->allow = action == 0;
    r->protocol = nacl_protocols[proto];
    /* AWS: a rule for all protocols, or one without ports (ICMP), covers every port. */
    if ((r->protocol == -1 || r->protocol == 1) && (r->port_lo != 0 || r->port_hi != 65535))
        return sc_error(b, config_find(el, "ports"),
                        "%s: rule %d: ports apply only to tcp and udp rules (protocol %s covers "
                        "every port)",
                        b->what, r->number, r->protocol == -1 ? "all" : "icmp");
    return 0;
}

/* The rules of one direction, appended at rules[*n...] in ascending rule number (AWS evaluates
 * them so); a number used twice in one direction is an error, as AWS refuses it. */
static int build_nacl_rules(sc_build *b, const config_node *map, const char *key, bool egress,
                            topo_nacl_rule *rules, size_t *n)
{
    const config_node *seq;
    size_t first = *n;
    if (sc_get_seq(map, SEC_NACL, key, &seq, b->err)) return -1;
    for (size_t i = 0; seq && i < config_len(seq); i++) {
        topo_nacl_rule r;
        if (build_nacl_rule(b, &r, config_at(seq, i), egress)) return -1;
        size_t j = *n;
        for (size_t k = first; k < *n; k++)
            if (rules[k].number == r.number)
                return sc_error(b, config_at(seq, i), "%s: %s rule number %d is used twice",
                                b->what, key, r.number);
        while (j > first && rules[j - 1].number > r.number) rules[j] = rules[j - 1], j--;
        rules[j] = r;
        ++*n;
    }
    return 0;
}

static size_t seq_len(const config_node *map, const char *key)
{
    const config_node *seq = config_find(map, key);
    return seq && config_kind_of(seq) == CONFIG_KIND_SEQ ? config_len(seq) : 0;
}

/* Associates the ACL with its subnets: of its own VPC, and a subnet has one ACL at a time (VPC
 * guide, network ACL basics). */
static int associate_nacl(sc_build *b, int32_t i, const config_node *map)
{
    topology *t = b->t;
    int32_t *sub;
    size_t n;
    if (sc_ref_list(b, map, SEC_NACL, "subnets", SK_SUBNET, &sub, &n)) return -1;
    for (size_t k = 0; k < n; k++) {
        topo_subnet *s = &t->subnets[sub[k]];
        const config_node *at = config_at(config_find(map, "subnets"), k);
        if (s->vpc != t->nacls[i].vpc)
            return sc_error(b, at, "%s: subnet '%s' is in VPC '%s', not in the ACL's VPC '%s'",
                            b->what, s->name, t->vpcs[s->vpc].name, t->vpcs[t->nacls[i].vpc].name);
        if (s->nacl >= 0)
            return sc_error(b, at,
                            "%s: subnet '%s' is already associated with network ACL '%s' (a "
                            "subnet has one network ACL at a time)",
                            b->what, s->name, t->nacls[s->nacl].name);
        s->nacl = i;
    }
    return 0;
}

static int build_nacl(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_NACL, i);
    topo_nacl *a = &b->t->nacls[i];
    if (!e) return -1;
    a->name = e->name;
    a->pos = sc_pos(e->node);
    size_t cap = seq_len(e->node, "ingress") + seq_len(e->node, "egress");
    if (!(a->rules = arena_alloc(b->ld->arena, cap ? cap : 1, sizeof *a->rules)))
        return oom(b, e->node);
    if (sc_ref(b, e->node, SEC_NACL, "vpc", SK_VPC, &a->vpc) ||
        build_nacl_rules(b, e->node, "ingress", false, a->rules, &a->nrules) ||
        build_nacl_rules(b, e->node, "egress", true, a->rules, &a->nrules))
        return -1;
    return associate_nacl(b, (int32_t)i, e->node);
}

int sc_build_nacls(sc_build *b)
{
    for (size_t i = 0; i < b->t->nsubnets; i++) b->t->subnets[i].nacl = -1;
    for (size_t i = 0; i < b->t->nnacls; i++)
        if (build_nacl(b, i)) return -1;
    return 0;
}

/* ---- accounts -------------------------------------------------------------------------------- */

static bool account_ok(const char *s)
{
    return strlen(s) == 12 && strspn(s, "0123456789") == 12;
}

/* "o-" or "ou-" and then letters, digits and '-' (AWS Organizations ids). */
static bool org_id_ok(const char *s, const char *prefix)
{
    size_t p = strlen(prefix), n = strlen(s);
    const char *ok = "abcdefghijklmnopqrstuvwxyz0123456789-";
    return strncmp(s, prefix, p) == 0 && n > p && n <= 68 && strspn(s + p, ok) == n - p;
}

static bool share_target_ok(const char *s)
{
    return account_ok(s) || org_id_ok(s, "o-") || org_id_ok(s, "ou-");
}

/* A list of share targets at key (absent: none): account ids, organization or OU ids. */
static int account_list(sc_build *b, const config_node *map, sc_section sec, const char *key,
                        const char ***out, size_t *n)
{
    const config_node *seq;
    char q[96];
    *out = NULL;
    *n = 0;
    if (sc_get_seq(map, sec, key, &seq, b->err)) return -1;
    if (!seq || config_len(seq) == 0) return 0;
    if (!(*out = arena_alloc(b->ld->arena, config_len(seq), sizeof **out))) return oom(b, map);
    for (size_t i = 0; i < config_len(seq); i++) {
        if (config_as_string(config_at(seq, i), &(*out)[i], b->err)) return -1;
        if (!share_target_ok((*out)[i]))
            return sc_error(b, config_at(seq, i),
                            "%s: key '%s': expected a 12-digit AWS account id, an organization "
                            "(o-...) or an OU (ou-...), got %s",
                            b->what, key, units_format_quoted((*out)[i], 60, q, sizeof q));
    }
    *n = config_len(seq);
    return 0;
}

/* The `accounts:` entry of account id, or NULL. */
static const config_node *account_entry(const sc_loader *ld, const char *id)
{
    const config_node *seq = config_find(ld->root, "accounts");
    for (size_t i = 0; seq && i < config_len(seq); i++) {
        const char *v = config_scalar(config_find(config_at(seq, i), "id"));
        if (v && strcmp(v, id) == 0) return config_at(seq, i);
    }
    return NULL;
}

/* Is account among the share's targets: itself, or the organization or OU `accounts:` puts it
 * in (AWS RAM: sharing with an organization or OU shares with all its accounts)? */
static bool listed(const sc_build *b, const char *const *list, size_t n, const char *account)
{
    const config_node *e = account ? account_entry(b->ld, account) : NULL;
    const char *org = e ? config_scalar(config_find(e, "organization")) : NULL;
    const char *ou = e ? config_scalar(config_find(e, "ou")) : NULL;
    for (size_t i = 0; account && i < n; i++)
        if (strcmp(list[i], account) == 0 || (org && strcmp(list[i], org) == 0) ||
            (ou && strcmp(list[i], ou) == 0))
            return true;
    return false;
}

/* Two owners differ only when both are known: an element without an account is in the
 * scenario's one default account, the same as whatever uses it. */
static bool accounts_differ(const char *a, const char *b)
{
    return a && b && strcmp(a, b) != 0;
}

/* `principal_ok` of policies, for allowed_principals: "*", an ARN or an account id. */
static bool principal_ok(const char *s)
{
    return strcmp(s, "*") == 0 || strncmp(s, "arn:", 4) == 0 || account_ok(s);
}

static int read_subnet_shares(sc_build *b)
{
    for (size_t i = 0; i < b->t->nsubnets; i++) {
        topo_subnet *s = &b->t->subnets[i];
        b->owner = ELEM(b, SK_SUBNET, i)->owner;
        sc_what(b, "subnet '%s'", s->name);
        if (account_list(b, ELEM(b, SK_SUBNET, i)->node, SEC_SUBNET, "shared_with", &s->shared_with,
                         &s->nshared_with))
            return -1;
    }
    return 0;
}

/* A VPC attachment of another account's Transit Gateway needs the TGW shared with the VPC's
 * account through AWS RAM (Transit Gateway guide, sharing a transit gateway). */
static int check_tgw_shares(sc_build *b, size_t i)
{
    const topo_tgw *g = &b->t->tgws[i];
    const config_node *atts = config_find(ELEM(b, SK_TGW, i)->node, "attachments");
    for (size_t k = 0; k < g->nattachments; k++) {
        const topo_tgw_attachment *a = &g->attachments[k];
        if (a->vpc < 0) continue;
        const char *owner = b->t->vpcs[a->vpc].account;
        if (!accounts_differ(owner, g->account) ||
            listed(b, g->shared_with, g->nshared_with, owner))
            continue;
        return sc_error(b, config_at(atts, k),
                        "%s: attachment '%s' attaches VPC '%s' of account %s, but the Transit "
                        "Gateway belongs to account %s and is not shared with %s through AWS RAM "
                        "(add it to shared_with)",
                        b->what, a->name, b->t->vpcs[a->vpc].name, owner, g->account, owner);
    }
    return 0;
}

static int read_tgw(sc_build *b, size_t i)
{
    topo_tgw *g = &b->t->tgws[i];
    const config_node *m = ELEM(b, SK_TGW, i)->node;
    b->owner = ELEM(b, SK_TGW, i)->owner;
    sc_what(b, "Transit Gateway '%s'", g->name);
    if (sc_get_account(b, m, SEC_TGW, "account", &g->account) ||
        account_list(b, m, SEC_TGW, "shared_with", &g->shared_with, &g->nshared_with))
        return -1;
    return check_tgw_shares(b, i);
}

static int read_eps(sc_build *b, size_t i)
{
    topo_endpoint_service *s = &b->t->endpoint_services[i];
    const config_node *m = ELEM(b, SK_EPS, i)->node, *seq;
    char q[96];
    b->owner = ELEM(b, SK_EPS, i)->owner;
    sc_what(b, "endpoint service '%s'", s->name);
    if (sc_get_bool(m, SEC_EPS, "acceptance_required", &s->acceptance_required, b->err) ||
        sc_get_seq(m, SEC_EPS, "allowed_principals", &seq, b->err))
        return -1;
    if (!seq) return 0;
    s->nallowed_principals = config_len(seq);
    if (!(s->allowed_principals =
              arena_alloc(b->ld->arena, s->nallowed_principals + 1, sizeof *s->allowed_principals)))
        return oom(b, m);
    for (size_t k = 0; k < s->nallowed_principals; k++) {
        const char **p = &s->allowed_principals[k];
        if (config_as_string(config_at(seq, k), p, b->err)) return -1;
        if (!principal_ok(*p))
            return sc_error(b, config_at(seq, k),
                            "%s: key 'allowed_principals': expected \"*\", an ARN or a 12-digit "
                            "account id, got %s",
                            b->what, units_format_quoted(*p, 60, q, sizeof q));
    }
    return 0;
}

/* An endpoint owned by another account than its VPC's places ENIs in that VPC's subnets: each
 * must be shared with the owner through AWS RAM (VPC guide, share your VPC with other accounts:
 * participants create resources in shared subnets). */
static int check_ife_subnets(sc_build *b, const topo_interface_endpoint *e, const config_node *m)
{
    const char *vpc_owner = b->t->vpcs[e->vpc].account;
    if (!accounts_differ(e->account, vpc_owner)) return 0;
    for (size_t k = 0; k < e->nsubnets; k++) {
        const topo_subnet *s = &b->t->subnets[e->subnets[k]];
        if (listed(b, s->shared_with, s->nshared_with, e->account)) continue;
        return sc_error(b, config_at(config_find(m, "subnets"), k),
                        "%s: the endpoint belongs to account %s, but subnet '%s' belongs to "
                        "account %s (VPC '%s') and is not shared with %s through AWS RAM (add it "
                        "to the subnet's shared_with)",
                        b->what, e->account, s->name, vpc_owner, b->t->vpcs[e->vpc].name,
                        e->account);
    }
    return 0;
}

/* A connection waits for acceptance only when the service requires it and the endpoint is in
 * another account (PrivateLink guide: acceptance applies to requests from other accounts). */
static int check_connection(sc_build *b, const topo_interface_endpoint *e, const config_node *m)
{
    if (e->connection == CONN_ACCEPTED) return 0;
    const config_node *at = config_find(m, "connection");
    if (e->endpoint_service < 0)
        return sc_error(b, at, "%s: a connection state applies to endpoint_service endpoints only",
                        b->what);
    const topo_endpoint_service *s = &b->t->endpoint_services[e->endpoint_service];
    const char *owner = e->account ? e->account : b->t->vpcs[e->vpc].account;
    if (e->connection == CONN_PENDING &&
        (!s->acceptance_required || !accounts_differ(owner, b->t->vpcs[s->vpc].account)))
        return sc_error(b, at,
                        "%s: connection pending, but endpoint service '%s' %s: AWS accepts the "
                        "connection at once",
                        b->what, s->name,
                        s->acceptance_required ? "is in the endpoint's own account"
                                               : "has acceptance_required: false");
    return 0;
}

static int read_ife(sc_build *b, size_t i)
{
    topo_interface_endpoint *e = &b->t->interface_endpoints[i];
    const config_node *m = ELEM(b, SK_IFE, i)->node;
    int conn = 0;
    b->owner = ELEM(b, SK_IFE, i)->owner;
    sc_what(b, "interface endpoint '%s'", e->name);
    if (sc_get_account(b, m, SEC_IFE, "account", &e->account) ||
        sc_get_enum(m, SEC_IFE, "connection", &conn, b->err))
        return -1;
    e->connection = conn;
    return check_ife_subnets(b, e, m) || check_connection(b, e, m) ? -1 : 0;
}

int sc_check_accounts(sc_build *b)
{
    topology *t = b->t;
    if (read_subnet_shares(b)) return -1;
    for (size_t i = 0; i < t->ntgws; i++)
        if (read_tgw(b, i)) return -1;
    for (size_t i = 0; i < t->nendpoint_services; i++)
        if (read_eps(b, i)) return -1;
    for (size_t i = 0; i < t->ninterface_endpoints; i++)
        if (read_ife(b, i)) return -1;
    return 0;
}

/* ---- the accounts list ----------------------------------------------------------------------- */

static int load_account(sc_loader *ld, const config_node *map, size_t i)
{
    const char *id = "", *org = "", *ou = ""; /* org, ou: left as they are when absent */
    if (sc_check_keys(map, SEC_ACCOUNTS, ld->err) ||
        sc_get_string(map, SEC_ACCOUNTS, "id", &id, ld->err) ||
        sc_get_string(map, SEC_ACCOUNTS, "organization", &org, ld->err) ||
        sc_get_string(map, SEC_ACCOUNTS, "ou", &ou, ld->err))
        return -1;
    if (!account_ok(id))
        return config_error_at(config_find(map, "id"), ld->err,
                               "accounts[%zu]: key 'id': expected a 12-digit AWS account id", i);
    if (*org && !org_id_ok(org, "o-"))
        return config_error_at(config_find(map, "organization"), ld->err,
                               "accounts[%zu]: key 'organization': expected o-...", i);
    if (*ou && !org_id_ok(ou, "ou-"))
        return config_error_at(config_find(map, "ou"), ld->err,
                               "accounts[%zu]: key 'ou': expected ou-...", i);
    if (account_entry(ld, id) != map)
        return config_error_at(config_find(map, "id"), ld->err,
                               "accounts[%zu]: account %s is listed twice", i, id);
    return 0;
}

int sc_load_accounts(sc_loader *ld)
{
    const config_node *seq;
    if (sc_get_seq(ld->root, SEC_TOP, "accounts", &seq, ld->err)) return -1;
    for (size_t i = 0; seq && i < config_len(seq); i++) {
        if (sc_expect_map(config_at(seq, i), ld->err)) return -1;
        if (load_account(ld, config_at(seq, i), i)) return -1;
    }
    return 0;
}

/* ---- quotas ---------------------------------------------------------------------------------- */

/* One `quotas:` entry: a known quota that AWS raises, to at most its published maximum. */
static int load_quota(sc_loader *ld, const config_node *key, const config_node *val, scenario *s)
{
    const char *name = config_scalar(key);
    int q = quota_find(name);
    char hint[700];
    int64_t v;
    if (q < 0) {
        const char *all[QUOTA_COUNT];
        for (int i = 0; i < QUOTA_COUNT; i++) all[i] = quota_info_of((quota_id)i)->key;
        sc_not_found_hint(name ? name : "", all, QUOTA_COUNT, "quotas", hint, sizeof hint);
        return config_error_at(key, ld->err, "quotas: unknown quota '%s'%s", name ? name : "",
                               hint);
    }
    const quota_info *in = quota_info_of((quota_id)q);
    if (!in->adjustable)
        return config_error_at(key, ld->err,
                               "quotas: %s (%s, %lld) cannot be raised: AWS does not adjust it "
                               "(%s)",
                               in->key, in->name, (long long)in->dflt, in->basis);
    if (config_as_int(val, 1, in->max > 0 ? in->max : INT32_MAX, &v, ld->err)) return -1;
    s->quotas[q] = v;
    return 0;
}

/* The first error finding of architecture t, as `file:line:col: architecture 'A': ...`. */
static int quota_error(sc_loader *ld, const topology *t, const quota_finding *f)
{
    char text[600];
    quotas_describe(f, text, sizeof text);
    error_set(ld->err, "%s:%d:%d: architecture '%s': %s", f->pos.file ? f->pos.file : "?",
              f->pos.line, f->pos.col, t->name, text);
    return -1;
}

int sc_load_quotas(sc_loader *ld, scenario *s)
{
    const config_node *map;
    enum { MAX_FINDINGS = 64 };
    quota_finding found[MAX_FINDINGS];
    if (sc_get_map(ld->root, SEC_TOP, "quotas", &map, ld->err)) return -1;
    for (size_t i = 0; map && i < config_len(map); i++)
        if (load_quota(ld, config_key_at(map, i), config_at(map, i), s)) return -1;
    for (size_t a = 0; a < ld->narchs; a++) {
        size_t n = quotas_check(&ld->topos[a], s->quotas, found, MAX_FINDINGS);
        for (size_t k = 0; k < n && k < MAX_FINDINGS; k++)
            if (found[k].error) return quota_error(ld, &ld->topos[a], &found[k]);
    }
    return 0;
}
