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

/* The best segmentation of text and its score (the sum of its words' log10 probabilities). */
static PyObject *
segment(PyObject *text, PyObject *lattice, double unk, double *score)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    *score = 0.0;
    if (n == 0)
        return PyList_New(0);
    double *best = PyMem_Malloc(sizeof(double) * (n + 1));
    Py_ssize_t *back = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    PyObject *out = NULL;
    if (best == NULL || back == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    best[0] = 0.0;
    back[0] = 0;
    for (Py_ssize_t i = 1; i <= n; i++) {
        best[i] = -1e18;
        back[i] = 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        double base = best[i], lp;
        int more;
        PyObject *key = PyUnicode_Substring(text, i, i + 1);
        if (key == NULL)
            goto done;
        PyObject *entry = PyDict_GetItemWithError(lattice, key); /* borrowed */
        Py_DECREF(key);
        if (entry == NULL) {
            if (PyErr_Occurred())
                goto done;
            lp = unk;
            more = 0;
        } else if (lattice_entry(entry, unk, &lp, &more) < 0) {
            goto done;
        }
        double s = base + lp;
        if (s > best[i + 1]) {
            best[i + 1] = s;
            back[i + 1] = i;
        }
        Py_ssize_t j = i + 1;
        while (more && j < n) {
            j++;
            key = PyUnicode_Substring(text, i, j);
            if (key == NULL)
                goto done;
            entry = PyDict_GetItemWithError(lattice, key);
            Py_DECREF(key);
            if (entry == NULL) {
                if (PyErr_Occurred())
                    goto done;
                break;
            }
            PyObject *p = PyTuple_Check(entry) && PyTuple_GET_SIZE(entry) == 2 ? PyTuple_GET_ITEM(entry, 0) : NULL;
            if (lattice_entry(entry, unk, &lp, &more) < 0)
                goto done;
            if (p != Py_None) {
                s = base + lp;
                if (s > best[j]) {
                    best[j] = s;
                    back[j] = i;
                }
            }
        }
    }
    *score = best[n];
    /* walk back from the end, then reverse */
    Py_ssize_t count = 0;
    for (Py_ssize_t j = n; j > 0; j = back[j])
        count++;
    out = PyList_New(count);
    if (out == NULL)
        goto done;
    Py_ssize_t k = count;
    for (Py_ssize_t j = n; j > 0; j = back[j]) {
        PyObject *tok = PyUnicode_Substring(text, back[j], j);
        if (tok == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, --k, tok);
    }
done:
    PyMem_Free(best);
    PyMem_Free(back);
    return out;
}

/* viterbi(text, lattice, unk) -> list[str]: see errcheck.services.lm.viterbi_py. */
static PyObject *
viterbi(PyObject *self, PyObject *args)
{
    PyObject *text, *lattice;
    double unk, score;
    if (!PyArg_ParseTuple(args, "UO!d", &text, &PyDict_Type, &lattice, &unk))
        return NULL;
    return segment(text, lattice, unk, &score);
}

/* viterbi_scored(text, lattice, unk) -> (list[str], float): see errcheck.services.lm.viterbi_scored_py. */
static PyObject *
viterbi_scored(PyObject *self, PyObject *args)
{
    PyObject *text, *lattice;
    double unk, score;
    if (!PyArg_ParseTuple(args, "UO!d", &text, &PyDict_Type, &lattice, &unk))
        return NULL;
    PyObject *tokens = segment(text, lattice, unk, &score);
    if (tokens == NULL)
        return NULL;
    return Py_BuildValue("(Nd)", tokens, score);
}

/* completions(clause, i, max_word, masked, keys, costs, mask) -> dict: for each character c
 * of `keys` that completes a vocabulary word of 2..max_word characters around clause[i]
 * (by the masked index), the best such word's log10 probability. The loop of
 * errcheck.services.judge.ContextJudge._completions_py, in the same order (the dict's
 * insertion order breaks ties when candidates are ranked). */
static PyObject *
completions(PyObject *self, PyObject *args)
{
    PyObject *clause, *masked, *keys, *costs, *mask;
    Py_ssize_t i, max_word;
    if (!PyArg_ParseTuple(args, "UnnO!OO!U", &clause, &i, &max_word, &PyDict_Type, &masked, &keys,
                          &PyDict_Type, &costs, &mask))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(clause);
    if (i < 0 || i >= n) {
        PyErr_SetString(PyExc_IndexError, "position outside the clause");
        return NULL;
    }
    PyObject *best = PyDict_New();
    if (best == NULL)
        return NULL;
    Py_ssize_t a0 = i - max_word + 1 > 0 ? i - max_word + 1 : 0;
    for (Py_ssize_t a = a0; a <= i; a++) {
        PyObject *stem = PyUnicode_Substring(clause, a, i);
        if (stem == NULL)
            goto fail;
        PyObject *left = PyUnicode_Concat(stem, mask);
        if (left == NULL) {
            Py_DECREF(stem);
            goto fail;
        }
        Py_ssize_t r0 = a + 1 - i > 0 ? a + 1 - i : 0;
        Py_ssize_t r1 = n - i - 1 < a + max_word - i - 1 ? n - i - 1 : a + max_word - i - 1;
        if (r1 > max_word - 1)
            r1 = max_word - 1; /* `after` holds max_word - 1 characters */
        for (Py_ssize_t r = r0; r <= r1; r++) {
            PyObject *right = PyUnicode_Substring(clause, i + 1, i + 1 + r);
            if (right == NULL)
                goto fail_lr;
            PyObject *key = PyUnicode_Concat(left, right);
            if (key == NULL) {
                Py_DECREF(right);
                goto fail_lr;
            }
            PyObject *got = PyDict_GetItemWithError(masked, key); /* borrowed */
            Py_DECREF(key);
            if (got == NULL) {
                Py_DECREF(right);
                if (PyErr_Occurred())
                    goto fail_lr;
                continue;
            }
            int truth = PyObject_IsTrue(got);
            if (truth <= 0) {
                Py_DECREF(right);
                if (truth < 0)
                    goto fail_lr;
                continue;
            }
            PyObject *both = PyNumber_And(got, keys);
            if (both == NULL) {
                Py_DECREF(right);
                goto fail_lr;
            }
            PyObject *it = PyObject_GetIter(both);
            Py_DECREF(both);
            if (it == NULL) {
                Py_DECREF(right);
                goto fail_lr;
            }
            PyObject *c;
            while ((c = PyIter_Next(it)) != NULL) {
                PyObject *word = PyUnicode_Concat(stem, c);
                PyObject *full = word ? PyUnicode_Concat(word, right) : NULL;
                Py_XDECREF(word);
                if (full == NULL) {
                    Py_DECREF(c);
                    Py_DECREF(it);
                    Py_DECREF(right);
                    goto fail_lr;
                }
                PyObject *lp = PyDict_GetItemWithError(costs, full); /* borrowed */
                if (lp == NULL) {
                    if (!PyErr_Occurred())
                        PyErr_SetObject(PyExc_KeyError, full);
                    Py_DECREF(full);
                    Py_DECREF(c);
                    Py_DECREF(it);
                    Py_DECREF(right);
                    goto fail_lr;
                }
                Py_DECREF(full);
                double v = PyFloat_AsDouble(lp);
                PyObject *prev = PyDict_GetItemWithError(best, c);
                double pv = prev ? PyFloat_AsDouble(prev) : -99.0;
                if ((v == -1.0 || pv == -1.0) && PyErr_Occurred()) {
                    Py_DECREF(c);
                    Py_DECREF(it);
                    Py_DECREF(right);
                    goto fail_lr;
                }
                if (v > pv && PyDict_SetItem(best, c, lp) < 0) {
                    Py_DECREF(c);
                    Py_DECREF(it);
                    Py_DECREF(right);
                    goto fail_lr;
                }
                Py_DECREF(c);
            }
            Py_DECREF(it);
            Py_DECREF(right);
            if (PyErr_Occurred())
                goto fail_lr;
        }
        Py_DECREF(stem);
        Py_DECREF(left);
        continue;
    fail_lr:
        Py_DECREF(stem);
        Py_DECREF(left);
        goto fail;
    }
    return best;
fail:
    Py_DECREF(best);
    return NULL;
}

static PyMethodDef methods[] = {
    {"completions", completions, METH_VARARGS, "Best word completion per candidate character (see ContextJudge._completions_py)."},
    {"viterbi", viterbi, METH_VARARGS, "Unigram Viterbi segmentation over a word/prefix lattice (see errcheck.services.lm.viterbi_py)."},
    {"viterbi_scored", viterbi_scored, METH_VARARGS, "viterbi and the best path's score (see errcheck.services.lm.viterbi_scored_py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "errcheck._speedups", "Optional compiled kernels of the context stage.", -1, methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModule_Create(&module);
}
