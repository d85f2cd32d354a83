"""TF1 initializers: the hashable base class, deterministic and random initializers, and
``make`` (one compiled initializer per signature: the one place initial values are made)."""
from varscope_jax._src.initializers.deterministic import *  # noqa: F401,F403
from varscope_jax._src.initializers.deterministic import (  # noqa: F401
    Constant, Ones, Zeros, constant_initializer, default_initializer, ones_initializer,
    zeros_initializer)
from varscope_jax._src.initializers.base import Initializer, compute_fans, is_initializer  # noqa: F401
from varscope_jax._src.initializers.random import (  # noqa: F401
    GlorotNormal, GlorotUniform, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal,
    VarianceScaling, glorot_normal_initializer, glorot_uniform_initializer,
    orthogonal_initializer, random_normal_initializer, random_uniform_initializer,
    truncated_normal_initializer, variance_scaling_initializer)
