/* Addresses and the AWS service table shared by the scenario loader, path resolution and the
 * cost model. Small and pure. */
#include "vpcsim/aws/topology.h"

#include <stdio.h>
#include <string.h>

/* Each AWS service once: its scenario name and the parameter kind overrides and faults name it by
 * (both ECR services are "service_ecr"). */
static const struct {
    const char *name, *param_kind;
} services[SVC_COUNT] = {
    [SVC_S3] = {"s3", "service_s3"},
    [SVC_DYNAMODB] = {"dynamodb", "service_dynamodb"},
    [SVC_SQS] = {"sqs", "service_sqs"},
    [SVC_SECRETSMANAGER] = {"secretsmanager", "service_secretsmanager"},
    [SVC_KMS] = {"kms", "service_kms"},
    [SVC_STS] = {"sts", "service_sts"},
    [SVC_LAMBDA] = {"lambda", "service_lambda"},
    [SVC_ECR_API] = {"ecr.api", "service_ecr"},
    [SVC_ECR_DKR] = {"ecr.dkr", "service_ecr"},
    [SVC_SNS] = {"sns", "service_sns"},
    [SVC_CLOUDWATCH_LOGS] = {"logs", "service_logs"},
    [SVC_EC2] = {"ec2", "service_ec2"},
    [SVC_KINESIS] = {"kinesis-streams", "service_kinesis"},
    [SVC_MONITORING] = {"monitoring", "service_monitoring"},
};

const char *aws_service_name(aws_service s)
{
    return (unsigned)s < SVC_COUNT ? services[s].name : "?";
}

const char *aws_service_param_kind(aws_service s)
{
    return (unsigned)s < SVC_COUNT ? services[s].param_kind : "service_s3";
}

int aws_service_find(const char *name)
{
    for (int i = 0; i < SVC_COUNT; i++)
        if (strcmp(services[i].name, name) == 0) return i;
    return -1;
}

/* Gateway endpoints exist for S3 and DynamoDB only (AWS PrivateLink guide, gateway endpoints). */
bool aws_service_has_gateway_endpoint(aws_service s)
{
    return s == SVC_S3 || s == SVC_DYNAMODB;
}

static int parse_octet(const char **p, uint32_t *out)
{
    const char *s = *p;
    uint32_t v = 0;
    int digits = 0;
    while (*s >= '0' && *s <= '9' && digits < 4) v = v * 10 + (uint32_t)(*s++ - '0'), digits++;
    if (digits == 0 || digits > 3 || v > 255 || (digits > 1 && **p == '0')) return -1;
    *p = s;
    *out = v;
    return 0;
}

int cidr_parse(const char *s, ipv4_cidr *out, vs_error *err)
{
    const char *p = s;
    uint32_t addr = 0, o, len = 0;
    for (int i = 0; i < 4; i++) {
        if (parse_octet(&p, &o) || (i < 3 && *p++ != '.'))
            return error_set(err, "expected an IPv4 CIDR such as 10.0.0.0/16, got \"%s\"", s);
        addr = addr << 8 | o;
    }
    if (*p != '/' || parse_octet(&(const char *){++p}, &len) || len > 32)
        return error_set(err, "expected an IPv4 CIDR such as 10.0.0.0/16, got \"%s\"", s);
    while (*p >= '0' && *p <= '9') p++;
    if (*p) return error_set(err, "expected an IPv4 CIDR such as 10.0.0.0/16, got \"%s\"", s);
    uint32_t mask = len ? ~0u << (32 - len) : 0;
    char ip[16];
    if (addr & ~mask)
        return error_set(err, "CIDR \"%s\" has host bits set (did you mean %s/%u?)", s,
                         ipv4_format(addr & mask, ip, sizeof ip), len);
    *out = (ipv4_cidr){addr, (uint8_t)len};
    return 0;
}

static uint32_t cidr_mask(uint8_t len)
{
    return len ? ~0u << (32 - len) : 0;
}

bool cidr_contains(ipv4_cidr net, uint32_t addr)
{
    return (addr & cidr_mask(net.len)) == net.addr;
}

bool cidr_overlaps(ipv4_cidr a, ipv4_cidr b)
{
    return a.len <= b.len ? cidr_contains(a, b.addr) : cidr_contains(b, a.addr);
}

char *ipv4_format(uint32_t addr, char *buf, size_t n)
{
    snprintf(buf, n, "%u.%u.%u.%u", addr >> 24, addr >> 16 & 255, addr >> 8 & 255, addr & 255);
    return buf;
}

void topo_target_apply(topo_workload *w, const topo_target *x)
{
    w->target = x->kind;
    w->service = x->service;
    w->service_region = x->service_region;
    w->endpoint_service = x->endpoint_service;
    w->internet_ip = x->internet_ip;
}

bool topo_target_same(const topo_target *a, const topo_target *b)
{
    if (a->kind != b->kind) return false;
    if (a->kind == TARGET_ENDPOINT_SERVICE) return a->endpoint_service == b->endpoint_service;
    if (a->kind == TARGET_INTERNET) return a->internet_ip == b->internet_ip;
    return a->service == b->service && a->service_region == b->service_region;
}

bool topo_target_called(const topo_workload *w, const topo_target *x)
{
    topo_target y = {w->target, w->service, w->service_region, w->endpoint_service, w->internet_ip};
    return topo_target_same(&y, x);
}

char *cidr_format(ipv4_cidr c, char *buf, size_t n)
{
    char ip[16];
    snprintf(buf, n, "%s/%u", ipv4_format(c.addr, ip, sizeof ip), c.len);
    return buf;
}
