"""``arrax.example_libraries.stax`` (``jax.example_libraries.stax``): neural-network layers as
pairs of pure functions.

A layer is ``(init_fun, apply_fun)``: ``init_fun(rng, input_shape)`` returns
``(output_shape, params)`` and ``apply_fun(params, inputs, **kwargs)`` the outputs. Shapes may
hold -1 for a batch size not known at init. ``serial`` and ``parallel`` combine layers; layers
that need randomness (Dropout) take ``rng=`` in apply_fun."""

import functools
import operator

import arrax
import arrax.numpy as jnp
from arrax import lax, random
from arrax.nn import (
    elu,
    gelu,
    leaky_relu,
    log_softmax,
    relu,
    selu,
    sigmoid,
    softmax,
    softplus,
    standardize,
)
from arrax.nn.initializers import glorot_normal, normal, ones, zeros

logsoftmax = log_softmax
glorot = glorot_normal
randn = normal

__all__ = [
    "Dense", "GeneralConv", "Conv", "GeneralConvTranspose", "ConvTranspose", "Conv1DTranspose",
    "BatchNorm", "elementwise", "Tanh", "Relu", "Exp", "LogSoftmax", "Softmax", "Softplus",
    "Sigmoid", "Elu", "LeakyRelu", "Selu", "Gelu", "MaxPool", "SumPool", "AvgPool", "Flatten",
    "Identity", "FanOut", "FanInSum", "FanInConcat", "Dropout", "serial", "parallel",
    "shape_dependent",
]  # fmt: skip


def _shape_of(fun, input_shape, *arg_shapes, dtype=jnp.float32):
    """The output shape of fun applied to an input of input_shape (a -1 batch size stays -1),
    found by tracing it abstractly."""
    batch_unknown = input_shape[0] == -1
    concrete = (1,) + tuple(input_shape[1:]) if batch_unknown else tuple(input_shape)
    structs = [arrax.ShapeDtypeStruct(tuple(s), dtype) for s in (concrete,) + arg_shapes]
    out = arrax.eval_shape(fun, *structs).shape
    return (-1,) + tuple(out[1:]) if batch_unknown else tuple(out)


def Dense(out_dim, W_init=glorot_normal(), b_init=normal()):
    """A fully connected layer: ``inputs @ W + b``."""

    def init_fun(rng, input_shape):
        output_shape = tuple(input_shape[:-1]) + (out_dim,)
        k1, k2 = random.split(rng)
        return output_shape, (W_init(k1, (input_shape[-1], out_dim)), b_init(k2, (out_dim,)))

    def apply_fun(params, inputs, **kwargs):
        W, b = params
        return jnp.dot(inputs, W) + b

    return init_fun, apply_fun


def _kernel_shape(rhs_spec, lhs_spec, input_shape, out_chan, filter_shape):
    spatial = iter(filter_shape)
    return tuple(
        out_chan if c == "O" else input_shape[lhs_spec.index("C")] if c == "I" else next(spatial)
        for c in rhs_spec
    )


def _conv_layer(conv, dimension_numbers, out_chan, filter_shape, strides, padding, W_init, b_init):
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    one = (1,) * len(filter_shape)
    strides = tuple(strides) if strides else one
    W_init = W_init or glorot_normal(rhs_spec.index("I"), rhs_spec.index("O"))

    def apply(inputs, W):
        # the inputs and kernel in one dtype, as jnp.dot's promotion gives Dense (a float64
        # batch with the float32 kernel the initializers draw; lax's convolutions take one)
        dt = jnp.result_type(inputs, W)
        return conv(jnp.asarray(inputs, dt), jnp.asarray(W, dt), strides, padding,
                    dimension_numbers)  # fmt: skip

    def init_fun(rng, input_shape):
        kernel_shape = _kernel_shape(rhs_spec, lhs_spec, input_shape, out_chan, filter_shape)
        output_shape = _shape_of(apply, input_shape, kernel_shape)
        bias_shape = tuple(out_chan if c == "C" else 1 for c in out_spec)
        k1, k2 = random.split(rng)
        return output_shape, (W_init(k1, kernel_shape), b_init(k2, bias_shape))

    def apply_fun(params, inputs, **kwargs):
        W, b = params
        return apply(inputs, W) + b

    return init_fun, apply_fun


def _conv(inputs, W, strides, padding, dimension_numbers):
    one = (1,) * len(strides)
    return lax.conv_general_dilated(
        inputs, W, strides, padding, one, one, dimension_numbers=dimension_numbers
    )


def _conv_transpose(inputs, W, strides, padding, dimension_numbers):
    return lax.conv_transpose(inputs, W, strides, padding, dimension_numbers=dimension_numbers)


def _general_conv(conv, name, what):
    def layer(dimension_numbers, out_chan, filter_shape, strides=None, padding="VALID",
              W_init=None, b_init=normal(1e-6)):  # fmt: skip
        return _conv_layer(conv, dimension_numbers, out_chan, filter_shape, strides, padding,
                           W_init, b_init)  # fmt: skip

    layer.__name__ = layer.__qualname__ = name
    layer.__doc__ = f"{what} with the layouts of ``dimension_numbers`` (lhs, rhs, out specs)."
    return layer


GeneralConv = _general_conv(_conv, "GeneralConv", "A convolution")
GeneralConvTranspose = _general_conv(_conv_transpose, "GeneralConvTranspose",
                                     "A transposed convolution")  # fmt: skip
Conv = functools.partial(GeneralConv, ("NHWC", "HWIO", "NHWC"))
ConvTranspose = functools.partial(GeneralConvTranspose, ("NHWC", "HWIO", "NHWC"))
Conv1DTranspose = functools.partial(GeneralConvTranspose, ("NHC", "HIO", "NHC"))


def BatchNorm(
    axis=(0, 1, 2), epsilon=1e-5, center=True, scale=True, beta_init=zeros, gamma_init=ones
):
    """Normalizes over ``axis`` with the batch's own statistics, then scales by gamma and
    shifts by beta (learned, one per remaining position)."""
    axis = (axis,) if jnp.isscalar(axis) else tuple(axis)

    def init_fun(rng, input_shape):
        shape = tuple(d for i, d in enumerate(input_shape) if i not in axis)
        k1, k2 = random.split(rng)
        beta = beta_init(k1, shape) if center else ()
        gamma = gamma_init(k2, shape) if scale else ()
        return input_shape, (beta, gamma)

    def apply_fun(params, x, **kwargs):
        beta, gamma = params
        expand = tuple(None if i in axis else slice(None) for i in range(jnp.ndim(x)))
        z = standardize(x, axis, epsilon=epsilon)
        if scale:
            z = gamma[expand] * z
        if center:
            z = z + beta[expand]
        return z

    return init_fun, apply_fun


def elementwise(fun, **fun_kwargs):
    """A layer applying ``fun(inputs, **fun_kwargs)``; no parameters."""

    def init_fun(rng, input_shape):
        return input_shape, ()

    def apply_fun(params, inputs, **kwargs):
        return fun(inputs, **fun_kwargs)

    return init_fun, apply_fun


Tanh = elementwise(jnp.tanh)
Relu = elementwise(relu)
Exp = elementwise(jnp.exp)
LogSoftmax = elementwise(log_softmax, axis=-1)
Softmax = elementwise(softmax, axis=-1)
Softplus = elementwise(softplus)
Sigmoid = elementwise(sigmoid)
Elu = elementwise(elu)
LeakyRelu = elementwise(leaky_relu)
Selu = elementwise(selu)
Gelu = elementwise(gelu)


def _window_with_non_spatial(window_shape, strides, spec, ndim):
    """Window dims and strides for every axis: 1 on the batch and channel axes (the first and
    last without a spec, else where spec puts N and C)."""
    non_spatial = (0, ndim - 1) if spec is None else (spec.index("N"), spec.index("C"))
    dims, steps = list(window_shape), list(strides)
    for i in sorted(non_spatial):
        dims.insert(i, 1)
        steps.insert(i, 1)
    return tuple(dims), tuple(steps), non_spatial


def _pooling_layer(reducer, init_val, normalize=False):
    def PoolingLayer(window_shape, strides=None, padding="VALID", spec=None):
        window_shape = tuple(window_shape)
        strides = tuple(strides) if strides else (1,) * len(window_shape)
        ndim = len(window_shape) + 2
        dims, steps, non_spatial = _window_with_non_spatial(window_shape, strides, spec, ndim)

        def pool(inputs):
            return lax.reduce_window(inputs, init_val, reducer, dims, steps, padding)

        def init_fun(rng, input_shape):
            return _shape_of(pool, input_shape), ()

        def apply_fun(params, inputs, **kwargs):
            out = pool(inputs)
            if not normalize:
                return out
            # Average pooling divides by the number of input entries each window covered
            # (fewer at padded borders).
            spatial = tuple(n for i, n in enumerate(inputs.shape) if i not in non_spatial)
            counts = lax.reduce_window(
                jnp.ones(spatial, inputs.dtype), 0.0, lax.add, window_shape, strides, padding
            )
            for i in sorted(non_spatial):
                counts = jnp.expand_dims(counts, i)
            return out / counts

        return init_fun, apply_fun

    return PoolingLayer


MaxPool = _pooling_layer(lax.max, -jnp.inf)
SumPool = _pooling_layer(lax.add, 0.0)
AvgPool = _pooling_layer(lax.add, 0.0, normalize=True)


def _flatten_init(rng, input_shape):
    return (input_shape[0], functools.reduce(operator.mul, input_shape[1:], 1)), ()


def _flatten_apply(params, inputs, **kwargs):
    return jnp.reshape(inputs, (inputs.shape[0], -1))


Flatten = (_flatten_init, _flatten_apply)
Identity = (lambda rng, input_shape: (input_shape, ()), lambda params, inputs, **kw: inputs)


def FanOut(num):
    """A layer giving num copies of its input (for ``parallel``)."""
    return (lambda rng, input_shape: ([input_shape] * num, ()),
            lambda params, inputs, **kwargs: [inputs] * num)  # fmt: skip


FanInSum = (lambda rng, input_shape: (input_shape[0], ()),
            lambda params, inputs, **kwargs: sum(inputs))  # fmt: skip


def FanInConcat(axis=-1):
    """A layer concatenating a list of inputs along axis."""

    def init_fun(rng, input_shape):
        ax = axis % len(input_shape[0])
        size = sum(shape[ax] for shape in input_shape)
        first = tuple(input_shape[0])
        return first[:ax] + (size,) + first[ax + 1 :], ()

    def apply_fun(params, inputs, **kwargs):
        return jnp.concatenate(inputs, axis)

    return init_fun, apply_fun


def Dropout(rate, mode="train"):
    """Dropout in training mode: keeps each input with probability ``rate`` (note: the keep
    rate, as in JAX's stax) and scales kept ones by 1/rate; the identity in any other mode.
    apply_fun needs ``rng=``."""

    def init_fun(rng, input_shape):
        return input_shape, ()

    def apply_fun(params, inputs, **kwargs):
        rng = kwargs.get("rng", None)
        if rng is None:
            raise ValueError(
                "Dropout: apply_fun needs a PRNG key; call it as apply_fun(params, inputs, "
                "rng=key) with a key from arrax.random.PRNGKey"
            )
        if mode != "train":
            return inputs
        keep = random.bernoulli(rng, rate, inputs.shape)
        return jnp.where(keep, inputs / rate, 0)

    return init_fun, apply_fun


def serial(*layers):
    """Layers applied one after another; params is the list of the layers' params."""
    init_funs, apply_funs = zip(*layers) if layers else ((), ())

    def init_fun(rng, input_shape):
        params = []
        for init in init_funs:
            rng, layer_rng = random.split(rng)
            input_shape, param = init(layer_rng, input_shape)
            params.append(param)
        return input_shape, params

    def apply_fun(params, inputs, **kwargs):
        rng = kwargs.pop("rng", None)
        rngs = random.split(rng, len(layers)) if rng is not None else (None,) * len(layers)
        for apply, param, layer_rng in zip(apply_funs, params, rngs):
            inputs = apply(param, inputs, rng=layer_rng, **kwargs)
        return inputs

    return init_fun, apply_fun


def parallel(*layers):
    """Layers applied to the matching members of a sequence of inputs (often after FanOut)."""
    init_funs, apply_funs = zip(*layers) if layers else ((), ())

    def init_fun(rng, input_shape):
        rngs = random.split(rng, len(layers))
        results = [init(r, s) for init, r, s in zip(init_funs, rngs, input_shape)]
        return tuple(r[0] for r in results), tuple(r[1] for r in results)

    def apply_fun(params, inputs, **kwargs):
        rng = kwargs.pop("rng", None)
        rngs = random.split(rng, len(layers)) if rng is not None else (None,) * len(layers)
        return [f(p, x, rng=r, **kwargs) for f, p, x, r in zip(apply_funs, params, inputs, rngs)]

    return init_fun, apply_fun


def shape_dependent(make_layer):
    """A layer that make_layer(input_shape) builds once the input's shape is known."""

    def init_fun(rng, input_shape):
        return make_layer(input_shape)[0](rng, input_shape)

    def apply_fun(params, inputs, **kwargs):
        return make_layer(inputs.shape)[1](params, inputs, **kwargs)

    return init_fun, apply_fun
