/* The cost model: reads a price table (strict keys, every price with its source tags), prices an
 * architecture's provisioned resources per month, and charges per-GB volumes through tiers.
 * Small inputs: a few dozen prices, a topology of tens of components; nothing here is hot. */
#include "vpcsim/aws/cost.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpcsim/aws/paths.h"
#include "vpcsim/units.h"
#include "vpcsim/grow.h"

static const char *const hourly_names[COST_HOURLY_COUNT] = {
    [COST_H_NAT_GATEWAY] = "nat_gateway",
    [COST_H_PUBLIC_IPV4] = "public_ipv4_address",
    [COST_H_INTERFACE_ENDPOINT] = "interface_endpoint",
    [COST_H_GATEWAY_ENDPOINT] = "gateway_endpoint",
    [COST_H_TGW_ATTACHMENT] = "transit_gateway_attachment",
    [COST_H_VPN_CONNECTION] = "vpn_connection",
    [COST_H_RESOLVER_ENI] = "resolver_endpoint_eni",
};

static const char *const gb_names[COST_GB_COUNT] = {
    [COST_GB_NAT] = "nat_gateway_processing",
    [COST_GB_INTERFACE_ENDPOINT] = "interface_endpoint_processing",
    [COST_GB_TGW] = "transit_gateway_processing",
    [COST_GB_CROSS_AZ] = "cross_az_transfer",
    [COST_GB_CROSS_AZ_THROUGH] = "cross_az_transfer_through",
    [COST_GB_DX_OUT] = "dx_transfer_out",
    [COST_GB_INTERNET_OUT] = "internet_transfer_out",
    [COST_GB_INTER_REGION] = "inter_region_transfer",
};

static const char *const req_names[COST_REQ_COUNT] = {
    [COST_REQ_S3_GET] = "s3_get",
    [COST_REQ_S3_PUT] = "s3_put",
    [COST_REQ_DYNAMODB_READ] = "dynamodb_read",
    [COST_REQ_DYNAMODB_WRITE] = "dynamodb_write",
    [COST_REQ_SQS] = "sqs",
    [COST_REQ_KMS] = "kms",
    [COST_REQ_SECRETSMANAGER] = "secretsmanager",
};

static const double BYTES_PER_GB = 1073741824.0; /* AWS bills binary GB: 1 TB = 1024 GB */

/* ---- key tables ------------------------------------------------------------------------------ */

static const config_keydef top_keys[] = {
    {"version", CONFIG_TYPE_INT, NULL, NULL, "schema version of the price table"},
    {"region", CONFIG_TYPE_STRING, NULL, NULL, "AWS Region the prices are for"},
    {"currency", CONFIG_TYPE_ENUM, NULL, NULL, "currency of every price"},
    {"taken", CONFIG_TYPE_STRING, NULL, NULL, "when the figures were taken"},
    {"hours_per_month", CONFIG_TYPE_INT, "hours", NULL, "hours in a billing month (730)"},
    {"notes", CONFIG_TYPE_STRING, NULL, "", "conventions in words"},
    {"sources", CONFIG_TYPE_MAP, NULL, NULL, "source tag -> what the tag stands for"},
    {"hourly", CONFIG_TYPE_MAP, NULL, NULL, "prices of provisioned units per hour"},
    {"dx_ports", CONFIG_TYPE_SEQ, NULL, NULL, "Direct Connect dedicated port prices by speed"},
    {"per_gb", CONFIG_TYPE_MAP, NULL, NULL, "data charges per GB, flat or tiered"},
    {"requests", CONFIG_TYPE_MAP, NULL, NULL, "request charges of AWS services"},
    {"inter_region_pairs", CONFIG_TYPE_SEQ, NULL, "",
     "inter-Region transfer to named Regions, where it differs from inter_region_transfer"},
    {NULL, 0, NULL, NULL, NULL},
};

static const config_keydef hourly_item_keys[] = {
    {"price", CONFIG_TYPE_MONEY, "$ per hour", NULL, "price of one unit for one hour"},
    {"per", CONFIG_TYPE_STRING, NULL, NULL, "what one unit is"},
    {"source", CONFIG_TYPE_STRING, "tag or list", NULL, "source tags of the price"},
    {"note", CONFIG_TYPE_STRING, NULL, "", "remark on the price or its basis"},
    {NULL, 0, NULL, NULL, NULL},
};

static const config_keydef dx_port_keys[] = {
    {"speed", CONFIG_TYPE_BITRATE, "bit rate", NULL, "dedicated port speed"},
    {"price", CONFIG_TYPE_MONEY, "$ per hour", NULL, "port hour"},
    {"source", CONFIG_TYPE_STRING, "tag or list", NULL, "source tags of the price"},
    {"note", CONFIG_TYPE_STRING, NULL, "", "remark on the price or its basis"},
    {NULL, 0, NULL, NULL, NULL},
};

static const config_keydef gb_item_keys[] = {
    {"price", CONFIG_TYPE_MONEY, "$ per GB", "", "flat price (or tiers)"},
    {"tiers", CONFIG_TYPE_SEQ, NULL, "", "volume tiers in order (or price)"},
    {"source", CONFIG_TYPE_STRING, "tag or list", NULL, "source tags of the price"},
    {"note", CONFIG_TYPE_STRING, NULL, "", "remark on the price or its basis"},
    {"through", CONFIG_TYPE_SEQ, "hop kinds", "",
     "cross_az_transfer_through only: hop kinds whose cross-AZ links it prices"},
    {NULL, 0, NULL, NULL, NULL},
};

static const config_keydef req_keys[] = {
    {"price", CONFIG_TYPE_MONEY, "$", NULL, "price of `per` requests"},
    {"per", CONFIG_TYPE_INT, "requests", NULL, "how many requests the price is for"},
    {"source", CONFIG_TYPE_STRING, "tag or list", NULL, "source tags of the price"},
    {"note", CONFIG_TYPE_STRING, NULL, "", "remark on the price or its basis"},
    {NULL, 0, NULL, NULL, NULL},
};

static const config_keydef pair_keys[] = {
    {"to", CONFIG_TYPE_STRING, NULL, NULL, "destination Region"},
    {"price", CONFIG_TYPE_MONEY, "$ per GB", NULL, "per GB sent there"},
    {"source", CONFIG_TYPE_STRING, "tag or list", NULL, "source tags of the price"},
    {"note", CONFIG_TYPE_STRING, NULL, "", "remark on the price or its basis"},
    {NULL, 0, NULL, NULL, NULL},
};

static const config_keydef tier_keys[] = {
    {"up_to", CONFIG_TYPE_SIZE, "size", "", "monthly volume where the tier ends; none: last"},
    {"price", CONFIG_TYPE_MONEY, "$ per GB", NULL, "price of each GB in the tier"},
    {NULL, 0, NULL, NULL, NULL},
};

/* ---- reading --------------------------------------------------------------------------------- */

static topo_pos pos_of(const config_node *n)
{
    return (topo_pos){config_file(n), config_line(n), config_col(n)};
}

/* Checks a fixed section whose keys are names[0..n), all required, each a map. */
static int check_section(const config_node *sec, const char *const *names, size_t n, vs_error *err)
{
    enum { MOST = 16 }; /* more than any section's items */
    _Static_assert((int)COST_HOURLY_COUNT < (int)MOST && (int)COST_GB_COUNT < (int)MOST &&
                       (int)COST_REQ_COUNT < (int)MOST,
                   "MOST covers every section");
    config_keydef defs[MOST + 1];
    for (size_t i = 0; i < n; i++)
        defs[i] = (config_keydef){names[i], CONFIG_TYPE_MAP, NULL, NULL, "one price"};
    defs[n] = (config_keydef){NULL, 0, NULL, NULL, NULL};
    return config_check_keydefs(sec, defs, err);
}

static int read_sources(const config_node *sec, cost_prices *p, vs_error *err)
{
    size_t n = config_len(sec);
    if (n == 0) return config_error_at(sec, err, "sources: define at least one source tag");
    if (n > COST_MAX_SOURCES)
        return config_error_at(sec, err, "sources: at most %d tags, got %zu", COST_MAX_SOURCES, n);
    for (size_t i = 0; i < n; i++) {
        const char *tag = config_scalar(config_key_at(sec, i));
        if (strspn(tag, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") !=
                strlen(tag) ||
            strlen(tag) > 8)
            return config_error_at(config_key_at(sec, i), err,
                                   "source tag '%s': use up to 8 letters and digits (S, D23)", tag);
        p->sources[i].tag = tag;
        if (config_as_string(config_at(sec, i), &p->sources[i].name, err)) return -1;
    }
    p->nsources = n;
    return 0;
}

static const cost_source *find_source(const cost_prices *p, const char *tag)
{
    for (size_t i = 0; i < p->nsources; i++)
        if (strcmp(p->sources[i].tag, tag) == 0) return &p->sources[i];
    return NULL;
}

/* Appends one tag (checked against the file's sources) to b's tags and text. */
static int add_tag(const cost_prices *p, const config_node *tag_node, cost_basis *b, vs_error *err)
{
    const char *tag;
    if (config_as_string(tag_node, &tag, err)) return -1;
    const cost_source *s = find_source(p, tag);
    if (!s) {
        char list[160] = "";
        for (size_t i = 0; i < p->nsources; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     p->sources[i].tag);
        return config_error_at(tag_node, err, "unknown source tag '%s' (defined in sources: %s)",
                               tag, list);
    }
    const char *sep = b->tags[0] ? ", " : "";
    snprintf(b->tags + strlen(b->tags), sizeof b->tags - strlen(b->tags), "%s%s", sep, tag);
    snprintf(b->text + strlen(b->text), sizeof b->text - strlen(b->text), "%s%s: %s",
             b->text[0] ? "; " : "", tag, s->name);
    return 0;
}

/* The item's `source` (a tag or a list of tags) and `note`. */
static int read_basis(const config_node *item, const cost_prices *p, cost_basis *b, vs_error *err)
{
    const config_node *src = config_find(item, "source");
    *b = (cost_basis){.note = "", .pos = pos_of(item)};
    if (config_kind_of(src) == CONFIG_KIND_SEQ) {
        if (config_len(src) == 0)
            return config_error_at(src, err, "key 'source': expected at least one tag");
        for (size_t i = 0; i < config_len(src); i++)
            if (add_tag(p, config_at(src, i), b, err)) return -1;
    } else if (add_tag(p, src, b, err)) {
        return -1;
    }
    return config_get_string(item, "note", "", &b->note, err);
}

static int read_hourly(const config_node *sec, cost_prices *p, vs_error *err)
{
    if (check_section(sec, hourly_names, COST_HOURLY_COUNT, err)) return -1;
    for (int i = 0; i < COST_HOURLY_COUNT; i++) {
        const config_node *item = config_find(sec, hourly_names[i]);
        cost_hourly_price *h = &p->hourly[i];
        if (config_check_keydefs(item, hourly_item_keys, err) ||
            config_get_money(item, "price", NULL, &h->usd_per_hour, err) ||
            config_get_string(item, "per", NULL, &h->per, err) ||
            read_basis(item, p, &h->basis, err))
            return -1;
        h->basis.pos = pos_of(config_find(item, "price"));
    }
    return 0;
}

static int read_dx_port(const config_node *item, cost_prices *p, vs_error *err)
{
    cost_dx_port *d = &p->dx_ports[p->ndx_ports];
    if (config_check_keydefs(item, dx_port_keys, err) ||
        config_get_bitrate(item, "speed", NULL, &d->bps, err) ||
        config_get_money(item, "price", NULL, &d->usd_per_hour, err) ||
        read_basis(item, p, &d->basis, err))
        return -1;
    if (d->bps <= 0) return config_error_at(config_find(item, "speed"), err, "speed must be > 0");
    for (size_t i = 0; i < p->ndx_ports; i++)
        if (p->dx_ports[i].bps == d->bps)
            return config_error_at(config_find(item, "speed"), err,
                                   "a price for this port speed is already given at line %d",
                                   p->dx_ports[i].basis.pos.line);
    p->ndx_ports++;
    return 0;
}

static int read_dx_ports(const config_node *seq, cost_prices *p, vs_error *err)
{
    if (config_len(seq) > COST_MAX_DX_PORTS)
        return config_error_at(seq, err, "dx_ports: at most %d port speeds, got %zu",
                               COST_MAX_DX_PORTS, config_len(seq));
    for (size_t i = 0; i < config_len(seq); i++)
        if (read_dx_port(config_at(seq, i), p, err)) return -1;
    return 0;
}

/* One tier: every tier but the last ends (up_to), above the previous tier's end. */
static int read_tier(const config_node *t, bool last, double prev_gb, cost_tier *out, vs_error *err)
{
    const config_node *up = config_find(t, "up_to");
    int64_t bytes;
    if (config_check_keydefs(t, tier_keys, err) ||
        config_get_money(t, "price", NULL, &out->usd_per_gb, err))
        return -1;
    if (last && up)
        return config_error_at(up, err, "the last tier has no up_to: it covers all above");
    if (!last && !up)
        return config_error_at(t, err, "missing key 'up_to': only the last tier is unbounded");
    out->up_to_gb = INFINITY;
    if (!up) return 0;
    if (config_as_size(up, &bytes, err)) return -1;
    out->up_to_gb = (double)bytes / BYTES_PER_GB;
    if (!(out->up_to_gb > prev_gb))
        return config_error_at(up, err, "up_to must be above the previous tier's bound");
    return 0;
}

static int read_tiers(const config_node *seq, cost_gb_price *g, vs_error *err)
{
    size_t n = config_len(seq);
    if (n == 0) return config_error_at(seq, err, "key 'tiers': expected at least one tier");
    if (n > COST_MAX_TIERS)
        return config_error_at(seq, err, "key 'tiers': at most %d tiers, got %zu", COST_MAX_TIERS,
                               n);
    for (size_t i = 0; i < n; i++)
        if (read_tier(config_at(seq, i), i + 1 == n, i ? g->tiers[i - 1].up_to_gb : 0, &g->tiers[i],
                      err))
            return -1;
    g->ntiers = n;
    return 0;
}

static int read_gb_item(const config_node *item, cost_prices *p, cost_gb_price *g, vs_error *err)
{
    const config_node *price = config_find(item, "price"), *tiers = NULL;
    if (config_check_keydefs(item, gb_item_keys, err) ||
        config_get_seq(item, "tiers", 0, &tiers, err) || read_basis(item, p, &g->basis, err))
        return -1;
    if (!price == !tiers)
        return config_error_at(item, err, "give either 'price' (flat) or 'tiers', not %s",
                               price ? "both" : "neither");
    if (tiers) return read_tiers(tiers, g, err);
    g->ntiers = 1;
    g->tiers[0].up_to_gb = INFINITY;
    g->basis.pos = pos_of(price);
    return config_as_money(price, &g->tiers[0].usd_per_gb, err);
}

/* One hop kind of a `through` list, by its path name ("interface-endpoint"), as a bit. */
static int read_through_kind(const config_node *n, uint32_t *mask, vs_error *err)
{
    const char *name;
    char list[400] = "";
    if (config_as_string(n, &name, err)) return -1;
    for (int k = 0; k < HOP_KIND_COUNT; k++) {
        if (strcmp(hop_kind_name((hop_kind)k), name) == 0) {
            *mask |= 1u << k;
            return 0;
        }
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "",
                 hop_kind_name((hop_kind)k));
    }
    return config_error_at(n, err, "unknown hop kind '%s' (one of: %s)", name, list);
}

/* `through`: required on cross_az_transfer_through (the segment kinds it prices), refused on
 * every other item. */
static int read_through(const config_node *item, int i, cost_prices *p, vs_error *err)
{
    const config_node *through = config_find(item, "through");
    if (i != COST_GB_CROSS_AZ_THROUGH) {
        if (!through) return 0;
        return config_error_at(through, err, "key 'through' belongs to %s only",
                               gb_names[COST_GB_CROSS_AZ_THROUGH]);
    }
    if (!through)
        return config_error_at(item, err,
                               "missing key 'through': the hop kinds whose cross-AZ links this "
                               "item prices (interface-endpoint, transit-gateway, ...)");
    if (config_get_seq(item, "through", 1, &through, err)) return -1;
    for (size_t k = 0; k < config_len(through); k++)
        if (read_through_kind(config_at(through, k), &p->cross_az_through_hops, err)) return -1;
    return 0;
}

static int read_per_gb(const config_node *sec, cost_prices *p, vs_error *err)
{
    if (check_section(sec, gb_names, COST_GB_COUNT, err)) return -1;
    for (int i = 0; i < COST_GB_COUNT; i++) {
        const config_node *item = config_find(sec, gb_names[i]);
        if (read_gb_item(item, p, &p->per_gb[i], err) || read_through(item, i, p, err)) return -1;
    }
    return 0;
}

static int read_pair(const config_node *item, cost_prices *p, vs_error *err)
{
    cost_pair *q = &p->pairs[p->npairs];
    if (config_check_keydefs(item, pair_keys, err) ||
        config_get_string(item, "to", NULL, &q->to, err) ||
        config_get_money(item, "price", NULL, &q->usd_per_gb, err) ||
        read_basis(item, p, &q->basis, err))
        return -1;
    if (strcmp(q->to, p->region) == 0)
        return config_error_at(config_find(item, "to"), err,
                               "'%s' is this table's own Region: inter-Region pairs name another",
                               q->to);
    for (size_t i = 0; i < p->npairs; i++)
        if (strcmp(p->pairs[i].to, q->to) == 0)
            return config_error_at(config_find(item, "to"), err,
                                   "a price to %s is already given at line %d", q->to,
                                   p->pairs[i].basis.pos.line);
    p->npairs++;
    return 0;
}

static int read_pairs(const config_node *root, cost_prices *p, vs_error *err)
{
    const config_node *seq;
    if (config_get_seq(root, "inter_region_pairs", 0, &seq, err)) return -1;
    if (!seq) return 0;
    if (config_len(seq) > COST_MAX_PAIRS)
        return config_error_at(seq, err, "inter_region_pairs: at most %d Regions, got %zu",
                               COST_MAX_PAIRS, config_len(seq));
    for (size_t i = 0; i < config_len(seq); i++)
        if (read_pair(config_at(seq, i), p, err)) return -1;
    return 0;
}

static int read_requests(const config_node *sec, cost_prices *p, vs_error *err)
{
    if (check_section(sec, req_names, COST_REQ_COUNT, err)) return -1;
    for (int i = 0; i < COST_REQ_COUNT; i++) {
        const config_node *item = config_find(sec, req_names[i]);
        cost_req_price *q = &p->requests[i];
        double usd;
        if (config_check_keydefs(item, req_keys, err) ||
            config_get_money(item, "price", NULL, &usd, err) ||
            config_get_int(item, "per", NULL, 1, 1000000000, &q->per, err) ||
            read_basis(item, p, &q->basis, err))
            return -1;
        q->usd_per_request = usd / (double)q->per;
        q->basis.pos = pos_of(config_find(item, "price"));
    }
    return 0;
}

static const char *const currencies[] = {"USD", NULL};

static int read_header(const config_node *root, cost_prices *p, vs_error *err)
{
    int64_t version, hours;
    int cur;
    if (config_kind_of(root) != CONFIG_KIND_MAP || config_len(root) == 0)
        return config_error_at(root, err,
                               "a price table is a map with version, region, currency, taken, "
                               "hours_per_month, sources, hourly, dx_ports and per_gb");
    if (config_check_keydefs(root, top_keys, err) ||
        config_get_int(root, "version", NULL, 1, 1, &version, err) ||
        config_get_string(root, "region", NULL, &p->region, err) ||
        config_get_enum(root, "currency", NULL, currencies, &cur, err) ||
        config_get_string(root, "taken", NULL, &p->taken, err) ||
        config_get_int(root, "hours_per_month", NULL, 672, 744, &hours, err) ||
        config_get_string(root, "notes", "", &p->notes, err))
        return -1;
    p->currency = currencies[cur];
    p->hours_per_month = (double)hours;
    return 0;
}

static int read_table(const config_node *root, cost_prices *p, vs_error *err)
{
    const config_node *sources, *hourly, *ports, *per_gb, *requests;
    if (read_header(root, p, err) || config_get_map(root, "sources", 1, &sources, err) ||
        config_get_map(root, "hourly", 1, &hourly, err) ||
        config_get_seq(root, "dx_ports", 1, &ports, err) ||
        config_get_map(root, "per_gb", 1, &per_gb, err) ||
        config_get_map(root, "requests", 1, &requests, err))
        return -1;
    return read_sources(sources, p, err) || read_hourly(hourly, p, err) ||
                   read_dx_ports(ports, p, err) || read_per_gb(per_gb, p, err) ||
                   read_requests(requests, p, err) || read_pairs(root, p, err)
               ? -1
               : 0;
}

static int load_doc(config_doc *doc, cost_prices **out, vs_error *err)
{
    cost_prices *p;
    if (!doc) return -1;
    if (!(p = calloc(1, sizeof *p))) {
        config_free(doc);
        return error_set(err, "out of memory reading a price table");
    }
    p->doc = doc;
    p->file = config_file(config_root(doc));
    if (read_table(config_root(doc), p, err)) {
        cost_prices_free(p);
        return -1;
    }
    *out = p;
    return 0;
}

int cost_prices_load_file(const char *path, cost_prices **out, vs_error *err)
{
    return load_doc(config_load_file(path, err), out, err);
}

int cost_prices_load_buffer(const char *data, size_t len, const char *name, cost_prices **out,
                            vs_error *err)
{
    return load_doc(config_load_buffer(data, len, name, err), out, err);
}

void cost_prices_free(cost_prices *p)
{
    if (!p) return;
    config_free(p->doc);
    free(p);
}

/* ---- static monthly cost --------------------------------------------------------------------- */

/* Appends a line; returns it, or NULL when out of memory. */
static cost_line *add_line(cost_lines *l, cost_line id, const char *kind, int64_t qty)
{
    cost_line *grown = grow_reserve(l->lines, l->n + 1, &l->cap, sizeof *grown, 16);
    if (!grown) return NULL;
    l->lines = grown;
    cost_line *c = &l->lines[l->n++];
    *c = (cost_line){.item = id.item,
                     .component_kind = id.component_kind,
                     .index = id.index,
                     .component = id.component ? id.component : "?",
                     .quantity = qty};
    snprintf(c->kind, sizeof c->kind, "%s", kind);
    return c;
}

static void set_basis(cost_line *c, const cost_basis *b)
{
    c->tags = b->tags;
    c->note = b->note;
    if (snprintf(c->basis, sizeof c->basis, "%s%s%s", b->text, b->note[0] ? "; " : "", b->note) >=
        (int)sizeof c->basis)
        memcpy(c->basis + sizeof c->basis - 4, "...", 4); /* cut: say so */
}

/* What a line bills: item, the component (kind and index into its array) and its name. */
static cost_line billed(cost_hourly_item item, hop_kind k, size_t index, const char *component)
{
    return (cost_line){
        .item = (int)item, .component_kind = k, .index = (int32_t)index, .component = component};
}

static int add_hourly(cost_lines *l, const cost_prices *p, cost_line id, const char *kind,
                      int64_t qty)
{
    const cost_hourly_price *h = &p->hourly[id.item];
    cost_line *c = add_line(l, id, kind, qty);
    if (!c) return -1;
    c->unit = h->per;
    c->usd_per_hour = h->usd_per_hour;
    c->monthly_usd = (double)qty * h->usd_per_hour * p->hours_per_month;
    c->price_known = true;
    set_basis(c, &h->basis);
    return 0;
}

static const cost_dx_port *find_dx_port(const cost_prices *p, double bps)
{
    for (size_t i = 0; i < p->ndx_ports; i++)
        if (fabs(p->dx_ports[i].bps - bps) <= 1e-9 * bps) return &p->dx_ports[i];
    return NULL;
}

static int add_dx_port(cost_lines *l, const cost_prices *p, const topo_site *s, size_t site)
{
    char speed[32], kind[48], known[128] = "";
    const cost_dx_port *d = find_dx_port(p, s->dx.port_bps);
    units_format_bitrate(s->dx.port_bps, speed, sizeof speed);
    snprintf(kind, sizeof kind, "DX port %s", speed);
    cost_line id = {
        .item = -1, .component_kind = HOP_DX, .index = (int32_t)site, .component = s->name};
    cost_line *c = add_line(l, id, kind, 1);
    if (!c) return -1;
    c->unit = "port";
    if (d) {
        c->usd_per_hour = d->usd_per_hour;
        c->monthly_usd = d->usd_per_hour * p->hours_per_month;
        c->price_known = true;
        set_basis(c, &d->basis);
        return 0;
    }
    for (size_t i = 0; i < p->ndx_ports; i++)
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
                 units_format_bitrate(p->dx_ports[i].bps, speed, sizeof speed));
    c->tags = "";
    c->note = "";
    snprintf(c->basis, sizeof c->basis,
             "unknown price: the table prices dedicated ports of %s only (hosted connections "
             "are priced by the AWS Partner)",
             known[0] ? known : "no speed");
    return 0;
}

/* One attachment per TGW peering, counted once per pair (on the lower-indexed TGW, or on the
 * only side that lists it). */
static int64_t tgw_peerings_owned(const topology *t, size_t i)
{
    int64_t n = 0;
    for (size_t k = 0; k < t->tgws[i].npeers; k++) {
        size_t j = (size_t)t->tgws[i].peers[k];
        bool listed_back = false;
        for (size_t m = 0; j < t->ntgws && m < t->tgws[j].npeers; m++)
            listed_back |= (size_t)t->tgws[j].peers[m] == i;
        n += j > i || !listed_back;
    }
    return n;
}

static int add_network_lines(cost_lines *l, const topology *t, const cost_prices *p)
{
    for (size_t i = 0; i < t->nnats; i++) {
        const topo_nat *n = &t->nats[i];
        if (add_hourly(l, p, billed(COST_H_NAT_GATEWAY, HOP_NAT, i, n->name), "NAT gateway", 1))
            return -1;
        if (!n->private_nat && n->ips > 0 &&
            add_hourly(l, p, billed(COST_H_PUBLIC_IPV4, HOP_NAT, i, n->name), "public IPv4 address",
                       n->ips))
            return -1;
    }
    for (size_t i = 0; i < t->ngateway_endpoints; i++)
        if (add_hourly(l, p,
                       billed(COST_H_GATEWAY_ENDPOINT, HOP_GATEWAY_ENDPOINT, i,
                              t->gateway_endpoints[i].name),
                       "gateway endpoint", 1))
            return -1;
    for (size_t i = 0; i < t->ninterface_endpoints; i++)
        if (add_hourly(l, p,
                       billed(COST_H_INTERFACE_ENDPOINT, HOP_INTERFACE_ENDPOINT, i,
                              t->interface_endpoints[i].name),
                       "interface endpoint", (int64_t)t->interface_endpoints[i].nsubnets))
            return -1;
    return 0;
}

static int add_transit_lines(cost_lines *l, const topology *t, const cost_prices *p)
{
    for (size_t i = 0; i < t->ntgws; i++) {
        int64_t peerings = tgw_peerings_owned(t, i);
        if (t->tgws[i].nattachments &&
            add_hourly(l, p, billed(COST_H_TGW_ATTACHMENT, HOP_TGW, i, t->tgws[i].name),
                       "TGW attachment", (int64_t)t->tgws[i].nattachments))
            return -1;
        if (peerings && add_hourly(l, p, billed(COST_H_TGW_ATTACHMENT, HOP_TGW, i, t->tgws[i].name),
                                   "TGW peering attachment", peerings))
            return -1;
    }
    for (size_t i = 0; i < t->nsites; i++) {
        const topo_site *s = &t->sites[i];
        if (s->dx.present && add_dx_port(l, p, s, i)) return -1;
        if (s->vpn.present && add_hourly(l, p, billed(COST_H_VPN_CONNECTION, HOP_VPN, i, s->name),
                                         "Site-to-Site VPN", 1))
            return -1;
    }
    for (size_t i = 0; i < t->nresolver_endpoints; i++)
        if (add_hourly(
                l, p, billed(COST_H_RESOLVER_ENI, HOP_KIND_COUNT, i, t->resolver_endpoints[i].name),
                "Resolver inbound endpoint", (int64_t)t->resolver_endpoints[i].nsubnets))
            return -1;
    return 0;
}

int cost_static(const topology *t, const cost_prices *p, cost_lines *lines, vs_error *err)
{
    *lines = (cost_lines){0};
    if (add_network_lines(lines, t, p) || add_transit_lines(lines, t, p)) {
        cost_lines_free(lines);
        return error_set(err, "out of memory computing the cost of '%s'", t->name);
    }
    for (size_t i = 0; i < lines->n; i++) {
        lines->total_usd += lines->lines[i].monthly_usd;
        lines->nunknown += !lines->lines[i].price_known;
    }
    return 0;
}

void cost_lines_free(cost_lines *lines)
{
    free(lines->lines);
    *lines = (cost_lines){0};
}

/* ---- per GB ---------------------------------------------------------------------------------- */

double cost_tiered(const cost_prices *p, cost_gb_item item, double gb)
{
    const cost_gb_price *g = &p->per_gb[item];
    double usd = 0, lo = 0;
    for (size_t i = 0; i < g->ntiers && gb > lo; i++) {
        double hi = g->tiers[i].up_to_gb;
        usd += ((gb < hi ? gb : hi) - lo) * g->tiers[i].usd_per_gb;
        lo = hi;
    }
    return usd;
}

const char *cost_hourly_item_name(cost_hourly_item item)
{
    return (unsigned)item < COST_HOURLY_COUNT ? hourly_names[item] : "?";
}

const char *cost_req_item_name(cost_req_item item)
{
    return (unsigned)item < COST_REQ_COUNT ? req_names[item] : "?";
}

/* S3 bills these at the PUT rate, everything else at the GET rate; DynamoDB these as writes. */
static const char *const s3_put_verbs[] = {
    "Put", "Copy", "Post", "List", "CreateMultipart", "UploadPart", "CompleteMultipart", NULL};
static const char *const ddb_write_verbs[] = {"Put",        "Update",        "Delete",
                                              "BatchWrite", "TransactWrite", NULL};

/* Whether action (after "service:") starts with one of the verbs in the NULL-ended list. */
static bool action_is(const char *action, const char *const *verbs)
{
    const char *colon = strchr(action, ':');
    const char *verb = colon ? colon + 1 : action;
    for (; *verbs; verbs++)
        if (strncmp(verb, *verbs, strlen(*verbs)) == 0) return true;
    return false;
}

int cost_req_item_of(int32_t service, const char *action)
{
    const char *a = action ? action : "";
    switch (service) {
    case SVC_S3:
        return action_is(a, s3_put_verbs) ? COST_REQ_S3_PUT : COST_REQ_S3_GET;
    case SVC_DYNAMODB:
        return action_is(a, ddb_write_verbs) ? COST_REQ_DYNAMODB_WRITE : COST_REQ_DYNAMODB_READ;
    case SVC_SQS:
        return COST_REQ_SQS;
    case SVC_KMS:
        return COST_REQ_KMS;
    case SVC_SECRETSMANAGER:
        return COST_REQ_SECRETSMANAGER;
    default:
        return -1;
    }
}

const char *cost_gb_item_name(cost_gb_item item)
{
    return (unsigned)item < COST_GB_COUNT ? gb_names[item] : "?";
}

int cost_gb_item_find(const char *name)
{
    for (int i = 0; i < COST_GB_COUNT; i++)
        if (strcmp(gb_names[i], name) == 0) return i;
    return -1;
}

double cost_inter_region_usd_per_gb(const cost_prices *p, const char *to, const cost_basis **basis)
{
    for (size_t i = 0; i < p->npairs; i++)
        if (strcmp(p->pairs[i].to, to) == 0) {
            if (basis) *basis = &p->pairs[i].basis;
            return p->pairs[i].usd_per_gb;
        }
    if (basis) *basis = &p->per_gb[COST_GB_INTER_REGION].basis;
    return p->per_gb[COST_GB_INTER_REGION].tiers[0].usd_per_gb;
}

char *cost_prices_region_file(const char *region, char *buf, size_t n)
{
    static const char ok[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
    if (!region || !region[0] || strspn(region, ok) != strlen(region)) return NULL;
    int len = snprintf(buf, n, "prices/aws-%s.yaml", region);
    return len > 0 && (size_t)len < n ? buf : NULL;
}

/* ---- formatting ------------------------------------------------------------------------------ */

char *cost_format_usd(double usd, char *buf, size_t n)
{
    char digits[32];
    double cents = round(fabs(usd) * 100.0);
    if (!isfinite(usd) || cents > 9e17) {
        snprintf(buf, n, "%s", isnan(usd) ? "$?" : "$inf");
        return buf;
    }
    long long c = (long long)cents;
    int len = snprintf(digits, sizeof digits, "%lld", c / 100);
    size_t pos = (size_t)snprintf(buf, n, "%s$", usd < 0 && c ? "-" : "");
    for (int i = 0; i < len && pos + 1 < n; i++) {
        buf[pos++] = digits[i];
        if ((len - 1 - i) % 3 == 0 && i + 1 < len && pos + 1 < n) buf[pos++] = ',';
    }
    if (pos < n) snprintf(buf + pos, n - pos, ".%02lld", c % 100);
    return buf;
}

char *cost_format_unit_price(double usd, char *buf, size_t n)
{
    char num[48];
    snprintf(num, sizeof num, "%.4f", usd);
    size_t len = strlen(num);
    while (len > 0 && num[len - 1] == '0' && len >= 3 && num[len - 3] != '.') num[--len] = 0;
    snprintf(buf, n, "$%s", num);
    return buf;
}
