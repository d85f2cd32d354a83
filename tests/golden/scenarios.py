"""The TF1 conformance scenarios (TF's own ``variable_scope`` tests and the classic TF1
walkthrough, docs/walkthrough.md), written against a backend adapter ``t`` and a
:class:`harness.Recorder` ``r``.

Every value the original asserted is recorded instead (``r.eq`` / ``r.var`` /
``r.err`` / ``r.names``); golden.json holds what real TensorFlow recorded and
tests/core/test_golden.py checks varscope_jax records the same.

Parts that cannot mean anything in JAX are split off into their own scenario
(id suffix) marked ``jax=False`` with a ``why``; their TF observations are
still stored in golden.json.  Operations TF used only for their names
(``tf.identity``, ``a + b``, ``tf.matmul(x, w) + 1.0``) are replaced by
``t.c(name)``, which creates a graph name the same way.

Imports neither TensorFlow nor varscope_jax.
"""
import threading

import numpy as np

from harness import scenario, first_line

VS_PY = "tensorflow/python/ops/variable_scope.py"
NS_PY = "tensorflow/python/framework/ops.py (Graph.name_scope, Graph.unique_name)"
TPL = "tensorflow/python/ops/template.py; tests: tensorflow/python/kernel_tests/template_test.py"

WHY_STRING = "tf.string variables: JAX arrays have no string dtype"
WHY_REF = "float32_ref: JAX has no reference dtypes (ref variables are a TF graph artifact)"
WHY_PART = "JAX has no PartitionedVariable: one array is sharded instead (partitioner= raises NotImplementedError)"
WHY_PLACEHOLDER = "placeholders / validate_shape=False with unknown shapes: JAX arrays always have static shapes"
WHY_RESOURCE = "isinstance(..., ResourceVariable): JAX has one kind of variable"
WHY_STORE = "private tf variable_scope._get_default_variable_store(); not part of the public TF1 API varscope_jax reproduces"
WHY_REPR = "message tail is the repr of TF Variable objects (dtype float32_ref), backend-specific"
WHY_OPS = "names of real TF ops (reduce_mean/add) built by the regularizer; JAX regularizers build no graph ops"


def in_scope(t, scope, fn, **kw):
    with t.vs(scope, **kw):
        return fn()


# ======================= A. name_scope / unique_name =======================
@scenario("A01_name_scope_uniquify", "Graph.name_scope docstring (" + NS_PY + ")")
def A01(t, r):
    ns, c = t.ns, t.c
    with ns("s1") as a:
        r.eq("ns s1", a)
    with ns("s1") as b:
        r.eq("ns s1 again", b)
    with ns("s1") as b:
        r.eq("ns s1 third", b)
    r.eq("c", c("c"))
    r.eq("c again", c("c"))


@scenario("A02_nested_reenter_and_reset", "Graph.name_scope docstring (" + NS_PY + ")")
def A02(t, r):
    ns, c = t.ns, t.c
    with ns("nested") as scope:
        r.eq("scope", scope)
        r.eq("c", c("c"))
        with ns("inner"):
            r.eq("inner c", c("c"))
        with ns("inner"):
            r.eq("inner_1 c", c("c"))
            with ns(scope):
                r.eq("abs d", c("d"))
                with ns(""):
                    r.eq("'' e", c("e"))
                with ns(None) as rr:
                    r.eq("None scope", rr)
                    r.eq("None f", c("f"))


@scenario("A03_unique_name_explicit_suffix_collision", "Graph.unique_name (" + NS_PY + ")")
def A03(t, r):
    r.eq("names", [t.c("w"), t.c("w_1"), t.c("w"), t.c("w_1"), t.c("w")])


@scenario("A04_unique_name_case_insensitive", "Graph.unique_name, lower-cased (" + NS_PY + ")")
def A04(t, r):
    r.eq("names", [t.c("foo"), t.c("Foo"), t.c("FOO")])


@scenario("A05_ops_and_scopes_share_namespace", "Graph.unique_name shared by ops and name scopes")
def A05(t, r):
    ns, c = t.ns, t.c
    r.eq("c w", c("w"))
    with ns("w") as s:
        r.eq("ns w", s)
    with ns("x") as s:
        r.eq("ns x", s)
    r.eq("c x", c("x"))


@scenario("A06_absolute_scope_does_not_reserve", "Graph.name_scope: trailing '/' does not mark used")
def A06(t, r):
    ns, c = t.ns, t.c
    with ns("abs/") as s:
        r.eq("ns abs/", s)
        r.eq("c", c("c"))
    with ns("abs") as s:
        r.eq("ns abs", s)


@scenario("A07_name_validation", "_VALID_OP_NAME_REGEX (root) vs _VALID_SCOPE_NAME_REGEX (nested)")
def A07(t, r):
    ns = t.ns
    with ns("a"):
        with ns("_x") as s:
            r.eq("nested _x", s)
    r.err("root _x", lambda: ns("_x").__enter__())
    r.err("root 'a b'", lambda: ns("a b").__enter__())
    r.err("root a:0", lambda: ns("a:0").__enter__())


@scenario("A08_v1_name_scope_default_name", "name_scope_v1.__enter__ / ops.name_scope")
def A08(t, r):
    ns = t.ns
    with ns(None, "d") as a:
        r.eq("d", a)
    with ns(None, "d") as a:
        r.eq("d again", a)
    r.err("no name no default", lambda: ns(None, None, values=[]).__enter__())


@scenario("A09_tf_variable_names_in_name_scopes",
          "ref_variable.py / resource_variable_ops.py: ops.name_scope(name, 'Variable')")
def A09(t, r):
    ns, V = t.ns, t.V
    with ns("a"):
        with ns("b"):
            r.var("v", V(1., name="v"), value=True)
            r.var("v again", V(1., name="v"), value=True)
            r.var("unnamed", V(1.), value=True)
            r.var("unnamed again", V(1.), value=True)
    r.var("abs/", V(1., name="abs/"), value=True)
    r.err("abs/ again", lambda: V(1., name="abs/"))


@scenario("A10_tf_variable_inside_variable_scope", "tf.Variable follows name_scope, not variable_scope")
def A10(t, r):
    vs, gv, V = t.vs, t.gv, t.V
    with vs("s"):
        r.var("V v", V(1., name="v"), value=True)
    with vs("s"):
        r.var("V v in s_1", V(1., name="v"), value=True)
        r.var("gv w", gv("w", []))


# ======================= B. variable_scope naming =======================
@scenario("B01_var_scope_names", "testVarScope")
def B01(t, r):
    vs, ns = t.vs, t.ns
    with vs("tower4") as tower:
        r.eq("tower.name", tower.name)
        with ns("scope") as sc:
            r.eq("ns", sc)
    with vs("tower5"):
        with vs("bar") as bar:
            r.eq("bar.name", bar.name)
            with ns("scope") as sc:
                r.eq("ns", sc)
    with vs("tower6"):
        with vs(tower, reuse=True) as shared:
            r.eq("shared.name", shared.name)
            with ns("scope") as sc:
                r.eq("ns", sc)


@scenario("B02_get_variable_ignores_name_scope", "VariableScope.get_variable wraps creation in ops.name_scope(None)")
def B02(t, r):
    vs, ns, gv, c = t.vs, t.ns, t.gv, t.c
    with ns("ns"):
        r.var("w", gv("w", []))
        r.eq("c", c("c"))
        with vs("vs"):
            r.var("vs/w", gv("w", []))
            r.eq("c", c("c"))


@scenario("B03_same_string_twice", "testVarOpScope / testVarScopeNameScope (string re-entry)")
def B03(t, r):
    vs, gv, c = t.vs, t.gv, t.c
    with vs("s") as a:
        r.eq("a", [a.name, a.original_name_scope])
        r.var("w", gv("w", []))
        r.eq("c", c("c"))
    with vs("s") as b:
        r.eq("b", [b.name, b.original_name_scope])
        r.eq("c", c("c"))
        r.err("w again", lambda: gv("w", []))
        r.var("u", gv("u", []))


@scenario("B04_var_scope_name_scope", "testVarScopeNameScope")
def B04(t, r):
    vs, ns = t.vs, t.ns
    with ns("testVarScopeNameScope1"):
        with vs("tower") as tower:
            with ns("scope2") as sc2:
                r.eq("1 tower", sc2)
        with vs(tower):
            with ns("scope2") as sc2:
                r.eq("1 tower obj", sc2)
        with vs("tower"):
            with ns("scope2") as sc2:
                r.eq("1 tower str", sc2)
    with ns("testVarScopeNameScope2"):
        with vs("tower"):
            with ns("scope2") as sc2:
                r.eq("2 tower str", sc2)
        with vs(tower):
            with ns("scope2") as sc2:
                r.eq("2 tower obj", sc2)
    root = t.get_variable_scope()
    with ns("testVarScopeNameScope3"):
        with vs(root):
            with ns("scope2") as sc2:
                r.eq("3 root", sc2)


@scenario("B05_original_name_scope", "testVarScopeOriginalNameScope")
def B05(t, r):
    vs, ns = t.vs, t.ns
    with ns("scope1"):
        with vs("tower") as tower:
            r.eq("tower.original_name_scope", tower.original_name_scope)
            with ns("scope2") as sc2:
                r.eq("scope2", sc2)
    with ns("scope2"):
        with vs(tower) as tower1:
            r.eq("tower1.original_name_scope", tower1.original_name_scope)
            with ns("foo") as sc:
                r.eq("foo", sc)
        with ns(tower.original_name_scope):
            with ns("bar") as sc3:
                r.eq("bar", sc3)
    with ns("scope2"):
        with vs(tower):
            with ns(tower.original_name_scope):
                with ns("bar") as sc3:
                    r.eq("bar again", sc3)


@scenario("B06_outer_scope_reentry", "testVarScopeOuterScope")
def B06(t, r):
    vs, ns, gv = t.vs, t.ns, t.gv
    with vs("outer") as outer:
        pass
    with vs(outer):
        r.var("w", gv("w", []))
        with ns("scope2") as sc2:
            r.eq("ns", sc2)
        with vs("default"):
            r.var("default w", gv("w", []))
            with ns("scope2") as sc2:
                r.eq("ns", sc2)
    with vs(outer, reuse=True):
        r.var("w reuse", gv("w", []))
        with ns("scope2") as sc2:
            r.eq("ns", sc2)
        with vs("default", reuse=True):
            r.var("default w reuse", gv("w", []))
            with ns("scope2") as sc2:
                r.eq("ns", sc2)


@scenario("B07_nested_outer_scope", "testVarScopeNestedOuterScope")
def B07(t, r):
    vs, ns, gv = t.vs, t.ns, t.gv
    with vs("outer") as outer:
        with vs(outer):
            r.var("w", gv("w", []))
            with ns("scope2") as sc2:
                r.eq("ns", sc2)
        with vs("default"):
            r.var("default w", gv("w", []))
            with ns("scope2") as sc2:
                r.eq("ns", sc2)
        with vs(outer, reuse=True):
            r.var("w reuse", gv("w", []))
            with ns("scope2") as sc2:
                r.eq("ns", sc2)
        with vs("default", reuse=True):
            r.var("default w reuse", gv("w", []))
            with ns("scope2") as sc2:
                r.eq("ns", sc2)


@scenario("B08_default_name_basic", "testVarOpScope")
def B08(t, r):
    vs, ns, gv = t.vs, t.ns, t.gv
    with ns("testVarOpScope1"):
        with vs("tower", "default", []):
            r.var("w", gv("w", []))
            with ns("testVarOpScope2") as sc2:
                r.eq("ns", sc2)
        with vs("tower", "default", []):
            r.err("w again", lambda: gv("w", []))
            with ns("testVarOpScope2") as sc2:
                r.eq("ns", sc2)
    with ns("testVarOpScope2"):
        with vs(None, "default", []):
            r.var("default w", gv("w", []))
            with ns("testVarOpScope2") as sc2:
                r.eq("ns", sc2)
        with vs(None, "default", []):
            r.var("default_1 w", gv("w", []))
            with ns("testVarOpScope2") as sc2:
                r.eq("ns", sc2)


@scenario("B09_default_name_substrings", "testVarOpScopeUniqueNamesInterleavedSubstringScopes")
def B09(t, r):
    vs, gv = t.vs, t.gv

    def layer_w():
        with vs(None, "layer"):
            return gv("w", []).name
    r.eq("1", in_scope(t, None, layer_w, default_name="defaultScope1"))
    r.eq("2", in_scope(t, None, layer_w, default_name="defaultScope1"))
    r.eq("3", in_scope(t, None, layer_w, default_name="defaultScope"))
    r.eq("4", in_scope(t, None, layer_w, default_name="defaultScope1"))


@scenario("B10_default_name_numbering_survives_jump", "testVarOpScopeUniqueNamesWithJump")
def B10(t, r):
    vs, gv = t.vs, t.gv
    with vs("default") as default:
        with vs(None, "layer"):
            r.var("layer w", gv("w", []))
        with vs(None, "layer"):
            r.var("layer_1 w", gv("w", []))
        with vs(default):
            pass
        with vs(None, "layer"):
            r.var("layer_2 w", gv("w", []))


@scenario("B11_default_name_counts_explicit_string_scopes",
          "_get_unique_variable_scope + _VariableScopeStore.open_variable_scope")
def B11(t, r):
    vs = t.vs
    with vs(None, "default") as d:
        r.eq("1", d.name)
    with vs(None, "default") as d:
        r.eq("2", d.name)
    with vs("default_2"):
        pass
    with vs(None, "default") as d:
        r.eq("3", d.name)
    with vs("named", "default") as d:
        r.eq("named", d.name)


@scenario("B12_default_name_counts_reset_when_parent_closes", "_VariableScopeStore.close_variable_subscopes")
def B12(t, r):
    vs = t.vs
    got = []
    for _ in range(2):
        with vs("outer"):
            with vs(None, "layer") as l:
                got.append(l.name)
    r.eq("names", got)


@scenario("B13_default_name_var_scope_vs_name_scope_differ", "variable_scope._enter_scope_uncached (default_name)")
def B13(t, r):
    vs, ns = t.vs, t.ns
    with ns("layer"):
        pass
    with vs(None, "layer") as l:
        r.eq("name", l.name)
        r.eq("original_name_scope", l.original_name_scope)


@scenario("B14_nested_names_and_jump", "testVarScopeGetVar (naming part)")
def B14(t, r):
    vs, gv = t.vs, t.gv
    with vs("root"):
        with vs("towerA") as tower_a:
            r.var("va", gv("v", [1]))
        with vs("towerB"):
            r.var("towerB v", gv("v", [1]))
        with vs("foo"):
            with vs("bar"):
                r.var("foo/bar v", gv("v", [1]))
                with vs(tower_a, reuse=True):
                    r.var("jump v", gv("v", [1]))


@scenario("B15_aux_name_scope_false", "testBasicWhenAuxiliaryNameScopeIsFalse")
def B15(t, r):
    vs, ns, gv, c = t.vs, t.ns, t.gv, t.c
    with vs("scope", auxiliary_name_scope=False) as scope:
        r.eq("ons", scope.original_name_scope)
        r.var("w", gv("w", []))
        r.eq("c", c("c"))
    with vs(scope, auxiliary_name_scope=False):
        r.eq("ons", scope.original_name_scope)
        r.var("w1", gv("w1", []))
        r.eq("c1", c("c1"))
    with ns("scope"):
        r.eq("c", c("c"))
    with vs("outer"):
        with vs("inner", auxiliary_name_scope=False) as inner:
            r.eq("inner ons", inner.original_name_scope)
            r.var("w", gv("w", []))
            r.eq("c", c("c"))
        with vs(inner, auxiliary_name_scope=False) as inner1:
            r.eq("inner1 ons", inner1.original_name_scope)
            r.var("w1", gv("w1", []))
            r.eq("c1", c("c1"))
        with ns("inner"):
            r.eq("c", c("c"))


@scenario("B16_aux_false_with_default_name", "testCreatedByDefaultNameWhenAuxiliaryNameScopeIsFalse")
def B16(t, r):
    vs, ns, gv, c = t.vs, t.ns, t.gv, t.c
    with vs(None, default_name="default", auxiliary_name_scope=False) as scope:
        r.eq("ons", scope.original_name_scope)
        r.var("w", gv("w", []))
        r.eq("c", c("c"))
    with ns("default"):
        r.eq("c", c("c"))
    with vs("outer"):
        with vs(None, default_name="default", auxiliary_name_scope=False) as inner:
            r.eq("inner ons", inner.original_name_scope)
            r.var("w", gv("w", []))
            r.eq("c", c("c"))


@scenario("B17_reenter_root_aux_false", "testReenterRootScopeWhenAuxiliaryNameScopeIsFalse")
def B17(t, r):
    vs, gv, c = t.vs, t.gv, t.c
    root = t.get_variable_scope()
    with vs(root, auxiliary_name_scope=False) as scope:
        r.eq("ons", scope.original_name_scope)
        r.var("w", gv("w", []))
        r.eq("c", c("c"))
    with vs("outer"):
        with vs(root, auxiliary_name_scope=False) as inner:
            r.eq("inner ons", inner.original_name_scope)
            r.var("w1", gv("w1", []))
            r.eq("c1", c("c1"))


@scenario("B18_reuse_scope_without_name_scope_collision", "testReuseScopeWithoutNameScopeCollision (GitHub #13429)")
def B18(t, r):
    vs, ns, gv, c = t.vs, t.ns, t.gv, t.c
    with vs("outer"):
        with vs("inner") as inner:
            pass
    with vs(inner, auxiliary_name_scope=False) as scope:
        with ns(scope.original_name_scope):
            r.var("w", gv("w", []))
            r.eq("c", c("c"))
        with ns("inner"):
            r.eq("c", c("c"))
    with vs("another"):
        with vs(inner, auxiliary_name_scope=False) as scope1:
            with ns(scope1.original_name_scope):
                r.var("w1", gv("w1", []))
                r.eq("c1", c("c1"))
            with ns("inner"):
                r.eq("c", c("c"))


@scenario("B19_constructor_errors_and_nesting",
          "testAuxiliaryNameScopeIsInvalid; testVarScopeNestingError; variable_scope.__init__ checks")
def B19(t, r):
    vs = t.vs
    r.err("aux invalid", lambda: vs("scope", auxiliary_name_scope="invalid"))
    r.err("vs(None)", lambda: vs(None))
    r.err("vs(3)", lambda: vs(3).__enter__())
    with vs("aa"):
        scope = vs("bb")
        scope.__enter__()
        with vs("cc"):
            r.err("improper exit", lambda: scope.__exit__(None, None, None))
        scope.__exit__(None, None, None)
        r.eq("after", t.get_variable_scope().name)


@scenario("B20_invalid_scope_names", "testTwoGraphs (regex \"'_' is not a valid (?:root )?scope name\")")
def B20(t, r):
    vs, gv = t.vs, t.gv
    r.err("_", lambda: vs("_").__enter__())
    r.err("a b", lambda: vs("a b").__enter__())
    with vs("ok"):
        with vs("_inner") as s:
            r.eq("ons", s.original_name_scope)
            r.var("w", gv("w", []))


@scenario("B21_trailing_slash_and_empty_scope_names", "edge: trailing slash / empty string in variable_scope name")
def B21(t, r):
    vs, gv, c = t.vs, t.gv, t.c
    with vs("s/") as s:
        r.eq("s/", [s.name, s.original_name_scope])
        r.var("w", gv("w", []))
        r.eq("c", c("c"))
    with vs("") as e:
        r.eq("'' at root", [e.name, e.original_name_scope])
        r.var("w", gv("w", []))
    with vs("outer"):
        with vs("") as e:
            r.eq("'' in outer", [e.name, e.original_name_scope])
            r.var("w", gv("w", []))
            r.eq("c", c("c"))


@scenario("B22_get_variable_odd_names", "edge: get_variable name validation in name_scope(full_name) at root")
def B22(t, r):
    vs, gv = t.vs, t.gv
    r.err("w:0", lambda: gv("w:0", []))
    with vs("s"):
        r.err("s/w:0", lambda: gv("w:0", []))
        r.var("a/b", gv("a/b", []))
        r.var("_u", gv("_u", []))
        r.var("''", gv("", [1]))
    r.err("_u at root", lambda: gv("_u", []))


@scenario("B23_get_variable_name_collides_with_existing_op", "edge: Variable op name uniquified by graph, store key is not")
def B23(t, r):
    vs, gv, V, c = t.vs, t.gv, t.V, t.c
    r.eq("c w", c("w"))
    v = r.var("w", gv("w", []))
    with vs(t.get_variable_scope(), reuse=True):
        r.var("w reuse", gv("w", []))
    r.var("V x", V(1., name="x"), value=True)
    r.var("x", gv("x", []))
    r.var("x_1", gv("x_1", []))
    r.eq("v kept", v.name)


@scenario("B24_thread_reenters_captured_scope", "testReenterMainScope (VariableScopeMultithreadedTest)")
def B24(t, r):
    vs, gv = t.vs, t.gv
    graph_ctx = t.graph_context()
    out = []

    def fn(main):
        try:
            with graph_ctx():
                with vs(main):
                    with vs("foo"):
                        out.append(gv("v", []).name)
                with vs("bar"):
                    out.append(gv("v", []).name)
        except Exception as e:  # noqa: BLE001 - recorded below
            out.append("%s: %s" % (type(e).__name__, first_line(e)))
    with vs("main") as main:
        th = threading.Thread(target=fn, args=(main,))
        th.start()
        th.join()
        r.eq("main thread scope after", t.get_variable_scope().name)
    r.eq("thread names", out)


# ======================= C. reuse =======================
@scenario("C01_store_level_reuse", "testNameExists / testGetVar (store level: reuse=None == get-or-create)",
          jax=False, why=WHY_STORE)
def C01(t, r):
    from tensorflow.python.ops import variable_scope as vsm
    store = vsm._get_default_variable_store()
    v = r.var("v", store.get_variable("v", [1]))
    r.var("v again", store.get_variable("v", [1]))
    r.var("w", store.get_variable("w", [1], reuse=False))
    r.err("v reuse=False", lambda: store.get_variable("v", [1], reuse=False))
    r.var("v reuse=True", store.get_variable("v", [1], reuse=True))
    r.err("u reuse=True", lambda: store.get_variable("u", [1], reuse=True))
    r.eq("v kept", v.name)


@scenario("C02_root_scope_reuse_false", "_VariableScopeStore.__init__: root VariableScope(False)")
def C02(t, r):
    r.eq("root reuse", t.get_variable_scope().reuse)
    r.eq("root name", t.get_variable_scope().name)
    r.var("v", t.gv("v", []))
    r.err("v again", lambda: t.gv("v", []))


@scenario("C03_reuse_errors", "testVarScopeGetVar (error part)")
def C03(t, r):
    vs, gv = t.vs, t.gv
    with vs("root"):
        with vs("towerA") as tower_a:
            r.var("va", gv("v", [1]))
        with vs(tower_a, reuse=True):
            r.var("va reuse", gv("v", [1]))
        r.err("towerA again", lambda: in_scope(t, "towerA", lambda: gv("v", [1])))
        r.err("towerA reuse", lambda: in_scope(t, "towerA", lambda: gv("v", [1]), reuse=True))
        r.err("baz does not exist",
              lambda: in_scope(t, tower_a, lambda: in_scope(t, "baz", lambda: gv("v", [1])), reuse=True))
        with vs(tower_a, reuse=True):
            r.err("shape", lambda: gv("v", [2]))
            r.var("shape None", gv("v"))
            r.var("shape [None]", gv("v", [None]))


@scenario("C03_ref_dtype_message", "testVarScopeGetVar (dtype error with ref variables)")
def C03_ref(t, r):
    vs, gv = t.vs, t.gv
    with vs("root"):
        with vs("towerA") as tower_a:
            gv("v", [1])
        with vs(tower_a, reuse=True):
            r.err("dtype", lambda: gv("v", [1], dtype=t.dt("int32")))


@scenario("C03_resource_dtype_message", "testVarScopeGetVar (dtype error part, use_resource=True)")
def C03_res(t, r):
    vs, gv = t.vs, t.gv
    with vs("root", use_resource=True):
        with vs("towerA") as tower_a:
            r.var("va", gv("v", [1]))
        with vs(tower_a, reuse=True):
            r.err("dtype", lambda: gv("v", [1], dtype=t.dt("int32")))
        r.err("already exists", lambda: in_scope(t, "towerA", lambda: gv("v", [1])))


@scenario("C04_reuse_is_sticky_for_string_scopes", "_pure_variable_scope.__enter__: reuse = self._reuse or old.reuse")
def C04(t, r):
    vs = t.vs
    with vs("a", reuse=True) as a:
        r.eq("a", a.reuse)
        with vs("b", reuse=False) as b:
            r.eq("b", b.reuse)
        with vs("c") as cc:
            r.eq("c", cc.reuse)
        with vs("d", reuse=t.AUTO_REUSE) as d:
            r.eq("d", d.reuse)


@scenario("C05_scope_object_reuse", "testVarScopeObjectReuse")
def C05(t, r):
    vs = t.vs
    with vs("jump", reuse=True) as scope:
        vs_ = scope
    with vs(vs_) as jump:
        r.eq("jump", jump.reuse)
    with vs(vs_, reuse=True) as jump_reuse:
        r.eq("jump reuse", jump_reuse.reuse)
    with vs(vs_, reuse=False) as jump_no_reuse:
        r.eq("jump no reuse", jump_no_reuse.reuse)
    with vs("jump", reuse=False) as scope:
        vs_ = scope
    with vs(vs_) as jump:
        r.eq("jump2", jump.reuse)
    with vs(vs_, reuse=True) as jump_reuse:
        r.eq("jump2 reuse", jump_reuse.reuse)
    with vs(vs_, reuse=False) as jump_no_reuse:
        r.eq("jump2 no reuse", jump_no_reuse.reuse)


@scenario("C06_jump_ignores_enclosing_reuse", "_pure_variable_scope.__init__ (VariableScope branch)")
def C06(t, r):
    vs, gv = t.vs, t.gv
    with vs("nojump") as nj:
        pass
    with vs("outer", reuse=True):
        with vs(nj) as j:
            r.eq("reuse", j.reuse)
            r.var("created", gv("created", []))


@scenario("C07_reuse_variables_method", "testGetVariableScope; VariableScope.reuse_variables")
def C07(t, r):
    vs, gv = t.vs, t.gv
    with vs("bar"):
        r.eq("init is None", t.get_variable_scope().initializer is None)
        t.get_variable_scope().set_initializer(t.constant_initializer(0.3))
        r.var("v", gv("v", []), value=True)
        t.get_variable_scope().reuse_variables()
        r.err("w", lambda: gv("w", [1]))
        r.var("v reuse", gv("v", []), value=True)
        with vs("child") as ch:
            r.eq("child reuse", ch.reuse)
    r.eq("root init is None", t.get_variable_scope().initializer is None)
    with vs("bar") as again:
        r.eq("again reuse", again.reuse)


@scenario("C08_auto_reuse", "testVarScopeGetOrCreateReuse")
def C08(t, r):
    vs, gv = t.vs, t.gv
    with vs("s", reuse=t.AUTO_REUSE):
        r.var("a", gv("var", []))
    with vs("s", reuse=t.AUTO_REUSE):
        r.var("a again", gv("var", []))
        r.err("shape", lambda: gv("var", [3]))


@scenario("C09_auto_reuse_inside_reuse_true", "_pure_variable_scope: AUTO_REUSE or True == AUTO_REUSE")
def C09(t, r):
    vs, gv = t.vs, t.gv
    with vs("t", reuse=True):
        with vs("u", reuse=t.AUTO_REUSE) as u:
            r.eq("u reuse", u.reuse)
            r.var("new", gv("new", []))


@scenario("C10_bad_reuse_usage", "testVarOpScopeReuseError; variable_scope.__init__ reuse check")
def C10(t, r):
    vs = t.vs
    r.err("True no name", lambda: vs(None, "default", reuse=True).__enter__())
    r.err("AUTO no name", lambda: vs(None, "default", reuse=t.AUTO_REUSE).__enter__())
    r.err("'yes'", lambda: vs("s", reuse="yes"))
    r.err("1", lambda: vs("s", reuse=1))
    r.eq("scope after", t.get_variable_scope().name)
    with t.ns("after") as s:
        r.eq("name scope after", s)


@scenario("C11_var_op_scope_reuse", "testVarOpScopeReuse / testVarOpScopeReuseParam")
def C11(t, r):
    vs, ns, gv = t.vs, t.ns, t.gv
    with vs("outer") as outer:
        with vs("tower", "default", []):
            r.var("tower w", gv("w", []))
        with vs(None, "default", []):
            r.var("default w", gv("w", []))
    with vs(outer, reuse=True):
        with vs("tower", "default", []):
            r.var("tower w reuse", gv("w", []))
            with ns("scope2") as sc2:
                r.eq("ns", sc2)
        with vs(None, "default", []):
            r.var("default w reuse", gv("w", []))
            with ns("scope2") as sc2:
                r.eq("ns", sc2)
    with vs(outer) as outer:
        with vs("tower", "default", reuse=True):
            r.var("tower w param", gv("w", []))
            with ns("scope2") as sc2:
                r.eq("ns", sc2)
        outer.reuse_variables()
        with vs(None, "default", []):
            r.var("default w param", gv("w", []))
            with ns("scope2") as sc2:
                r.eq("ns", sc2)


@scenario("C12_var_op_scope_outer_scope", "testVarOpScopeOuterScope / testVarOpScopeNestedOuterScope")
def C12(t, r):
    vs, ns, gv = t.vs, t.ns, t.gv
    with vs("outer") as outer:
        pass
    with vs(outer, "default", []):
        r.var("w", gv("w", []))
        with ns("scope2") as sc2:
            r.eq("ns", sc2)
        with vs(None, "default", []):
            r.var("default w", gv("w", []))
    with vs(outer, "default", reuse=True):
        r.var("w reuse", gv("w", []))
        with ns("scope2") as sc2:
            r.eq("ns", sc2)
        outer.reuse_variables()
        with vs(None, "default", []):
            r.var("default w reuse", gv("w", []))
            with ns("scope2") as sc2:
                r.eq("ns", sc2)


@scenario("C13_local_var_naming_and_reuse", "testGetLocalVar")
def C13(t, r):
    vs, GK = t.vs, t.GraphKeys
    with vs("outer") as outer:
        with vs(outer, "default", []):
            lv = r.var("lv", t.get_local_variable("w", [], collections=["foo"]))
    r.eq("in LOCAL", any(x is lv for x in t.get_collection(GK.LOCAL_VARIABLES)))
    r.eq("in foo", any(x is lv for x in t.get_collection("foo")))
    r.eq("in TRAINABLE", any(x is lv for x in t.get_collection(GK.TRAINABLE_VARIABLES)))
    r.eq("trainable attr", lv.trainable)
    with vs(outer, "default", reuse=True):
        r.var("lv reuse", t.get_local_variable("w", []))


# ======================= D. get_variable arguments =======================
@scenario("D01_defaults", "_VariableStore._get_default_initializer; testInitFromNonInitializer")
def D01(t, r):
    vs, gv, GK = t.vs, t.gv, t.GraphKeys
    r.var("v", gv("v", [2]))
    r.var("i", gv("i", [2], dtype=t.dt("int32")), value=True)
    r.names("GLOBAL", GK.GLOBAL_VARIABLES)
    r.names("TRAINABLE", GK.TRAINABLE_VARIABLES)
    r.var("b", gv("b", [], dtype=t.dt("bool")), value=True)
    r.err("cplx", lambda: gv("cplx", [1], dtype=t.dt("complex64")))
    r.var("w", gv("w", shape=[5, 6], dtype=t.dt("float32")))
    with vs(t.get_variable_scope(), reuse=True):
        r.var("v reuse", gv("v", [2]))
        r.var("v reuse float32", gv("v", [2], dtype=t.dt("float32")))
    r.names("GLOBAL end", GK.GLOBAL_VARIABLES)


@scenario("D01_string", "testStringDefaultInitializer", jax=False, why=WHY_STRING)
def D01_string(t, r):
    r.var("s", t.gv("s", [], dtype=t.dt("string")), value=True)


@scenario("D01_ref_dtype", "testGetVariableWithRefDtype", jax=False, why=WHY_REF)
def D01_ref(t, r):
    vs, gv = t.vs, t.gv
    v = r.var("v", gv("v", [2]))
    r.eq("v.dtype", v.dtype.name)
    r.var("w", gv("w", shape=[5, 6], dtype=v.dtype))
    with vs(t.get_variable_scope(), reuse=True):
        r.var("v reuse ref dtype", gv("v", [2], dtype=v.dtype))
        r.err("float64", lambda: gv("v", [2], dtype=t.dt("float64")))


@scenario("D01_resource_dtype_message", "dtype mismatch message with use_resource=True (no _ref suffix)", x64=True)
def D01_res(t, r):
    vs, gv = t.vs, t.gv
    with vs("r", use_resource=True):
        r.var("v", gv("v", [2]))
        with vs(t.get_variable_scope(), reuse=True):
            r.err("float64", lambda: gv("v", [2], dtype=t.dt("float64")))


@scenario("D02_missing_shape", "_VariableStore._get_single_variable (message differs in TF 1.15)")
def D02(t, r):
    r.err("no shape", lambda: t.gv("v"))
    r.err("[None]", lambda: t.gv("x", [None]))


@scenario("D03_tensor_initializer", "testInitializeFromValue")
def D03(t, r):
    vs, gv = t.vs, t.gv
    init = t.const(0.1)
    r.var("v", gv("v", initializer=init), value=True)
    r.err("shape with constant", lambda: gv("u", [1], initializer=init))
    with vs("foo", initializer=init):
        r.var("foo/v", gv("v"), value=True)
    r.var("t", gv("t", initializer=t.const(1, "int32")), value=True)
    r.err("dtype mismatch", lambda: gv("s", initializer=t.const(1, "int32"), dtype=t.dt("float64")))


@scenario("D04_value_and_callable_initializers", "testInitFromNonTensorValue; testGetVariableWithInitializerWhichTakes*",
          x64=True)
def D04(t, r):
    gv = t.gv
    r.var("v4", gv("v4", initializer=4, dtype=t.dt("int32")), value=True)
    r.var("w4", gv("w4", initializer=np.array([1, 2, 3]), dtype=t.dt("int64")), value=True)
    r.err("dict", lambda: gv("x4", initializer={}), msg=False)
    r.var("foo", gv("foo", initializer=lambda: [2.]), value=True)
    r.var("foo2", gv("foo2", initializer=lambda x=True: [2.]), value=True)
    r.err("foo3", lambda: gv("foo3", initializer=lambda x: [2]))


@scenario("D05_initializer_inheritance", "testVarScopeInitializer")
def D05(t, r):
    vs, gv = t.vs, t.gv
    init = t.constant_initializer(0.3)
    with vs("tower0") as tower:
        with vs("foo", initializer=init) as foo:
            r.var("v", gv("v", []), value=True)
            with vs("child") as ch:
                r.eq("child", ch.initializer is init)
                r.var("child v", gv("v", [2]), value=True)
        with vs(tower, initializer=init) as t2:
            r.eq("t2", t2.initializer is init)
        with vs(foo) as foo2:
            r.eq("foo2", foo2.initializer is init)
    r.eq("root", t.get_variable_scope().initializer is None)


@scenario("D06_dtype_inheritance", "testVarScopeDType")
def D06(t, r):
    vs, gv = t.vs, t.gv
    with vs("tower2") as tower:
        with vs("foo", dtype=t.dt("float16")):
            r.var("v", gv("v", []))
            with vs("in"):
                r.var("in v", gv("v", []))
            r.var("x float32", gv("x", [], dtype=t.dt("float32")))
        with vs(tower, dtype=t.dt("float16")):
            r.var("w", gv("w", []))
    r.eq("root dtype", t.dname(t.get_variable_scope().dtype))


@scenario("D07_regularizer", "testVarScopeRegularizer (loss counts)")
def D07(t, r):
    vs, gv, GK = t.vs, t.gv, t.GraphKeys

    def reg1(v):
        return t.const(0.1)

    def reg2(v):
        return t.const(0.2)
    with vs("tower3", regularizer=reg1) as tower:
        with vs("foo"):
            gv("v", [])
            r.eq("n 1", len(t.get_collection(GK.REGULARIZATION_LOSSES)))
        with vs(tower) as sc:
            gv("u", [])
            sc.set_regularizer(reg2)
            gv("w", [])
            gv("x", [], regularizer=t.no_regularizer)
            with vs("baz", regularizer=t.no_regularizer):
                gv("y", [])
            sc.set_regularizer(t.no_regularizer)
            gv("z", [])
            r.eq("n 3", len(t.get_collection(GK.REGULARIZATION_LOSSES)))
        with vs("foo", reuse=True):
            gv("v", [])
            r.eq("n 3 after reuse", len(t.get_collection(GK.REGULARIZATION_LOSSES)))
    r.eq("no_regularizer(x)", t.no_regularizer(None))


@scenario("D07_loss_names", "testVarScopeRegularizer (loss tensor names)", jax=False, why=WHY_OPS)
def D07_names(t, r):
    tf, vs, gv, GK = t.tf, t.vs, t.gv, t.GraphKeys

    def reg1(v):
        return tf.reduce_mean(v) + 0.1
    with vs("tower3", regularizer=reg1):
        with vs("foo"):
            gv("v", [])
    r.eq("loss names", [x.name for x in t.get_collection(GK.REGULARIZATION_LOSSES)])


@scenario("D08_collections_scoped", "testGetCollection")
def D08(t, r):
    vs, gv, GK = t.vs, t.gv, t.GraphKeys
    gv("testGetCollection_a", [])
    gv("testGetCollection_b", [], trainable=False)
    with vs("testGetCollection_foo_") as scope1:
        gv("testGetCollection_a", [])
        gv("testGetCollection_b", [], trainable=False)
        r.eq("scope1 trainable", [v.name for v in scope1.get_collection(GK.TRAINABLE_VARIABLES)])
    with vs("testGetCollection_foo") as scope2:
        gv("testGetCollection_a", [])
        gv("testGetCollection_b", [], trainable=False)
        r.eq("scope2 global", [v.name for v in scope2.global_variables()])
    r.eq("root trainable", [v.name for v in t.get_variable_scope().trainable_variables()])
    r.eq("root global", [v.name for v in t.get_variable_scope().global_variables()])
    r.names("get_collection scope foo", GK.GLOBAL_VARIABLES, "testGetCollection_foo")


@scenario("D09_collections_and_trainable", "get_variable collections/trainable semantics")
def D09(t, r):
    gv, GK = t.gv, t.GraphKeys
    gv("a", [])
    gv("b", [], trainable=False)
    gv("c", [], collections=["foo"])
    gv("d", [], collections=["foo"], trainable=False)
    t.get_local_variable("e", [])
    r.names("GLOBAL", GK.GLOBAL_VARIABLES)
    r.names("TRAINABLE", GK.TRAINABLE_VARIABLES)
    r.names("foo", "foo")
    r.names("LOCAL", GK.LOCAL_VARIABLES)


@scenario("D10_synchronization_trainable_and_local",
          "testGetTrainableVariablesWithGetVariable / testGetLocalVariables / testGetGlobalVariables")
def D10(t, r):
    vs, gv, GK = t.vs, t.gv, t.GraphKeys
    S = t.VariableSynchronization
    gv("a", [], collections=[GK.LOCAL_VARIABLES])
    with vs("foo") as scope:
        gv("b", [])
        gv("c", [], trainable=False)
        r.var("d", gv("d", [], synchronization=S.ON_READ))
        gv("e", [], synchronization=S.ON_READ, trainable=True)
        gv("f", [], synchronization=S.ON_WRITE)
        gv("l", [], collections=[GK.LOCAL_VARIABLES])
        r.eq("trainable", [v.name for v in scope.trainable_variables()])
        r.eq("local", [v.name for v in scope.local_variables()])
        r.eq("global", [v.name for v in scope.global_variables()])


@scenario("D11_custom_getter_call_count", "testNoSideEffectsWithIdentityCustomGetter")
def D11(t, r):
    vs, gv = t.vs, t.gv
    called = [0]

    def custom_getter(getter, *args, **kwargs):
        called[0] += 1
        return getter(*args, **kwargs)
    with vs("scope", custom_getter=custom_getter) as scope:
        r.var("v", gv("v", [1]))
    with vs(scope, reuse=True):
        r.var("v2", gv("v", [1]))
    with vs("new_scope") as new_scope:
        r.var("v3", gv("v3", [1]))
    with vs(new_scope, reuse=True, custom_getter=custom_getter):
        r.var("v4", gv("v3", [1]))
    r.eq("called", called[0])


@scenario("D12_custom_getter_sees_reuse", "testCustomGetterWithReuse (tf.identity replaced by t.c)")
def D12(t, r):
    vs, gv = t.vs, t.gv
    seen = []

    def custom_getter(getter, *args, **kwargs):
        var = getter(*args, **kwargs)
        seen.append(t.reuse_name(kwargs["reuse"]))
        seen.append(t.c("reused" if kwargs["reuse"] else "not_reused"))
        return var
    with vs("scope", custom_getter=custom_getter) as scope:
        r.var("v", gv("v", [1]))
    with vs(scope, reuse=True):
        r.var("v2", gv("v", [1]))
    r.eq("getter saw", seen)


@scenario("D12_custom_getter_kwargs", "_maybe_wrap_custom_getter / VariableScope.get_variable: keywords a getter gets")
def D12_kwargs(t, r):
    vs, gv = t.vs, t.gv
    seen = []

    def g_kwargs(getter, *args, **kwargs):
        seen.append(sorted(kwargs))
        return getter(*args, **kwargs)

    def g_no_constraint(getter, name, shape=None, dtype=None, initializer=None, regularizer=None,
                        reuse=None, trainable=None, collections=None, caching_device=None,
                        partitioner=None, validate_shape=True, use_resource=None,
                        synchronization=None, aggregation=None):
        seen.append("no constraint param")
        return getter(name, shape=shape, dtype=dtype, initializer=initializer, reuse=reuse,
                      trainable=trainable, collections=collections)
    with vs("k", custom_getter=g_kwargs):
        gv("v", [1])
    with vs("n", custom_getter=g_no_constraint):
        r.var("n/v", gv("v", [1]))
    r.eq("seen", seen)


@scenario("D13_getter_creates_two", "testGetterThatCreatesTwoVariablesAndSumsThem (g0 + g1 replaced by t.c('add'))")
def D13(t, r):
    vs, ns, gv, GK = t.vs, t.ns, t.gv, t.GraphKeys

    def custom_getter(getter, name, *args, **kwargs):
        g0 = getter("%s/0" % name, *args, **kwargs)
        g1 = getter("%s/1" % name, *args, **kwargs)
        r.var("g0", g0)
        r.var("g1", g1)
        with ns("custom_getter"):
            return t.c("add")
    with vs("scope", custom_getter=custom_getter):
        v = gv("v", [1, 2, 3])
    r.names("TRAINABLE", GK.TRAINABLE_VARIABLES)
    r.eq("v", v)


def _struct_names(x):
    if isinstance(x, (list, tuple)):
        return [_struct_names(y) for y in x]
    return x.name


@scenario("D14_nested_custom_getters", "testNestedCustomGetters; _maybe_wrap_custom_getter (+/* replaced by tuples)")
def D14(t, r):
    vs, gv, GK = t.vs, t.gv, t.GraphKeys

    def sum_getter(getter, name, *args, **kwargs):
        return (getter("%s/sum_0" % name, *args, **kwargs), getter("%s/sum_1" % name, *args, **kwargs))

    def prod_getter(getter, name, *args, **kwargs):
        return (getter("%s/prod_0" % name, *args, **kwargs), getter("%s/prod_1" % name, *args, **kwargs))
    with vs("prod_scope", custom_getter=prod_getter):
        with vs("sum_scope", custom_getter=sum_getter):
            with vs("inner_sum_scope", custom_getter=sum_getter):
                out = gv("v", [1, 2, 3])
    r.names("TRAINABLE", GK.TRAINABLE_VARIABLES)
    r.eq("structure", _struct_names(out))


@scenario("D15_explicit_getter_overrides_scope_getter", "VariableScope.get_variable: explicit custom_getter replaces")
def D15(t, r):
    vs, gv = t.vs, t.gv
    log = []

    def mk(tag):
        def g(getter, name, *a, **k):
            log.append(tag)
            return getter(name + "/" + tag, *a, **k)
        return g
    with vs("o", custom_getter=mk("outer")):
        with vs("i", custom_getter=mk("inner")):
            r.var("v", gv("v", []))
            r.var("w", gv("w", [], custom_getter=mk("arg")))
    r.eq("log", log)


@scenario("D16_noncallable_getter", "testNonCallableGetterFails")
def D16(t, r):
    gv = t.gv
    r.err("scope getter", lambda: in_scope(t, "scope0", lambda: gv("name0"), custom_getter=3))
    r.err("arg getter", lambda: gv("name0", custom_getter=3))


def _p2(shape=None, **_):
    part = [1] * len(shape)
    part[0] = 2
    return part


def _p3(shape=None, **_):
    part = [1] * len(shape)
    part[0] = 3
    return part


@scenario("D17_partitioned_names", "testResultNameMatchesRequested / testScalarIgnoresPartitioner",
          jax=False, why=WHY_PART)
def D17(t, r):
    vs, gv, GK = t.vs, t.gv, t.GraphKeys
    with vs("scope0", partitioner=_p2):
        v = gv("name0", shape=(3, 1, 1))
        r.eq("name", v.name)
        r.eq("as_tensor", v.as_tensor().name)
        r.names("GLOBAL", GK.GLOBAL_VARIABLES)
        r.eq("part shapes", [p.shape.as_list() for p in v])
        r.var("scalar", gv("s", shape=()))


@scenario("D18_partitioned_reuse",
          "testBreaksIfPartitioningChanges / testAllowsReuseWithoutPartitioner / testPropagatePartitionerOnReopening",
          jax=False, why=WHY_PART)
def D18(t, r):
    vs, gv = t.vs, t.gv
    with vs("scope0", partitioner=_p2) as s:
        v = gv("name0", shape=(3, 1, 1))
        with vs(s) as s1:
            r.eq("partitioner propagated", s1.partitioner is _p2)
    with vs("scope0", partitioner=_p3, reuse=True):
        r.err("partitions changed", lambda: gv("name0", shape=(3, 1, 1)))
    with vs("scope0", reuse=True):
        r.eq("reuse without partitioner", gv("name0") is v)
    r.err("no partitioner", lambda: in_scope(t, "scope0", lambda: gv("name0", (3, 1, 1))))
    gv("plain", [4])
    r.err("unpartitioned found", lambda: gv("plain", [4], partitioner=_p2))
    r.err("unknown shape", lambda: gv("unk", shape=(None, 1), partitioner=_p2))


@scenario("D19_constraint_not_inherited", "testVarScopeConstraint; _pure_variable_scope passes constraint=self._constraint")
def D19(t, r):
    vs, gv = t.vs, t.gv

    def con(x):
        return 0. * x
    with vs("tower1") as tower:
        with vs("foo", constraint=con) as foo:
            r.eq("foo.constraint", foo.constraint is con)
            r.eq("v", gv("v", []).constraint is con)
            with vs("child") as ch:
                r.eq("child.constraint", ch.constraint is None)
                r.eq("child v", gv("v", []).constraint is None)
        with vs(tower, constraint=con):
            r.eq("w", gv("w", []).constraint is con)
    with vs(tower) as tt:
        r.eq("tower", tt.constraint is None)


@scenario("D20_validate_shape", "validate_shape (get_variable doc)", jax=False, why=WHY_PLACEHOLDER)
def D20(t, r):
    tf, tf1, gv = t.tf, t.tf1, t.gv
    ph = tf1.placeholder(tf.float32, shape=None)
    r.eq("rank", gv("dyn", initializer=tf1.zeros_like(ph), validate_shape=False).shape.rank)
    r.err("unknown shape", lambda: gv("dyn2", initializer=tf1.zeros_like(ph)))


@scenario("D21_use_resource", "testResource / use_resource inheritance (naming and messages)")
def D21(t, r):
    vs, gv = t.vs, t.gv
    r.var("a", gv("a", []))
    with vs("s", use_resource=True) as s:
        r.eq("s.use_resource", s.use_resource)
        r.var("b", gv("b", []))
        with vs("in") as i:
            r.eq("in.use_resource", i.use_resource)
            r.var("c", gv("c", []))
        r.var("d", gv("d", [], use_resource=False))
        r.err("b again", lambda: gv("b", []))
    r.eq("root use_resource", t.get_variable_scope().use_resource)


@scenario("D21_isinstance_resource", "testResource (isinstance ResourceVariable)", jax=False, why=WHY_RESOURCE)
def D21_isinstance(t, r):
    from tensorflow.python.ops import resource_variable_ops as rvo
    vs, gv = t.vs, t.gv
    r.eq("a", isinstance(gv("a", []), rvo.ResourceVariable))
    with vs("s", use_resource=True):
        r.eq("b", isinstance(gv("b", []), rvo.ResourceVariable))
        with vs("in"):
            r.eq("c", isinstance(gv("c", []), rvo.ResourceVariable))
        r.eq("d", isinstance(gv("d", [], use_resource=False), rvo.ResourceVariable))


@scenario("D22_caching_device", "testVarScopeCachingDevice (attribute level)")
def D22(t, r):
    vs = t.vs
    with vs("tower"):
        with vs("caching", caching_device="/job:moo") as sc:
            r.eq("sc", sc.caching_device)
            with vs("child") as ch:
                r.eq("child", ch.caching_device)
            with vs("not_cached", caching_device="") as nc:
                r.eq("not_cached", nc.caching_device)
            with vs("live") as live:
                live.set_caching_device("/job:live")
                r.eq("live", live.caching_device)
        r.eq("tower", t.get_variable_scope().caching_device)


@scenario("D23_attribute_inheritance_table", "_pure_variable_scope.__enter__ (what a child copies)")
def D23(t, r):
    vs = t.vs

    def cg(getter, *a, **k):
        return getter(*a, **k)

    def reg(v):
        return None

    def con(x):
        return x
    with vs("p", initializer=t.zeros_initializer(), regularizer=reg, caching_device="/cpu:0",
            partitioner=_p2, custom_getter=cg, dtype=t.dt("float16"), use_resource=True,
            constraint=con) as p:
        with vs("child") as ch:
            for a in ["initializer", "regularizer", "caching_device", "partitioner",
                      "custom_getter", "dtype", "use_resource"]:
                r.eq(a, bool(getattr(ch, a) == getattr(p, a)))
            r.eq("constraint", ch.constraint is None)
            r.eq("reuse", ch.reuse)
            r.eq("dtype", t.dname(ch.dtype))


# ======================= E. make_template =======================
def _scoped(t):
    return t.gv("dummy", shape=[1], initializer=t.zeros_initializer())


def _internally_scoped(scope_name, t):
    with t.vs(scope_name):
        return t.gv("dummy", shape=[1], initializer=t.zeros_initializer())


@scenario("E01_template_with_name", "test_template_with_name (" + TPL + ")")
def E01(t, r):
    t1 = t.make_template("s1", _scoped, t=t)
    t2 = t.make_template("s1", _scoped, t=t)
    r.var("v1", t1(), value=True)
    r.var("v2", t1(), value=True)
    r.var("v3", t2(), value=True)


@scenario("E02_template_in_scope", "test_template_in_scope (" + TPL + ")")
def E02(t, r):
    vs = t.vs
    t1 = t.make_template("s1", _scoped, t=t)
    t2 = t.make_template("s1", _scoped, t=t)
    with vs("scope"):
        r.var("v1", t1())
        r.var("v3", t2())
    with vs("scope2"):
        r.var("v2", t1())


@scenario("E03_template_internal_scope", "test_template_with_internal_reuse (" + TPL + ")")
def E03(t, r):
    t1 = t.make_template("s1", _internally_scoped, t=t)
    t2 = t.make_template("s1", _internally_scoped, t=t)
    r.var("v1", t1("test"))
    r.var("v2", t1("test"))
    r.var("v3", t2("test"))
    r.err("not_test", lambda: t1("not_test"))


@scenario("E04_create_scope_now", "test_immediate_scope_creation / test_scope_access (" + TPL + ")")
def E04(t, r):
    vs = t.vs
    with vs("ctor_scope"):
        imm = t.make_template("a", _scoped, True, t=t)
        defer = t.make_template("b", _scoped, False, t=t)
        imm2 = t.make_template("a", _scoped, True, t=t)
    r.eq("imm scope", imm.variable_scope.name)
    r.eq("imm2 scope", imm2.variable_scope.name)
    r.eq("defer scope is None", defer.variable_scope is None)
    with vs("call_scope"):
        r.var("imm()", imm())
        r.var("defer()", defer())
    r.var("imm() again", imm())
    r.var("defer() again", defer())
    r.eq("defer scope", defer.variable_scope.name)


@scenario("E05_unique_name_", "test_same_unique_name_raise_error / test_unique_name_and_reuse (" + TPL + ")")
def E05(t, r):
    t1 = t.make_template("_", _scoped, unique_name_="s1", t=t)
    r.var("v1", t1())
    r.var("v1 again", t1())
    t2 = t.make_template("_", _scoped, unique_name_="s1", t=t)
    r.err("t2", lambda: t2())
    r.err("None name", lambda: t.make_template(None, _scoped, t=t))
    with t.vs(t.get_variable_scope(), reuse=True):
        t3 = t.make_template("_", _scoped, unique_name_="s1", t=t)
        r.err("t3 under reuse", lambda: t3())


@scenario("E06_no_new_trainables_after_first_call",
          "test_enforces_no_extra_trainable_variables / test_permits_extra_non_trainable_variables (" + TPL + ")")
def E06(t, r):
    def f(trainable):
        t.V(0., trainable=trainable)
        return _scoped(t)
    tt = t.make_template("s", f, trainable=True)
    r.var("first", tt())
    r.err("second", lambda: tt(), msg="tf.get_variable: ")
    u = t.make_template("u", f, trainable=False)
    r.var("u()", u())
    r.var("u() again", u())


@scenario("E06_message_repr", "test_enforces_no_extra_trainable_variables (full first line)")
def E06_repr(t, r):
    def f(trainable):
        t.V(0., trainable=trainable)
        return _scoped(t)
    tt = t.make_template("s", f, trainable=True)
    tt()
    r.err("second", lambda: tt())


@scenario("E07_template_name_scopes", "test_name_scopes_for_variable_scopes (matmul + 1.0 replaced by t.c('add'))")
def E07(t, r):
    gv = t.gv

    def lin():
        w = gv("w", shape=[4, 2], initializer=t.zeros_initializer())
        return t.c("add"), w
    l1 = t.make_template("foo", lin, create_scope_now_=True)
    a, w1 = l1()
    b, _ = l1()
    r.eq("l1 scope", l1.variable_scope.name)
    r.var("w1", w1, value=True)
    r.eq("a", a)
    r.eq("b", b)
    l2 = t.make_template("foo", lin, create_scope_now_=True)
    cc, w2 = l2()
    d, _ = l2()
    r.eq("l2 scope", l2.variable_scope.name)
    r.var("w2", w2, value=True)
    r.eq("cc", cc)
    r.eq("d", d)


@scenario("E08_nested_templates", "test_nested_templates (" + TPL + ")")
def E08(t, r):
    def nested():
        n1 = t.make_template("nested", _scoped, t=t)
        n2 = t.make_template("nested", _scoped, t=t)
        n1()
        return n2()
    t1 = t.make_template("s1", nested)
    t2 = t.make_template("s1", nested)
    r.var("v1", t1())
    r.var("v2", t1())
    r.var("v3", t2())
    r.names("GLOBAL", t.GraphKeys.GLOBAL_VARIABLES)


@scenario("E09_template_custom_getter", "test_custom_getter (template) (" + TPL + ")")
def E09(t, r):
    n = [0]

    def cg(getter, name, *a, **k):
        n[0] += 1
        return getter(name, *a, **k)
    tt = t.make_template("s1", _scoped, custom_getter_=cg, t=t)
    r.eq("before", n[0])
    r.var("1", tt())
    r.eq("after 1", n[0])
    r.var("2", tt())
    r.eq("after 2", n[0])


# ======================= the classic walkthrough (docs/walkthrough.md) =======================
@scenario("WALKTHROUGH", "docs/walkthrough.md: the classic TF1 walkthrough, all cases in one graph")
def WALKTHROUGH(t, r):
    vs, ns, gv, V = t.vs, t.ns, t.gv, t.V
    # case 1
    with ns('s1'):
        with ns('s2'):
            w1 = V([1, 2, 3], name='w')
            bias1 = V([0.1], name='biases')
    r.var("case1 w1", w1, value=True)
    r.var("case1 bias1", bias1, value=True)
    # case 2
    with ns('s1') as scope_1:
        r.eq("scope_1", scope_1)
        w2 = V([1, 2, 3], name='w')
        bias2 = V([0.1], name='biases')
        with ns('s2'):
            w3 = V([1, 2, 3], name='w')
            bias3 = V([0.1], name='biases')
    with ns(scope_1):
        w4 = V([1, 2, 3], name='w')
        bias4 = V([0.1], name='biases')
    for lab, v in [("w2", w2), ("bias2", bias2), ("w3", w3), ("bias3", bias3), ("w4", w4), ("bias4", bias4)]:
        r.var("case2 " + lab, v, value=True)
    # variable_scope + get_variable
    with vs('s1'):
        with vs('s2'):
            w1 = gv('w', [2, 2])
            bias1 = gv('biases', [2, 2])
    r.var("gv w1", w1)
    r.var("gv bias1", bias1)
    # AUTO_REUSE
    with vs('s1', reuse=t.AUTO_REUSE):
        with vs('s2'):
            w2 = gv('w', [2, 2])
            bias2 = gv('biases', [2, 2])
    r.var("auto w2", w2)
    r.var("auto bias2", bias2)
    r.eq("w2 is w1", w2 is w1)

    # reuse=True: must exist
    def case_reuse_true():
        with vs('s1', reuse=True):
            with vs('s2'):
                gv('x', [2, 2])
    r.err("reuse=True x", case_reuse_true)

    def case_reuse_false():
        with vs('s1', reuse=False):
            with vs('s2'):
                gv('w', [2, 2])
    r.err("reuse=False w", case_reuse_false)

    def case_shape():
        with vs('s1', reuse=True):
            gv('s2/w', [3, 2])
    r.err("shape", case_shape)
    r.names("GLOBAL", t.GraphKeys.GLOBAL_VARIABLES)
