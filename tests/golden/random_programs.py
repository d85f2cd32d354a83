"""Seeded random scope programs and their interpreter.

A program is JSON-able data::

    {"id": "R000", "seed": 1234, "use_resource": false, "steps": [step, ...]}

Steps (``k`` is the kind):

* ``{"k": "vs", "name": str | None, "default": str?, "slot": int?, "reuse": R?,
  "aux": false?, "as": int?, "body": [...]}`` -- ``variable_scope`` opened by
  string, by the scope object captured in ``slot`` (when ``slot`` is present),
  or ``None`` with ``default_name``.  R is one of null, true, false, "AUTO".
  ``as`` stores the entered scope object in that slot.
* ``{"k": "ns", "name": str | None, "slot": int?, "as": int?, "body": [...]}``
  -- ``name_scope`` (names ending in "/" are absolute; "" and None reset to
  the root); ``slot`` re-enters a captured name-scope string; ``as`` captures.
* ``{"k": "gv", "name", "shape", "dtype", "init": null|"zeros"|"ones"|int,
  "trainable": false?}`` -- ``get_variable``.
* ``{"k": "V", "name": str | None, "value": list}`` -- ``tf.Variable``.
* ``{"k": "c", "name"}`` -- a graph op name.
* ``{"k": "reuse_variables"}`` -- ``get_variable_scope().reuse_variables()``.
* ``{"k": "capture", "slot"}`` -- store ``get_variable_scope()`` in a slot.
* ``{"k": "scope"}`` -- record the current variable scope.

Generator version 2 adds (each optional key absent when unused):

* ``vs`` steps: ``"dtype"``, ``"init"`` (scope defaults, inherited by sub-scopes) and
  ``"getter"`` (a custom getter kind, see ``_getter``; chained innermost first).
* ``{"k": "gv" | "lv", ..., "dtype": None}`` -- the scope's dtype; ``lv`` is
  ``get_local_variable``; inits may be floats (2.5 into an int32 variable is TF's
  "Expected int32, but got 2.5 of type 'float'.").
* ``{"k": "set", "what": "dtype" | "init", "value"}`` -- ``set_dtype`` /
  ``set_initializer`` on the current scope.
* ``{"k": "tpl", "slot", "name", "now"?, "unique"?, "getter"?, "body"}`` --
  ``make_template`` (``create_scope_now_``, ``unique_name_``, ``custom_getter_``) whose
  function runs ``body``; ``{"k": "call", "slot"}`` calls it (a body calls only
  templates of lower slots, so there is no recursion); ``{"k": "tscope", "tpl", "as"}``
  stores a template's captured scope in a scope slot, to be re-entered elsewhere.
* ``{"k": "cr", "kind", "body"}`` -- ``variable_creator_scope`` with a creator kind
  (see ``_creator``).

``use_resource`` true runs the whole program inside
``variable_scope(get_variable_scope(), use_resource=True)`` (re-entering the
root opens no name scope), so error messages are the resource-variable ones.
Programs with ``use_resource`` false (TF1's ref variables) give each variable
name one fixed dtype, so no dtype-mismatch message (which would name a
``float32_ref`` dtype) can occur.

The interpreter records every scope name / original_name_scope / reuse, every
name_scope string, every variable (name, shape, dtype, identity, and value when
its initializer is deterministic), every op name and every error (type + first
line).  An error on entering a scope skips its body; an error inside a body is
recorded and execution continues.

Programs are generated once by make_golden.py and stored in golden.json, so
replaying does not depend on this generator.  Imports neither TensorFlow nor
varscope_jax.
"""
import random

VAR_NAMES = ["w", "b", "w_1", "W", "layer"]
VS_NAMES = ["s", "layer", "block", "s_1", "S", "w"]
VS_RARE = ["s/", ""]
NS_NAMES = ["s", "layer", "w", "b", "s_1", "ns", "S"]
NS_RARE = ["s/", "layer/", "s/layer/", "", None]
DEFAULT_NAMES = ["layer", "s", "default"]
OP_NAMES = ["w", "b", "s", "layer", "add", "w_1", "W"]
TPL_NAMES = ["t", "layer", "s", "w", "t_1"]
UNIQUE_NAMES = ["u", "s", "t"]
GETTERS = ["log", "zeros", "two", "rename", "nontrain"]
CREATORS = ["log", "rename", "nontrain"]
SCOPE_DTYPES = ["float16", "int32", "float32"]
N_SLOTS = 3
N_TPL = 3
MAX_DEPTH = 4
# Generator versions: 1 = the first 150 programs (scopes, name scopes, get_variable,
# Variable, ops); 2 adds templates (create_scope_now_, unique_name_, custom_getter_),
# custom getters, variable creators, local variables, template scopes re-entered
# elsewhere, and dtype / initializer inheritance (scope defaults and set_*).
VERSION = 2


def _reuse(rng):
    return rng.choices([None, True, False, "AUTO"], [40, 20, 15, 25])[0]


def generate_program(seed, pid, version=VERSION):
    rng = random.Random(seed)
    v2 = version >= 2
    use_resource = rng.random() < 0.3
    dtype_of = {n: ("int32" if rng.random() < 0.2 else "float32") for n in VAR_NAMES}
    remaining = [rng.randint(5, 25) if not v2 else rng.randint(6, 30)]
    filled = {"vs": set(), "ns": set(), "tpl": set()}  # slots some earlier step may have filled

    def gv_step(kind):
        name = rng.choice(VAR_NAMES)
        if v2 and rng.random() < 0.35:
            dtype = None                               # the scope's dtype
        elif v2:
            dtype = rng.choice(["int32", "float16"]) if rng.random() < 0.3 else "float32"
        elif use_resource:
            dtype = "int32" if rng.random() < 0.3 else "float32"
        else:
            dtype = dtype_of[name]
        inits = [None, "zeros", "ones", 1, 2, 3] + ([2.5, 0.5] if v2 else [])
        weights = [40, 15, 15, 10, 10, 10] + ([8, 4] if v2 else [])
        step = {"k": kind, "name": name, "shape": rng.choice([[2], [3]]), "dtype": dtype,
                "init": rng.choices(inits, weights)[0]}
        if kind == "gv" and rng.random() < 0.15:
            step["trainable"] = False
        return step

    def leaf(in_tpl):
        kinds = ["gv", "V", "c", "reuse_variables", "capture", "scope"]
        weights = [45, 8, 14, 4, 8, 8]
        if v2:
            kinds += ["lv", "set", "call", "tscope"]
            callable_ = [x for x in filled["tpl"] if in_tpl is None or x < in_tpl]
            weights += [3, 4, 25 if callable_ else 0, 3 if filled["tpl"] else 0]
        kind = rng.choices(kinds, weights)[0]
        if kind in ("gv", "lv"):
            return gv_step(kind)
        if kind == "V":
            n = rng.choice([2, 3])
            if rng.random() < 0.3:
                value = [rng.randint(0, 9) for _ in range(n)]
            else:
                value = [rng.randint(0, 9) / 4.0 for _ in range(n)]
            step = {"k": "V", "name": rng.choice(VAR_NAMES + [None]), "value": value}
            if v2 and rng.random() < 0.2:
                step["trainable"] = False
            return step
        if kind == "c":
            return {"k": "c", "name": rng.choice(OP_NAMES)}
        if kind == "capture":
            slot = rng.randrange(N_SLOTS)
            filled["vs"].add(slot)
            return {"k": "capture", "slot": slot}
        if kind == "set":
            if rng.random() < 0.5:
                return {"k": "set", "what": "dtype", "value": rng.choice(SCOPE_DTYPES)}
            return {"k": "set", "what": "init", "value": rng.choice(["zeros", "ones", 2, 2.5, None])}
        if kind == "call":
            slots = sorted(filled["tpl"])
            if in_tpl is not None:
                slots = [x for x in slots if x < in_tpl]
            return {"k": "call", "slot": rng.choice(slots)}
        if kind == "tscope":
            slot = rng.randrange(N_SLOTS)
            filled["vs"].add(slot)
            return {"k": "tscope", "tpl": rng.choice(sorted(filled["tpl"])), "as": slot}
        return {"k": kind}

    def vs_extras(step):
        if not v2:
            return
        if rng.random() < 0.12:
            step["dtype"] = rng.choice(SCOPE_DTYPES)
        if rng.random() < 0.15:
            step["init"] = rng.choice(["zeros", "ones", 2, 2.5])
        if rng.random() < 0.12:
            step["getter"] = rng.choice(GETTERS)

    def compound(depth, in_tpl):
        u0 = rng.random() if v2 else 1.0
        if in_tpl is None and u0 < 0.11:
            slot = rng.randrange(N_TPL)
            step = {"k": "tpl", "slot": slot, "name": rng.choice(TPL_NAMES) if rng.random() < 0.95 else ""}
            if rng.random() < 0.35:
                step["now"] = True
            if rng.random() < 0.15:
                step["unique"] = rng.choice(UNIQUE_NAMES)
            if rng.random() < 0.2:
                step["getter"] = rng.choice(GETTERS)
            saved = remaining[0]
            remaining[0] = rng.randint(1, 6)
            step["body"] = block(depth + 1, slot)
            remaining[0] = saved
            filled["tpl"].add(slot)
            return step
        if u0 < 0.16:
            step = {"k": "cr", "kind": rng.choice(CREATORS), "body": block(depth + 1, in_tpl)}
            return step
        if rng.random() < 0.7:
            u = rng.random()
            if u < 0.55:
                step = {"k": "vs", "name": rng.choice(VS_NAMES) if rng.random() < 0.92 else rng.choice(VS_RARE)}
                if rng.random() < 0.1:
                    step["default"] = rng.choice(DEFAULT_NAMES)
            elif u < (0.75 if v2 else 0.72) and filled["vs"]:
                step = {"k": "vs", "name": None, "slot": rng.choice(sorted(filled["vs"]))}
            else:
                step = {"k": "vs", "name": None, "default": rng.choice(DEFAULT_NAMES)}
            reuse = _reuse(rng)
            if step["name"] is None and "slot" not in step and reuse in (True, "AUTO") and rng.random() < 0.75:
                reuse = rng.choice([None, False])   # keep "reuse=True without a name" errors rare
            if reuse is not None:
                step["reuse"] = reuse
            if rng.random() < 0.15:
                step["aux"] = False
            vs_extras(step)
        else:
            if rng.random() < 0.2 and filled["ns"]:
                step = {"k": "ns", "name": None, "slot": rng.choice(sorted(filled["ns"]))}
            else:
                step = {"k": "ns", "name": rng.choice(NS_NAMES) if rng.random() < 0.8 else rng.choice(NS_RARE)}
        if rng.random() < 0.25:
            step["as"] = rng.randrange(N_SLOTS)
            filled[step["k"]].add(step["as"])
        step["body"] = block(depth + 1, in_tpl)
        return step

    def block(depth, in_tpl=None):
        out = []
        while remaining[0] > 0:
            if depth > 0 and out and rng.random() < 0.3:
                break
            remaining[0] -= 1
            if depth < MAX_DEPTH and rng.random() < 0.4:
                out.append(compound(depth, in_tpl))
            else:
                out.append(leaf(in_tpl))
        return out

    prog = {"id": pid, "seed": seed, "use_resource": use_resource, "steps": block(0)}
    if v2:
        prog["v"] = 2
    return prog


def generate_programs(n=1000, base_seed=20240601, n_v1=150):
    """``n`` programs: the first ``n_v1`` with generator version 1 (as first recorded),
    the rest with the current version."""
    return [generate_program(base_seed + i, "R%03d" % i, 1 if i < n_v1 else VERSION)
            for i in range(n)]


def count_steps(steps):
    return sum(1 + count_steps(s.get("body", [])) for s in steps)


def depth_of(steps):
    return max([1 + depth_of(s.get("body", [])) if "body" in s else 1 for s in steps] or [0])


# --------------------------------------------------------------------------
# Interpreter
# --------------------------------------------------------------------------
FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")


class _State:
    def __init__(self):
        self.slots = {}
        self.ns_slots = {}
        self.tpls = {}
        self.det = []  # (variable object, deterministic initializer?)

    def deterministic(self, v, if_new):
        for o, d in self.det:
            if o is v:
                return d
        self.det.append((v, if_new))
        return if_new


def _reuse_arg(t, x):
    return t.AUTO_REUSE if x == "AUTO" else x


def _scope_obs(t, sc):
    return [sc.name, sc.original_name_scope, t.reuse_name(sc.reuse)]


def _initializer(t, init):
    if init is None:
        return None
    if init == "zeros":
        return t.zeros_initializer()
    if init == "ones":
        return t.ones_initializer()
    return t.constant_initializer(init)


def _getter(t, r, kind, label):
    """A deterministic custom getter of ``kind`` (its observations go under ``label``)."""
    def custom_getter(getter, name, *args, **kwargs):
        if kind == "log":
            r.eq(label + " getter", [name, t.reuse_name(kwargs.get("reuse"))])
        elif kind == "zeros":
            kwargs["initializer"] = t.zeros_initializer()
        elif kind == "two":
            first = getter(name + "/0", *args, **kwargs)
            getter(name + "/1", *args, **kwargs)
            return first
        elif kind == "rename":
            name = name + "_g"
        elif kind == "nontrain":
            kwargs["trainable"] = False
        return getter(name, *args, **kwargs)
    return custom_getter


def _creator(t, r, kind, label):
    """A deterministic variable creator of ``kind`` for ``variable_creator_scope``."""
    def creator(next_creator, **kwargs):
        if kind == "log":
            dtype = kwargs.get("dtype")
            r.eq(label + " creator", [kwargs.get("name"), kwargs.get("trainable"),
                                      None if dtype is None else t.dname(dtype)])
        elif kind == "rename":
            kwargs["name"] = (kwargs.get("name") or "V") + "_c"
        elif kind == "nontrain":
            kwargs["trainable"] = False
        return next_creator(**kwargs)
    return creator


def _scope_kwargs(t, r, step, label):
    kw = {}
    if step.get("dtype") is not None:
        kw["dtype"] = t.dt(step["dtype"])
    if step.get("init") is not None:
        kw["initializer"] = _initializer(t, step["init"])
    if step.get("getter") is not None:
        kw["custom_getter"] = _getter(t, r, step["getter"], label)
    return kw


def _enter_and_run(t, r, st, cm_factory, label, on_enter, body, path):
    try:
        cm = cm_factory()
        entered = cm.__enter__()
    except Exception as e:  # noqa: BLE001
        r.exc(label, e)
        return
    try:
        on_enter(entered)
        _run_block(t, r, st, body, path)
    finally:
        try:
            cm.__exit__(None, None, None)
        except Exception as e:  # noqa: BLE001
            r.exc(label + " exit", e)


def _run_step(t, r, st, step, path):
    k = step["k"]
    label = "%s %s" % (path, k)
    if k == "vs":
        if "slot" in step:
            name_or_scope = st.slots.get(step["slot"])
            if name_or_scope is None:
                r.eq(label, "empty slot %d" % step["slot"])
                return
        else:
            name_or_scope = step["name"]
        kw = {}
        if step.get("default") is not None:
            kw["default_name"] = step["default"]
        if "reuse" in step:
            kw["reuse"] = _reuse_arg(t, step["reuse"])
        if step.get("aux") is False:
            kw["auxiliary_name_scope"] = False
        kw.update(_scope_kwargs(t, r, step, label))

        def on_enter(sc):
            r.eq(label, _scope_obs(t, sc))
            if step.get("as") is not None:
                st.slots[step["as"]] = sc
        _enter_and_run(t, r, st, lambda: t.vs(name_or_scope, **kw), label, on_enter,
                       step["body"], path)
    elif k == "ns":
        if "slot" in step:
            name = st.ns_slots.get(step["slot"])
            if name is None:
                r.eq(label, "empty slot %d" % step["slot"])
                return
        else:
            name = step["name"]

        def on_enter(s):
            r.eq(label, s)
            if step.get("as") is not None:
                st.ns_slots[step["as"]] = s
        _enter_and_run(t, r, st, lambda: t.ns(name), label, on_enter, step["body"], path)
    elif k in ("gv", "lv"):
        kw = {"shape": step["shape"]}
        if step.get("dtype") is not None:
            kw["dtype"] = t.dt(step["dtype"])
        init = _initializer(t, step.get("init"))
        if init is not None:
            kw["initializer"] = init
        if step.get("trainable") is False:
            kw["trainable"] = False
        scope_init = t.get_variable_scope().initializer
        try:
            v = (t.gv if k == "gv" else t.get_local_variable)(step["name"], **kw)
        except Exception as e:  # noqa: BLE001
            r.exc(label + " " + step["name"], e)
            return
        # Values only where TF's are deterministic: an explicit or inherited constant
        # initializer (all the programs use), or a non-float dtype (zeros by default).
        det = st.deterministic(v, init is not None or scope_init is not None
                               or t.dtype_name(v) not in FLOAT_DTYPES)
        r.var(label + " " + step["name"], v, value=det)
    elif k == "V":
        kw = {} if step.get("trainable") is None else {"trainable": step["trainable"]}
        if step["name"] is not None:
            kw["name"] = step["name"]
        try:
            v = t.V(step["value"], **kw)
        except Exception as e:  # noqa: BLE001
            r.exc(label, e)
            return
        st.deterministic(v, True)
        r.var(label, v, value=True)
    elif k == "c":
        try:
            r.eq(label, t.c(step["name"]))
        except Exception as e:  # noqa: BLE001
            r.exc(label, e)
    elif k == "reuse_variables":
        try:
            t.get_variable_scope().reuse_variables()
        except Exception as e:  # noqa: BLE001
            r.exc(label, e)
    elif k == "capture":
        sc = t.get_variable_scope()
        st.slots[step["slot"]] = sc
        r.eq(label, sc.name)
    elif k == "scope":
        sc = t.get_variable_scope()
        r.eq(label, _scope_obs(t, sc) + [t.dname(sc.dtype)])
    elif k == "set":
        sc = t.get_variable_scope()
        if step["what"] == "dtype":
            sc.set_dtype(t.dt(step["value"]))
        else:
            sc.set_initializer(_initializer(t, step["value"]))
    elif k == "tpl":
        kw = {}
        if step.get("now"):
            kw["create_scope_now_"] = True
        if step.get("unique") is not None:
            kw["unique_name_"] = step["unique"]
        if step.get("getter") is not None:
            kw["custom_getter_"] = _getter(t, r, step["getter"], label)
        body = step["body"]

        def fn():
            _run_block(t, r, st, body, label + "/")
        try:
            tpl = t.make_template(step["name"], fn, **kw)
        except Exception as e:  # noqa: BLE001
            r.exc(label, e)
            return
        st.tpls[step["slot"]] = tpl
        sc = tpl.variable_scope
        r.eq(label, None if sc is None else [tpl.variable_scope_name, t.dname(sc.dtype)])
    elif k == "call":
        tpl = st.tpls.get(step["slot"])
        if tpl is None:
            r.eq(label, "empty template slot %d" % step["slot"])
            return
        try:
            tpl()
        except Exception as e:  # noqa: BLE001
            r.exc(label, e)
        r.eq(label + " after", [tpl.variable_scope_name, t.var_names(tpl.variables),
                                t.var_names(tpl.trainable_variables),
                                t.var_names(tpl.non_trainable_variables)])
    elif k == "tscope":
        tpl = st.tpls.get(step["tpl"])
        sc = None if tpl is None else tpl.variable_scope
        if sc is not None:
            st.slots[step["as"]] = sc
        r.eq(label, None if sc is None else sc.name)
    elif k == "cr":
        _enter_and_run(t, r, st, lambda: t.creator_scope(_creator(t, r, step["kind"], label)),
                       label, lambda _: None, step["body"], path)
    else:  # pragma: no cover
        raise ValueError("unknown step kind %r" % k)


def _run_block(t, r, st, steps, path):
    for i, step in enumerate(steps):
        _run_step(t, r, st, step, "%s%d" % (path + "." if path else "", i))


def run_program(program, t, r):
    """Execute ``program`` against adapter ``t``, recording into ``r``."""
    st = _State()
    if program.get("use_resource"):
        with t.vs(t.get_variable_scope(), use_resource=True):
            _run_block(t, r, st, program["steps"], "")
    else:
        _run_block(t, r, st, program["steps"], "")
    r.names("GLOBAL_VARIABLES", t.GraphKeys.GLOBAL_VARIABLES)
    r.names("TRAINABLE_VARIABLES", t.GraphKeys.TRAINABLE_VARIABLES)
    if program.get("v", 1) >= 2:
        r.names("LOCAL_VARIABLES", t.GraphKeys.LOCAL_VARIABLES)


def replay(program, t):
    """Run a program in a fresh graph; return its observation list."""
    from harness import Recorder, first_line
    r = Recorder(t)
    with t.new_graph():
        try:
            run_program(program, t, r)
        except Exception as e:  # noqa: BLE001
            r._append("!uncaught", error=type(e).__name__, msg=first_line(e))
        r.finish()
    return r.obs
