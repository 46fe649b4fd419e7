"""Numbers from distribution specs: streams, inverse CDFs, copula, sampling, input tables.

Knows nothing of labs or money. Sample *i* of an input is a pure function of
``(seed, input name, i)``, whatever the chunking or the other inputs.
"""

from labecon.uncertain.copula import (
    correlate_uniforms,
    correlation_factor,
    rank_to_normal_correlation,
)
from labecon.uncertain.sampling import sample_inputs, stream_name
from labecon.uncertain.streams import uniforms
from labecon.uncertain.table import read_input_table
from labecon.uncertain.transforms import ppf

__all__ = [
    "correlate_uniforms",
    "correlation_factor",
    "ppf",
    "rank_to_normal_correlation",
    "read_input_table",
    "sample_inputs",
    "stream_name",
    "uniforms",
]
