/* The results document (sim/cli/results_json.h): flat rows, one object per figure, so that jq,
 * pandas (json_normalize) and the schema's validators read it without knowing the layout. */
#include "cli/results_json.h"

#include <errno.h>
#include <string.h>

#ifndef VPCSIM_VERSION
#define VPCSIM_VERSION "?"
#endif

static json_object *sweep_doc(const text_report_head *h)
{
    json_object *o = json_object_new_object(), *keys = json_object_new_array(),
                *points = json_object_new_array();
    for (size_t k = 0; k < h->nkeys; k++) json_object_array_add(keys, json_out_string(h->keys[k]));
    for (size_t p = 0; p < h->npoints; p++) {
        json_object *pt = json_object_new_object(), *values = json_object_new_object();
        json_out_set(pt, "point", json_object_new_int64((int64_t)p));
        for (size_t k = 0; k < h->nkeys; k++)
            json_out_set(values, h->keys[k], json_out_string(h->values[p * h->nkeys + k]));
        json_out_set(pt, "values", values);
        json_object_array_add(points, pt);
    }
    json_out_set(o, "keys", keys);
    json_out_set(o, "points", points);
    return o;
}

static json_object *summary_doc(const summary_row *rows, size_t n)
{
    json_object *a = json_object_new_array_ext((int)n);
    for (size_t i = 0; i < n; i++) {
        const summary_row *x = &rows[i];
        json_object *o = json_object_new_object();
        json_out_set(o, "point", json_object_new_int64(x->point));
        json_out_set(o, "architecture", json_out_string(x->architecture));
        json_out_set(o, "subject", json_out_string(x->subject));
        json_out_set(o, "metric", json_out_string(x->metric));
        json_out_set(o, "unit", json_out_string(x->unit));
        json_out_set(o, "mean", json_out_number(x->mean));
        json_out_set(o, "half_width", json_out_number(x->half_width));
        json_out_set(o, "n", json_object_new_int64(x->n));
        json_object_array_add(a, o);
    }
    return a;
}

static json_object *runs_doc(const run_values *rv)
{
    json_object *a = json_object_new_array_ext(rv ? (int)rv->n : 0);
    for (size_t i = 0; rv && i < rv->n; i++) {
        const run_value *x = &rv->v[i];
        json_object *o = json_object_new_object();
        json_out_set(o, "point", json_object_new_int64(x->point));
        json_out_set(o, "architecture", json_out_string(x->architecture));
        json_out_set(o, "replication", json_object_new_int64(x->rep));
        json_out_set(o, "seed", json_object_new_uint64(x->seed));
        json_out_set(o, "subject", json_out_string(x->subject));
        json_out_set(o, "metric", json_out_string(x->metric));
        json_out_set(o, "unit", json_out_string(x->unit));
        json_out_set(o, "value", json_out_number(x->value));
        json_object_array_add(a, o);
    }
    return a;
}

json_object *results_json_doc(const text_report_head *h, bool complete, const summary_row *rows,
                              size_t nrows, const run_values *runs)
{
    json_object *doc = json_object_new_object(), *sc = json_object_new_object();
    if (!doc || !sc) return json_object_put(doc), json_object_put(sc), NULL;
    json_out_set(doc, "tool", json_out_string("vpcsim " VPCSIM_VERSION));
    json_out_set(doc, "format", json_object_new_int(RESULTS_JSON_FORMAT));
    json_out_set(sc, "name", json_out_string(h->name));
    json_out_set(sc, "file", json_out_string(h->file));
    json_out_set(doc, "scenario", sc);
    json_out_set(doc, "seed", json_object_new_uint64(h->seed));
    json_out_set(doc, "replications", json_object_new_int64((int64_t)h->reps));
    json_out_set(doc, "duration_s", json_out_number((double)h->duration_ns / 1e9));
    json_out_set(doc, "warmup_s", json_out_number((double)h->warmup_ns / 1e9));
    json_out_set(doc, "confidence", json_out_number(RUN_LEVEL));
    json_out_set(doc, "hours_per_month", json_out_number(h->hours_per_month));
    json_out_set(doc, "complete", json_object_new_boolean(complete));
    json_out_set(doc, "sweep", sweep_doc(h));
    json_out_set(doc, "summary", summary_doc(rows, nrows));
    json_out_set(doc, "runs", runs_doc(runs));
    return doc;
}

/* The values of one job, in the order results_file_runs reads them from the job's tables. */
static int job_values(const job *j, const topology *t, run_values *out)
{
    static const char *const q[NQ] = {"mean", "p50", "p90", "p99", "p99.9"};
    run_value b = {.point = (uint32_t)j->pt, .rep = (uint32_t)j->rep, .seed = j->seed};
    char failed[48];
    int rc = 0;
    snprintf(b.architecture, sizeof b.architecture, "%s", t->name);
    for (size_t w = 0; w < t->nworkloads; w++) {
        const wl_sum *s = &j->wl[w];
        const char *name = t->workloads[w].name;
        if (!s->active) continue;
        for (int k = 0; k < NQ; k++) rc |= run_values_put(out, &b, name, q[k], "ms", s->lat_ms[k]);
        rc |= run_values_put(out, &b, name, "success_ratio", "1", s->success);
        rc |= run_values_put(out, &b, name, "completed", "1/s", s->completed);
        for (int k = 0; k < CLIENT_FAIL_COUNT; k++)
            rc |= run_values_put(out, &b, name,
                                 summary_cause_metric((client_cause)k, failed, sizeof failed),
                                 "1/s", s->failed[k]);
    }
    for (size_t c = 0; c < j->ncomp; c++)
        if (!j->comp[c].many)
            rc |= run_values_put(out, &b, j->comp[c].name, "utilisation", "1",
                                 j->comp[c].raw.utilisation);
    return rc ? -1 : 0;
}

int results_json_job_values(const point_jobs *rps, size_t npoints, run_values *out)
{
    for (size_t p = 0; p < npoints; p++)
        for (size_t a = 0; a < rps[p].in->s->narchs; a++)
            for (size_t r = 0; r < rps[p].reps; r++)
                if (job_values(summary_job_at(&rps[p], a, r), &rps[p].in->s->archs[a], out))
                    return -1;
    return 0;
}

int results_json_write(json_object *doc, const char *path, vs_error *err)
{
    if (!doc) return error_set(err, "out of memory");
    bool std = strcmp(path, "-") == 0;
    FILE *f = std ? stdout : fopen(path, "w");
    if (!f) {
        json_object_put(doc);
        return error_set(err, "%s: %s", path, strerror(errno));
    }
    int rc = json_out_print(f, doc);
    if (!std && fclose(f)) rc = -1;
    return rc ? error_set(err, "%s: cannot write the JSON document", std ? "stdout" : path) : 0;
}
