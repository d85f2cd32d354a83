"""Layer programs for the ``vs.layers`` golden suite (imports neither TF nor JAX).

A program is ``fn(t, r)``:

* ``t`` is an adapter with TF1's API under fixed names: ``t.layers`` (the module of
  layer functions and classes), ``t.variable_scope``, ``t.name_scope``,
  ``t.AUTO_REUSE``, ``t.make_template``, ``t.get_variable``, activations ``t.relu`` /
  ``t.tanh``, initializers ``t.zeros()``, ``t.ones()``, ``t.constant(v)``, a
  regularizer ``t.l2(scale)`` (``scale * sum(w**2)``) and a constraint
  ``t.clip(lo, hi)``.
* ``r`` is a recorder: ``r.input(shape)`` gives a deterministic input (the same numbers
  on both sides), ``r.flag(value)`` a bool tensor whose value is only known when the
  program runs (TF: a fed placeholder; JAX: a traced bool), ``r.out(label, y)`` records
  an output to compare, ``r.shape(label, y)`` its shape and dtype only (dropout in
  training), ``r.note(label, value)`` a Python value, ``r.error(label, fn)`` what
  ``fn()`` raised (type and first line) or "ok", ``r.names(label, variables)`` the
  names of a list of variables (``layer.variables``), ``r.racy()`` marks moving statistics
  that TF updates twice in one run (their final value depends on TF's op order).

``make_layers_golden.py`` runs every program against real ``tf.compat.v1.layers``;
``tests/layers/test_layers_golden.py`` replays them with ``vs.layers``.
"""
import itertools
import zlib

import numpy as np

PROGRAMS = {}  # id -> fn


def input_values(pid, shape, dtype, index):
    """The deterministic input ``index`` of program ``pid`` (the same on both sides)."""
    rs = np.random.RandomState((zlib.crc32(pid.encode()) + 7919 * index) % (2 ** 31))
    if dtype.startswith("int"):
        return rs.randint(-3, 4, size=shape).astype(dtype)
    return rs.standard_normal(shape).astype(dtype)


def program(pid):
    def deco(fn):
        if pid in PROGRAMS:
            raise ValueError("duplicate program id %r" % pid)
        PROGRAMS[pid] = fn
        return fn
    return deco


# ----------------------------------------------------------------------------------
# Naming: the scope a layer gets (tf-keras legacy_tf_layers/base.py)
# ----------------------------------------------------------------------------------
@program("naming/issue_example")
def _(t, r):
    x = r.input([2, 3])
    with t.variable_scope("a"):
        r.out("a1", t.layers.dense(x, 4))
        r.out("a2", t.layers.dense(x, 4))
    r.out("root", t.layers.dense(x, 4))
    with t.name_scope("n"):
        r.out("ns", t.layers.dense(x, 4))
    layer = t.layers.Dense(5)
    r.out("obj1", layer(x))
    r.out("obj2", layer(x))
    r.note("layer.name", layer.name)
    r.note("layer.scope_name", layer.scope_name)
    with t.variable_scope("b", reuse=t.AUTO_REUSE):
        r.out("fc1", t.layers.dense(x, 4, name="fc"))
        r.out("fc2", t.layers.dense(x, 4, name="fc"))


@program("naming/dense_reuse_true_named")
def _(t, r):
    x = r.input([2, 3])
    r.out("y1", t.layers.dense(x, 4, name="fc"))
    r.out("y2", t.layers.dense(x, 4, name="fc", reuse=True))
    r.error("new_with_reuse", lambda: t.layers.dense(x, 4, name="other", reuse=True))


@program("naming/dense_reuse_true_unnamed")
def _(t, r):
    x = r.input([2, 3])
    r.out("y1", t.layers.dense(x, 4))
    r.out("y2", t.layers.dense(x, 4, reuse=True))
    r.out("y3", t.layers.dense(x, 4))


@program("naming/dense_twice_same_name_no_reuse")
def _(t, r):
    x = r.input([2, 3])
    r.out("y1", t.layers.dense(x, 4, name="fc"))
    r.error("again", lambda: t.layers.dense(x, 4, name="fc"))
    r.out("y3", t.layers.dense(x, 4))


@program("naming/unnamed_in_reuse_scope")
def _(t, r):
    x = r.input([2, 3])
    with t.variable_scope("s"):
        r.out("y1", t.layers.dense(x, 4))
    with t.variable_scope("s", reuse=True):
        r.out("y2", t.layers.dense(x, 4))
        r.error("second", lambda: t.layers.dense(x, 4))


@program("naming/auto_reuse_unnamed")
def _(t, r):
    x = r.input([2, 3])
    with t.variable_scope("s", reuse=t.AUTO_REUSE):
        r.out("y1", t.layers.dense(x, 4))
        r.out("y2", t.layers.dense(x, 4))
    with t.variable_scope("s", reuse=t.AUTO_REUSE):
        r.out("y3", t.layers.dense(x, 4))


@program("naming/reenter_scope_collides")
def _(t, r):
    x = r.input([2, 3])
    with t.variable_scope("a"):
        r.out("y1", t.layers.dense(x, 4))
    with t.variable_scope("a"):
        r.error("y2", lambda: t.layers.dense(x, 4))
        r.out("y3", t.layers.dense(x, 4))


@program("naming/captured_scope_reentered")
def _(t, r):
    x = r.input([2, 3])
    with t.variable_scope("a") as a:
        r.out("y1", t.layers.dense(x, 4))
    with t.variable_scope(a):
        r.error("y2", lambda: t.layers.dense(x, 4))
    with t.variable_scope(a, reuse=True):
        r.out("y3", t.layers.dense(x, 4))


@program("naming/name_scope_inside_variable_scope")
def _(t, r):
    x = r.input([2, 3])
    with t.variable_scope("v"):
        with t.name_scope("n"):
            r.out("y1", t.layers.dense(x, 4))
            r.out("y2", t.layers.dense(x, 4, name="fc"))
        r.out("y3", t.layers.dense(x, 4))
    with t.name_scope("dense"):
        r.out("y4", t.layers.dense(x, 4))


@program("naming/name_scope_same_as_layer")
def _(t, r):
    x = r.input([2, 3])
    with t.name_scope("dense"):
        pass
    r.out("y1", t.layers.dense(x, 4))
    with t.name_scope("dense_1"):
        r.out("y2", t.layers.dense(x, 4))
    r.out("y3", t.layers.dense(x, 4))


@program("naming/object_outside_called_in_scopes")
def _(t, r):
    x = r.input([2, 3])
    layer = t.layers.Dense(4, name="proj")
    with t.variable_scope("outer"):
        r.out("y1", layer(x))
    with t.variable_scope("other"):
        r.out("y2", layer(x))
    r.note("name", layer.name)
    r.note("scope_name", layer.scope_name)
    r.names("variables", layer.variables)
    r.names("trainable", layer.trainable_variables)
    r.names("trainable_weights", layer.trainable_weights)
    r.names("non_trainable", layer.non_trainable_variables)


@program("naming/two_objects_same_name")
def _(t, r):
    x = r.input([2, 3])
    a = t.layers.Dense(4, name="proj")
    b = t.layers.Dense(4, name="proj")
    r.out("a", a(x))
    r.out("b", b(x))
    r.note("names", [a.name, b.name, a.scope_name, b.scope_name])


@program("naming/layer_names_counter")
def _(t, r):
    x = r.input([2, 3])
    with t.variable_scope("a"):
        l1 = t.layers.Dense(4)
        l2 = t.layers.Dense(4)
        r.out("y1", l1(x))
        r.out("y2", l2(x))
    l3 = t.layers.Dense(4)
    l4 = t.layers.Dropout()
    l5 = t.layers.Conv2D(2, 1)
    r.out("y3", l3(x))
    r.note("names", [l1.name, l2.name, l3.name, l4.name, l5.name])
    r.note("scopes", [l1.scope_name, l2.scope_name, l3.scope_name])
    r.error("scope_before_call", lambda: l5.scope_name)


@program("naming/scope_name_before_call")
def _(t, r):
    layer = t.layers.Dense(3)
    r.error("scope_name", lambda: layer.scope_name)
    r.names("variables", layer.variables)


@program("naming/default_name_scopes")
def _(t, r):
    x = r.input([2, 3])
    for i in range(2):
        with t.variable_scope(None, default_name="block"):
            r.out("d%d" % i, t.layers.dense(x, 4))
            r.out("e%d" % i, t.layers.dense(x, 4))


@program("naming/template_with_layers")
def _(t, r):
    x = r.input([2, 3])

    def net(x):
        h = t.layers.dense(x, 4, activation=t.relu)
        return t.layers.dense(h, 2, name="out")

    tmpl = t.make_template("net", net)
    r.out("y1", tmpl(x))
    r.out("y2", tmpl(x))
    tmpl2 = t.make_template("net", net)
    r.out("y3", tmpl2(x))


@program("naming/template_layer_object")
def _(t, r):
    x = r.input([2, 3])
    layer = t.layers.Dense(3)
    tmpl = t.make_template("wrap", lambda x: layer(x) + t.layers.dense(x, 3))
    r.out("y1", tmpl(x))
    r.out("y2", tmpl(x))


@program("naming/custom_getter_sees_layer_variables")
def _(t, r):
    x = r.input([2, 3])
    seen = []

    def getter(getter, name, *args, **kwargs):
        seen.append(name)
        return getter(name, *args, **kwargs)

    with t.variable_scope("g", custom_getter=getter):
        r.out("y", t.layers.dense(x, 4))
        r.out("z", t.layers.batch_normalization(x))
    r.note("seen", seen)


@program("naming/scope_initializer_used_for_kernel")
def _(t, r):
    x = r.input([2, 3])
    with t.variable_scope("s", initializer=t.constant(0.5)):
        r.out("y", t.layers.dense(x, 4))
        r.out("c", t.layers.conv1d(r.input([2, 5, 3]), 2, 2))
        r.out("bn", t.layers.batch_normalization(x, training=True))


@program("naming/mixed_layers_counters")
def _(t, r):
    x = r.input([2, 6, 6, 3])
    h = t.layers.conv2d(x, 2, 3)
    h = t.layers.max_pooling2d(h, 2, 2)
    h = t.layers.conv2d(h, 2, 1)
    h = t.layers.batch_normalization(h)
    h = t.layers.dropout(h)
    h = t.layers.flatten(h)
    h = t.layers.dense(h, 3)
    r.out("y", h)
    with t.variable_scope("conv2d"):
        r.out("z", t.layers.dense(h, 2))
    r.out("w", t.layers.conv2d(x, 2, 1, name="max_pooling2d"))


@program("naming/pooling_dropout_flatten_names")
def _(t, r):
    x = r.input([2, 4, 4, 3])
    with t.variable_scope("v"):
        r.out("p1", t.layers.max_pooling2d(x, 2, 2))
        r.out("p2", t.layers.max_pooling2d(x, 2, 2, name="pool"))
        r.out("p3", t.layers.max_pooling2d(x, 2, 2, name="pool"))
        r.out("f", t.layers.flatten(x, name="pool"))
    r.out("d", t.layers.dense(t.layers.flatten(x, name="fc"), 2, name="fc"))


@program("naming/layer_call_in_reuse_scope_then_new")
def _(t, r):
    x = r.input([2, 3])
    layer = t.layers.Dense(4)
    with t.variable_scope("a"):
        r.out("y1", layer(x))
    with t.variable_scope("a", reuse=True):
        r.out("y2", layer(x))
        r.out("y3", t.layers.dense(x, 4, name="dense"))


@program("naming/auto_reuse_mix_functional_and_object")
def _(t, r):
    x = r.input([2, 3])
    with t.variable_scope("m", reuse=t.AUTO_REUSE):
        r.out("y1", t.layers.dense(x, 4, name="fc"))
        layer = t.layers.Dense(4, name="fc")
        r.out("y2", layer(x))
        r.out("y3", t.layers.dense(x, 4, name="fc"))
    r.note("scope", layer.scope_name)


@program("naming/get_variable_then_layer_same_scope")
def _(t, r):
    x = r.input([2, 3])
    with t.variable_scope("dense"):
        t.get_variable("w", [3, 4], initializer=t.ones())
    r.out("y1", t.layers.dense(x, 4))
    with t.variable_scope("dense", reuse=True):
        r.out("w", t.get_variable("w", [3, 4]))


@program("naming/auto_reuse_loop")
def _(t, r):
    x = r.input([2, 3])
    for i in range(3):
        with t.variable_scope("rnn", reuse=t.AUTO_REUSE):
            x = t.layers.dense(x, 3, name="proj", activation=t.tanh)
            r.out("step%d" % i, x)


@program("naming/deep_nesting")
def _(t, r):
    x = r.input([2, 3])
    with t.variable_scope("a"):
        with t.variable_scope("b"):
            with t.name_scope("c"):
                r.out("y1", t.layers.dense(x, 2))
    with t.variable_scope("a/b"):
        r.error("y2", lambda: t.layers.dense(x, 2))
        r.out("y2b", t.layers.dense(x, 2))
    with t.variable_scope("a"):
        with t.variable_scope("b", reuse=True):
            r.out("y3", t.layers.dense(x, 2))


@program("naming/explicit_default_like_names")
def _(t, r):
    x = r.input([2, 3])
    a = t.layers.Dense(2, name="dense")
    b = t.layers.Dense(2)
    c = t.layers.Dense(2, name="dense_1")
    r.out("a", a(x))
    r.out("b", b(x))
    r.out("c", c(x))
    r.note("names", [a.name, b.name, c.name, a.scope_name, b.scope_name, c.scope_name])


@program("naming/template_under_name_scope")
def _(t, r):
    x = r.input([2, 3])
    tmpl = t.make_template("tower", lambda x: t.layers.dense(t.layers.dropout(x), 2))
    with t.name_scope("first"):
        r.out("y1", tmpl(x))
    with t.variable_scope("other"):
        r.out("y2", tmpl(x))
    r.out("y3", t.layers.dense(x, 2))


# ----------------------------------------------------------------------------------
# Dense, dropout, flatten: core.py
# ----------------------------------------------------------------------------------
@program("dense/options")
def _(t, r):
    x = r.input([3, 4])
    r.out("relu", t.layers.dense(x, 5, activation=t.relu))
    r.out("tanh_nobias", t.layers.dense(x, 2, activation=t.tanh, use_bias=False))
    r.out("inits", t.layers.dense(x, 3, kernel_initializer=t.constant(0.25),
                                  bias_initializer=t.ones()))
    r.out("untrained", t.layers.dense(x, 3, trainable=False))


@program("dense/rank3_and_rank4")
def _(t, r):
    r.out("r3", t.layers.dense(r.input([2, 3, 4]), 5))
    r.out("r4", t.layers.dense(r.input([2, 2, 3, 4]), 2))


@program("dense/regularizers")
def _(t, r):
    x = r.input([2, 3])
    r.out("y1", t.layers.dense(x, 4, kernel_regularizer=t.l2(0.1),
                               bias_regularizer=t.l2(0.5), bias_initializer=t.ones(),
                               name="fc"))
    r.out("y2", t.layers.dense(x, 4, kernel_regularizer=t.l2(0.1), name="fc", reuse=True))
    r.out("y3", t.layers.dense(x, 2, kernel_regularizer=t.l2(2.0)))
    r.out("act", t.layers.dense(x, 3, activity_regularizer=t.l2(0.5)))
    r.out("act_conv", t.layers.conv1d(r.input([2, 4, 3]), 2, 2, activity_regularizer=t.l2(0.1)))


@program("dense/scope_regularizer")
def _(t, r):
    x = r.input([2, 3])
    with t.variable_scope("s", regularizer=t.l2(0.3)):
        r.out("y1", t.layers.dense(x, 4))
        r.out("y2", t.layers.dense(x, 4, kernel_regularizer=t.l2(1.0)))


@program("dense/layer_object_regularizer_called_twice")
def _(t, r):
    x = r.input([2, 3])
    layer = t.layers.Dense(4, kernel_regularizer=t.l2(0.1))
    r.out("y1", layer(x))
    r.out("y2", layer(x))
    r.note("n_losses", len(layer.losses))


@program("dense/constraints_accepted")
def _(t, r):
    x = r.input([2, 3])
    layer = t.layers.Dense(4, kernel_constraint=t.clip(-0.1, 0.1),
                           bias_constraint=t.clip(0.0, 1.0))
    r.out("y", layer(x))
    r.note("has_constraint", [layer.kernel_constraint is not None,
                              layer.bias_constraint is not None])


@program("dense/custom_activation")
def _(t, r):
    x = r.input([2, 3])
    r.out("y", t.layers.dense(x, 3, activation=lambda v: v * 2.0 - 1.0))


@program("dense/float16")
def _(t, r):
    x = r.input([2, 3], "float16")
    r.out("y", t.layers.dense(x, 4))


@program("dense/errors")
def _(t, r):
    r.error("rank1", lambda: t.layers.dense(r.input([3]), 4))
    r.error("int_input", lambda: t.layers.dense(r.input([2, 3], "int32"), 4))
    r.error("units0", lambda: t.layers.dense(r.input([2, 3]), 0))
    r.out("after", t.layers.dense(r.input([2, 3]), 2))


@program("dense/channel_mismatch_on_reuse")
def _(t, r):
    r.out("y", t.layers.dense(r.input([2, 3]), 4, name="fc"))
    r.error("reuse_other_width", lambda: t.layers.dense(r.input([2, 5]), 4, name="fc",
                                                        reuse=True))
    r.error("reuse_other_units", lambda: t.layers.dense(r.input([2, 3]), 6, name="fc",
                                                        reuse=True))
    layer = t.layers.Dense(2)
    r.out("z", layer(r.input([2, 3])))
    r.error("object_other_width", lambda: layer(r.input([2, 7])))
    r.error("object_other_rank", lambda: layer(r.input([7])))


@program("dropout/inference_and_names")
def _(t, r):
    x = r.input([4, 5])
    r.out("default", t.layers.dropout(x))
    r.out("rate", t.layers.dropout(x, rate=0.3, training=False))
    r.shape("train", t.layers.dropout(x, rate=0.3, training=True))
    r.shape("noise", t.layers.dropout(x, rate=0.5, noise_shape=[4, 1], training=True))
    r.out("named", t.layers.dropout(x, name="drop"))
    layer = t.layers.Dropout(0.2, name="drop")
    r.out("obj", layer(x))
    r.out("obj_flag_false", layer(x, training=r.flag(False)))
    r.shape("obj_flag_true", layer(x, training=r.flag(True)))
    r.out("dense_after", t.layers.dense(x, 2))


@program("dropout/errors")
def _(t, r):
    x = r.input([4, 5])
    r.error("rate_too_big", lambda: t.layers.dropout(x, rate=1.5))
    r.error("rate_negative", lambda: t.layers.Dropout(rate=-0.1))
    r.out("after", t.layers.dropout(x))


@program("flatten/shapes")
def _(t, r):
    r.out("r4", t.layers.flatten(r.input([2, 3, 4, 2])))
    r.out("r2", t.layers.flatten(r.input([2, 3])))
    r.out("r3_first", t.layers.flatten(r.input([2, 3, 4]), data_format="channels_first"))
    r.out("r4_first", t.layers.flatten(r.input([2, 3, 2, 2]), data_format="channels_first"))
    r.out("r1", t.layers.flatten(r.input([5])))
    layer = t.layers.Flatten()
    r.out("obj", layer(r.input([2, 2, 2])))
    r.error("bad_format", lambda: t.layers.flatten(r.input([2, 3]), data_format="nchw"))


# ----------------------------------------------------------------------------------
# User subclasses of Layer (base.py: add_weight, build, call)
# ----------------------------------------------------------------------------------
def _scale_layer(t):
    class ScaleShift(t.layers.Layer):

        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def build(self, input_shape):
            n = int(input_shape[-1])
            self.w = self.add_weight("w", [n], initializer=t.ones())
            self.c = self.add_weight("c", [n], initializer=t.constant(0.5),
                                     trainable=False)
            self.k = self.add_weight("k", [n, 2])
            super().build(input_shape)

        def call(self, inputs):
            return (inputs * self.w + self.c, inputs @ self.k)

    return ScaleShift


@program("subclass/build_call_add_weight")
def _(t, r):
    ScaleShift = _scale_layer(t)
    x = r.input([2, 3])
    layer = ScaleShift()
    a, b = layer(x)
    r.out("a", a)
    r.out("b", b)
    a2, _ = layer(x)
    r.out("a2", a2)
    r.note("name", layer.name)
    r.note("scope", layer.scope_name)
    r.names("variables", layer.variables)
    r.names("trainable", layer.trainable_variables)
    r.names("non_trainable", layer.non_trainable_variables)
    r.names("weights", layer.weights)
    with t.variable_scope("in"):
        r.out("c", ScaleShift(name="named")(x)[0])


@program("subclass/trainable_false_layer")
def _(t, r):
    ScaleShift = _scale_layer(t)
    layer = ScaleShift(trainable=False)
    r.out("a", layer(r.input([2, 3]))[0])
    r.names("trainable", layer.trainable_variables)
    r.names("non_trainable", layer.non_trainable_variables)


@program("subclass/add_weight_in_call_and_regularizer")
def _(t, r):
    class Lazy(t.layers.Layer):

        def call(self, inputs):
            w = self.add_weight("w", [int(inputs.shape[-1])], initializer=t.constant(2.0),
                                regularizer=t.l2(0.5))
            return inputs * w

    layer = Lazy(name="lazy")
    x = r.input([2, 3])
    r.error("y1", lambda: layer(x))
    r.note("built", layer.built)


@program("subclass/nested_layers")
def _(t, r):
    class Block(t.layers.Layer):

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.fc1 = t.layers.Dense(4, activation=t.relu)
            self.fc2 = t.layers.Dense(2)

        def call(self, inputs):
            return self.fc2(self.fc1(inputs))

    x = r.input([2, 3])
    block = Block()
    r.out("y1", block(x))
    r.out("y2", block(x))
    r.note("scope", block.scope_name)
    r.note("inner", [block.fc1.scope_name, block.fc2.scope_name])
    r.out("y3", Block(name="block")(x))


@program("subclass/call_with_training_and_scope_args")
def _(t, r):
    class Noisy(t.layers.Layer):

        def build(self, input_shape):
            self.b = self.add_weight("b", [int(input_shape[-1])], initializer=t.constant(1.5))

        def call(self, inputs, training=False):
            return inputs + self.b if training is False else inputs - self.b

    x = r.input([2, 3])
    layer = Noisy()
    r.out("default", layer(x))
    r.out("train", layer(x, training=True))
    r.note("scope", layer.scope_name)


@program("subclass/two_inputs")
def _(t, r):
    class Bilinear(t.layers.Layer):

        def build(self, input_shape):
            a, b = input_shape
            self.w = self.add_weight("w", [int(a[-1]), int(b[-1])])

        def call(self, inputs):
            a, b = inputs
            return (a @ self.w) * b

    layer = Bilinear()
    x, y = r.input([2, 3]), r.input([2, 4])
    r.out("y", layer([x, y]))
    r.out("y2", layer([x, y]))
    r.names("variables", layer.variables)


@program("subclass/functional_apply_alias")
def _(t, r):
    layer = t.layers.Dense(3)
    x = r.input([2, 3])
    r.out("y", layer.apply(x))
    r.out("y2", layer(x))


# ----------------------------------------------------------------------------------
# Batch normalization (normalization.py + keras BatchNormalizationBase, V1 behaviour)
# ----------------------------------------------------------------------------------
@program("bn/dense_input_train_and_infer")
def _(t, r):
    x = r.input([6, 4])
    r.out("train", t.layers.batch_normalization(x, training=True))
    r.out("infer", t.layers.batch_normalization(x, training=False))
    r.out("default", t.layers.batch_normalization(x))


@program("bn/conv_input_fused_default")
def _(t, r):
    x = r.input([3, 4, 4, 2])
    r.out("train", t.layers.batch_normalization(x, training=True, momentum=0.9))
    r.out("infer", t.layers.batch_normalization(x, training=False))


@program("bn/conv_input_unfused")
def _(t, r):
    x = r.input([3, 4, 4, 2])
    r.out("train", t.layers.batch_normalization(x, training=True, fused=False))
    r.out("infer", t.layers.batch_normalization(x, fused=False))


@program("bn/channels_first_axis1")
def _(t, r):
    x = r.input([3, 2, 4, 4])
    r.out("fused", t.layers.batch_normalization(x, axis=1, training=True))
    r.out("unfused", t.layers.batch_normalization(x, axis=1, training=True, fused=False))
    r.out("rank3", t.layers.batch_normalization(r.input([3, 2, 5]), axis=1, training=True))


@program("bn/rank5")
def _(t, r):
    x = r.input([2, 3, 3, 2, 2])
    r.out("last", t.layers.batch_normalization(x, training=True))
    r.out("first", t.layers.batch_normalization(x, axis=1, training=True))
    r.out("mid", t.layers.batch_normalization(x, axis=2, training=True))


@program("bn/multi_axis")
def _(t, r):
    x = r.input([3, 4, 2])
    r.out("axes12", t.layers.batch_normalization(x, axis=[1, 2], training=True))
    r.out("axes12_infer", t.layers.batch_normalization(x, axis=[1, 2]))


@program("bn/options")
def _(t, r):
    x = r.input([5, 3])
    r.out("nocenter", t.layers.batch_normalization(x, center=False, training=True))
    r.out("noscale", t.layers.batch_normalization(x, scale=False, training=True))
    r.out("neither", t.layers.batch_normalization(x, center=False, scale=False,
                                                  training=True))
    r.out("eps", t.layers.batch_normalization(x, epsilon=0.5, momentum=0.5, training=True))
    r.out("inits", t.layers.batch_normalization(
        x, beta_initializer=t.constant(0.1), gamma_initializer=t.constant(2.0),
        moving_mean_initializer=t.constant(0.3), moving_variance_initializer=t.constant(1.5),
        training=False))


@program("bn/small_epsilon_fused_and_not")
def _(t, r):
    x = r.input([3, 2, 2, 2])
    r.out("fused", t.layers.batch_normalization(x * 0.001, epsilon=1e-7, training=True))
    r.out("unfused", t.layers.batch_normalization(x * 0.001, epsilon=1e-7, training=True,
                                                  fused=False))
    r.out("fused_infer", t.layers.batch_normalization(x * 0.001, epsilon=1e-7))


@program("bn/training_flag")
def _(t, r):
    x = r.input([4, 3])
    r.out("flag_true", t.layers.batch_normalization(x, training=r.flag(True), name="a"))
    r.out("flag_false", t.layers.batch_normalization(x, training=r.flag(False), name="b"))
    x4 = r.input([2, 3, 3, 2])
    r.out("fused_true", t.layers.batch_normalization(x4, training=r.flag(True), name="c"))
    r.out("fused_false", t.layers.batch_normalization(x4, training=r.flag(False), name="d"))


@program("bn/trainable_false_and_regularizers")
def _(t, r):
    x = r.input([4, 3])
    r.out("frozen", t.layers.batch_normalization(x, trainable=False, training=True))
    r.out("reg", t.layers.batch_normalization(x, beta_regularizer=t.l2(0.1),
                                              gamma_regularizer=t.l2(0.2),
                                              beta_initializer=t.constant(0.5)))


@program("bn/shared_by_name_reuse")
def _(t, r):
    r.racy()
    x = r.input([4, 3])
    r.out("a", t.layers.batch_normalization(x, training=True, name="bn"))
    r.out("b", t.layers.batch_normalization(x * 2.0, training=True, name="bn", reuse=True))


@program("bn/object_called_twice_infer")
def _(t, r):
    layer = t.layers.BatchNormalization(momentum=0.8)
    x = r.input([4, 3])
    r.out("a", layer(x))
    r.out("b", layer(x, training=False))
    r.names("variables", layer.variables)
    r.names("trainable", layer.trainable_variables)
    r.note("updates", len(layer.updates))


@program("bn/object_train_then_infer")
def _(t, r):
    layer = t.layers.BatchNormalization(momentum=0.8)
    x = r.input([4, 3])
    r.out("a", layer(x, training=True))
    r.out("b", layer(x * 3.0, training=False))


@program("bn/renorm")
def _(t, r):
    x = r.input([6, 3])
    r.out("renorm", t.layers.batch_normalization(x, renorm=True, training=True))
    r.out("clip", t.layers.batch_normalization(
        x * 3.0 + 1.0, renorm=True, training=True, renorm_momentum=0.9,
        renorm_clipping={"rmax": 1.5, "rmin": 0.5, "dmax": 0.2}))
    r.out("infer", t.layers.batch_normalization(x, renorm=True, training=False))


@program("bn/float16_inputs")
def _(t, r):
    r.out("fused", t.layers.batch_normalization(r.input([2, 3, 3, 2], "float16"),
                                                training=True))
    r.out("unfused", t.layers.batch_normalization(r.input([4, 3], "float16"), training=True))


@program("bn/errors")
def _(t, r):
    x = r.input([4, 3])
    r.error("bad_axis", lambda: t.layers.batch_normalization(x, axis=3))
    r.error("axis_type", lambda: t.layers.batch_normalization(x, axis="x"))
    r.error("fused_rank2", lambda: t.layers.batch_normalization(x, fused=True))
    r.error("fused_renorm", lambda: t.layers.batch_normalization(
        r.input([2, 2, 2, 2]), fused=True, renorm=True))
    r.error("renorm_keys", lambda: t.layers.batch_normalization(
        x, renorm=True, renorm_clipping={"rmax": 2.0, "bad": 1.0}))
    r.error("fused_axis2", lambda: t.layers.batch_normalization(
        r.input([2, 2, 2, 2]), axis=2, fused=True))
    layer = t.layers.BatchNormalization()
    r.out("ok", layer(x))
    r.error("other_width", lambda: layer(r.input([4, 5])))
    r.error("other_rank", lambda: layer(r.input([4, 2, 3])))
    r.error("reuse_other_width", lambda: t.layers.batch_normalization(
        r.input([4, 5]), name="batch_normalization", reuse=True))


# ----------------------------------------------------------------------------------
# Convolutions and pooling: the padding x stride x dilation grid, both data formats
# ----------------------------------------------------------------------------------
def _spatial(rank, n):
    return [n] * rank


CONV_KINDS = {
    # name: (rank, function, has_dilation, spatial input size)
    "conv1d": (1, "conv1d", True, 9),
    "conv2d": (2, "conv2d", True, 7),
    "conv3d": (3, "conv3d", True, 5),
    "conv2d_transpose": (2, "conv2d_transpose", False, 4),
    "conv3d_transpose": (3, "conv3d_transpose", False, 3),
    "separable_conv1d": (1, "separable_conv1d", True, 9),
    "separable_conv2d": (2, "separable_conv2d", True, 7),
}


def _conv_grid_program(kind, padding, data_format):
    rank, fn_name, has_dilation, size = CONV_KINDS[kind]

    def prog(t, r):
        fn = getattr(t.layers, fn_name)
        cin = 3
        if data_format == "channels_last":
            x = r.input([2] + _spatial(rank, size) + [cin])
        else:
            x = r.input([2, cin] + _spatial(rank, size))
        # odd and even kernels; stride 1, stride 2, dilation 2 (not with stride 2)
        combos = [(1, 1), (2, 1)] + ([(1, 2)] if has_dilation else [(3, 1)])
        for k, (s, d) in itertools.product((3, 2), combos):
            kw = dict(padding=padding, data_format=data_format, strides=s)
            if has_dilation:
                kw["dilation_rate"] = d
            if kind.startswith("separable"):
                kw["depth_multiplier"] = 2 if k == 2 else 1
            r.out("k%d_s%d_d%d" % (k, s, d), fn(x, 2, k, **kw))
        # a non-square kernel / stride with its own name
        if rank > 1:
            ks = tuple([3] + [2] * (rank - 1))
            st = tuple([1] + [2] * (rank - 1))
            r.out("mixed", fn(x, 2, ks, strides=st, padding=padding, data_format=data_format,
                              name="mixed"))
    return prog


for _kind in CONV_KINDS:
    for _pad in ("valid", "same"):
        for _df in ("channels_last", "channels_first"):
            program("conv/%s/%s/%s" % (_kind, _pad, _df))(_conv_grid_program(_kind, _pad, _df))


POOL_KINDS = {
    "max_pooling1d": (1, 9), "average_pooling1d": (1, 9),
    "max_pooling2d": (2, 7), "average_pooling2d": (2, 6),
    "max_pooling3d": (3, 5), "average_pooling3d": (3, 4),
}


def _pool_grid_program(kind, padding, data_format):
    rank, size = POOL_KINDS[kind]

    def prog(t, r):
        fn = getattr(t.layers, kind)
        if data_format == "channels_last":
            x = r.input([2] + _spatial(rank, size) + [3])
        else:
            x = r.input([2, 3] + _spatial(rank, size))
        for p, s in itertools.product((2, 3), (1, 2, 3)):
            r.out("p%d_s%d" % (p, s), fn(x, p, s, padding=padding, data_format=data_format))
        if rank > 1:
            ps = tuple([3] + [2] * (rank - 1))
            st = tuple([1] + [2] * (rank - 1))
            r.out("mixed", fn(x, ps, st, padding=padding, data_format=data_format))
    return prog


for _kind in POOL_KINDS:
    for _pad in ("valid", "same"):
        for _df in ("channels_last", "channels_first"):
            program("pool/%s/%s/%s" % (_kind, _pad, _df))(_pool_grid_program(_kind, _pad, _df))


@program("conv/options")
def _(t, r):
    x = r.input([2, 5, 5, 3])
    r.out("relu_nobias", t.layers.conv2d(x, 4, 3, activation=t.relu, use_bias=False))
    r.out("inits", t.layers.conv2d(x, 2, 2, kernel_initializer=t.constant(0.1),
                                   bias_initializer=t.constant(0.2)))
    r.out("reg", t.layers.conv2d(x, 2, 1, kernel_regularizer=t.l2(0.01),
                                 bias_regularizer=t.l2(1.0), bias_initializer=t.ones()))
    r.out("frozen", t.layers.conv2d(x, 2, 1, trainable=False))
    r.out("sep_reg", t.layers.separable_conv2d(
        x, 2, 2, depthwise_regularizer=t.l2(0.1), pointwise_regularizer=t.l2(0.2),
        depth_multiplier=3))
    r.out("sep_nobias", t.layers.separable_conv1d(r.input([2, 6, 3]), 2, 3, use_bias=False))
    r.out("tr_nobias", t.layers.conv2d_transpose(x, 2, 3, strides=2, use_bias=False,
                                                 activation=t.relu))
    r.out("str_padding", t.layers.conv2d(x, 2, 3, padding="SAME"))
    r.out("conv1d_causal", t.layers.conv1d(r.input([2, 6, 3]), 2, 3, padding="causal",
                                           dilation_rate=2))
    r.out("conv1d_causal_first", t.layers.conv1d(r.input([2, 3, 6]), 2, 2, padding="causal",
                                                 data_format="channels_first"))
    r.out("sep1d_causal", t.layers.separable_conv1d(r.input([2, 6, 3]), 2, 3,
                                                    padding="causal", depth_multiplier=2))


@program("conv/layer_objects_and_reuse")
def _(t, r):
    x = r.input([2, 5, 5, 3])
    layer = t.layers.Conv2D(2, 3, padding="same")
    r.out("a", layer(x))
    r.out("b", layer(x * 2.0))
    r.note("scope", layer.scope_name)
    r.names("variables", layer.variables)
    r.out("f1", t.layers.conv2d(x, 2, 3, name="c"))
    r.out("f2", t.layers.conv2d(x * 0.5, 2, 3, name="c", reuse=True))
    with t.variable_scope("v", reuse=t.AUTO_REUSE):
        for i in range(2):
            r.out("auto%d" % i, t.layers.conv2d_transpose(x, 2, 2, name="up"))
            r.out("sep%d" % i, t.layers.separable_conv2d(x, 2, 2, name="sep"))


@program("conv/transpose_strides_larger_than_kernel")
def _(t, r):
    for pad in ("valid", "same"):
        r.out("t2_" + pad, t.layers.conv2d_transpose(r.input([1, 3, 4, 2]), 2, 2, strides=3,
                                                     padding=pad))
        r.out("t3_" + pad, t.layers.conv3d_transpose(r.input([1, 2, 3, 2, 2]), 2, (1, 2, 3),
                                                     strides=(3, 2, 1), padding=pad))
        r.out("t2_first_" + pad, t.layers.conv2d_transpose(
            r.input([1, 2, 3, 4]), 1, (2, 3), strides=(3, 2), padding=pad,
            data_format="channels_first"))


@program("conv/extra_batch_dims")
def _(t, r):
    r.out("conv2d_r5", t.layers.conv2d(r.input([2, 2, 5, 5, 3]), 2, 3))
    r.out("conv1d_r4", t.layers.conv1d(r.input([2, 2, 6, 3]), 2, 3, padding="same"))


@program("conv/errors")
def _(t, r):
    x = r.input([2, 5, 5, 3])
    r.error("bad_padding", lambda: t.layers.conv2d(x, 2, 3, padding="full"))
    r.error("bad_format", lambda: t.layers.conv2d(x, 2, 3, data_format="NHWC"))
    r.error("causal_2d", lambda: t.layers.conv2d(x, 2, 3, padding="causal"))
    r.error("stride_and_dilation", lambda: t.layers.conv2d(x, 2, 3, strides=2,
                                                           dilation_rate=2))
    r.error("kernel_tuple_len", lambda: t.layers.conv2d(x, 2, (3, 3, 3)))
    r.error("kernel_zero", lambda: t.layers.conv2d(x, 2, 0))
    r.error("filters_zero", lambda: t.layers.conv2d(x, 0, 3))
    r.error("rank3_input", lambda: t.layers.conv2d(r.input([2, 5, 3]), 2, 3))
    r.error("too_small", lambda: t.layers.conv2d(r.input([2, 2, 2, 3]), 2, 3))
    r.error("transpose_rank5", lambda: t.layers.conv2d_transpose(r.input([1, 2, 5, 5, 3]),
                                                                 2, 3))
    r.error("sep_rank3", lambda: t.layers.separable_conv2d(r.input([2, 5, 3]), 2, 3))
    r.out("after", t.layers.conv2d(x, 2, 3))


@program("conv/channel_mismatch_on_reuse")
def _(t, r):
    r.out("y", t.layers.conv2d(r.input([2, 5, 5, 3]), 2, 3, name="c"))
    r.error("functional", lambda: t.layers.conv2d(r.input([2, 5, 5, 4]), 2, 3, name="c",
                                                  reuse=True))
    layer = t.layers.Conv1D(2, 3)
    r.out("z", layer(r.input([2, 6, 3])))
    r.error("object", lambda: layer(r.input([2, 6, 5])))
    tr = t.layers.Conv2DTranspose(2, 3)
    r.out("tr", tr(r.input([2, 3, 3, 3])))
    r.error("object_transpose", lambda: tr(r.input([2, 3, 3, 1])))
    sep = t.layers.SeparableConv2D(2, 3)
    r.out("sep", sep(r.input([2, 5, 5, 3])))
    r.error("object_sep", lambda: sep(r.input([2, 5, 5, 1])))


@program("pool/objects_and_errors")
def _(t, r):
    x = r.input([2, 6, 6, 3])
    layer = t.layers.MaxPooling2D(2, 2, name="mp")
    r.out("a", layer(x))
    r.out("b", layer(x * 2.0))
    r.out("avg", t.layers.AveragePooling1D(3, 1, padding="same")(r.input([2, 7, 3])))
    r.out("upper", t.layers.max_pooling2d(x, 3, 2, padding="SAME"))
    r.error("rank3", lambda: t.layers.max_pooling2d(r.input([2, 6, 3]), 2, 2))
    r.error("rank5", lambda: t.layers.average_pooling3d(r.input([2, 6, 3, 3]), 2, 2))
    r.error("bad_padding", lambda: t.layers.max_pooling2d(x, 2, 2, padding="causal2"))
    r.error("bad_format", lambda: t.layers.average_pooling2d(x, 2, 2,
                                                             data_format="channels_middle"))
    r.error("pool_tuple", lambda: t.layers.max_pooling2d(x, (2, 2, 2), 2))
    r.error("pool_zero", lambda: t.layers.max_pooling1d(r.input([2, 6, 3]), 0, 1))
    r.out("names", t.layers.max_pooling2d(x, 2, 2))


@program("cnn/small_model")
def _(t, r):
    x = r.input([2, 8, 8, 3])
    is_training = r.flag(True)
    with t.variable_scope("model"):
        h = t.layers.conv2d(x, 4, 3, padding="same", activation=t.relu)
        h = t.layers.batch_normalization(h, training=is_training)
        h = t.layers.max_pooling2d(h, 2, 2)
        h = t.layers.conv2d(h, 4, 3, padding="same", use_bias=False)
        h = t.layers.batch_normalization(h, training=is_training, fused=False)
        h = t.layers.average_pooling2d(h, 2, 2, padding="same")
        h = t.layers.flatten(h)
        h = t.layers.dropout(h, rate=0.5, training=False)
        r.out("logits", t.layers.dense(h, 3))
    with t.variable_scope("model", reuse=True):
        h = t.layers.conv2d(x, 4, 3, padding="same", activation=t.relu)
        r.out("eval_first", t.layers.batch_normalization(h, training=False))
