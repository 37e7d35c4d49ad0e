"""numpy's BLAS on one thread, set before numpy loads (stdlib only: `astracrm` imports it first).

natasha's NER multiplies small matrices; on a busy two-core machine BLAS's thread pool made a
snippet take 30-60 ms instead of 2 ms. The product uses numpy for nothing else (fpdf2 imports
it when installed, for PNG decoding).
"""

from __future__ import annotations

import os
import sys

__all__ = ["single_threaded_blas"]

_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def single_threaded_blas() -> bool:
    """One BLAS thread unless set otherwise; False when numpy is already loaded (too late)."""
    for name in _BLAS_THREADS:
        os.environ.setdefault(name, "1")
    return "numpy" not in sys.modules
