/* grow.h: grow_reserve doubles from its first capacity until the need fits and keeps the items;
 * on overflow it leaves the array as it was. ring_push against a plain FIFO oracle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vpcsim/grow.h"

static void reserve_doubles_and_keeps_items(void **st)
{
    (void)st;
    size_t cap = 0;
    int *v = grow_reserve(NULL, 1, &cap, sizeof *v, 4);
    assert_non_null(v);
    assert_int_equal(cap, 4);
    for (int i = 0; i < 4; i++) v[i] = i;
    assert_ptr_equal(grow_reserve(v, 4, &cap, sizeof *v, 4), v); /* fits: unchanged */
    v = grow_reserve(v, 5, &cap, sizeof *v, 4);
    assert_int_equal(cap, 8);
    v = grow_reserve(v, 33, &cap, sizeof *v, 4); /* 8 -> 16 -> 32 -> 64 */
    assert_int_equal(cap, 64);
    for (int i = 0; i < 4; i++) assert_int_equal(v[i], i);
    free(v);
}

static void reserve_overflow_leaves_the_array(void **st)
{
    (void)st;
    size_t cap = 0;
    char *v = grow_reserve(NULL, 1, &cap, 16, 8);
    assert_non_null(v);
    assert_null(grow_reserve(v, SIZE_MAX / 8, &cap, 16, 8)); /* SIZE_MAX / 8 * 16 bytes */
    assert_int_equal(cap, 8);
    assert_null(grow_reserve(v, SIZE_MAX, &cap, 1, 8)); /* no power of two holds it */
    assert_int_equal(cap, 8);
    free(v);
}

static void ring_matches_a_fifo(void **st)
{
    (void)st;
    uint32_t *ring = NULL, cap = 0, head = 0, len = 0, next = 0, want = 0;
    for (uint32_t step = 0; step < 1000; step++) {
        if (step % 3 != 2) { /* two pushes, one pop: the ring wraps and grows */
            assert_int_equal(ring_push((void **)&ring, &cap, head, &len, &next, sizeof next, 2), 0);
            next++;
        } else {
            assert_int_equal(ring[head], want++);
            head = (head + 1) & (cap - 1), len--;
        }
    }
    assert_int_equal(len, next - want);
    for (; len; len--, head = (head + 1) & (cap - 1)) assert_int_equal(ring[head], want++);
    free(ring);
}

/* Pieces of every size land one after another, across several doublings; an empty piece adds
 * nothing; once oom is set, appends do nothing. */
static void bytes_append_in_order(void **st)
{
    (void)st;
    grow_bytes b = {0};
    size_t want = 0;
    char piece[5000];
    for (int k = 0; k < 40; k++) {
        size_t len = (size_t)(k * 131) % sizeof piece;
        memset(piece, 'a' + k % 26, len);
        grow_bytes_put(&b, piece, len);
        want += len;
        assert_int_equal(b.n, want);
        assert_true(b.cap >= b.n);
    }
    assert_false(b.oom);
    size_t at = 0;
    for (int k = 0; k < 40; k++) {
        size_t len = (size_t)(k * 131) % sizeof piece;
        for (size_t i = 0; i < len; i++) assert_int_equal(b.v[at + i], 'a' + k % 26);
        at += len;
    }
    b.oom = true;
    grow_bytes_put(&b, piece, 10);
    assert_int_equal(b.n, want);
    free(b.v);
}

/* The reader gives back what was put, in order; a take past the end zeroes its target and
 * marks the reader bad, and so does every take after it. */
static void reader_takes_back_what_was_put(void **st)
{
    (void)st;
    grow_bytes b = {0};
    uint64_t x = 0x0123456789abcdefULL, y = 42;
    const char text[] = "spans";
    grow_bytes_put(&b, &x, sizeof x);
    grow_bytes_put(&b, text, sizeof text);
    grow_bytes_put(&b, &y, sizeof y);
    assert_false(b.oom);
    bytes_reader r = {b.v, b.n, 0, false};
    assert_int_equal(bytes_take_u64(&r), x);
    char *t = bytes_take_new(&r, sizeof text);
    assert_non_null(t);
    assert_string_equal(t, text);
    free(t);
    assert_int_equal(bytes_take_u64(&r), y);
    assert_false(r.bad);
    assert_int_equal(r.at, r.n);
    uint64_t z = 7;
    bytes_take(&r, &z, sizeof z); /* past the end */
    assert_true(r.bad);
    assert_int_equal(z, 0);
    bytes_reader s = {b.v, b.n - 1, 0, false}; /* the last byte missing */
    bytes_take_u64(&s);
    assert_null(bytes_take_new(&s, sizeof text + sizeof y));
    assert_true(s.bad);
    r = (bytes_reader){b.v, b.n, 0, true}; /* bad before: takes nothing */
    assert_int_equal(bytes_take_u64(&r), 0);
    assert_int_equal(r.at, 0);
    free(b.v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reserve_doubles_and_keeps_items),
        cmocka_unit_test(reserve_overflow_leaves_the_array),
        cmocka_unit_test(ring_matches_a_fifo),
        cmocka_unit_test(bytes_append_in_order),
        cmocka_unit_test(reader_takes_back_what_was_put),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
