/* The cost model: a price table read from a YAML file that carries its sources and date
 * (experiments/prices/), the static monthly cost of an architecture's provisioned resources
 * (hourly items x hours a month), and per-GB charges with volume tiers for the run. */
#ifndef VPCSIM_COST_H
#define VPCSIM_COST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/config.h"
#include "vpcsim/error.h"
#include "vpcsim/aws/kinds.h"
#include "vpcsim/aws/topology.h"

enum {
    COST_MAX_TIERS = 8,    /* volume tiers of one per-GB item */
    COST_MAX_DX_PORTS = 8, /* dedicated port speeds with a price */
    COST_MAX_SOURCES = 16, /* source tags a price table may define */
    COST_MAX_PAIRS = 32,   /* destination Regions with their own inter-Region price */
    COST_BASIS_MAX = 256   /* text of a line's basis */
};

/* Items billed per provisioned unit and hour; the keys of the file's `hourly:` section. */
typedef enum cost_hourly_item {
    COST_H_NAT_GATEWAY,        /* nat_gateway: per gateway */
    COST_H_PUBLIC_IPV4,        /* public_ipv4_address: per NAT gateway public IP */
    COST_H_INTERFACE_ENDPOINT, /* interface_endpoint: per endpoint per AZ (ENI) */
    COST_H_GATEWAY_ENDPOINT,   /* gateway_endpoint: per endpoint (free) */
    COST_H_TGW_ATTACHMENT,     /* transit_gateway_attachment: per attachment */
    COST_H_VPN_CONNECTION,     /* vpn_connection: per connection */
    COST_H_RESOLVER_ENI,       /* resolver_endpoint_eni: per ENI of a Resolver endpoint */
    COST_HOURLY_COUNT
} cost_hourly_item;

/* Items billed per GB; the keys of the file's `per_gb:` section. */
typedef enum cost_gb_item {
    COST_GB_NAT,                /* nat_gateway_processing */
    COST_GB_INTERFACE_ENDPOINT, /* interface_endpoint_processing (tiered per Region) */
    COST_GB_TGW,                /* transit_gateway_processing: sent into the TGW */
    COST_GB_CROSS_AZ,           /* cross_az_transfer: each direction */
    COST_GB_CROSS_AZ_THROUGH,   /* cross_az_transfer_through: into or out of the hop kinds of
                                   cost_prices.cross_az_through_hops (PrivateLink, TGW: free) */
    COST_GB_DX_OUT,             /* dx_transfer_out */
    COST_GB_INTERNET_OUT,       /* internet_transfer_out */
    COST_GB_INTER_REGION,       /* inter_region_transfer */
    COST_GB_COUNT
} cost_gb_item;

/* Requests billed by the AWS service that answers them; the keys of the file's `requests:`
 * section. The same in every architecture: the bill shows them as their own group. */
typedef enum cost_req_item {
    COST_REQ_S3_GET,         /* s3_get: GET, HEAD, SELECT and others */
    COST_REQ_S3_PUT,         /* s3_put: PUT, COPY, POST, LIST */
    COST_REQ_DYNAMODB_READ,  /* dynamodb_read: on-demand read request units */
    COST_REQ_DYNAMODB_WRITE, /* dynamodb_write: on-demand write request units */
    COST_REQ_SQS,            /* sqs: standard queue requests */
    COST_REQ_KMS,            /* kms: API requests */
    COST_REQ_SECRETSMANAGER, /* secretsmanager: API calls */
    COST_REQ_COUNT
} cost_req_item;

/* Where a price comes from, as the file states it. Strings point into the price table. */
typedef struct cost_basis {
    char tags[48];             /* source tags, "S, W" */
    char text[COST_BASIS_MAX]; /* "S, W: third-party 2026 pricing page; AWS whitepaper..." */
    const char *note;          /* the item's note, or "" */
    topo_pos pos;              /* where the price is written */
} cost_basis;

typedef struct cost_hourly_price {
    double usd_per_hour; /* per provisioned unit */
    const char *per;     /* the unit, "NAT gateway" */
    cost_basis basis;
} cost_hourly_price;

typedef struct cost_tier {
    double up_to_gb;   /* monthly volume where the tier ends (GB, 2^30 bytes); INFINITY: last */
    double usd_per_gb; /* price of each GB inside the tier */
} cost_tier;

typedef struct cost_gb_price {
    cost_tier tiers[COST_MAX_TIERS]; /* in order; a flat price is one unbounded tier */
    size_t ntiers;
    cost_basis basis;
} cost_gb_price;

typedef struct cost_req_price {
    double usd_per_request; /* the file's price / per */
    int64_t per;            /* requests the file's price is for (1000, 10000, 1000000) */
    cost_basis basis;
} cost_req_price;

typedef struct cost_dx_port {
    double bps;          /* dedicated port speed */
    double usd_per_hour; /* port hour */
    cost_basis basis;
} cost_dx_port;

/* Inter-Region transfer from the table's Region to one destination (billed by the source). */
typedef struct cost_pair {
    const char *to;    /* destination Region, "us-east-2" */
    double usd_per_gb; /* per GB sent there */
    cost_basis basis;
} cost_pair;

typedef struct cost_source {
    const char *tag;  /* "S" */
    const char *name; /* "third-party 2026 pricing page" */
} cost_source;

/* A loaded price table; read-only after cost_prices_load_*. */
typedef struct cost_prices {
    const char *file;       /* display name of the file */
    const char *region;     /* "us-east-1" */
    const char *currency;   /* "USD" */
    const char *taken;      /* when the figures were taken, "2026" */
    const char *notes;      /* conventions in words, or "" */
    double hours_per_month; /* 730 */
    cost_source sources[COST_MAX_SOURCES];
    size_t nsources;
    cost_hourly_price hourly[COST_HOURLY_COUNT];
    cost_dx_port dx_ports[COST_MAX_DX_PORTS];
    size_t ndx_ports;
    cost_gb_price per_gb[COST_GB_COUNT];
    cost_req_price requests[COST_REQ_COUNT];
    cost_pair pairs[COST_MAX_PAIRS]; /* inter_region_pairs: destinations priced apart from
                                        per_gb.inter_region_transfer */
    size_t npairs;
    uint32_t cross_az_through_hops; /* bit 1 << hop_kind: a cross-AZ link into or out of such a
                                       hop is billed as cross_az_transfer_through */
    config_doc *doc;                /* private: owns the strings */
} cost_prices;

/* Loads a price table. Every key is checked (unknown, missing, wrong type or unit, undefined
 * source tag, tiers out of order) and reported as `file:line:col: message`. Returns 0 with *out
 * set, or -1 with err set and nothing allocated. */
int cost_prices_load_file(const char *path, cost_prices **out, vs_error *err);
/* The same from memory; name is the file name shown in messages. */
int cost_prices_load_buffer(const char *data, size_t len, const char *name, cost_prices **out,
                            vs_error *err);
void cost_prices_free(cost_prices *p); /* NULL is a no-op */

/* One line of the static monthly cost: a provisioned component and what it costs a month. Code
 * reads what a line bills from its typed fields (item, component kind, index), never from its
 * text. */
typedef struct cost_line {
    int item;                /* the cost_hourly_item billed, or -1: a DX port (priced by speed) */
    hop_kind component_kind; /* the kind of the component billed; HOP_KIND_COUNT for a Resolver
                                endpoint (never a hop) */
    int32_t index;           /* into the topology's array of that kind (resolver_endpoints) */
    const char *component;   /* instance name from the topology */
    char kind[48];           /* for readers: "NAT gateway", "DX port 10 Gbps" */
    int64_t quantity;        /* billed units: gateways, addresses, ENIs, attachments, ports */
    const char *unit;        /* what one unit is (the price table's `per`: "ENI"), or "port" */
    double usd_per_hour;     /* unit price; 0 when unknown */
    double monthly_usd;      /* quantity x usd_per_hour x hours_per_month; 0 when unknown */
    bool price_known;        /* false: no price in the table, kept out of the total */
    const char *tags;        /* source tags, "S"; "" when unknown */
    const char *note;        /* the price's note (caveats), or "" */
    char basis[COST_BASIS_MAX]; /* source tags and names, note; or why the price is unknown */
} cost_line;

typedef struct cost_lines {
    cost_line *lines; /* in topology order: NAT, endpoints, TGW, sites, Resolver */
    size_t n;
    double total_usd; /* sum of the known lines */
    size_t nunknown;  /* lines of unknown price */
    size_t cap;       /* private: allocated lines */
} cost_lines;

/* The static monthly cost of t's provisioned resources at prices p. Returns 0 with *lines filled
 * (free with cost_lines_free), or -1 with err set (out of memory) and *lines empty. */
int cost_static(const topology *t, const cost_prices *p, cost_lines *lines, vs_error *err);
void cost_lines_free(cost_lines *lines); /* leaves it empty; an empty one is a no-op */

/* Dollars for gb GB (>= 0) of item in one month, through its tiers from the first. */
double cost_tiered(const cost_prices *p, cost_gb_item item, double gb);

const char *cost_hourly_item_name(cost_hourly_item item); /* "nat_gateway", as in the file */
const char *cost_req_item_name(cost_req_item item);       /* "s3_get", as in the file */
/* The request price item of a call with `action` ("s3:PutObject", or "" for the service's
 * default: a read) to AWS service `service` (aws_service), or -1 when the table bills none. */
int cost_req_item_of(int32_t service, const char *action);
const char *cost_gb_item_name(cost_gb_item item); /* "nat_gateway_processing" */
int cost_gb_item_find(const char *name);          /* index, or -1 */

/* $ per GB sent from the table's Region to Region `to`: its inter_region_pairs entry, or else
 * per_gb.inter_region_transfer (first tier). *basis (if basis is not NULL) is the price's. */
double cost_inter_region_usd_per_gb(const cost_prices *p, const char *to, const cost_basis **basis);

/* The price table of region, relative to the data directory: "prices/aws-us-east-1.yaml" in buf.
 * Returns buf, or NULL when region is not a Region name (letters, digits and '-' only) or buf is
 * too small. */
char *cost_prices_region_file(const char *region, char *buf, size_t n);

/* Money as a reader likes it: 1234.5 -> "$1,234.50" (cents rounded half away from zero). */
char *cost_format_usd(double usd, char *buf, size_t n);
/* A unit price: 2 to 4 decimals, no trailing zeros past 2: 0.045 -> "$0.045", 22.5 -> "$22.50". */
char *cost_format_unit_price(double usd, char *buf, size_t n);

#endif
