/* Optional compiled kernels of the context stage (errcheck/services/lm.py, judge.py).
 *
 * Each function here makes exactly the decisions of its pure-Python twin, which stays the
 * reference and the fallback when this module is not built (tests compare the two). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>

/* The lattice value of a word or prefix: (log10 probability or None, longer words start so). */
static int
lattice_entry(PyObject *entry, double unk, double *lp, int *more)
{
    if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 2) {
        PyErr_SetString(PyExc_TypeError, "lattice values must be (log10 probability or None, bool) pairs");
        return -1;
    }
    PyObject *p = PyTuple_GET_ITEM(entry, 0);
    if (p == Py_None) {
        *lp = unk;
    } else {
        *lp = PyFloat_AsDouble(p);
        if (*lp == -1.0 && PyErr_Occurred())
            return -1;
    }
    int m = PyObject_IsTrue(PyTuple_GET_ITEM(entry, 1));
    if (m < 0)
        return -1;
    *more = m;
    return 0;
}

/* ------------------------------------------------------------------------------------
 * Lattice: the word/prefix lattice and the masked-word index in native hash tables keyed
 * by code points, so that segmentation and candidate look-ups create no string objects.
 * Built once from the Python dicts (LanguageModel.lattice, the judge's masked index):
 * `errcheck.services.lm.LanguageModel.native`. */

#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint64_t hash;
    uint32_t off;   /* key in the pool */
    uint32_t len;   /* key length; 0: empty slot */
    uint32_t voff;  /* masked table: values in the value pool */
    uint32_t vlen;
    double lp;      /* lattice: log10 probability (when flags & 1) */
    int flags;      /* lattice: 1 has a probability, 2 longer words start so */
} Slot;

typedef struct {
    Slot *slots;
    size_t mask;
    uint32_t *pool;
    size_t pool_len, pool_cap;
    uint32_t *vpool;
    size_t vpool_len, vpool_cap;
    PyObject **vobj; /* masked table: the value characters as str objects (hash cached) */
    size_t vobj_cap;
    double *vlp;     /* masked table: each value's word's log10 probability (the lattice's; NaN: not a word) */
    int sorted;      /* masked table: every slot's values are in code-point order */
} Table;

typedef struct {
    PyObject_HEAD
    Table lat;
    Table masked;
    double unk; /* log10 probability of a character outside the vocabulary */
    PyObject *keys_cache; /* frozenset of candidate characters -> bytes: their code points, sorted */
} LatticeObject;

static inline uint64_t
hash_step(uint64_t h, uint32_t cp)
{
    h ^= cp;
    return h * 0x100000001b3ULL;
}
#define HASH_INIT 0xcbf29ce484222325ULL

static int
table_init(Table *t, Py_ssize_t n)
{
    size_t cap = 16;
    while (cap < (size_t)n * 2 + 16)
        cap <<= 1;
    t->slots = PyMem_Calloc(cap, sizeof(Slot));
    t->mask = cap - 1;
    t->pool = NULL;
    t->pool_len = t->pool_cap = 0;
    t->vpool = NULL;
    t->vpool_len = t->vpool_cap = 0;
    t->vobj = NULL;
    t->vobj_cap = 0;
    t->vlp = NULL;
    t->sorted = 0;
    if (t->slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static void
table_free(Table *t)
{
    if (t->vobj != NULL) {
        for (size_t k = 0; k < t->vpool_len; k++)
            Py_XDECREF(t->vobj[k]);
    }
    PyMem_Free(t->vobj);
    t->vobj = NULL;
    t->vobj_cap = 0;
    PyMem_Free(t->vlp);
    t->vlp = NULL;
    PyMem_Free(t->slots);
    PyMem_Free(t->pool);
    PyMem_Free(t->vpool);
    t->vpool_len = 0;
    t->slots = NULL;
    t->pool = t->vpool = NULL;
}

static int
pool_push(uint32_t **pool, size_t *len, size_t *cap, uint32_t cp)
{
    if (*len == *cap) {
        size_t ncap = *cap ? *cap * 2 : 1 << 16;
        uint32_t *np = PyMem_Realloc(*pool, ncap * sizeof(uint32_t));
        if (np == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        *pool = np;
        *cap = ncap;
    }
    (*pool)[(*len)++] = cp;
    return 0;
}

/* The slot of key cps[0:len] with hash h: its own, or the empty one where it would go. */
static Slot *
table_find(const Table *t, uint64_t h, const uint32_t *cps, Py_ssize_t len)
{
    size_t i = (size_t)h & t->mask;
    for (;;) {
        Slot *s = &t->slots[i];
        if (s->len == 0)
            return s;
        if (s->hash == h && s->len == (uint32_t)len && memcmp(t->pool + s->off, cps, len * sizeof(uint32_t)) == 0)
            return s;
        i = (i + 1) & t->mask;
    }
}

/* Copy a str's code points into buf (at most cap); its length, or -1. */
static Py_ssize_t
codepoints(PyObject *str, uint32_t *buf, Py_ssize_t cap)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(str);
    if (n > cap)
        return -1;
    int kind = PyUnicode_KIND(str);
    const void *data = PyUnicode_DATA(str);
    for (Py_ssize_t k = 0; k < n; k++)
        buf[k] = PyUnicode_READ(kind, data, k);
    return n;
}

#define MAX_KEY 64

/* The slot of the str `key` in `t`, added (with its code points in the pool) when new;
 * *is_new says which. NULL with an exception on error, NULL without one when the key is
 * empty or longer than MAX_KEY (no segmentation reaches it). */
static Slot *
table_insert(Table *t, PyObject *key, const char *what, int *is_new)
{
    uint32_t buf[MAX_KEY];
    if (!PyUnicode_Check(key)) {
        PyErr_Format(PyExc_TypeError, "%s keys must be str", what);
        return NULL;
    }
    Py_ssize_t n = codepoints(key, buf, MAX_KEY);
    if (n <= 0)
        return NULL;
    uint64_t h = HASH_INIT;
    for (Py_ssize_t k = 0; k < n; k++)
        h = hash_step(h, buf[k]);
    Slot *s = table_find(t, h, buf, n);
    *is_new = s->len == 0;
    if (*is_new) {
        s->hash = h;
        s->off = (uint32_t)t->pool_len;
        for (Py_ssize_t k = 0; k < n; k++)
            if (pool_push(&t->pool, &t->pool_len, &t->pool_cap, buf[k]) < 0)
                return NULL;
        s->len = (uint32_t)n;
    }
    return s;
}

static int
lattice_fill(Table *t, PyObject *dict, double unk)
{
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    if (table_init(t, PyDict_GET_SIZE(dict)) < 0)
        return -1;
    while (PyDict_Next(dict, &pos, &key, &value)) {
        double lp;
        int more, is_new;
        PyObject *p = PyTuple_Check(value) && PyTuple_GET_SIZE(value) == 2 ? PyTuple_GET_ITEM(value, 0) : NULL;
        if (lattice_entry(value, unk, &lp, &more) < 0)
            return -1;
        Slot *s = table_insert(t, key, "lattice", &is_new);
        if (s == NULL) {
            if (PyErr_Occurred())
                return -1;
            continue; /* longer than any word the segmentation reaches */
        }
        s->lp = lp;
        s->flags = (p != Py_None ? 1 : 0) | (more ? 2 : 0);
    }
    return 0;
}

typedef struct {
    uint32_t cp;
    PyObject *obj;
} Value;

static int
value_cmp(const void *a, const void *b)
{
    uint32_t x = ((const Value *)a)->cp, y = ((const Value *)b)->cp;
    return (x > y) - (x < y);
}

/* Sort the values [off, off + n) of the masked table by code point (binary search). */
static void
sort_values(Table *t, uint32_t off, uint32_t n)
{
    if (n < 2)
        return;
    Value *tmp = PyMem_Malloc(sizeof(Value) * n);
    if (tmp == NULL) {
        t->sorted = -1; /* left unsorted: completions then scan the values, never search them */
        return;
    }
    for (uint32_t k = 0; k < n; k++) {
        tmp[k].cp = t->vpool[off + k];
        tmp[k].obj = t->vobj[off + k];
    }
    qsort(tmp, n, sizeof(Value), value_cmp);
    for (uint32_t k = 0; k < n; k++) {
        t->vpool[off + k] = tmp[k].cp;
        t->vobj[off + k] = tmp[k].obj;
    }
    PyMem_Free(tmp);
}

static int
masked_fill(Table *t, PyObject *dict)
{
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    if (table_init(t, PyDict_GET_SIZE(dict)) < 0)
        return -1;
    while (PyDict_Next(dict, &pos, &key, &value)) {
        int is_new;
        Slot *s = table_insert(t, key, "masked-index", &is_new);
        if (s == NULL) {
            if (PyErr_Occurred())
                return -1;
            continue;
        }
        if (!is_new)
            continue;
        s->voff = (uint32_t)t->vpool_len;
        PyObject *it = PyObject_GetIter(value);
        if (it == NULL)
            return -1;
        PyObject *c;
        uint32_t count = 0;
        while ((c = PyIter_Next(it)) != NULL) {
            if (!PyUnicode_Check(c) || PyUnicode_GET_LENGTH(c) != 1) {
                Py_DECREF(c);
                Py_DECREF(it);
                PyErr_SetString(PyExc_TypeError, "masked-index values must hold single characters");
                return -1;
            }
            uint32_t cp = PyUnicode_READ_CHAR(c, 0);
            if (t->vobj_cap <= t->vpool_len) {
                size_t ncap = t->vobj_cap ? t->vobj_cap * 2 : 1 << 16;
                PyObject **nv = PyMem_Realloc(t->vobj, ncap * sizeof(PyObject *));
                if (nv == NULL) {
                    Py_DECREF(c);
                    Py_DECREF(it);
                    PyErr_NoMemory();
                    return -1;
                }
                memset(nv + t->vobj_cap, 0, (ncap - t->vobj_cap) * sizeof(PyObject *));
                t->vobj = nv;
                t->vobj_cap = ncap;
            }
            t->vobj[t->vpool_len] = c; /* the reference is the table's now */
            if (pool_push(&t->vpool, &t->vpool_len, &t->vpool_cap, cp) < 0) {
                Py_DECREF(it);
                return -1;
            }
            count++;
        }
        Py_DECREF(it);
        if (PyErr_Occurred())
            return -1;
        s->vlen = count;
        sort_values(t, s->voff, count);
    }
    if (t->sorted == 0)
        t->sorted = 1;
    return 0;
}

static void
Lattice_dealloc(LatticeObject *self)
{
    table_free(&self->lat);
    table_free(&self->masked);
    Py_CLEAR(self->keys_cache);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
Lattice_init(LatticeObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"lattice", "unk", NULL};
    PyObject *lattice;
    double unk;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!d", kwlist, &PyDict_Type, &lattice, &unk))
        return -1;
    if (self->lat.slots != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "a Lattice is built once");
        return -1;
    }
    self->unk = unk;
    return lattice_fill(&self->lat, lattice, unk);
}

/* Each value of the masked table `t`: the log10 probability of the word it completes (the
 * key with the value at the mask), from the lattice; NaN when that is not a word of the
 * lattice (`completions` raises KeyError if it meets one). */
static int
masked_word_logprobs(LatticeObject *self, Table *t)
{
    t->vlp = PyMem_Malloc(sizeof(double) * (t->vpool_len ? t->vpool_len : 1));
    if (t->vlp == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    uint32_t key[MAX_KEY];
    for (size_t k = 0; k <= t->mask; k++) {
        Slot *s = &t->slots[k];
        if (s->len == 0)
            continue;
        memcpy(key, t->pool + s->off, s->len * sizeof(uint32_t));
        uint32_t pos = 0;
        while (pos < s->len && key[pos] != 0)
            pos++;
        for (uint32_t v = 0; v < s->vlen; v++) {
            double lp = NAN;
            if (pos < s->len) {
                key[pos] = t->vpool[s->voff + v];
                uint64_t h = HASH_INIT;
                for (uint32_t j = 0; j < s->len; j++)
                    h = hash_step(h, key[j]);
                Slot *w = table_find(&self->lat, h, key, s->len);
                if (w->len != 0 && (w->flags & 1))
                    lp = w->lp;
            }
            t->vlp[s->voff + v] = lp;
        }
    }
    return 0;
}

/* index_masked(masked) -> bool: load the masked-word index (once: it is derived from the
 * same vocabulary as the lattice, and a scan may be reading it in another thread);
 * whether it was loaded now. */
static PyObject *
Lattice_index_masked(LatticeObject *self, PyObject *args)
{
    PyObject *masked;
    if (!PyArg_ParseTuple(args, "O!", &PyDict_Type, &masked))
        return NULL;
    if (self->masked.slots != NULL)
        Py_RETURN_FALSE;
    Table t;
    if (masked_fill(&t, masked) < 0 || masked_word_logprobs(self, &t) < 0) {
        table_free(&t);
        return NULL;
    }
    self->masked = t;
    Py_RETURN_TRUE;
}

/* Segment `text`: the list of its tokens, and the sum of their log10 probabilities in
 * *score; with `starts` and `lps`, also new lists of each token's offset and log10
 * probability (the lattice's, or `unk` for a character outside the vocabulary). */
static PyObject *
native_segment_full(LatticeObject *self, PyObject *text, double *score, PyObject **starts, PyObject **lps)
{
    double unk = self->unk;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    *score = 0.0;
    if (n == 0) {
        if (starts != NULL) {
            *starts = PyList_New(0);
            *lps = PyList_New(0);
            if (*starts == NULL || *lps == NULL) {
                Py_CLEAR(*starts);
                Py_CLEAR(*lps);
                return NULL;
            }
        }
        return PyList_New(0);
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    uint32_t *cps = PyMem_Malloc(sizeof(uint32_t) * n);
    double *best = PyMem_Malloc(sizeof(double) * (n + 1));
    double *tlp = PyMem_Malloc(sizeof(double) * (n + 1)); /* the log10 probability of the token ending there */
    Py_ssize_t *back = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    PyObject *out = NULL;
    if (starts != NULL)
        *starts = *lps = NULL;
    if (cps == NULL || best == NULL || back == NULL || tlp == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n; k++)
        cps[k] = PyUnicode_READ(kind, data, k);
    best[0] = 0.0;
    back[0] = 0;
    for (Py_ssize_t k = 1; k <= n; k++) {
        best[k] = -1e18;
        back[k] = 0;
    }
    const Table *t = &self->lat;
    for (Py_ssize_t i = 0; i < n; i++) {
        double base = best[i];
        uint64_t h = hash_step(HASH_INIT, cps[i]);
        Slot *s = table_find(t, h, cps + i, 1);
        double lp = unk;
        int more = 0;
        if (s->len != 0) {
            lp = (s->flags & 1) ? s->lp : unk;
            more = s->flags & 2;
        }
        double sc = base + lp;
        if (sc > best[i + 1]) {
            best[i + 1] = sc;
            back[i + 1] = i;
            tlp[i + 1] = lp;
        }
        Py_ssize_t j = i + 1;
        while (more && j < n) {
            h = hash_step(h, cps[j]);
            j++;
            if (j - i > MAX_KEY)
                break;
            s = table_find(t, h, cps + i, j - i);
            if (s->len == 0)
                break;
            more = s->flags & 2;
            if (s->flags & 1) {
                sc = base + s->lp;
                if (sc > best[j]) {
                    best[j] = sc;
                    back[j] = i;
                    tlp[j] = s->lp;
                }
            }
        }
    }
    *score = best[n];
    Py_ssize_t count = 0;
    for (Py_ssize_t j = n; j > 0; j = back[j])
        count++;
    out = PyList_New(count);
    if (out == NULL)
        goto done;
    if (starts != NULL) {
        *starts = PyList_New(count);
        *lps = PyList_New(count);
        if (*starts == NULL || *lps == NULL)
            goto fail;
    }
    Py_ssize_t k = count;
    for (Py_ssize_t j = n; j > 0; j = back[j]) {
        PyObject *tok = PyUnicode_Substring(text, back[j], j);
        if (tok == NULL)
            goto fail;
        PyList_SET_ITEM(out, --k, tok);
        if (starts != NULL) {
            PyObject *at = PyLong_FromSsize_t(back[j]);
            if (at == NULL)
                goto fail;
            PyList_SET_ITEM(*starts, k, at);
            PyObject *lp = PyFloat_FromDouble(tlp[j]);
            if (lp == NULL)
                goto fail;
            PyList_SET_ITEM(*lps, k, lp);
        }
    }
    goto done;
fail:
    Py_CLEAR(out);
    if (starts != NULL) {
        Py_CLEAR(*starts);
        Py_CLEAR(*lps);
    }
done:
    PyMem_Free(cps);
    PyMem_Free(best);
    PyMem_Free(tlp);
    PyMem_Free(back);
    return out;
}

static PyObject *
native_segment(LatticeObject *self, PyObject *text, double *score)
{
    return native_segment_full(self, text, score, NULL, NULL);
}

static PyObject *
Lattice_viterbi(LatticeObject *self, PyObject *args)
{
    PyObject *text;
    double score;
    if (!PyArg_ParseTuple(args, "U", &text))
        return NULL;
    return native_segment(self, text, &score);
}

static PyObject *
Lattice_viterbi_scored(LatticeObject *self, PyObject *args)
{
    PyObject *text;
    double score;
    if (!PyArg_ParseTuple(args, "U", &text))
        return NULL;
    PyObject *tokens = native_segment(self, text, &score);
    if (tokens == NULL)
        return NULL;
    return Py_BuildValue("(Nd)", tokens, score);
}

/* viterbi_tokens(text) -> (tokens, starts, logprobs): the segmentation of `viterbi`, each
 * token's offset in `text`, and each token's log10 probability (the lattice's; the
 * unknown word's for a character outside the vocabulary): lm.viterbi_tokens_py. */
static PyObject *
Lattice_viterbi_tokens(LatticeObject *self, PyObject *args)
{
    PyObject *text, *starts, *lps;
    double score;
    if (!PyArg_ParseTuple(args, "U", &text))
        return NULL;
    PyObject *tokens = native_segment_full(self, text, &score, &starts, &lps);
    if (tokens == NULL)
        return NULL;
    return Py_BuildValue("(NNN)", tokens, starts, lps);
}

/* The best word a candidate character completes, in `completions`. */
typedef struct {
    uint32_t cp;
    PyObject *obj; /* borrowed from the masked table */
    double lp;
} Best;

typedef struct {
    Best *items;
    Py_ssize_t len, cap;
    Best local[32];
} BestList;

static void
best_init(BestList *b)
{
    b->items = b->local;
    b->len = 0;
    b->cap = 32;
}

static void
best_free(BestList *b)
{
    if (b->items != b->local)
        PyMem_Free(b->items);
}

/* A completion (code point c, str ch) whose word scores lp: kept when it beats the one
 * kept for c (or -99 when none), as `_completions_py` does. */
static int
best_consider(BestList *b, uint32_t c, PyObject *ch, double lp)
{
    for (Py_ssize_t k = 0; k < b->len; k++) {
        if (b->items[k].cp == c) {
            if (lp > b->items[k].lp)
                b->items[k].lp = lp;
            return 0;
        }
    }
    if (!(lp > -99.0))
        return 0;
    if (b->len == b->cap) {
        Py_ssize_t ncap = b->cap * 2;
        Best *nb = PyMem_Malloc(sizeof(Best) * ncap);
        if (nb == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        memcpy(nb, b->items, sizeof(Best) * b->len);
        if (b->items != b->local)
            PyMem_Free(b->items);
        b->items = nb;
        b->cap = ncap;
    }
    b->items[b->len].cp = c;
    b->items[b->len].obj = ch;
    b->items[b->len].lp = lp;
    b->len++;
    return 0;
}

static int
cp_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The single characters of the set `keys` as sorted code points: a new reference to a
 * bytes object, kept in the lattice's cache when `keys` is a frozenset (the judge's
 * confusion sets are built once and passed again and again). */
static PyObject *
sorted_keys(LatticeObject *self, PyObject *keys)
{
    int frozen = PyFrozenSet_CheckExact(keys);
    if (frozen && self->keys_cache != NULL) {
        PyObject *got = PyDict_GetItemWithError(self->keys_cache, keys);
        if (got != NULL) {
            Py_INCREF(got);
            return got;
        }
        if (PyErr_Occurred())
            return NULL;
    }
    Py_ssize_t cap = PySet_GET_SIZE(keys);
    PyObject *out = PyBytes_FromStringAndSize(NULL, (cap ? cap : 1) * (Py_ssize_t)sizeof(uint32_t));
    if (out == NULL)
        return NULL;
    uint32_t *cps = (uint32_t *)PyBytes_AS_STRING(out);
    Py_ssize_t n = 0;
    PyObject *it = PyObject_GetIter(keys);
    if (it == NULL) {
        Py_DECREF(out);
        return NULL;
    }
    PyObject *ch;
    while ((ch = PyIter_Next(it)) != NULL) {
        if (PyUnicode_Check(ch) && PyUnicode_GET_LENGTH(ch) == 1 && n < cap)
            cps[n++] = PyUnicode_READ_CHAR(ch, 0);
        Py_DECREF(ch);
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) {
        Py_DECREF(out);
        return NULL;
    }
    qsort(cps, n, sizeof(uint32_t), cp_cmp);
    if (_PyBytes_Resize(&out, n * (Py_ssize_t)sizeof(uint32_t)) < 0)
        return NULL;
    if (frozen) {
        if (self->keys_cache == NULL && (self->keys_cache = PyDict_New()) == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        if (PyDict_GET_SIZE(self->keys_cache) < (1 << 16) && PyDict_SetItem(self->keys_cache, keys, out) < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

/* index of c in the sorted a[0:n], or -1 */
static inline Py_ssize_t
find_cp(const uint32_t *a, Py_ssize_t n, uint32_t c)
{
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (a[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && a[lo] == c ? lo : -1;
}

/* A bit per code point: the candidate characters of the `collect_completions` call under
 * way (set on entry, cleared on exit; the GIL is held throughout). */
static uint64_t *key_bits = NULL;
#define KEY_BITS_WORDS ((0x10FFFF >> 6) + 1)

static inline int
key_bit(uint32_t c)
{
    return c <= 0x10FFFF && (key_bits[c >> 6] >> (c & 63)) & 1;
}

/* The completions of clause[i] by the characters of `keys` into `best` (see
 * `completions`); -1 with an exception on error. */
static int
collect_completions(LatticeObject *self, PyObject *clause, Py_ssize_t i, Py_ssize_t max_word, PyObject *keys,
                    double per_char, BestList *best)
{
    if (!PyAnySet_Check(keys)) {
        PyErr_SetString(PyExc_TypeError, "keys must be a set or frozenset");
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(clause);
    if (i < 0 || i >= n) {
        PyErr_SetString(PyExc_IndexError, "position outside the clause");
        return -1;
    }
    if (self->masked.slots == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "the masked-word index is not loaded (index_masked)");
        return -1;
    }
    if (max_word < 1 || max_word > MAX_KEY / 2) {
        PyErr_SetString(PyExc_ValueError, "max_word out of range");
        return -1;
    }
    PyObject *kb = sorted_keys(self, keys);
    if (kb == NULL)
        return -1;
    const uint32_t *kcp = (const uint32_t *)PyBytes_AS_STRING(kb);
    Py_ssize_t nk = PyBytes_GET_SIZE(kb) / (Py_ssize_t)sizeof(uint32_t);
    int rc = 0;
    if (nk == 0) {
        Py_DECREF(kb);
        return 0;
    }
    if (key_bits == NULL && (key_bits = PyMem_Calloc(KEY_BITS_WORDS, sizeof(uint64_t))) == NULL) {
        Py_DECREF(kb);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t q = 0; q < nk; q++)
        key_bits[kcp[q] >> 6] |= (uint64_t)1 << (kcp[q] & 63);
    int kind = PyUnicode_KIND(clause);
    const void *data = PyUnicode_DATA(clause);
    const Table *mt = &self->masked;
    uint32_t key[MAX_KEY];
    Py_ssize_t a0 = i - max_word + 1 > 0 ? i - max_word + 1 : 0;
    for (Py_ssize_t a = a0; a <= i; a++) {
        Py_ssize_t r0 = a + 1 - i > 0 ? a + 1 - i : 0;
        Py_ssize_t r1 = n - i - 1 < a + max_word - i - 1 ? n - i - 1 : a + max_word - i - 1;
        for (Py_ssize_t r = r0; r <= r1; r++) {
            Py_ssize_t len = (i - a) + 1 + r;
            for (Py_ssize_t k = a; k < i; k++)
                key[k - a] = PyUnicode_READ(kind, data, k);
            key[i - a] = 0;
            for (Py_ssize_t k = 0; k < r; k++)
                key[i - a + 1 + k] = PyUnicode_READ(kind, data, i + 1 + k);
            uint64_t h = HASH_INIT;
            for (Py_ssize_t k = 0; k < len; k++)
                h = hash_step(h, key[k]);
            Slot *m = table_find(mt, h, key, len);
            if (m->len == 0)
                continue;
            const uint32_t *vals = mt->vpool + m->voff;
            PyObject **objs = mt->vobj + m->voff;
            const double *lps = mt->vlp + m->voff;
            double extra = per_char * (double)(len - 2);
            Py_ssize_t nv = (Py_ssize_t)m->vlen;
            if (mt->sorted == 1 && nv > 32 * nk) {
                /* many more completions than candidates (\0的): search each among the sorted completions */
                for (Py_ssize_t q = 0; q < nk; q++) {
                    Py_ssize_t v = find_cp(vals, nv, kcp[q]);
                    if (v < 0)
                        continue;
                    if (isnan(lps[v]))
                        goto not_a_word;
                    if (best_consider(best, vals[v], objs[v], lps[v] + extra) < 0)
                        goto fail;
                }
            } else {
                /* test each completion against the candidates' bits */
                for (Py_ssize_t v = 0; v < nv; v++) {
                    if (!key_bit(vals[v]))
                        continue;
                    if (isnan(lps[v]))
                        goto not_a_word;
                    if (best_consider(best, vals[v], objs[v], lps[v] + extra) < 0)
                        goto fail;
                }
            }
        }
    }
    goto done;
not_a_word:
    PyErr_SetString(PyExc_KeyError, "a masked-index completion is not a word of the lattice");
fail:
    rc = -1;
done:
    for (Py_ssize_t q = 0; q < nk; q++)
        key_bits[kcp[q] >> 6] = 0;
    Py_DECREF(kb);
    return rc;
}

/* completions(clause, i, max_word, keys[, per_char]) -> dict: for each character of `keys`
 * that completes a vocabulary word of 2..max_word characters around clause[i] (by the
 * masked index), the best such word's log10 probability (the lattice's) plus `per_char`
 * (default 0) for each of its characters beyond two: ContextJudge._completions_py over
 * native tables. */
static PyObject *
Lattice_completions(LatticeObject *self, PyObject *args)
{
    PyObject *clause, *keys;
    Py_ssize_t i, max_word;
    double per_char = 0.0;
    if (!PyArg_ParseTuple(args, "UnnO|d", &clause, &i, &max_word, &keys, &per_char))
        return NULL;
    BestList best;
    best_init(&best);
    PyObject *out = NULL;
    if (collect_completions(self, clause, i, max_word, keys, per_char, &best) < 0)
        goto done;
    out = PyDict_New();
    if (out == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < best.len; k++) {
        PyObject *val = PyFloat_FromDouble(best.items[k].lp);
        if (val == NULL || PyDict_SetItem(out, best.items[k].obj, val) < 0) {
            Py_XDECREF(val);
            Py_CLEAR(out);
            goto done;
        }
        Py_DECREF(val);
    }
done:
    best_free(&best);
    return out;
}

/* likeliest first, then by code point */
static int
best_cmp(const void *a, const void *b)
{
    const Best *x = a, *y = b;
    if (x->lp != y->lp)
        return x->lp > y->lp ? -1 : 1;
    return (x->cp > y->cp) - (x->cp < y->cp);
}

/* ranked_completions(clause, i, max_word, keys, per_char, limit, floor) -> list[str]: the
 * `limit` characters of `completions` whose words are likeliest (equal ones by
 * character), minus those below `floor`: ContextJudge._ranked_completions_py. */
static PyObject *
Lattice_ranked_completions(LatticeObject *self, PyObject *args)
{
    PyObject *clause, *keys;
    Py_ssize_t i, max_word, limit;
    double per_char, floor;
    if (!PyArg_ParseTuple(args, "UnnOdnd", &clause, &i, &max_word, &keys, &per_char, &limit, &floor))
        return NULL;
    BestList best;
    best_init(&best);
    PyObject *out = NULL;
    if (collect_completions(self, clause, i, max_word, keys, per_char, &best) < 0)
        goto done;
    qsort(best.items, best.len, sizeof(Best), best_cmp);
    Py_ssize_t top = limit < best.len ? (limit > 0 ? limit : 0) : best.len;
    Py_ssize_t count = 0;
    for (Py_ssize_t k = 0; k < top; k++)
        count += best.items[k].lp >= floor;
    out = PyList_New(count);
    if (out == NULL)
        goto done;
    for (Py_ssize_t k = 0, j = 0; k < top; k++) {
        if (best.items[k].lp >= floor) {
            Py_INCREF(best.items[k].obj);
            PyList_SET_ITEM(out, j++, best.items[k].obj);
        }
    }
done:
    best_free(&best);
    return out;
}

static PyMethodDef Lattice_methods[] = {
    {"viterbi", (PyCFunction)Lattice_viterbi, METH_VARARGS, "viterbi(text) -> list[str]"},
    {"viterbi_scored", (PyCFunction)Lattice_viterbi_scored, METH_VARARGS, "viterbi_scored(text) -> (list[str], float)"},
    {"viterbi_tokens", (PyCFunction)Lattice_viterbi_tokens, METH_VARARGS,
     "viterbi_tokens(text) -> (list[str], list[int], list[float]): tokens, offsets, log10 probabilities"},
    {"completions", (PyCFunction)Lattice_completions, METH_VARARGS,
     "completions(clause, i, max_word, keys[, per_char]) -> dict"},
    {"ranked_completions", (PyCFunction)Lattice_ranked_completions, METH_VARARGS,
     "ranked_completions(clause, i, max_word, keys, per_char, limit, floor) -> list[str]"},
    {"index_masked", (PyCFunction)Lattice_index_masked, METH_VARARGS, "index_masked(masked) -> bool"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject LatticeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "errcheck._speedups.Lattice",
    .tp_basicsize = sizeof(LatticeObject),
    .tp_dealloc = (destructor)Lattice_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Lattice(lattice, unk): the segmentation lattice in a native table; index_masked adds the masked-word index.",
    .tp_methods = Lattice_methods,
    .tp_init = (initproc)Lattice_init,
    .tp_new = PyType_GenericNew,
};

static PyMethodDef methods[] = {
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "errcheck._speedups", "Optional compiled kernels of the context stage.", -1, methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    if (PyType_Ready(&LatticeType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&LatticeType);
    if (PyModule_AddObject(m, "Lattice", (PyObject *)&LatticeType) < 0) {
        Py_DECREF(&LatticeType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
