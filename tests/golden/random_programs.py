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
N_SLOTS = 3
MAX_DEPTH = 4


def _reuse(rng):
    return rng.choices([None, True, False, "AUTO"], [40, 20, 15, 25])[0]


def generate_program(seed, pid):
    rng = random.Random(seed)
    use_resource = rng.random() < 0.3
    dtype_of = {n: ("int32" if rng.random() < 0.2 else "float32") for n in VAR_NAMES}
    remaining = [rng.randint(5, 25)]
    filled = {"vs": set(), "ns": set()}  # slots some earlier step may have filled

    def leaf():
        kind = rng.choices(["gv", "V", "c", "reuse_variables", "capture", "scope"],
                           [45, 8, 14, 4, 8, 8])[0]
        if kind == "gv":
            name = rng.choice(VAR_NAMES)
            if use_resource:
                dtype = "int32" if rng.random() < 0.3 else "float32"
            else:
                dtype = dtype_of[name]
            step = {"k": "gv", "name": name, "shape": rng.choice([[2], [3]]), "dtype": dtype,
                    "init": rng.choices([None, "zeros", "ones", 1, 2, 3], [40, 15, 15, 10, 10, 10])[0]}
            if rng.random() < 0.15:
                step["trainable"] = False
            return step
        if kind == "V":
            n = rng.choice([2, 3])
            if rng.random() < 0.3:
                value = [rng.randint(0, 9) for _ in range(n)]
            else:
                value = [rng.randint(0, 9) / 4.0 for _ in range(n)]
            return {"k": "V", "name": rng.choice(VAR_NAMES + [None]), "value": value}
        if kind == "c":
            return {"k": "c", "name": rng.choice(OP_NAMES)}
        if kind == "capture":
            slot = rng.randrange(N_SLOTS)
            filled["vs"].add(slot)
            return {"k": "capture", "slot": slot}
        return {"k": kind}

    def compound(depth):
        if rng.random() < 0.7:
            u = rng.random()
            if u < 0.55:
                step = {"k": "vs", "name": rng.choice(VS_NAMES) if rng.random() < 0.92 else rng.choice(VS_RARE)}
                if rng.random() < 0.1:
                    step["default"] = rng.choice(DEFAULT_NAMES)
            elif u < 0.72 and filled["vs"]:
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
        else:
            if rng.random() < 0.2 and filled["ns"]:
                step = {"k": "ns", "name": None, "slot": rng.choice(sorted(filled["ns"]))}
            else:
                step = {"k": "ns", "name": rng.choice(NS_NAMES) if rng.random() < 0.8 else rng.choice(NS_RARE)}
        if rng.random() < 0.25:
            step["as"] = rng.randrange(N_SLOTS)
            filled[step["k"]].add(step["as"])
        step["body"] = block(depth + 1)
        return step

    def block(depth):
        out = []
        while remaining[0] > 0:
            if depth > 0 and out and rng.random() < 0.3:
                break
            remaining[0] -= 1
            if depth < MAX_DEPTH and rng.random() < 0.4:
                out.append(compound(depth))
            else:
                out.append(leaf())
        return out

    return {"id": pid, "seed": seed, "use_resource": use_resource, "steps": block(0)}


def generate_programs(n=150, base_seed=20240601):
    return [generate_program(base_seed + i, "R%03d" % i) for i in range(n)]


def count_steps(steps):
    return sum(1 + count_steps(s.get("body", [])) for s in steps)


def depth_of(steps):
    return max([1 + depth_of(s.get("body", [])) if "body" in s else 1 for s in steps] or [0])


# --------------------------------------------------------------------------
# Interpreter
# --------------------------------------------------------------------------
class _State:
    def __init__(self):
        self.slots = {}
        self.ns_slots = {}
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
    elif k == "gv":
        kw = {"shape": step["shape"], "dtype": t.dt(step["dtype"])}
        init = _initializer(t, step.get("init"))
        if init is not None:
            kw["initializer"] = init
        if step.get("trainable") is False:
            kw["trainable"] = False
        try:
            v = t.gv(step["name"], **kw)
        except Exception as e:  # noqa: BLE001
            r.exc(label + " " + step["name"], e)
            return
        det = st.deterministic(v, step.get("init") is not None or step["dtype"] != "float32")
        r.var(label + " " + step["name"], v, value=det)
    elif k == "V":
        try:
            if step["name"] is None:
                v = t.V(step["value"])
            else:
                v = t.V(step["value"], name=step["name"])
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
        r.eq(label, _scope_obs(t, t.get_variable_scope()))
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
