"""``arrax.scipy.cluster`` (``jax.scipy.cluster``): vector quantization (``vq``)."""

from arrax.scipy.cluster import vq  # noqa: F401
