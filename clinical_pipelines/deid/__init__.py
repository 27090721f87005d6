"""De-identification domain logic (no Dagster imports).

Public entry points: :mod:`.policy`, :mod:`.pseudonym`, :mod:`.structured`, :mod:`.text`, :mod:`.risk`,
:mod:`.scan`, :mod:`.linkage`, :mod:`.pipeline`, :mod:`.report`, :mod:`.cli`.
"""
