"""Stand-in found first on PYTHONPATH in a student's single-user server (set by jupyterhub_config.py).

jupyter_server -> jupyter_events -> jsonschema imports ``rfc3987_syntax`` if it is installed, and that package builds
a Lark grammar at import time: about 1.5 s of CPU and 16 MB of memory in every student's server, multiplied by the
class size while a whole class starts at once. jsonschema treats a failed import as "not installed" and only skips
checking the ``iri``/``iri-reference`` string formats, which nothing in a student's server uses.
"""
raise ImportError("rfc3987_syntax is switched off in the class's single-user servers (see deploy/jupyterhub)")
