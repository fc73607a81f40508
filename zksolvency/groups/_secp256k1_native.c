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

#include <pthread.h>
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

/* -- scratch kept per thread ------------------------------------------------ */

/* The MSMs' large buffers (megabytes for a 2 050-term comb) are kept per thread
 * between calls and grown when needed: malloc would otherwise map and unmap
 * them on every call, and a prover process paid for it in page faults. Freed
 * when the thread exits. Slots must not be shared by nested users. */
enum { KEEP_PTS, KEEP_DEN, KEEP_ACC, KEEP_INDEX, KEEP_TABS, KEEP_SCALARS, KEEP_JAC, KEEP_AFF, KEEP_SLOTS };

struct keep {
    void *ptr[KEEP_SLOTS];
    size_t size[KEEP_SLOTS];
};

static pthread_key_t keep_key;
static pthread_once_t keep_once = PTHREAD_ONCE_INIT;
static int keep_ready = 0;

static void keep_free(void *p) {
    struct keep *k = p;
    int i;
    for (i = 0; i < KEEP_SLOTS; i++) free(k->ptr[i]);
    free(k);
}

static void keep_init(void) {
    keep_ready = pthread_key_create(&keep_key, keep_free) == 0;
}

/* At least `bytes` of this thread's slot (its contents are not kept), or NULL. */
static void *keep(int slot, size_t bytes) {
    struct keep *k;
    pthread_once(&keep_once, keep_init);
    if (!keep_ready) return NULL;
    k = pthread_getspecific(keep_key);
    if (k == NULL) {
        k = calloc(1, sizeof(*k));
        if (k == NULL || pthread_setspecific(keep_key, k) != 0) {
            free(k);
            return NULL;
        }
    }
    if (bytes == 0) bytes = 1;
    if (k->size[slot] < bytes) {
        free(k->ptr[slot]);
        k->ptr[slot] = malloc(bytes);
        k->size[slot] = k->ptr[slot] != NULL ? bytes : 0;
    }
    return k->ptr[slot];
}

/* -- comb_table ---------------------------------------------------------- */

/* A comb table stores the half of entry[i] = Σ_{t<h} ±2^(t·d)·P (the sign of
 * term t being bit t of i, 1 → +) whose top tooth is positive: entries top …
 * 2^h − 1, top = 2^(h−1), as 2^(h−1) storage points. The other half follows by
 * symmetry, entry[i] = −entry[(2^h − 1) ⊕ i] (comb_entry). */
static PyObject *comb_table(PyObject *self, PyObject *args) {
    Py_buffer point;
    int teeth, columns;
    PyObject *result = NULL;
    secp256k1_ge p;
    secp256k1_gej tooth[MAX_TEETH], twice[MAX_TEETH];
    secp256k1_gej *jac = NULL;
    secp256k1_ge *aff = NULL;
    size_t top, idx;
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
    top = (size_t)1 << (teeth - 1);
    result = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(top * POINT_BYTES));
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
    /* entry[top] = T_(h−1) − Σ_(t<h−1) T_t, then
     * entry[top + i] = entry[top + (i without its lowest set bit t)] + 2·T_t */
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
            save_point(out + idx * POINT_BYTES, &aff[idx]);
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

/* -- the comb ------------------------------------------------------------ */

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

/* The d table indices of one 32-byte scalar (0 if it is not reduced). */
static int comb_indices(uint16_t *index, const unsigned char *k32, unsigned int h, unsigned int d) {
    uint64_t K[5];
    unsigned int col, t;
    if (!comb_recode(K, k32, h * d)) return 0;
    for (col = 0; col < d; col++) {
        unsigned int e = 0;
        for (t = 0; t < h; t++) e |= bit_of(K, t * d + col) << t;
        index[col] = (uint16_t)e;
    }
    return 1;
}

/* entry[e] of a half table (see comb_table), top = 2^(h−1); magnitude 1. */
static int comb_entry(secp256k1_ge *ge, const unsigned char *table, unsigned int e, unsigned int top) {
    int ok;
    if (e >= top) return load_point(ge, table + (size_t)(e - top) * POINT_BYTES);
    ok = load_point(ge, table + (size_t)(top - 1 - e) * POINT_BYTES);
    secp256k1_fe_negate(&ge->y, &ge->y, 1);
    secp256k1_fe_normalize_weak(&ge->y);
    return ok;
}

/* Sums of affine points by batch-affine additions: cols lists of points, list
 * c at pts[off[c] .. off[c] + len[c]), each reduced in place to its sum at
 * pts[off[c]] (infinity flag set for an empty list or a zero sum). A level adds
 * adjacent pairs in every list at once, sharing one field inversion
 * (Montgomery's trick): λ = (y2 − y1)/(x2 − x1), x3 = λ² − x1 − x2,
 * y3 = λ(x1 − x3) − y1, i.e. 5M + 1S per addition where a mixed Jacobian
 * addition costs 8M + 3S. A pair with x1 = x2 (a doubling or a zero sum) is
 * added exactly when it is found (its sum replaces the first point, the second
 * becomes the identity), and a pair holding the identity is passed through.
 * An empty list stays empty (len 0). Scratch: den, acc hold as many field
 * elements as there are pairs in a level. Inputs have magnitude 1. */
static void batch_affine_sums(secp256k1_ge *pts, const size_t *off, size_t *len, size_t cols,
                              secp256k1_fe *den, secp256k1_fe *acc) {
    for (;;) {
        size_t c, j, k = 0, more = 0;
        secp256k1_fe inv;
        /* 1. denominators x2 − x1 and their prefix products; same-x pairs done here */
        for (c = 0; c < cols; c++) {
            secp256k1_ge *p = pts + off[c];
            for (j = 0; j + 1 < len[c]; j += 2) {
                secp256k1_fe d;
                if (p[j].infinity || p[j + 1].infinity) continue;
                secp256k1_fe_negate(&d, &p[j].x, 1);
                secp256k1_fe_add(&d, &p[j + 1].x);
                if (secp256k1_fe_normalizes_to_zero_var(&d)) {
                    /* same x: 2a if the same point, the identity if opposite */
                    secp256k1_gej aj;
                    secp256k1_gej_set_ge(&aj, &p[j]);
                    secp256k1_gej_add_ge_var(&aj, &aj, &p[j + 1], NULL);
                    secp256k1_ge_set_gej_var(&p[j], &aj);
                    p[j + 1].infinity = 1;
                    continue;
                }
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
                const secp256k1_ge *a = &p[j], *b = &p[j + 1];
                if (a->infinity) {
                    p[j / 2] = *b;
                } else if (b->infinity) {
                    p[j / 2] = *a;
                } else {
                    secp256k1_fe lambda, x3, y3, t;
                    secp256k1_fe_negate(&t, &a->y, 1);
                    secp256k1_fe_add(&t, &b->y);                    /* y2 − y1, magnitude 3 */
                    secp256k1_fe_mul(&lambda, &t, &den[k]);
                    k++;
                    secp256k1_fe_sqr(&x3, &lambda);
                    secp256k1_fe_negate(&t, &a->x, 1);
                    secp256k1_fe_add(&x3, &t);
                    secp256k1_fe_negate(&t, &b->x, 1);
                    secp256k1_fe_add(&x3, &t);                     /* magnitude 5 */
                    secp256k1_fe_normalize_weak(&x3);
                    secp256k1_fe_negate(&t, &x3, 1);
                    secp256k1_fe_add(&t, &a->x);                    /* x1 − x3, magnitude 3 */
                    secp256k1_fe_mul(&y3, &lambda, &t);
                    secp256k1_fe_negate(&t, &a->y, 1);
                    secp256k1_fe_add(&y3, &t);                     /* magnitude 3 */
                    secp256k1_fe_normalize_weak(&y3);
                    p[j / 2].x = x3;
                    p[j / 2].y = y3;
                    p[j / 2].infinity = 0;
                }
            }
            if (n & 1) p[n / 2] = p[n - 1];
            len[c] = (n + 1) / 2;
        }
    }
}

/* Several comb MSMs evaluated together (one batch-affine pass over all their
 * columns). MSM m has the terms t in [tstart[m], tstart[m + 1]), each a table
 * (tabs[t]) and its d recoded indices (index[t·d …]), and the units in
 * [ustart[m], ustart[m + 1]) (points added with weight 1; ustart may be NULL).
 * S_(m,c) = Σ_t entry_t[index_(t,c)] for every column c, then Horner:
 * out[m] = Σ_c 2^c·S_(m,c). Returns 1, 0 if a table entry is not a point, or
 * −1 if memory ran out. */
#define PREFETCH_AHEAD 4
static int comb_eval(const unsigned char *const *tabs, const uint16_t *index, const size_t *tstart,
                     const secp256k1_ge *units, const size_t *ustart, size_t nmsm,
                     unsigned int h, unsigned int d, secp256k1_gej *out) {
    const unsigned int top = 1u << (h - 1);
    size_t count = tstart[nmsm], nunits = ustart ? ustart[nmsm] : 0;
    size_t nlists = nmsm * d, total = count * d + nunits, m, t, pos = 0;
    secp256k1_ge *pts = keep(KEEP_PTS, total * sizeof(*pts));
    secp256k1_fe *den = keep(KEEP_DEN, (total / 2 + 1) * sizeof(*den));
    secp256k1_fe *acc = keep(KEEP_ACC, (total / 2 + 1) * sizeof(*acc));
    size_t *off = malloc((nlists ? nlists : 1) * sizeof(*off));
    size_t *len = malloc((nlists ? nlists : 1) * sizeof(*len));
    int ok = 1;
    if (pts == NULL || den == NULL || acc == NULL || off == NULL || len == NULL) {
        ok = -1;
        goto done;
    }
    for (m = 0; m < nmsm; m++) {
        size_t terms = tstart[m + 1] - tstart[m];
        size_t nu = ustart ? ustart[m + 1] - ustart[m] : 0;
        unsigned int c;
        for (c = 0; c < d; c++) {
            off[m * d + c] = pos;
            len[m * d + c] = terms + (c == 0 ? nu : 0);
            pos += len[m * d + c];
        }
        for (t = tstart[m]; t < tstart[m + 1]; t++) {
            const uint16_t *ix = index + t * d;
            size_t i = t - tstart[m];
            if (t + PREFETCH_AHEAD < count) {
                const unsigned char *next = tabs[t + PREFETCH_AHEAD];
                const uint16_t *nix = index + (t + PREFETCH_AHEAD) * d;
                for (c = 0; c < d; c++) {
                    unsigned int e = nix[c];
                    __builtin_prefetch(next + (size_t)(e >= top ? e - top : top - 1 - e) * POINT_BYTES);
                }
            }
            for (c = 0; c < d; c++) {
                if (!comb_entry(&pts[off[m * d + c] + i], tabs[t], ix[c], top)) ok = 0;
            }
        }
        for (t = 0; t < nu; t++) {
            pts[off[m * d] + terms + t] = units[ustart[m] + t];
        }
    }
    if (!ok) goto done;
    batch_affine_sums(pts, off, len, nlists, den, acc);
    for (m = 0; m < nmsm; m++) {
        int c;
        secp256k1_gej_set_infinity(&out[m]);
        for (c = (int)d - 1; c >= 0; c--) {
            const secp256k1_ge *s = &pts[off[m * d + (size_t)c]];
            secp256k1_gej_double_var(&out[m], &out[m], NULL);
            if (len[m * d + (size_t)c] > 0 && !s->infinity) {
                secp256k1_gej_add_ge_var(&out[m], &out[m], s, NULL);
            }
        }
    }
done:
    free(off);
    free(len);
    return ok;
}

static int comb_shape_ok(int teeth, int columns) {
    return teeth >= 2 && teeth <= MAX_TEETH && columns >= 1 && columns <= MAX_COLUMNS
           && teeth * columns >= 257 && teeth * columns <= 319;
}

/* Σ k_i·P_i + Σ units: tables[i] is the address of P_i's comb table (2^(h−1)
 * storage points, kept alive by the caller), units the addresses of extra
 * storage points added with weight 1. */
static PyObject *comb_msm(PyObject *self, PyObject *args) {
    Py_buffer tables, scalars, units;
    int teeth, columns, status = 1;
    PyObject *result = NULL;
    size_t count, nunits, i, tstart[2], ustart[2];
    uint16_t *index = NULL;
    const unsigned char **tabs = NULL;
    secp256k1_ge *upts = NULL;
    int bad_scalar = 0, bad_point = 0;
    secp256k1_gej acc;
    (void)self;

    if (!PyArg_ParseTuple(args, "y*y*iiy*", &tables, &scalars, &teeth, &columns, &units)) {
        return NULL;
    }
    count = (size_t)tables.len / sizeof(uint64_t);
    nunits = (size_t)units.len / sizeof(uint64_t);
    if (!comb_shape_ok(teeth, columns)) {
        PyErr_SetString(PyExc_ValueError, "comb_msm: teeth or columns out of range");
        goto done;
    }
    if ((size_t)tables.len != count * sizeof(uint64_t) || (size_t)units.len != nunits * sizeof(uint64_t)
        || (size_t)scalars.len != count * SCALAR_BYTES) {
        PyErr_SetString(PyExc_ValueError, "comb_msm: one 32-byte scalar per 8-byte table address");
        goto done;
    }
    index = keep(KEEP_INDEX, count * (size_t)columns * sizeof(*index));
    tabs = keep(KEEP_TABS, count * sizeof(*tabs));
    upts = keep(KEEP_AFF, nunits * sizeof(*upts));
    if (index == NULL || tabs == NULL || upts == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    {
        const unsigned int d = (unsigned int)columns, h = (unsigned int)teeth;
        const uint64_t *addr = tables.buf;
        const uint64_t *uaddr = units.buf;
        for (i = 0; i < count && !bad_scalar; i++) {
            tabs[i] = (const unsigned char *)(uintptr_t)addr[i];
            if (!comb_indices(index + i * d, (const unsigned char *)scalars.buf + i * SCALAR_BYTES, h, d)) {
                bad_scalar = 1;
            }
        }
        for (i = 0; i < nunits && !bad_scalar && !bad_point; i++) {
            if (!load_point(&upts[i], (const unsigned char *)(uintptr_t)uaddr[i])) bad_point = 1;
        }
        if (!bad_scalar && !bad_point) {
            tstart[0] = 0;
            tstart[1] = count;
            ustart[0] = 0;
            ustart[1] = nunits;
            status = comb_eval(tabs, index, tstart, upts, ustart, 1, h, d, &acc);
            if (status == 0) bad_point = 1;
        }
    }
    Py_END_ALLOW_THREADS
    if (bad_scalar) {
        PyErr_SetString(PyExc_ValueError, "comb_msm: a scalar is not reduced mod the group order");
    } else if (bad_point) {
        PyErr_SetString(PyExc_ValueError, "comb_msm: a table entry or unit is not a point");
    } else if (status < 0) {
        PyErr_NoMemory();
    } else {
        result = gej_result(&acc);
    }
done:
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

/* -- scalar vectors ------------------------------------------------------ */

/* count 32-byte big-endian scalars from buf; 0 if any is not reduced (≥ q). */
static int scalars_in(secp256k1_scalar *out, const Py_buffer *buf, size_t count) {
    size_t i;
    int bad = 0;
    for (i = 0; i < count; i++) {
        int o = 0;
        secp256k1_scalar_set_b32(&out[i], (const unsigned char *)buf->buf + i * SCALAR_BYTES, &o);
        bad |= o;
    }
    return !bad;
}

static PyObject *scalars_out(const secp256k1_scalar *v, size_t count) {
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(count * SCALAR_BYTES));
    size_t i;
    if (out == NULL) return NULL;
    for (i = 0; i < count; i++) {
        secp256k1_scalar_get_b32((unsigned char *)PyBytes_AS_STRING(out) + i * SCALAR_BYTES, &v[i]);
    }
    return out;
}

static PyObject *scalar_out(const secp256k1_scalar *v) {
    return scalars_out(v, 1);
}

/* -- ipa_prove ----------------------------------------------------------- */

/* The inner-product prover of zksolvency/bulletproofs/inner_product.py, round
 * for round, on fixed generators: with tables[i] the comb table of base i (B at
 * 0, G_j at 2 + 2j, H_j at 3 + 2j), H'_j = hf_j·H_j and Q = q_scalar·B. While
 * the vectors are longer than `explicit_at`, L_k and R_k are two comb MSMs over
 * the original generators with the folded coefficients (g_pat, h_pat: products
 * of challenges indexed by the bits of j already consumed); from there the
 * folded generators are materialised (2·size comb MSMs at once) and the rounds
 * finish the textbook way, by variable-base MSMs and folds. After each round,
 * challenge(L, R) (the storage bytes of each, or None for the identity) must
 * return u as 32 big-endian bytes, 0 < u < q. */

struct var_input {
    const secp256k1_ge *pts;
    const secp256k1_scalar *sc;
};

static int var_term(secp256k1_scalar *sc, secp256k1_ge *pt, size_t idx, void *data) {
    const struct var_input *in = data;
    *sc = in->sc[idx];
    *pt = in->pts[idx];
    return 1;
}

static secp256k1_scratch *msm_scratch(const secp256k1_callback *cb, size_t n) {
    size_t size = secp256k1_strauss_scratch_size(n);
    size_t pip = secp256k1_pippenger_scratch_size(n, secp256k1_pippenger_bucket_window(n));
    if (pip > size) size = pip;
    size += (STRAUSS_SCRATCH_OBJECTS + PIPPENGER_SCRATCH_OBJECTS) * ALIGNMENT;
    return secp256k1_scratch_create(cb, size);
}

/* u from the Python callback, or 0 with an exception set. */
static int ipa_challenge(secp256k1_scalar *u, PyObject *challenge, secp256k1_gej *L, secp256k1_gej *R,
                         PyObject *Ls, PyObject *Rs) {
    PyObject *l = gej_result(L), *r = NULL, *out = NULL;
    int ok = 0, overflow = 0;
    if (l == NULL) return 0;
    r = gej_result(R);
    if (r == NULL || PyList_Append(Ls, l) < 0 || PyList_Append(Rs, r) < 0) goto done;
    out = PyObject_CallFunctionObjArgs(challenge, l, r, NULL);
    if (out == NULL) goto done;
    if (!PyBytes_Check(out) || PyBytes_GET_SIZE(out) != SCALAR_BYTES) {
        PyErr_SetString(PyExc_ValueError, "ipa_prove: the challenge must be 32 bytes");
        goto done;
    }
    secp256k1_scalar_set_b32(u, (const unsigned char *)PyBytes_AS_STRING(out), &overflow);
    if (overflow || secp256k1_scalar_is_zero(u)) {
        PyErr_SetString(PyExc_ValueError, "ipa_prove: the challenge must be in [1, q)");
        goto done;
    }
    ok = 1;
done:
    Py_XDECREF(l);
    Py_XDECREF(r);
    Py_XDECREF(out);
    return ok;
}

static void scalar_fold(secp256k1_scalar *v, size_t half, const secp256k1_scalar *lo_f,
                        const secp256k1_scalar *hi_f) {
    size_t i;
    for (i = 0; i < half; i++) {
        secp256k1_scalar x, y;
        secp256k1_scalar_mul(&x, &v[i], lo_f);
        secp256k1_scalar_mul(&y, &v[half + i], hi_f);
        secp256k1_scalar_add(&v[i], &x, &y);
    }
}

static void scalar_dot(secp256k1_scalar *r, const secp256k1_scalar *x, const secp256k1_scalar *y, size_t n) {
    size_t i;
    secp256k1_scalar_set_int(r, 0);
    for (i = 0; i < n; i++) {
        secp256k1_scalar t;
        secp256k1_scalar_mul(&t, &x[i], &y[i]);
        secp256k1_scalar_add(r, r, &t);
    }
}

static PyObject *ipa_prove(PyObject *self, PyObject *args) {
    Py_buffer tables, qsb, hfb, ab, bb;
    int teeth, columns, explicit_at;
    PyObject *challenge, *Ls = NULL, *Rs = NULL, *result = NULL;
    size_t n = 0, i, j, size, shift, npat = 1;
    unsigned int h, d;
    secp256k1_scalar *a = NULL, *b = NULL, *hf = NULL, *hc = NULL, *gpat = NULL, *hpat = NULL;
    secp256k1_scalar *ks = NULL, qsc, u, uinv, one;
    const unsigned char **tabs = NULL;
    const uint64_t *addr;
    uint16_t *index = NULL;
    size_t *tstart = NULL;
    secp256k1_gej *outj = NULL;
    secp256k1_ge *pts = NULL;
    secp256k1_scratch *scratch = NULL;
    secp256k1_callback callback;
    int error = 0, status = 1;
    unsigned char out32[SCALAR_BYTES];
    PyThreadState *ts;
    (void)self;

    if (!PyArg_ParseTuple(args, "y*iiy*y*y*y*iO", &tables, &teeth, &columns, &qsb, &hfb, &ab, &bb,
                          &explicit_at, &challenge)) {
        return NULL;
    }
    n = (size_t)ab.len / SCALAR_BYTES;
    if (!comb_shape_ok(teeth, columns)) {
        PyErr_SetString(PyExc_ValueError, "ipa_prove: teeth or columns out of range");
        goto done;
    }
    if (n == 0 || (n & (n - 1)) || (size_t)ab.len != n * SCALAR_BYTES || bb.len != ab.len
        || hfb.len != ab.len || qsb.len != SCALAR_BYTES
        || (size_t)tables.len != (2 + 2 * n) * sizeof(uint64_t) || explicit_at < 0
        || !PyCallable_Check(challenge)) {
        PyErr_SetString(PyExc_ValueError,
                        "ipa_prove: a, b, h-factors of n = 2^k scalars, 2 + 2n table addresses, "
                        "a callable challenge");
        goto done;
    }
    h = (unsigned int)teeth;
    d = (unsigned int)columns;
    a = malloc(n * sizeof(*a));
    b = malloc(n * sizeof(*b));
    hf = malloc(n * sizeof(*hf));
    hc = malloc(n * sizeof(*hc));
    gpat = malloc(n * sizeof(*gpat));
    hpat = malloc(n * sizeof(*hpat));
    ks = keep(KEEP_SCALARS, (2 * n + 2) * sizeof(*ks));
    tabs = keep(KEEP_TABS, (2 * n + 2) * sizeof(*tabs));
    index = keep(KEEP_INDEX, (2 * n + 2) * d * sizeof(*index));
    tstart = malloc((2 * n + 2) * sizeof(*tstart));
    outj = keep(KEEP_JAC, (2 * n + 1) * sizeof(*outj));
    pts = keep(KEEP_AFF, (2 * n + 1) * sizeof(*pts));
    Ls = PyList_New(0);
    Rs = PyList_New(0);
    if (!a || !b || !hf || !hc || !gpat || !hpat || !ks || !tabs || !index || !tstart || !outj || !pts
        || !Ls || !Rs) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    if (!scalars_in(a, &ab, n) || !scalars_in(b, &bb, n) || !scalars_in(hf, &hfb, n)
        || !scalars_in(&qsc, &qsb, 1)) {
        PyErr_SetString(PyExc_ValueError, "ipa_prove: a scalar is not reduced mod the group order");
        goto done;
    }
    addr = tables.buf;
    secp256k1_scalar_set_int(&one, 1);
    gpat[0] = one;
    hpat[0] = one;
    shift = 0;
    while (((size_t)1 << shift) < n) shift++;
    size = n;

    /* rounds over the original generators */
    while (size > 1 && size > (size_t)explicit_at) {
        size_t half = size / 2, hm = half - 1, t = 0;
        secp256k1_scalar cl, cr;
        ts = PyEval_SaveThread();
        scalar_dot(&cl, a, b + half, half);
        scalar_dot(&cr, a + half, b, half);
        for (j = 0; j < n; j++) secp256k1_scalar_mul(&hc[j], &hf[j], &hpat[j >> shift]);
        /* L: a_lo·G_hi + b_hi·H'_lo + c_L·Q */
        for (j = 0; j < n; j++) {
            if (j & half) {
                secp256k1_scalar_mul(&ks[t], &a[j & hm], &gpat[j >> shift]);
                tabs[t++] = (const unsigned char *)(uintptr_t)addr[2 + 2 * j];
            } else {
                secp256k1_scalar_mul(&ks[t], &b[half + (j & hm)], &hc[j]);
                tabs[t++] = (const unsigned char *)(uintptr_t)addr[3 + 2 * j];
            }
        }
        secp256k1_scalar_mul(&ks[t], &cl, &qsc);
        tabs[t++] = (const unsigned char *)(uintptr_t)addr[0];
        /* R: a_hi·G_lo + b_lo·H'_hi + c_R·Q */
        for (j = 0; j < n; j++) {
            if (!(j & half)) {
                secp256k1_scalar_mul(&ks[t], &a[half + (j & hm)], &gpat[j >> shift]);
                tabs[t++] = (const unsigned char *)(uintptr_t)addr[2 + 2 * j];
            } else {
                secp256k1_scalar_mul(&ks[t], &b[j & hm], &hc[j]);
                tabs[t++] = (const unsigned char *)(uintptr_t)addr[3 + 2 * j];
            }
        }
        secp256k1_scalar_mul(&ks[t], &cr, &qsc);
        tabs[t++] = (const unsigned char *)(uintptr_t)addr[0];
        for (i = 0; i < t; i++) {
            secp256k1_scalar_get_b32(out32, &ks[i]);
            comb_indices(index + i * d, out32, h, d);
        }
        tstart[0] = 0;
        tstart[1] = n + 1;
        tstart[2] = 2 * n + 2;
        status = comb_eval(tabs, index, tstart, NULL, NULL, 2, h, d, outj);
        PyEval_RestoreThread(ts);
        if (status <= 0) goto eval_failed;
        if (!ipa_challenge(&u, challenge, &outj[0], &outj[1], Ls, Rs)) goto done;
        secp256k1_scalar_inverse_var(&uinv, &u);
        /* G ← u⁻¹·G_lo + u·G_hi, H' ← u·H'_lo + u⁻¹·H'_hi: the next bit of j picks the factor */
        for (i = npat; i-- > 0;) {
            secp256k1_scalar g = gpat[i], hh = hpat[i];
            secp256k1_scalar_mul(&gpat[2 * i], &g, &uinv);
            secp256k1_scalar_mul(&gpat[2 * i + 1], &g, &u);
            secp256k1_scalar_mul(&hpat[2 * i], &hh, &u);
            secp256k1_scalar_mul(&hpat[2 * i + 1], &hh, &uinv);
        }
        npat *= 2;
        shift--;
        scalar_fold(a, half, &u, &uinv);
        scalar_fold(b, half, &uinv, &u);
        size = half;
    }

    if (size > 1) {
        /* materialise G^(k)_p, H'^(k)_p (p < size) and Q: 2·size + 1 comb MSMs */
        size_t s = size, m, per = n / size, t = 0;
        secp256k1_ge *G = pts, *H = pts + s, *Q = pts + 2 * s;
        secp256k1_scalar gscale = one, hscale = one;
        secp256k1_gej *fold = outj;
        callback.fn = record_error;
        callback.data = &error;
        scratch = msm_scratch(&callback, 2 * s + 1);
        if (scratch == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        ts = PyEval_SaveThread();
        for (m = 0; m < 2 * s; m++) {
            size_t p = m % s;
            tstart[m] = t;
            for (i = 0; i < per; i++) {
                j = p + i * s;
                if (m < s) {
                    ks[t] = gpat[j >> shift];
                    tabs[t++] = (const unsigned char *)(uintptr_t)addr[2 + 2 * j];
                } else {
                    secp256k1_scalar_mul(&ks[t], &hf[j], &hpat[j >> shift]);
                    tabs[t++] = (const unsigned char *)(uintptr_t)addr[3 + 2 * j];
                }
            }
        }
        tstart[2 * s] = t;
        ks[t] = qsc;
        tabs[t++] = (const unsigned char *)(uintptr_t)addr[0];
        tstart[2 * s + 1] = t;
        for (i = 0; i < t; i++) {
            secp256k1_scalar_get_b32(out32, &ks[i]);
            comb_indices(index + i * d, out32, h, d);
        }
        status = comb_eval(tabs, index, tstart, NULL, NULL, 2 * s + 1, h, d, outj);
        if (status > 0) secp256k1_ge_set_all_gej_var(pts, outj, 2 * s + 1);
        PyEval_RestoreThread(ts);
        if (status <= 0) goto eval_failed;

        while (size > 1) {
            size_t half = size / 2;
            secp256k1_scalar cl, cr, usq, uinvsq;
            secp256k1_gej L, R;
            struct var_input in;
            int okl, okr;
            ts = PyEval_SaveThread();
            scalar_dot(&cl, a, b + half, half);
            scalar_dot(&cr, a + half, b, half);
            /* L over G_hi, H_lo, Q; R over G_lo, H_hi, Q (terms in ks, points in a row) */
            {
                secp256k1_ge *row = malloc((2 * half + 1) * sizeof(*row));
                if (row == NULL) {
                    PyEval_RestoreThread(ts);
                    PyErr_NoMemory();
                    goto done;
                }
                for (i = 0; i < half; i++) {
                    row[i] = G[half + i];
                    secp256k1_scalar_mul(&ks[i], &a[i], &gscale);
                    row[half + i] = H[i];
                    secp256k1_scalar_mul(&ks[half + i], &b[half + i], &hscale);
                }
                row[2 * half] = *Q;
                ks[2 * half] = cl;
                in.pts = row;
                in.sc = ks;
                okl = secp256k1_ecmult_multi_var(&callback, scratch, &L, NULL, var_term, &in, 2 * half + 1);
                for (i = 0; i < half; i++) {
                    row[i] = G[i];
                    secp256k1_scalar_mul(&ks[i], &a[half + i], &gscale);
                    row[half + i] = H[half + i];
                    secp256k1_scalar_mul(&ks[half + i], &b[i], &hscale);
                }
                ks[2 * half] = cr;
                okr = secp256k1_ecmult_multi_var(&callback, scratch, &R, NULL, var_term, &in, 2 * half + 1);
                free(row);
            }
            PyEval_RestoreThread(ts);
            if (!okl || !okr || error) {
                PyErr_SetString(PyExc_MemoryError, "ipa_prove: libsecp256k1 could not allocate its scratch space");
                goto done;
            }
            if (!ipa_challenge(&u, challenge, &L, &R, Ls, Rs)) goto done;
            secp256k1_scalar_inverse_var(&uinv, &u);
            secp256k1_scalar_mul(&usq, &u, &u);
            secp256k1_scalar_mul(&uinvsq, &uinv, &uinv);
            ts = PyEval_SaveThread();
            /* G ← G_lo + u²·G_hi (the factor u⁻¹ kept in gscale), H ← H_lo + u⁻²·H_hi */
            for (i = 0; i < half; i++) {
                secp256k1_gej hi;
                secp256k1_gej_set_ge(&hi, &G[half + i]);
                secp256k1_ecmult(&fold[i], &hi, &usq, NULL);
                secp256k1_gej_add_ge_var(&fold[i], &fold[i], &G[i], NULL);
                secp256k1_gej_set_ge(&hi, &H[half + i]);
                secp256k1_ecmult(&fold[half + i], &hi, &uinvsq, NULL);
                secp256k1_gej_add_ge_var(&fold[half + i], &fold[half + i], &H[i], NULL);
            }
            secp256k1_ge_set_all_gej_var(G, fold, half);
            secp256k1_ge_set_all_gej_var(H, fold + half, half);
            secp256k1_scalar_mul(&gscale, &gscale, &uinv);
            secp256k1_scalar_mul(&hscale, &hscale, &u);
            scalar_fold(a, half, &u, &uinv);
            scalar_fold(b, half, &uinv, &u);
            PyEval_RestoreThread(ts);
            size = half;
        }
    }
    {
        unsigned char fa[SCALAR_BYTES], fb[SCALAR_BYTES];
        secp256k1_scalar_get_b32(fa, &a[0]);
        secp256k1_scalar_get_b32(fb, &b[0]);
        result = Py_BuildValue("(OOy#y#)", Ls, Rs, (const char *)fa, (Py_ssize_t)SCALAR_BYTES,
                               (const char *)fb, (Py_ssize_t)SCALAR_BYTES);
    }
    goto done;
eval_failed:
    if (status < 0) PyErr_NoMemory();
    else PyErr_SetString(PyExc_ValueError, "ipa_prove: a table entry is not a point");
done:
    if (scratch != NULL) secp256k1_scratch_destroy(&callback, scratch);
    free(a);
    free(b);
    free(hf);
    free(hc);
    free(gpat);
    free(hpat);
    free(tstart);
    Py_XDECREF(Ls);
    Py_XDECREF(Rs);
    PyBuffer_Release(&tables);
    PyBuffer_Release(&qsb);
    PyBuffer_Release(&hfb);
    PyBuffer_Release(&ab);
    PyBuffer_Release(&bb);
    return result;
}

/* -- range-proof vectors --------------------------------------------------- */

/* The aggregated range proof's vector arithmetic
 * (zksolvency/bulletproofs/range_proof.py), over the scalar field:
 *
 *   rp_poly(bits, s_L, s_R, y, z, n) -> (t1, t2, r0, r1)
 *     l0 = bits − z, r0 = y^i·(bits − 1 + z) + z²·z^j·2^(i mod n) (j = i div n),
 *     r1 = y^i·s_R, t1 = <l0, r1> + <s_L, r0>, t2 = <s_L, r1>
 *   rp_eval(bits, s_L, r0, r1, y, z, x) -> (l, r, h_factors, t_hat)
 *     l = l0 + x·s_L, r = r0 + x·r1, t_hat = <l, r>, h_factors = y^(−i)
 *
 * bits: N bytes of 0 or 1; vectors N 32-byte big-endian scalars (< q, else
 * ValueError); challenges 32 bytes. */

/* bits − z into l0 (N), or 0 if a bit is not 0 or 1 */
static int rp_l0(secp256k1_scalar *l0, const unsigned char *bits, size_t N, const secp256k1_scalar *z) {
    secp256k1_scalar neg_z, one_minus_z, one;
    size_t i;
    secp256k1_scalar_set_int(&one, 1);
    secp256k1_scalar_negate(&neg_z, z);
    secp256k1_scalar_add(&one_minus_z, &one, &neg_z);
    for (i = 0; i < N; i++) {
        if (bits[i] > 1) return 0;
        l0[i] = bits[i] ? one_minus_z : neg_z;
    }
    return 1;
}

static PyObject *rp_poly(PyObject *self, PyObject *args) {
    Py_buffer bits, sl_b, sr_b, y_b, z_b;
    int n;
    size_t N, i;
    PyObject *result = NULL, *t1o = NULL, *t2o = NULL, *r0o = NULL, *r1o = NULL;
    secp256k1_scalar *sl = NULL, *sr = NULL, *r0 = NULL, *r1 = NULL, *l0 = NULL;
    secp256k1_scalar y, z, zz, zj, two, ypow, t1, t2, one, t, z_minus_1;
    int o1 = 0, o2 = 0;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*i", &bits, &sl_b, &sr_b, &y_b, &z_b, &n)) return NULL;
    N = (size_t)bits.len;
    if (n < 1 || n > 128 || N == 0 || N % (size_t)n || (size_t)sl_b.len != N * SCALAR_BYTES
        || sr_b.len != sl_b.len || y_b.len != SCALAR_BYTES || z_b.len != SCALAR_BYTES) {
        PyErr_SetString(PyExc_ValueError, "rp_poly: N bits, N-scalar s_L and s_R, 32-byte y and z, n | N");
        goto done;
    }
    sl = malloc(N * sizeof(*sl));
    sr = malloc(N * sizeof(*sr));
    r0 = malloc(N * sizeof(*r0));
    r1 = malloc(N * sizeof(*r1));
    l0 = malloc(N * sizeof(*l0));
    if (!sl || !sr || !r0 || !r1 || !l0) {
        PyErr_NoMemory();
        goto done;
    }
    secp256k1_scalar_set_b32(&y, y_b.buf, &o1);
    secp256k1_scalar_set_b32(&z, z_b.buf, &o2);
    if (o1 || o2 || !scalars_in(sl, &sl_b, N) || !scalars_in(sr, &sr_b, N)) {
        PyErr_SetString(PyExc_ValueError, "rp_poly: a scalar is not reduced mod the group order");
        goto done;
    }
    if (!rp_l0(l0, bits.buf, N, &z)) {
        PyErr_SetString(PyExc_ValueError, "rp_poly: bits must be 0 or 1");
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    secp256k1_scalar_set_int(&one, 1);
    secp256k1_scalar_negate(&t, &one);
    secp256k1_scalar_add(&z_minus_1, &z, &t);
    secp256k1_scalar_mul(&zz, &z, &z);
    zj = zz;  /* z²·z^j */
    ypow = one;
    secp256k1_scalar_set_int(&t1, 0);
    secp256k1_scalar_set_int(&t2, 0);
    two = one;
    for (i = 0; i < N; i++) {
        secp256k1_scalar u, v;
        if (i > 0 && i % (size_t)n == 0) {
            secp256k1_scalar_mul(&zj, &zj, &z);
            two = one;
        }
        /* r0 = y^i·(bit − 1 + z) + z²·z^j·2^(i mod n) */
        secp256k1_scalar_mul(&u, &ypow, ((const unsigned char *)bits.buf)[i] ? &z : &z_minus_1);
        secp256k1_scalar_mul(&v, &zj, &two);
        secp256k1_scalar_add(&r0[i], &u, &v);
        secp256k1_scalar_mul(&r1[i], &ypow, &sr[i]);
        secp256k1_scalar_mul(&u, &l0[i], &r1[i]);
        secp256k1_scalar_mul(&v, &sl[i], &r0[i]);
        secp256k1_scalar_add(&t1, &t1, &u);
        secp256k1_scalar_add(&t1, &t1, &v);
        secp256k1_scalar_mul(&u, &sl[i], &r1[i]);
        secp256k1_scalar_add(&t2, &t2, &u);
        secp256k1_scalar_mul(&ypow, &ypow, &y);
        secp256k1_scalar_add(&two, &two, &two);
    }
    Py_END_ALLOW_THREADS
    t1o = scalar_out(&t1);
    t2o = scalar_out(&t2);
    r0o = scalars_out(r0, N);
    r1o = scalars_out(r1, N);
    if (t1o && t2o && r0o && r1o) result = PyTuple_Pack(4, t1o, t2o, r0o, r1o);
done:
    Py_XDECREF(t1o);
    Py_XDECREF(t2o);
    Py_XDECREF(r0o);
    Py_XDECREF(r1o);
    free(sl);
    free(sr);
    free(r0);
    free(r1);
    free(l0);
    PyBuffer_Release(&bits);
    PyBuffer_Release(&sl_b);
    PyBuffer_Release(&sr_b);
    PyBuffer_Release(&y_b);
    PyBuffer_Release(&z_b);
    return result;
}

static PyObject *rp_eval(PyObject *self, PyObject *args) {
    Py_buffer bits, sl_b, r0_b, r1_b, y_b, z_b, x_b;
    size_t N, i;
    PyObject *result = NULL, *lo = NULL, *ro = NULL, *ho = NULL, *to = NULL;
    secp256k1_scalar *sl = NULL, *r0 = NULL, *r1 = NULL, *l = NULL, *hf = NULL;
    secp256k1_scalar y, yinv, z, x, that;
    int o1 = 0, o2 = 0, o3 = 0;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*", &bits, &sl_b, &r0_b, &r1_b, &y_b, &z_b, &x_b)) return NULL;
    N = (size_t)bits.len;
    if (N == 0 || (size_t)sl_b.len != N * SCALAR_BYTES || r0_b.len != sl_b.len || r1_b.len != sl_b.len
        || y_b.len != SCALAR_BYTES || z_b.len != SCALAR_BYTES || x_b.len != SCALAR_BYTES) {
        PyErr_SetString(PyExc_ValueError, "rp_eval: N bits, N-scalar s_L, r0, r1, 32-byte y, z, x");
        goto done;
    }
    sl = malloc(N * sizeof(*sl));
    r0 = malloc(N * sizeof(*r0));
    r1 = malloc(N * sizeof(*r1));
    l = malloc(N * sizeof(*l));
    hf = malloc(N * sizeof(*hf));
    if (!sl || !r0 || !r1 || !l || !hf) {
        PyErr_NoMemory();
        goto done;
    }
    secp256k1_scalar_set_b32(&y, y_b.buf, &o1);
    secp256k1_scalar_set_b32(&z, z_b.buf, &o2);
    secp256k1_scalar_set_b32(&x, x_b.buf, &o3);
    if (o1 || o2 || o3 || secp256k1_scalar_is_zero(&y) || !scalars_in(sl, &sl_b, N)
        || !scalars_in(r0, &r0_b, N) || !scalars_in(r1, &r1_b, N)) {
        PyErr_SetString(PyExc_ValueError, "rp_eval: a scalar is not reduced (or y is zero)");
        goto done;
    }
    if (!rp_l0(l, bits.buf, N, &z)) {
        PyErr_SetString(PyExc_ValueError, "rp_eval: bits must be 0 or 1");
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    secp256k1_scalar_inverse_var(&yinv, &y);
    secp256k1_scalar_set_int(&that, 0);
    secp256k1_scalar_set_int(&hf[0], 1);
    for (i = 0; i < N; i++) {
        secp256k1_scalar u;
        secp256k1_scalar_mul(&u, &sl[i], &x);
        secp256k1_scalar_add(&l[i], &l[i], &u);
        secp256k1_scalar_mul(&u, &r1[i], &x);
        secp256k1_scalar_add(&r0[i], &r0[i], &u);  /* r */
        secp256k1_scalar_mul(&u, &l[i], &r0[i]);
        secp256k1_scalar_add(&that, &that, &u);
        if (i > 0) secp256k1_scalar_mul(&hf[i], &hf[i - 1], &yinv);
    }
    Py_END_ALLOW_THREADS
    lo = scalars_out(l, N);
    ro = scalars_out(r0, N);
    ho = scalars_out(hf, N);
    to = scalar_out(&that);
    if (lo && ro && ho && to) result = PyTuple_Pack(4, lo, ro, ho, to);
done:
    Py_XDECREF(lo);
    Py_XDECREF(ro);
    Py_XDECREF(ho);
    Py_XDECREF(to);
    free(sl);
    free(r0);
    free(r1);
    free(l);
    free(hf);
    PyBuffer_Release(&bits);
    PyBuffer_Release(&sl_b);
    PyBuffer_Release(&r0_b);
    PyBuffer_Release(&r1_b);
    PyBuffer_Release(&y_b);
    PyBuffer_Release(&z_b);
    PyBuffer_Release(&x_b);
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
    {"ipa_prove", ipa_prove, METH_VARARGS,
     "ipa_prove(tables, teeth, columns, q_scalar, h_factors, a, b, explicit_at, challenge) "
     "-> (L list, R list, a, b): the inner-product prover on fixed generators."},
    {"rp_poly", rp_poly, METH_VARARGS,
     "rp_poly(bits, s_L, s_R, y, z, n) -> (t1, t2, r0, r1): a range proof's t(X) coefficients."},
    {"rp_eval", rp_eval, METH_VARARGS,
     "rp_eval(bits, s_L, r0, r1, y, z, x) -> (l, r, h_factors, t_hat): l(x), r(x), y^(-i), <l, r>."},
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
