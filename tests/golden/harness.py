"""Backend-agnostic machinery for the golden conformance suite.

A *scenario* is a function ``fn(t, r)``:

* ``t`` is an adapter exposing the TF1 variable-management API under fixed
  attribute names (``t.vs``, ``t.ns``, ``t.gv``, ``t.V``, ``t.c`` ...).  There are
  two adapters: :func:`make_tf_adapter` (real ``tf.compat.v1``, graph mode) and
  :func:`make_vs_adapter` (``varscope_jax``).
* ``r`` is a :class:`Recorder`.  Instead of asserting, a scenario records what it
  observes (names, identities, shapes, dtypes, values, errors).  The TF run is
  stored in ``golden.json`` by ``make_golden.py``; ``tests/core/test_golden.py``
  replays the scenario with varscope_jax and compares the two observation lists.

This module imports neither TensorFlow nor varscope_jax at import time.
"""
import contextlib
import hashlib
import inspect

# --------------------------------------------------------------------------
# Scenario registry
# --------------------------------------------------------------------------
SCENARIOS = {}  # id -> Scenario (insertion ordered)


class Scenario:
    def __init__(self, id, fn, pins, jax=True, why=None, x64=False):
        self.id, self.fn, self.pins, self.jax, self.why = id, fn, pins, jax, why
        self.x64 = x64

    def source_hash(self):
        """Hash of the scenario's source; golden.json is stale when it changes."""
        try:
            src = inspect.getsource(self.fn)
        except (OSError, TypeError):  # pragma: no cover
            src = self.id
        return hashlib.sha1(src.encode()).hexdigest()[:12]


def scenario(id, pins, jax=True, why=None, x64=False):
    """Register ``fn(t, r)`` as scenario ``id``.

    ``pins``: what the scenario pins down (TF test name / source location).
    ``jax=False`` marks a scenario that has no meaning in JAX (TF strings,
    placeholders, ref dtypes, PartitionedVariable, ...); ``why`` must say why.
    Its TF observations are still stored in golden.json, for documentation.
    ``x64=True``: the scenario uses 64-bit dtypes (int64/float64), which JAX only
    stores with ``jax_enable_x64``; varscope_jax replays it with x64 enabled.
    """
    if not jax and not why:
        raise ValueError("scenario %s: jax=False needs a why=" % id)

    def deco(fn):
        if id in SCENARIOS:
            raise ValueError("duplicate scenario id %r" % id)
        SCENARIOS[id] = Scenario(id, fn, pins, jax, why, x64)
        return fn
    return deco


# --------------------------------------------------------------------------
# Recorder
# --------------------------------------------------------------------------
class Deferred:
    """A value the backend can only produce later (TF: after a Session runs)."""

    def __init__(self, key):
        self.key = key


def first_line(e):
    s = str(e)
    return s.split("\n")[0]


def looks_like_variable(obj):
    return (not isinstance(obj, (str, bytes, type))
            and hasattr(obj, "name") and hasattr(obj, "shape") and hasattr(obj, "dtype")
            and not hasattr(obj, "original_name_scope"))


class Recorder:
    """Collects JSON-able observations, each a dict with a ``label``.

    Observation kinds:
      {"label", "eq": value}
      {"label", "var": {"name", "shape", "dtype", "id"}, ["value": nested list]}
      {"label", "error": type name, "msg": first line of str(e)}
    """

    def __init__(self, t):
        self.t = t
        self.obs = []
        self._seen = []       # distinct objects, compared with `is`
        self._deferred = []   # (obs dict, Deferred)

    # -- helpers -----------------------------------------------------------
    def ident(self, obj):
        for i, o in enumerate(self._seen):
            if o is obj:
                return i
        self._seen.append(obj)
        return len(self._seen) - 1

    def jsonable(self, value):
        t = self.t
        if value is None or isinstance(value, (bool, str)):
            return value
        if t is not None and value is t.AUTO_REUSE:
            return "AUTO_REUSE"
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return float(value)
        if isinstance(value, (list, tuple)):
            return [self.jsonable(v) for v in value]
        if isinstance(value, dict):
            return {str(k): self.jsonable(v) for k, v in value.items()}
        # numpy scalars / arrays
        if hasattr(value, "tolist") and hasattr(value, "dtype"):
            return value.tolist()
        raise TypeError("not JSON-able observation: %r" % (value,))

    def _append(self, label, **kw):
        d = {"label": label}
        d.update(kw)
        self.obs.append(d)
        return d

    # -- public API ----------------------------------------------------------
    def eq(self, label, value):
        """Record a plain value (str/int/bool/None/list; AUTO_REUSE -> "AUTO_REUSE")."""
        self._append(label, eq=self.jsonable(value))

    def var(self, label, v, value=False):
        """Record a variable: name (with ':0'), shape, base dtype name, identity index.

        value=True also records its numeric value (only for deterministic
        initializers). On TF the value is deferred until the end of the scenario.
        """
        t = self.t
        d = self._append(label, var={
            "name": v.name,
            "shape": t.shape(v),
            "dtype": t.dtype_name(v),
            "id": self.ident(v),
        })
        if value:
            val = t.value(v)
            if isinstance(val, Deferred):
                d["value"] = None
                self._deferred.append((d, val))
            else:
                d["value"] = _np_tolist(val)
        return v

    def err(self, label, fn, msg=True):
        """Run fn(); record its error (type + first line) or its result.

        msg=True: the whole first line; msg=False: the type only; msg=<str>:
        the first line cut just after the first occurrence of that string (for
        messages whose tail is a backend-specific repr).
        """
        try:
            out = fn()
        except Exception as e:  # noqa: BLE001 - we record any exception
            m = first_line(e)
            if msg is False:
                m = None
            elif isinstance(msg, str):
                i = m.find(msg)
                if i >= 0:
                    m = m[:i + len(msg)]
            self._append(label, error=type(e).__name__, msg=m)
            return None
        if looks_like_variable(out):
            self.var(label, out)
        else:
            try:
                self.eq(label, out)
            except TypeError:
                self.eq(label, "<%s>" % type(out).__name__)
        return out

    def exc(self, label, e):
        """Record an exception caught by the caller (type + first line)."""
        self._append(label, error=type(e).__name__, msg=first_line(e))

    def names(self, label, key, scope=None):
        """Record [v.name for v in get_collection(key, scope)]."""
        self.eq(label, [v.name for v in self.t.get_collection(key, scope)])

    def finish(self):
        """Resolve deferred values (TF: runs a Session). Returns the observation list."""
        if self._deferred:
            vals = self.t.resolve([d for _, d in self._deferred])
            for (obs, dfr), val in zip(self._deferred, vals):
                obs["value"] = _np_tolist(val)
            self._deferred = []
        return self.obs


def _np_tolist(val):
    import numpy as np
    a = np.asarray(val)
    if a.dtype.kind in "SUO":
        return [x.decode() if isinstance(x, bytes) else str(x) for x in a.ravel().tolist()]
    return a.tolist()


def run_scenario(sc, t):
    """Run one scenario in a fresh graph; return its observation list.

    An exception escaping the scenario is itself recorded (label "!uncaught").
    """
    r = Recorder(t)
    with t.new_graph(x64=sc.x64):
        try:
            sc.fn(t, r)
        except Exception as e:  # noqa: BLE001
            r._append("!uncaught", error=type(e).__name__, msg=first_line(e))
        r.finish()
    return r.obs


# --------------------------------------------------------------------------
# Observation comparison (used by tests/core/test_golden.py)
# --------------------------------------------------------------------------
def _values_equal(a, b):
    import numpy as np
    if a is None or b is None:
        return a is b
    try:
        aa, bb = np.asarray(a), np.asarray(b)
    except Exception:  # pragma: no cover
        return a == b
    if aa.shape != bb.shape:
        return False
    if aa.dtype.kind in "fc" or bb.dtype.kind in "fc":
        return bool(np.allclose(aa.astype(complex if "c" in aa.dtype.kind + bb.dtype.kind else float),
                                bb.astype(complex if "c" in aa.dtype.kind + bb.dtype.kind else float),
                                rtol=1e-6, atol=1e-7))
    return aa.tolist() == bb.tolist()


def obs_equal(want, got):
    if want.get("label") != got.get("label"):
        return False
    if set(want) != set(got):
        return False
    for k in want:
        if k == "value":
            if not _values_equal(want[k], got[k]):
                return False
        elif want[k] != got[k]:
            return False
    return True


def first_difference(want, got):
    """None if the observation lists match, else (index, want_obs, got_obs)."""
    for i in range(max(len(want), len(got))):
        w = want[i] if i < len(want) else None
        g = got[i] if i < len(got) else None
        if w is None or g is None or not obs_equal(w, g):
            return i, w, g
    return None


# --------------------------------------------------------------------------
# Adapters
# --------------------------------------------------------------------------
class _Adapter:
    """Common shape of both adapters (documentation; see the two factories)."""
    backend = None

    def reuse_name(self, reuse):
        if reuse is self.AUTO_REUSE:
            return "AUTO_REUSE"
        return reuse

    def var_names(self, variables):
        """``[v.name for v in variables]`` (a list a template or collection returned)."""
        return [v.name for v in variables]


class _TFAdapter(_Adapter):
    backend = "tf"

    def __init__(self):
        import os
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf
        tf1 = tf.compat.v1
        tf1.disable_v2_behavior()
        try:
            tf1.logging.set_verbosity(tf1.logging.ERROR)
        except Exception:  # pragma: no cover
            pass
        self.tf, self.tf1 = tf, tf1
        self.vs = tf1.variable_scope
        self.ns = tf1.name_scope
        self.gv = tf1.get_variable
        self.V = tf1.Variable
        self.AUTO_REUSE = tf1.AUTO_REUSE
        self.get_variable_scope = tf1.get_variable_scope
        self.get_local_variable = tf1.get_local_variable
        self.make_template = tf1.make_template
        self.creator_scope = tf1.variable_creator_scope
        self.get_collection = tf1.get_collection
        self.GraphKeys = tf1.GraphKeys
        self.constant_initializer = tf1.constant_initializer
        self.zeros_initializer = tf1.zeros_initializer
        self.ones_initializer = tf1.ones_initializer
        self.no_regularizer = tf1.no_regularizer
        self.VariableSynchronization = tf1.VariableSynchronization
        self._pending = []
        self.version = tf.__version__

    def dt(self, name):
        return self.tf.as_dtype(name)

    def dname(self, dtype):
        return self.tf.as_dtype(dtype).base_dtype.name

    def c(self, n):
        return self.tf1.constant(0., name=n).op.name

    def const(self, value, dtype=None):
        """A tensor-like constant (TF: tf.constant; varscope_jax: a jax array)."""
        return self.tf1.constant(value, dtype=None if dtype is None else self.dt(dtype))

    def shape(self, v):
        s = v.shape
        if getattr(s, "rank", 0) is None:
            return None
        return [None if d is None else int(d) for d in s.as_list()]

    def dtype_name(self, v):
        return v.dtype.base_dtype.name

    def shape_list(self, shape):
        return self.tf.TensorShape(shape).as_list()

    def value(self, v):
        self._pending.append(v)
        return Deferred(len(self._pending) - 1)

    def resolve(self, deferreds):
        tf1 = self.tf1
        vars_ = [self._pending[d.key] for d in deferreds]
        with tf1.Session() as sess:
            inits, seen = [], []
            for v in vars_:
                if not any(v is s for s in seen):
                    seen.append(v)
                    inits.append(v.initializer)
            sess.run(inits)
            return sess.run(vars_)

    def graph_context(self):
        """Factory of a context manager that makes the current graph default in
        another thread (TF's graph stack is thread-local)."""
        return self.tf1.get_default_graph().as_default

    @contextlib.contextmanager
    def new_graph(self, x64=False):
        self._pending = []
        with self.tf.Graph().as_default():
            yield
        self._pending = []


class _VSAdapter(_Adapter):
    backend = "varscope_jax"

    def __init__(self):
        import varscope_jax as vs
        self.vsmod = vs
        self.vs = vs.variable_scope
        self.ns = vs.name_scope
        self.gv = vs.get_variable
        self.V = vs.Variable
        self.AUTO_REUSE = vs.AUTO_REUSE
        self.get_variable_scope = vs.get_variable_scope
        self.get_local_variable = vs.get_local_variable
        self.make_template = vs.make_template
        self.creator_scope = getattr(vs, "variable_creator_scope", None)
        self.get_collection = vs.get_collection
        self.GraphKeys = vs.GraphKeys
        self.constant_initializer = vs.constant_initializer
        self.zeros_initializer = vs.zeros_initializer
        self.ones_initializer = vs.ones_initializer
        self.no_regularizer = vs.no_regularizer
        self.VariableSynchronization = vs.VariableSynchronization
        self.version = getattr(vs, "__version__", "?")

    def dt(self, name):
        return getattr(self.vsmod, name)

    def dname(self, dtype):
        import numpy as np
        return np.dtype(dtype).name

    def c(self, n):
        return self.vsmod.get_default_graph().create_op_name(n)

    def const(self, value, dtype=None):
        import jax.numpy as jnp
        return jnp.asarray(value, dtype=None if dtype is None else self.dt(dtype))

    def shape(self, v):
        return [int(d) for d in v.shape]

    def dtype_name(self, v):
        import numpy as np
        return np.dtype(v.dtype).name

    def shape_list(self, shape):
        return [int(d) for d in shape]

    def value(self, v):
        import numpy as np
        return np.asarray(v.numpy())

    def resolve(self, deferreds):  # pragma: no cover - never deferred
        raise AssertionError("varscope_jax values are never deferred")

    def graph_context(self):
        return contextlib.nullcontext

    @contextlib.contextmanager
    def new_graph(self, x64=False):
        with contextlib.ExitStack() as stack:
            if x64:
                stack.enter_context(_enable_x64())
            self.vsmod.reset_default_graph()
            try:
                yield
            finally:
                self.vsmod.reset_default_graph()


def _enable_x64():
    """Context manager turning jax_enable_x64 on (API differs across JAX versions)."""
    import jax
    state = getattr(jax, "enable_x64", None)
    if state is not None and not isinstance(state, bool):
        try:
            return state(True)
        except TypeError:  # pragma: no cover
            pass
    from jax.experimental import enable_x64  # older JAX
    return enable_x64()


_TF = None


def make_tf_adapter():
    """Adapter over real tf.compat.v1 (graph mode). Imports TensorFlow lazily."""
    global _TF
    if _TF is None:
        _TF = _TFAdapter()
    return _TF


def make_vs_adapter():
    """Adapter over varscope_jax. Imports it lazily."""
    return _VSAdapter()


REGEN_HINT = ("golden.json comes from real TensorFlow; regenerate it with "
              "`/work/tfvenv/bin/python tests/golden/make_golden.py` (a venv with "
              "tensorflow-cpu: python3 -m venv /work/tfvenv && /work/tfvenv/bin/pip "
              "install tensorflow-cpu numpy)")

