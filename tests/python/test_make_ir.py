"""arrax.make_ir: tracing arrax.numpy code into the IR, the first piece of issue #3."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")


def _check_eval_matches_eager(f, *args):
    ir = arrax.make_ir(f)(*args)
    ir.verify()
    got = ir.eval(*args)
    want = f(*args)
    want = list(want) if isinstance(want, tuple) else [want]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-6)
    return ir


FUNCTIONS = [
    (lambda x: anp.sin(x) * 2.0 + 1, (np.linspace(-1, 1, 6).reshape(2, 3),)),
    (
        lambda x, y: (x @ y, anp.sum(x, axis=1)),
        (np.ones((2, 3), np.float32), np.ones((3, 4), np.float32)),
    ),
    (
        lambda x: (anp.mean(x), anp.var(x, axis=0), anp.max(x, axis=1), anp.argmax(x)),
        (np.arange(6.0).reshape(2, 3),),
    ),
    (lambda x: x.T[::-1, None].reshape(-1), (np.arange(6.0).reshape(2, 3),)),
    (lambda x: anp.where(x > 2, x, -x).astype(np.int32), (np.arange(6.0),)),
    (lambda x: anp.concatenate([x, x * 2]).cumsum(), (np.arange(4, dtype=np.int8),)),
    (lambda x: anp.clip(x, 1, 3) ** 2, (np.arange(5),)),
]


@pytest.mark.parametrize("f,args", FUNCTIONS)
def test_eval_of_traced_graph_matches_eager(f, args):
    _check_eval_matches_eager(f, *[anp.asarray(a) for a in args])


def test_text_form_lists_primitives_and_types():
    ir = arrax.make_ir(lambda x: anp.exp(-x * x))(anp.ones((2, 3), dtype=np.float32))
    text = str(ir)
    assert text.startswith("{ lambda ") and text.endswith(") }")
    assert "a:f32[2,3]" in text
    for prim in ("neg", "mul", "exp"):
        assert f" = {prim} " in text
    assert ir.primitives == ["neg", "mul", "exp"]


def test_captured_arrays_become_constants():
    c = anp.arange(3.0)
    ir = arrax.make_ir(lambda x: x + c)(anp.ones(3))
    assert ir.num_consts == 1
    np.testing.assert_allclose(np.asarray(ir.eval(anp.ones(3))[0]), [1.0, 2.0, 3.0])


def test_pytree_arguments_and_static_argnums():
    def f(params, x, n):
        return [params["w"] * x + params["b"]] * n

    ir = arrax.make_ir(f, static_argnums=2)({"w": anp.ones(2), "b": anp.zeros(2)}, anp.ones(2), 3)
    assert len(ir.eval(anp.zeros(2), anp.ones(2), anp.ones(2))) == 3


def test_traced_arrays_print_as_traced():
    seen = []
    arrax.make_ir(lambda x: (seen.append(repr(x)), x)[1])(anp.ones(2, dtype=anp.float32))
    assert seen == ["Traced<float32(2,)>"]


def test_concrete_value_needed_raises_clearly():
    with pytest.raises(TypeError, match="traced"):
        arrax.make_ir(lambda x: x if x.sum() > 0 else -x)(anp.ones(2))
    with pytest.raises(TypeError, match="traced"):
        arrax.make_ir(lambda x: float(x[0]))(anp.ones(2))


def test_leaked_tracer_raises():
    leaked = []
    arrax.make_ir(lambda x: leaked.append(x) or x)(anp.ones(2))
    with pytest.raises(arrax.errors.UnexpectedTracerError, match="leaked"):
        leaked[0] + 1


def test_in_place_update_of_traced_array_is_functionalized_not_dropped():
    def f(x):
        x[0] = 5.0
        return x

    ir = arrax.make_ir(f)(anp.ones(3))
    assert "dynamic_update_slice" in ir.primitives
    np.testing.assert_allclose(np.asarray(ir.eval(anp.ones(3))[0]), [5.0, 1.0, 1.0])
