/*
 * Native multi-scalar multiplication for the secp256k1 backend.
 *
 * The field, group and scalar arithmetic is libsecp256k1's own (its internal
 * headers, compiled into this module; setup.py says where the source comes
 * from). This file adds only what libsecp256k1 does not export:
 *
 *   comb_table(point, teeth, columns)  the signed-comb table of one fixed base
 *   comb_msm(tables, scalars, teeth, columns, units)
 *                                      Σ k_i·P_i over fixed bases, by the comb
 *   msm(points, scalars)               Σ k_i·P_i over any points, by
 *                                      libsecp256k1's ecmult_multi_var
 *                                      (Strauss below 88 points, Pippenger above)
 *   storage_check(point, compressed)   the layout self-test the Python side runs
 *
 * Points cross the boundary in libsecp256k1's 64-byte storage form, the same
 * bytes as the opaque secp256k1_pubkey struct coincurve hands out (the Python
 * side checks that at import and falls back to pure coincurve otherwise).
 * Scalars are 32-byte big-endian and must be reduced (< q): anything else is a
 * ValueError. The identity comes back as None. Every function is
 * variable-time, like the Python code it replaces: callers are provers on
 * their own machine and verifiers of public data (docs/THREAT_MODEL.md).
 *
 * docs/notes-msm.md has the comb's maths; zksolvency/groups/secp256k1_coincurve.py
 * the pure-Python evaluation this must agree with byte for byte.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#  pragma GCC diagnostic push
#  pragma GCC diagnostic ignored "-Wunused-function"
#endif
#include "secp256k1.h"
#include "assumptions.h"
#include "util.h"
#include "field_impl.h"
#include "scalar_impl.h"
#include "group_impl.h"
#include "scratch_impl.h"
#include "ecmult_impl.h"
#if defined(__GNUC__)
#  pragma GCC diagnostic pop
#endif

#define POINT_BYTES 64
#define SCALAR_BYTES 32
#define MAX_TEETH 16
#define MAX_COLUMNS 64

/* libsecp256k1 reports internal errors (a failed allocation) through a
 * callback; record them instead of aborting the interpreter. */
static void record_error(const char *text, void *data) {
    (void)text;
    *(int *)data = 1;
}

static int load_point(secp256k1_ge *ge, const unsigned char *bytes) {
    secp256k1_ge_storage s;
    memcpy(&s, bytes, sizeof(s));
    secp256k1_ge_from_storage(ge, &s);
    return !secp256k1_fe_is_zero(&ge->x);  /* libsecp256k1's pubkey_load check */
}

static void save_point(unsigned char *bytes, const secp256k1_ge *ge) {
    secp256k1_ge_storage s;
    secp256k1_ge_to_storage(&s, ge);
    memcpy(bytes, &s, sizeof(s));
}

/* The result as 64 storage bytes, or None for the identity. */
static PyObject *gej_result(secp256k1_gej *r) {
    secp256k1_ge ge;
    unsigned char out[POINT_BYTES];
    if (secp256k1_gej_is_infinity(r)) {
        Py_RETURN_NONE;
    }
    secp256k1_ge_set_gej_var(&ge, r);
    save_point(out, &ge);
    return PyBytes_FromStringAndSize((const char *)out, POINT_BYTES);
}

/* -- comb_table ---------------------------------------------------------- */

/* entry[i] = Σ_{t<h} ±2^(t·d)·P, the sign of term t being bit t of i (1 → +). */
static PyObject *comb_table(PyObject *self, PyObject *args) {
    Py_buffer point;
    int teeth, columns;
    PyObject *result = NULL;
    secp256k1_ge p;
    secp256k1_gej tooth[MAX_TEETH], twice[MAX_TEETH];
    secp256k1_gej *jac = NULL;
    secp256k1_ge *aff = NULL;
    size_t size, top, idx;
    int t, c, degenerate = 0;
    (void)self;

    if (!PyArg_ParseTuple(args, "y*ii", &point, &teeth, &columns)) {
        return NULL;
    }
    if (point.len != POINT_BYTES) {
        PyErr_SetString(PyExc_ValueError, "comb_table: a point is 64 storage bytes");
        goto done;
    }
    if (teeth < 2 || teeth > MAX_TEETH || columns < 1 || columns > MAX_COLUMNS) {
        PyErr_SetString(PyExc_ValueError, "comb_table: teeth or columns out of range");
        goto done;
    }
    if (!load_point(&p, point.buf)) {
        PyErr_SetString(PyExc_ValueError, "comb_table: not a point");
        goto done;
    }
    size = (size_t)1 << teeth;
    top = size >> 1;
    result = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(size * POINT_BYTES));
    jac = malloc(top * sizeof(*jac));
    aff = malloc(top * sizeof(*aff));
    if (result == NULL || jac == NULL || aff == NULL) {
        Py_CLEAR(result);
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    secp256k1_gej_set_ge(&tooth[0], &p);
    for (t = 1; t < teeth; t++) {
        tooth[t] = tooth[t - 1];
        for (c = 0; c < columns; c++) {
            secp256k1_gej_double_var(&tooth[t], &tooth[t], NULL);
        }
    }
    for (t = 0; t < teeth; t++) {
        secp256k1_gej_double_var(&twice[t], &tooth[t], NULL);
    }
    /* upper half: entry[top] = T_(h−1) − Σ_(t<h−1) T_t, then
     * entry[i] = entry[i without its lowest set bit t] + 2·T_t */
    jac[0] = tooth[teeth - 1];
    for (t = 0; t < teeth - 1; t++) {
        secp256k1_gej neg;
        secp256k1_gej_neg(&neg, &tooth[t]);
        secp256k1_gej_add_var(&jac[0], &jac[0], &neg, NULL);
    }
    for (idx = 1; idx < top; idx++) {
        size_t low = idx & (~idx + 1);
        int bit = __builtin_ctzll((unsigned long long)low);
        secp256k1_gej_add_var(&jac[idx], &jac[idx ^ low], &twice[bit], NULL);
    }
    for (idx = 0; idx < top; idx++) {
        if (secp256k1_gej_is_infinity(&jac[idx])) degenerate = 1;
    }
    if (!degenerate) {
        unsigned char *out = (unsigned char *)PyBytes_AS_STRING(result);
        secp256k1_ge_set_all_gej_var(aff, jac, top);
        for (idx = 0; idx < top; idx++) {
            secp256k1_ge neg;
            save_point(out + (top + idx) * POINT_BYTES, &aff[idx]);
            /* lower half by symmetry: entry[i] = −entry[(2^h − 1) ⊕ i] */
            secp256k1_ge_neg(&neg, &aff[idx]);
            save_point(out + (top - 1 - idx) * POINT_BYTES, &neg);
        }
    }
    Py_END_ALLOW_THREADS
    if (degenerate) {
        Py_CLEAR(result);
        PyErr_SetString(PyExc_ValueError, "comb_table: degenerate base");
    }
done:
    free(jac);
    free(aff);
    PyBuffer_Release(&point);
    return result;
}

/* -- comb_msm ------------------------------------------------------------ */

/* k (32 bytes, big-endian, < q) recoded for the comb: k += q if k is even, then
 * K = (k + 2^(h·d) − 1) / 2, as five little-endian 64-bit limbs. Returns 0 if k ≥ q. */
static int comb_recode(uint64_t out[5], const unsigned char *k32, unsigned int hd) {
    secp256k1_scalar s;
    int overflow = 0;
    uint64_t k[5] = {0, 0, 0, 0, 0};
    static const uint64_t q[4] = {
        0xBFD25E8CD0364141ULL, 0xBAAEDCE6AF48A03BULL, 0xFFFFFFFFFFFFFFFEULL, 0xFFFFFFFFFFFFFFFFULL};
    uint64_t offset[5] = {0, 0, 0, 0, 0};
    unsigned __int128 acc;
    int i;

    secp256k1_scalar_set_b32(&s, k32, &overflow);
    if (overflow) return 0;
    for (i = 0; i < 4; i++) {
        int j;
        for (j = 0; j < 8; j++) {
            k[i] |= (uint64_t)k32[31 - (8 * i + j)] << (8 * j);
        }
    }
    if (!(k[0] & 1)) {
        acc = 0;
        for (i = 0; i < 4; i++) {
            acc += (unsigned __int128)k[i] + q[i];
            k[i] = (uint64_t)acc;
            acc >>= 64;
        }
        k[4] = (uint64_t)acc;
    }
    /* offset = 2^hd − 1, hd ≤ 320 */
    for (i = 0; i < 5; i++) {
        unsigned int lo = 64u * (unsigned int)i;
        if (hd >= lo + 64) offset[i] = ~0ULL;
        else if (hd > lo) offset[i] = (1ULL << (hd - lo)) - 1;
    }
    acc = 0;
    for (i = 0; i < 5; i++) {
        acc += (unsigned __int128)k[i] + offset[i];
        k[i] = (uint64_t)acc;
        acc >>= 64;
    }
    /* (k + offset) < 2^(hd+1) ≤ 2^320·2: the carry out is the bit above limb 4 */
    for (i = 0; i < 4; i++) {
        out[i] = (k[i] >> 1) | (k[i + 1] << 63);
    }
    out[4] = (k[4] >> 1) | ((uint64_t)acc << 63);
    return 1;
}

static unsigned int bit_of(const uint64_t v[5], unsigned int j) {
    return (unsigned int)((v[j >> 6] >> (j & 63)) & 1);
}

/* Sums of affine points by batch-affine additions: cols lists of points, list
 * c at pts[off[c] .. off[c] + len[c]), each reduced in place to its sum at
 * pts[off[c]] (infinity flag set for an empty list or a zero sum). A level adds
 * adjacent pairs in every list at once, sharing one field inversion
 * (Montgomery's trick): λ = (y2 − y1)/(x2 − x1), x3 = λ² − x1 − x2,
 * y3 = λ(x1 − x3) − y1, i.e. 5M + 1S per addition where a mixed Jacobian
 * addition costs 8M + 3S. Pairs with x1 = x2 (a doubling or a zero sum) and
 * pairs holding the identity are done exactly, outside the shared inversion.
 * An empty list stays empty (len 0). Scratch: den, acc hold `pairs` field
 * elements each. Inputs have magnitude 1. */
static void batch_affine_sums(secp256k1_ge *pts, const size_t *off, size_t *len, size_t cols,
                              secp256k1_fe *den, secp256k1_fe *acc) {
    for (;;) {
        size_t c, j, k = 0, more = 0;
        secp256k1_fe inv;
        /* 1. denominators x2 − x1 of the pairs that need one, and prefix products */
        for (c = 0; c < cols; c++) {
            secp256k1_ge *p = pts + off[c];
            for (j = 0; j + 1 < len[c]; j += 2) {
                secp256k1_fe d;
                if (p[j].infinity || p[j + 1].infinity) continue;
                secp256k1_fe_negate(&d, &p[j].x, 1);
                secp256k1_fe_add(&d, &p[j + 1].x);
                if (secp256k1_fe_normalizes_to_zero_var(&d)) continue;
                den[k] = d;
                if (k == 0) acc[0] = d;
                else secp256k1_fe_mul(&acc[k], &acc[k - 1], &d);
                k++;
            }
            if (len[c] > 1) more = 1;
        }
        if (!more) return;
        /* 2. one inversion, then each pair's inverse into den[] (backwards) */
        if (k > 0) {
            secp256k1_fe_inv_var(&inv, &acc[k - 1]);
            while (k-- > 1) {
                secp256k1_fe t;
                secp256k1_fe_mul(&t, &inv, &acc[k - 1]);  /* 1/den[k] */
                secp256k1_fe_mul(&inv, &inv, &den[k]);     /* 1/(den[0]…den[k−1]) */
                den[k] = t;
            }
            den[0] = inv;
        }
        /* 3. the sums, written to the front of each list (pair j → slot j) */
        k = 0;
        for (c = 0; c < cols; c++) {
            secp256k1_ge *p = pts + off[c];
            size_t n = len[c];
            for (j = 0; j + 1 < n; j += 2) {
                secp256k1_ge a = p[j], b = p[j + 1], r;
                if (a.infinity) {
                    r = b;
                } else if (b.infinity) {
                    r = a;
                } else {
                    secp256k1_fe d;
                    secp256k1_fe_negate(&d, &a.x, 1);
                    secp256k1_fe_add(&d, &b.x);
                    if (secp256k1_fe_normalizes_to_zero_var(&d)) {
                        /* same x: 2a if the same point, the identity if opposite */
                        secp256k1_gej aj;
                        secp256k1_gej_set_ge(&aj, &a);
                        secp256k1_gej_add_ge_var(&aj, &aj, &b, NULL);
                        secp256k1_ge_set_gej_var(&r, &aj);
                    } else {
                        secp256k1_fe lambda, num, x3, y3, t;
                        secp256k1_fe_negate(&num, &a.y, 1);
                        secp256k1_fe_add(&num, &b.y);                 /* y2 − y1, magnitude 3 */
                        secp256k1_fe_mul(&lambda, &num, &den[k]);
                        k++;
                        secp256k1_fe_sqr(&x3, &lambda);
                        secp256k1_fe_negate(&t, &a.x, 1);
                        secp256k1_fe_add(&x3, &t);
                        secp256k1_fe_negate(&t, &b.x, 1);
                        secp256k1_fe_add(&x3, &t);                    /* magnitude 5 */
                        secp256k1_fe_normalize_weak(&x3);
                        secp256k1_fe_negate(&t, &x3, 1);
                        secp256k1_fe_add(&t, &a.x);                   /* x1 − x3, magnitude 3 */
                        secp256k1_fe_mul(&y3, &lambda, &t);
                        secp256k1_fe_negate(&t, &a.y, 1);
                        secp256k1_fe_add(&y3, &t);                    /* magnitude 3 */
                        secp256k1_fe_normalize_weak(&y3);
                        r.x = x3;
                        r.y = y3;
                        r.infinity = 0;
                    }
                }
                p[j / 2] = r;
            }
            if (n & 1) p[n / 2] = p[n - 1];
            len[c] = (n + 1) / 2;
        }
    }
}

/* Σ k_i·P_i + Σ units: tables[i] is the address of P_i's comb table (2^h
 * storage points, kept alive by the caller), units the addresses of extra
 * storage points added with weight 1. S_c = Σ_i entry_i[index_{i,c}] for every
 * column c at once (batch-affine), then Horner: acc ← 2·acc + S_c. */
static PyObject *comb_msm(PyObject *self, PyObject *args) {
    Py_buffer tables, scalars, units;
    int teeth, columns;
    PyObject *result = NULL;
    size_t count, nunits, i, pairs;
    uint16_t *index = NULL;
    secp256k1_ge *pts = NULL;
    secp256k1_fe *den = NULL, *acc_fe = NULL;
    size_t off[MAX_COLUMNS], len[MAX_COLUMNS];
    int bad_scalar = 0, bad_point = 0;
    secp256k1_gej acc;
    (void)self;

    if (!PyArg_ParseTuple(args, "y*y*iiy*", &tables, &scalars, &teeth, &columns, &units)) {
        return NULL;
    }
    count = (size_t)tables.len / sizeof(uint64_t);
    nunits = (size_t)units.len / sizeof(uint64_t);
    if (teeth < 2 || teeth > MAX_TEETH || columns < 1 || columns > MAX_COLUMNS
        || teeth * columns < 257 || teeth * columns > 319) {
        PyErr_SetString(PyExc_ValueError, "comb_msm: teeth or columns out of range");
        goto done;
    }
    if ((size_t)tables.len != count * sizeof(uint64_t) || (size_t)units.len != nunits * sizeof(uint64_t)
        || (size_t)scalars.len != count * SCALAR_BYTES) {
        PyErr_SetString(PyExc_ValueError, "comb_msm: one 32-byte scalar per 8-byte table address");
        goto done;
    }
    pairs = ((size_t)columns * count + nunits) / 2 + 1;
    index = malloc((count ? count : 1) * (size_t)columns * sizeof(*index));
    pts = malloc(((size_t)columns * count + nunits + 1) * sizeof(*pts));
    den = malloc(pairs * sizeof(*den));
    acc_fe = malloc(pairs * sizeof(*acc_fe));
    if (index == NULL || pts == NULL || den == NULL || acc_fe == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    {
        const unsigned int d = (unsigned int)columns, h = (unsigned int)teeth;
        const uint64_t *addr = tables.buf;
        const uint64_t *uaddr = units.buf;
        unsigned int col, t;
        int c;
        for (i = 0; i < count; i++) {
            uint64_t K[5];
            if (!comb_recode(K, (const unsigned char *)scalars.buf + i * SCALAR_BYTES, h * d)) {
                bad_scalar = 1;
                break;
            }
            for (col = 0; col < d; col++) {
                unsigned int e = 0;
                for (t = 0; t < h; t++) e |= bit_of(K, t * d + col) << t;
                index[i * d + col] = (uint16_t)e;
            }
        }
        /* column c ≥ 1 is the list at (c − 1)·count; column 0 comes last, so
         * that the units can follow it: (d − 1)·count, count + nunits points */
        for (col = 0; col < d; col++) {
            off[col] = col == 0 ? (size_t)(d - 1) * count : (size_t)(col - 1) * count;
            len[col] = col == 0 ? count + nunits : count;
        }
        for (i = 0; i < count && !bad_scalar && !bad_point; i++) {
            const unsigned char *table = (const unsigned char *)(uintptr_t)addr[i];
            for (col = 0; col < d; col++) {
                if (!load_point(&pts[off[col] + i], table + (size_t)index[i * d + col] * POINT_BYTES)) {
                    bad_point = 1;
                }
            }
        }
        for (i = 0; i < nunits && !bad_scalar && !bad_point; i++) {
            if (!load_point(&pts[off[0] + count + i], (const unsigned char *)(uintptr_t)uaddr[i])) {
                bad_point = 1;
            }
        }
        secp256k1_gej_set_infinity(&acc);
        if (!bad_scalar && !bad_point) {
            batch_affine_sums(pts, off, len, d, den, acc_fe);
            for (c = columns - 1; c >= 0; c--) {
                secp256k1_gej_double_var(&acc, &acc, NULL);
                if (len[c] > 0 && !pts[off[c]].infinity) {
                    secp256k1_gej_add_ge_var(&acc, &acc, &pts[off[c]], NULL);
                }
            }
        }
    }
    Py_END_ALLOW_THREADS
    if (bad_scalar) {
        PyErr_SetString(PyExc_ValueError, "comb_msm: a scalar is not reduced mod the group order");
    } else if (bad_point) {
        PyErr_SetString(PyExc_ValueError, "comb_msm: a table entry or unit is not a point");
    } else {
        result = gej_result(&acc);
    }
done:
    free(index);
    free(pts);
    free(den);
    free(acc_fe);
    PyBuffer_Release(&tables);
    PyBuffer_Release(&scalars);
    PyBuffer_Release(&units);
    return result;
}

/* -- msm ----------------------------------------------------------------- */

struct msm_input {
    const unsigned char *points;
    const secp256k1_scalar *scalars;
};

static int msm_term(secp256k1_scalar *sc, secp256k1_ge *pt, size_t idx, void *data) {
    const struct msm_input *in = data;
    *sc = in->scalars[idx];
    return load_point(pt, in->points + idx * POINT_BYTES);
}

/* Σ k_i·P_i, P_i as contiguous 64-byte storage points. */
static PyObject *msm(PyObject *self, PyObject *args) {
    Py_buffer points, scalars;
    PyObject *result = NULL;
    size_t n, i, size;
    secp256k1_scalar *sc = NULL;
    secp256k1_scratch *scratch = NULL;
    secp256k1_gej r;
    int error = 0, ok = 0, bad_scalar = 0, bad_point = 0;
    secp256k1_callback callback;
    struct msm_input input;
    (void)self;

    if (!PyArg_ParseTuple(args, "y*y*", &points, &scalars)) {
        return NULL;
    }
    n = (size_t)points.len / POINT_BYTES;
    if ((size_t)points.len != n * POINT_BYTES || (size_t)scalars.len != n * SCALAR_BYTES) {
        PyErr_SetString(PyExc_ValueError, "msm: one 32-byte scalar per 64-byte point");
        goto done;
    }
    if (n == 0) {
        result = Py_None;
        Py_INCREF(result);
        goto done;
    }
    for (i = 0; i < n; i++) {
        secp256k1_ge ge;
        if (!load_point(&ge, (const unsigned char *)points.buf + i * POINT_BYTES)) bad_point = 1;
    }
    sc = malloc(n * sizeof(*sc));
    if (sc == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (i = 0; i < n && !bad_scalar; i++) {
        int overflow = 0;
        secp256k1_scalar_set_b32(&sc[i], (const unsigned char *)scalars.buf + i * SCALAR_BYTES, &overflow);
        if (overflow) bad_scalar = 1;
    }
    if (bad_scalar || bad_point) {
        PyErr_SetString(PyExc_ValueError,
                        bad_scalar ? "msm: a scalar is not reduced mod the group order"
                                   : "msm: an input is not a point");
        goto done;
    }
    callback.fn = record_error;
    callback.data = &error;
    size = secp256k1_strauss_scratch_size(n);
    {
        size_t pip = secp256k1_pippenger_scratch_size(n, secp256k1_pippenger_bucket_window(n));
        if (pip > size) size = pip;
    }
    size += (STRAUSS_SCRATCH_OBJECTS + PIPPENGER_SCRATCH_OBJECTS) * ALIGNMENT;
    scratch = secp256k1_scratch_create(&callback, size);
    if (scratch == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    input.points = points.buf;
    input.scalars = sc;
    Py_BEGIN_ALLOW_THREADS
    ok = secp256k1_ecmult_multi_var(&callback, scratch, &r, NULL, msm_term, &input, n);
    Py_END_ALLOW_THREADS
    if (!ok || error) {
        PyErr_SetString(PyExc_MemoryError, "msm: libsecp256k1 could not allocate its scratch space");
        goto done;
    }
    result = gej_result(&r);
done:
    if (scratch != NULL) secp256k1_scratch_destroy(&callback, scratch);
    free(sc);
    PyBuffer_Release(&points);
    PyBuffer_Release(&scalars);
    return result;
}

/* -- layout self-test ------------------------------------------------------ */

/* The 33-byte SEC1 encoding of a 64-byte storage point (None if not a point):
 * the Python side compares it with coincurve's serialisation of the same
 * struct before trusting this module with coincurve's points. */
static PyObject *compress(PyObject *self, PyObject *args) {
    Py_buffer point;
    PyObject *result = NULL;
    secp256k1_ge ge;
    unsigned char out[33];
    (void)self;
    if (!PyArg_ParseTuple(args, "y*", &point)) {
        return NULL;
    }
    if (point.len != POINT_BYTES) {
        PyErr_SetString(PyExc_ValueError, "compress: a point is 64 storage bytes");
    } else if (!load_point(&ge, point.buf) || !secp256k1_ge_is_valid_var(&ge)) {
        result = Py_None;
        Py_INCREF(result);
    } else {
        secp256k1_fe_normalize_var(&ge.x);
        secp256k1_fe_normalize_var(&ge.y);
        out[0] = secp256k1_fe_is_odd(&ge.y) ? 0x03 : 0x02;
        secp256k1_fe_get_b32(out + 1, &ge.x);
        result = PyBytes_FromStringAndSize((const char *)out, 33);
    }
    PyBuffer_Release(&point);
    return result;
}

static PyMethodDef methods[] = {
    {"comb_table", comb_table, METH_VARARGS,
     "comb_table(point, teeth, columns) -> bytes: the signed-comb table of one base."},
    {"comb_msm", comb_msm, METH_VARARGS,
     "comb_msm(tables, scalars, teeth, columns, units) -> bytes | None."},
    {"msm", msm, METH_VARARGS, "msm(points, scalars) -> bytes | None (libsecp256k1 ecmult_multi_var)."},
    {"compress", compress, METH_VARARGS, "compress(point) -> bytes | None (SEC1, 33 bytes)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_secp256k1_native",
    "Native MSM for the secp256k1 backend, on libsecp256k1's internal arithmetic.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__secp256k1_native(void) {
    return PyModule_Create(&module);
}
